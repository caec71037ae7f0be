// What one user, and the event as a whole, may hold: CPU and memory limits on every user server a user
// can start (each profile and option choice, judged on the derived pods), idle servers culled after a
// bounded time (the bound is the pack's own, ../thresholds.ts), and the hub's limits on how many servers
// run and start at once. Sources: Z2JH 4.4.0 docs administrator/optimization.md, values.yaml
// (singleuser.cpu/memory, cull, hub.*Limit) and jupyterhub_config.py (hub.activeServerLimit →
// JupyterHub.active_server_limit …); JupyterHub 5.5.0 jupyterhub/app.py (active_server_limit,
// concurrent_spawn_limit, named_server_limit_per_user: "If set to 0, no limit is enforced");
// kubespawner 7.0.0 objects.py (a limit is only set when the trait is truthy).

import { checkSettings, get, isUnknown, notFalse, violation } from "../core";
import { MAX_IDLE_TIMEOUT_SECONDS } from "../thresholds";
import { userPods } from "../z2jh/pods";
import { KUBESPAWNER, onPods, valuesPolicy } from "./shared";

const isSetLimit = (v: unknown): boolean => (typeof v === "number" && v > 0) || (typeof v === "string" && v.trim() !== "" && v.trim() !== "0");

/**
 * Z2JH optimization.md: a user without limits can starve every other user on the node. Every container
 * that runs for the whole session (the notebook and any sidecar) of every configuration a user can pick.
 */
export const jupyterhubUserResourceLimits = valuesPolicy({
  name: "jupyterhub-user-resource-limits",
  description: "Checks that every user server a user can start (each profile and option choice) has CPU and memory limits on each of its containers.",
  severity: "medium",
  remediationSteps:
    'Set `singleuser.cpu.limit` (e.g. 2) and `singleuser.memory.limit` (e.g. "4G"); a profile or option may change them (`cpu_limit`, `mem_limit` in `kubespawner_override`) but never to null or 0, and sidecars need `resources.limits` too.',
  sources: ["Z2JH docs: administrator/optimization.md", "Z2JH values.yaml (defaults: null)", KUBESPAWNER],
  check: (values) =>
    onPods(userPods(values), (pod) =>
      pod.containers
        .filter((c) => c.path[0] === "containers")
        .flatMap((c) =>
          (["cpu", "memory"] as const).flatMap((resource) => {
            const limit = get(c.container, ["resources", "limits", resource]);
            if (isUnknown(limit) || isSetLimit(limit)) return [];
            const fix = resource === "cpu" ? "a CPU count (e.g. 2)" : 'a size (e.g. "4G")';
            return [violation(`User servers must have a ${resource === "cpu" ? "CPU" : "memory"} limit`, pod.locate([...c.path, "resources", "limits", resource]), fix, limit)];
          }),
        ),
    ),
});

interface CullConfig {
  readonly maxIdleTimeoutSeconds: number;
}

/** Idle servers of an event hold nodes (and cost) until culled. */
export const jupyterhubCulling = valuesPolicy<CullConfig>({
  name: "jupyterhub-culling",
  description: "Checks that idle user servers are culled after a bounded idle timeout.",
  severity: "medium",
  remediationSteps: "Keep `cull.enabled: true` and set `cull.timeout` (seconds) to at most `maxIdleTimeoutSeconds` (the chart default is 3600).",
  sources: ["Z2JH docs: administrator/optimization.md (culling)", "Z2JH values.yaml (cull)"],
  config: {
    maxIdleTimeoutSeconds: { type: "integer", minimum: 60, description: "Longest idle time before a user server is culled.", default: MAX_IDLE_TIMEOUT_SECONDS },
  },
  check: (values, { config }) =>
    checkSettings(values, [
      { path: "cull.enabled", ok: notFalse, fix: "true", requirement: "Idle servers must be culled" },
      {
        path: "cull.timeout",
        ok: (v) => v === undefined || (typeof v === "number" && v > 0 && v <= config.maxIdleTimeoutSeconds),
        fix: `a number of seconds from 1 to ${config.maxIdleTimeoutSeconds}`,
        requirement: "The idle timeout must be bounded",
      },
    ], "values"),
});

/**
 * A JupyterHub limit, read where jupyterhub_config.py reads it: `hub.config.JupyterHub.<trait>` (loaded
 * last, so it wins) or the chart's `hub.<key>`, else the chart's default.
 */
function hubLimit(values: Record<string, unknown>, trait: string, key: string, chartDefault: unknown): { value: unknown; where: string } {
  const fromConfig = get(values, ["hub", "config", "JupyterHub", trait]);
  if (fromConfig !== undefined) return { value: fromConfig, where: `values.hub.config.JupyterHub.${trait}` };
  const fromChart = get(values, ["hub", key]);
  return { value: fromChart ?? chartDefault, where: `values.hub.${key}` };
}

const positive = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v > 0;

/**
 * The limits that keep 1,000 arrivals from overrunning the event, and why each is required:
 * - `active_server_limit` (chart default unset = 0, no limit): without it every allowed account can start
 *   a server, past the nodes and the budget the event was planned for; with it the hub answers 429 and
 *   the user retries, instead of pods pending for nodes that will not come.
 * - `concurrent_spawn_limit` (chart default 64): 0 removes it, and the doors-open burst of spawns hits the
 *   hub, the Kubernetes API and the autoscaler at once.
 * - `named_server_limit_per_user` when named servers are allowed (default 0 = unlimited): each named
 *   server is a full user share, so one user could hold many and shut others out.
 * Culling (jupyterhub-culling) and per-user CPU and memory limits (jupyterhub-user-resource-limits) are
 * the other two. `consecutiveFailureLimit` is not one: it restarts the hub, it does not protect users.
 */
export const jupyterhubEventLimits = valuesPolicy({
  name: "jupyterhub-event-limits",
  description: "Checks that the hub caps how many servers run and start at once, and how many named servers one user may hold.",
  severity: "medium",
  remediationSteps:
    "Set `hub.activeServerLimit` to the number of users the cluster is sized for, keep `hub.concurrentSpawnLimit` above 0 (the chart's 64 is a fine start), and when `hub.allowNamedServers` is true set `hub.namedServerLimitPerUser` to a small number.",
  sources: ["JupyterHub 5.5.0 jupyterhub/app.py (active_server_limit, concurrent_spawn_limit, named_server_limit_per_user)", "Z2JH docs: administrator/optimization.md", "Z2JH 4.4.0 jupyterhub_config.py"],
  check: (values) => {
    const messages: string[] = [];
    const active = hubLimit(values, "active_server_limit", "activeServerLimit", undefined);
    if (!isUnknown(active.value) && !positive(active.value)) {
      messages.push(violation("The hub must cap the servers running at once (0 or unset is no limit)", active.where, "the number of users the cluster is sized for", active.value));
    }
    const spawns = hubLimit(values, "concurrent_spawn_limit", "concurrentSpawnLimit", 64);
    if (!isUnknown(spawns.value) && !positive(spawns.value)) {
      messages.push(violation("The hub must cap the servers starting at once (0 is no limit)", spawns.where, "a positive number (the chart's default is 64)", spawns.value));
    }
    const named = hubLimit(values, "allow_named_servers", "allowNamedServers", false);
    if (named.value === true) {
      const perUser = hubLimit(values, "named_server_limit_per_user", "namedServerLimitPerUser", undefined);
      if (!isUnknown(perUser.value) && !positive(perUser.value)) {
        messages.push(violation(`With named servers allowed (${named.where}), each user's must be capped (0 or unset is no limit)`, perUser.where, "a small number (e.g. 2)", perUser.value));
      }
    }
    return messages;
  },
});
