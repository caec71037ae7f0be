import type { ClassSpec, RushTimings } from "../../config/types";

// The hub tuned for the rush it must absorb. Each value and where it comes from; infra/plan/chart/index.ts puts
// them into the chart's values (the lines marked "rush tuning" there).

/** Requests and limits, as the chart takes them (hub.resources, proxy.chp.resources). */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Below this a small stack would turn away a handful of simultaneous logins. */
export const minConcurrentSpawns = 10;
/**
 * Above this the single hub process and the Kubernetes API are better served by 429s with Retry-After
 * than by piling up spawns that time out: JupyterHub's own default is 100, Z2JH's 64 (app.py, values.yaml),
 * and a GKE deployment that grew to 3,000 users cites about 200 requests/s to the control plane as its
 * ceiling (lsst-sqre/sqr-104).
 */
export const maxConcurrentSpawns = 200;
/** Spawns in flight the busiest simulated moment saw, doubled: room for bursts the seed did not draw. */
export const spawnBurstFactor = 2;

/** The busiest arrival of the timetable, users per second. */
export function peakArrivalPerSecond(classes: readonly ClassSpec[]): number {
  return Math.max(0, ...classes.map((c) => c.users / (c.arrivalMinutes * 60)));
}

/** `hub.concurrentSpawnLimit` from the most spawns the simulation had in flight, unless the stack sets it. */
export function concurrentSpawnLimit(peakInFlight: number, override: number | undefined): number {
  if (override !== undefined) return override;
  return Math.min(maxConcurrentSpawns, Math.max(minConcurrentSpawns, Math.ceil(peakInFlight * spawnBurstFactor)));
}

/** Z2JH's default `singleuser.startTimeout` (values.yaml, 4.4.0). */
export const chartStartTimeoutSeconds = 300;
/** Slack on top of the slowest path, for a slow API call or disk attach. */
export const startTimeoutSlackSeconds = 60;

/**
 * `singleuser.startTimeout`: long enough for a user who lands on a node the autoscaler has only just asked
 * for (its reaction, the node's boot, the image pull, the server's start) and never below the chart's 300 s;
 * in 30 s steps.
 */
export function startTimeoutSeconds(t: RushTimings): number {
  const slowest = t.autoscalerReactionSeconds + t.nodeBootSeconds + t.imagePullSeconds + t.podStartSeconds + startTimeoutSlackSeconds;
  return Math.max(chartStartTimeoutSeconds, Math.ceil(slowest / 30) * 30);
}

/**
 * KubeSpawner's Kubernetes API settings (kubespawner 7.0.0 spawner.py; Z2JH passes `hub.config.KubeSpawner`
 * through, zero-to-jupyterhub-k8s#3105). KubeSpawner 7 has no API thread pool any more
 * (`k8s_api_threadpool_workers` is deprecated and ignored), so its API concurrency is the spawns in
 * flight, which `concurrentSpawnLimit` bounds. What the rush changes is how long one call may take:
 * - `k8s_api_request_timeout` (3 s by default) kills a pod or PVC create that takes longer; in a rush the
 *   API server also serves the scheduler, the autoscaler and every watch, and a slow answer turned into a
 *   spawn that fails or loops (jupyterhub/kubespawner#660). 10 s.
 * - `k8s_api_request_retry_timeout` (30 s) bounds the retries with backoff; 60 s keeps them inside the
 *   start timeout.
 * - `http_timeout` (JupyterHub's Spawner default 30 s) for the started server to answer; scale tests hit
 *   it and raised it to 60 s (IBM/jupyter-tools#14).
 */
export const kubeSpawnerApi = {
  k8s_api_request_timeout: 10,
  k8s_api_request_retry_timeout: 60,
  http_timeout: 60,
} as const;

/**
 * `JUPYTERHUB_ACTIVITY_INTERVAL`: every user server posts its activity to the hub this often (jupyterhub
 * 5.5.0 singleuser/extension.py, default 300 s), so 1,000 servers post 3.3 times a second to a hub whose
 * one process serves about 2 logins a second. Large GKE deployments reached thousands of users only after
 * reducing activity polling (lsst-sqre/sqr-104). Our rule, not a published one: the posts may take at most
 * half the hub's login rate, the interval stays at least JupyterHub's 300 s, and at most a quarter of the
 * idle timeout so the culler still sees activity in time.
 */
export function activityIntervalSeconds(peakUsers: number, hubLoginsPerSecond: number, cullTimeoutSeconds: number): number {
  const forHub = Math.ceil(peakUsers / (0.5 * hubLoginsPerSecond));
  return Math.max(300, Math.min(forHub, Math.floor(cullTimeoutSeconds / 4)));
}

const mib = (n: number, step: number) => `${Math.ceil(n / step) * step}Mi`;
const cpu = (cores: number) => (cores >= 1 && Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`);

/** Up to this many users the mybinder-sized proxy settings are enough. */
export const workshopMaxUsers = 200;

/**
 * Hub and proxy (configurable-http-proxy) resources for the peak and the busiest arrival.
 * - Hub CPU: one Python process, which "could peak up to 1 CPU" under load (Z2JH optimization.md) and was
 *   pinned there near 2 logins/s (nh2020-jupyterhub#44): it requests the share of a CPU the busiest class's
 *   arrival needs at `hubLoginsPerSecond`, in quarter CPUs from 250m to 1, and may burst to twice that for
 *   garbage collection and the culler's calls.
 * - Hub memory: 230–260 MB at mybinder's 100–150 users (JupyterHub docs, capacity-planning.md), about
 *   2 MiB per user: 256 MiB plus 2 MiB per peak user, at least 512 MiB, with a limit of twice that.
 * - Proxy memory: CHP holds a route per server and a socket per websocket; it grew to 1–2 GB and stopped
 *   answering (configurable-http-proxy#388) and was OOMKilled at a 1 GiB limit with 250+ users (#434): a
 *   limit of 4 MiB per peak user, at least 1 GiB, and a request of 256 MiB plus 1 MiB per user.
 * - Proxy CPU: one Node.js process; 100m/1 for a workshop, 500m/2 above.
 */
export function coreResources(peakUsers: number, peakArrival: number, hubLoginsPerSecond: number): { hub: Resources; proxy: Resources } {
  const hubCpu = Math.min(1, Math.max(0.25, Math.ceil((peakArrival / hubLoginsPerSecond) * 4) / 4));
  const hubMemory = Math.max(512, 256 + 2 * peakUsers);
  const large = peakUsers > workshopMaxUsers;
  return {
    hub: {
      requests: { cpu: cpu(hubCpu), memory: mib(hubMemory, 256) },
      limits: { cpu: cpu(Math.max(1, hubCpu * 2)), memory: mib(2 * hubMemory, 256) },
    },
    proxy: {
      requests: { cpu: large ? "500m" : "100m", memory: mib(256 + peakUsers, 256) },
      limits: { cpu: large ? "2" : "1", memory: mib(Math.max(1024, 4 * peakUsers), 512) },
    },
  };
}
