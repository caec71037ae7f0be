// Operating at 1,000 users: the hub's spawn limits, timeouts, failure limit, the proxy's keep-alive, the
// scheduler choice, and the hub's and proxy's CPU and memory, each sized for the rush and cited.

// rush tuning: the spawn limit, start timeout and hub/proxy resources moved to infra/plan/rush/hub.ts,
// which sizes them from the timetable's simulated rush; buildChartValues reads them from `plan.hubTuning`.

/**
 * Spawn failures in a row after which the hub exits, `hub.consecutiveFailureLimit` (JupyterHub's
 * Spawner.consecutive_failure_limit, where 0 means no limit; the chart's default is 5). JupyterHub 5.5.0
 * counts every failed spawn and resets on any success (handlers/base.py, `_track_failure_count`). At 1,000
 * users a restart does more harm than the failures:
 * - In the rush, spawns fail together for reasons a restart cannot fix: a scale-up slower than the start
 *   timeout, a quota, a zone out of machines. With up to `concurrentSpawnLimit` spawns in flight (120 for the
 *   event stack), five failures in a row come easily; the restart then abandons every spawn in flight and
 *   takes the hub away from every user while it comes back.
 * - In a quiet hour, one untrusted user whose server fails at start (say, after filling their home disk)
 *   can click "start" five times while no one else starts one, and restart the hub for everyone.
 * - The failure a restart does cure, KubeSpawner losing its Kubernetes watches, already halts the hub by
 *   itself (kubespawner 7.0.0 spawner.py, `on_reflector_failure`: "Reflector ... failed, halting Hub.").
 * So no limit: a failed spawn is reported to its user and logged, and never restarts the hub.
 */
export const consecutiveSpawnFailureLimit = 0;

/**
 * Google's global external Application Load Balancer (the Gateway's gke-l7-global-external-managed class)
 * keeps idle connections to a backend for a fixed 600 s and reuses them; a backend that closes one sooner
 * races the load balancer's next request on it, which the user sees as a 502. Google's docs: "you must
 * configure your backend software so that its HTTP keepalive (TCP idle) timeout value is greater than 600
 * seconds" (cloud.google.com/load-balancing/docs/https, "Backend HTTP keepalive timeout"; the 610 s there is
 * the other side, browsers to Google's front ends). The backend here is CHP, which closes idle connections
 * after 5 s unless given `--keep-alive-timeout` in milliseconds (configurable-http-proxy 5.2.0, the chart's
 * image: bin/configurable-http-proxy and lib/configproxy.js, `keepAliveTimeout || 5000`; the flag is new in
 * 4.6.0, CHANGELOG.md). The chart appends `proxy.chp.extraCommandLineFlags` to CHP's command line
 * (templates/proxy/deployment.yaml).
 */
export const loadBalancerBackendKeepAliveSeconds = 600;
/** Twenty seconds above the load balancer's, so the load balancer is always the side that closes. */
export const proxyKeepAliveTimeoutMs = (loadBalancerBackendKeepAliveSeconds + 20) * 1000;
export const proxyKeepAliveFlag = `--keep-alive-timeout=${proxyKeepAliveTimeoutMs}`;

/**
 * The chart's user-scheduler stays off. It runs its own kube-scheduler, v1.30.14 in Z2JH 4.4.0 (values.yaml,
 * scheduling.userScheduler.image), and Kubernetes supports a kube-scheduler at most one minor version older
 * than its API server (kubernetes.io/releases/version-skew-policy); GKE's channels serve 1.34 to 1.37 (GKE
 * release notes, "Current versions"). A newer image tag does not fix it on this chart: Z2JH copies
 * kube-scheduler's RBAC rules per minor version (templates/scheduling/user-scheduler/rbac.yaml), and its own
 * move to 1.35 (commit 80bb6e47, after 4.4.0) added rules for leases, leasecandidates, volumeattachments and
 * the resource.k8s.io objects. Without them kube-scheduler waits for informers that never sync and schedules
 * nothing (values.yaml: "Typical failures ..."), and with the user-scheduler on, every user pod and
 * placeholder names it as its scheduler (files/hub/jupyterhub_config.py, KubeSpawner.scheduler_name;
 * templates/scheduling/user-placeholder/statefulset.yaml): no server would start. GKE's own scheduler always
 * matches its control plane.
 *
 * What is lost is packing: the user-scheduler scores nodes MostAllocated (values.yaml pluginConfig), the
 * default scheduler LeastAllocated (kubernetes.io/docs/reference/scheduling/config), so users spread over
 * the user nodes. The peak node count does not change (it follows the requests), but user pods have no
 * controller, which the cluster autoscaler never evicts (cluster-autoscaler FAQ, "What types of pods can
 * prevent CA from removing a node?"), so after the peak a node is freed only when culling or its users have
 * stopped every server on it, and more nodes stay up through the evening than with packing.
 */
export const userSchedulerEnabled = false;
