// Operating at 1,000 users: the hub's spawn limits, timeouts, failure limit, the proxy's keep-alive, the
// scheduler choice, and the hub's and proxy's CPU and memory, each sized for the rush and cited.
import { CapacityConfig } from "../../config/types";
import { ResourceRequirements } from "./types";

/** Seconds a spawn takes when placeholders keep warm room and the image is pre-pulled: home disk create
 *  and attach plus server start-up. Our estimate, not a published figure: measure it in the dev stack. */
export const warmSpawnSeconds = 60;
/** Arrivals within the busiest minute bunch up; allow twice the average number in flight. */
export const spawnBurstFactor = 2;
/** Below this a small stack would turn away a handful of simultaneous logins. */
export const minConcurrentSpawns = 10;
/** Above this the single hub process and the Kubernetes API are better served by 429s with Retry-After
 *  than by piling up spawns that time out (JupyterHub's default is 100, Z2JH's 64). */
export const maxConcurrentSpawns = 200;

/**
 * Spawns in flight at the busiest moment, by Little's law: arrivals per second × seconds per spawn, with a
 * burst factor, a floor and a ceiling. `concurrentSpawnLimit` in config overrides it. Beyond the limit,
 * JupyterHub answers 429 with Retry-After and asks the user to try again shortly (app.py,
 * concurrent_spawn_limit): a short wait rather than a timed-out spawn.
 */
export function concurrentSpawnLimit(capacity: CapacityConfig, override: number | undefined): number {
  if (override !== undefined) return override;
  const inFlight = Math.ceil(((capacity.arrivalRatePerMinute * warmSpawnSeconds) / 60) * spawnBurstFactor);
  return Math.min(maxConcurrentSpawns, Math.max(minConcurrentSpawns, inFlight));
}

/** Z2JH's default start timeout. */
const chartStartTimeoutSeconds = 300;
/** Pulling nothing (pre-pulled) but attaching a disk and starting the server, generously. */
const serverStartSeconds = 120;

/** A user who arrives after the warm room is used waits for a new node, then for the server. */
export function serverStartTimeoutSeconds(capacity: CapacityConfig): number {
  return Math.max(chartStartTimeoutSeconds, capacity.nodeStartupMinutes * 60 + serverStartSeconds);
}

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

/** Up to this many users, the hub and proxy of a workshop (mybinder's measurements) are enough. */
export const workshopMaxUsers = 200;

/**
 * Requests and limits for the hub and the proxy (configurable-http-proxy).
 * - JupyterHub capacity-planning.md: at mybinder's ~100–150 users the hub used 230–260 MB and the proxy
 *   47–65 MB; Z2JH's docs give hub 500m/2Gi and proxy 500m/256Mi as example requests.
 * - CHP grows to 1–2 GB under many websockets and then stops answering
 *   (github.com/jupyterhub/configurable-http-proxy/issues/388); with 250+ users it was OOMKilled at a
 *   1Gi limit (…/issues/434). So the large proxy gets a 3Gi limit and its memory should be watched.
 * - The hub is one Python process, the proxy one Node.js process: a CPU limit of 2 leaves room for
 *   garbage collection and the culler without letting either starve the core pool.
 */
export function coreResources(peakUsers: number): { hub: ResourceRequirements; proxy: ResourceRequirements } {
  if (peakUsers <= workshopMaxUsers) {
    return {
      hub: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
      proxy: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    };
  }
  return {
    hub: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
    proxy: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "3Gi" } },
  };
}
