// Node pools: which machine types they may use and how many nodes each may reach (the event's budget and
// quota; the defaults are the pack's own, ../thresholds.ts), and what pools that run untrusted user
// servers add: a per-pod PID limit and, advisory, GKE Sandbox. Sources: GCP PD CSI driver
// pkg/gce-pd-csi-driver/node.go (shared-core disk limit); GKE docs "flexible Pod CIDR"; Kubernetes docs
// "process ID limits and reservations"; CIS Kubernetes 4.2.13; CIS GKE Benchmark 1.9.0 5.10.3.

import { gkeSandboxType, gvisorRuntimeClass } from "../../contracts/sandbox";
import { checkSettings, get, isUnknown, join, list, resourcePolicy, sameText, UNKNOWN, violation, type Unknown } from "../core";
import { ALLOWED_MACHINE_TYPES, MAX_NODES_PER_POOL } from "../thresholds";
import { runsUserServers } from "../z2jh";
import { CLUSTER_AND_POOLS, nodeConfigs, pools } from "./shared";

/** Shell-style `*` patterns, e.g. "n2-highmem-*". */
export function matchesPattern(value: string, pattern: string): boolean {
  const regex = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return regex.test(value);
}

/** GKE's machine type when `nodeConfig.machineType` is unset. */
export const GKE_DEFAULT_MACHINE_TYPE = "e2-medium";

interface MachineTypeConfig {
  readonly allowedMachineTypes: readonly string[];
}

/** The default of `allowedMachineTypes`: see ../thresholds.ts for the list and its sources. */
export const DEFAULT_ALLOWED_MACHINE_TYPES: readonly string[] = ALLOWED_MACHINE_TYPES;

/** Cost and blast-radius control: only machine types the program's capacity model sizes (no shared-core E2). */
export const gkeNodeMachineType = resourcePolicy<MachineTypeConfig>({
  name: "gke-node-machine-type",
  description: "Checks that every node pool uses an allowed machine type.",
  area: "GKE",
  severity: "medium",
  remediationSteps:
    "Set `nodeConfig.machineType` to an allowed type, or add the type to this policy's `allowedMachineTypes` config. Shared-core types (e2-medium, the default) attach only 15 disks.",
  sources: ["GCP PD CSI driver pkg/gce-pd-csi-driver/node.go (volumeLimitSmall: 15 disks on shared-core types; https://github.com/kubernetes-sigs/gcp-compute-persistent-disk-csi-driver)"],
  types: CLUSTER_AND_POOLS,
  config: {
    allowedMachineTypes: {
      type: "array",
      items: { type: "string", minLength: 1 },
      description: "Machine types nodes may use; `*` matches any run of characters.",
      default: [...DEFAULT_ALLOWED_MACHINE_TYPES],
    },
  },
  check: (props, { type, config }) =>
    nodeConfigs(type, props, false).flatMap(({ where, config: nodeConfig }) => {
      const found = get(nodeConfig, "machineType");
      if (isUnknown(found)) return [];
      const machineType = typeof found === "string" ? found : GKE_DEFAULT_MACHINE_TYPE;
      if (config.allowedMachineTypes.some((p) => matchesPattern(machineType, p))) return [];
      return [
        violation(
          `Node machine type ${machineType} is not allowed`,
          `${where}.machineType`,
          `one of ${config.allowedMachineTypes.join(", ")}`,
          found,
        ),
      ];
    }),
});

interface MaxNodesConfig {
  readonly maxNodesPerPool: number;
}

/** Zones a pool's per-zone counts multiply by: its nodeLocations, else 3 for a regional location. */
export function poolZones(pool: unknown): number | Unknown {
  const locations = list(get(pool, "nodeLocations"));
  if (locations === UNKNOWN) return UNKNOWN;
  if (locations.length > 0) return locations.length;
  const location = get(pool, "location");
  if (isUnknown(location)) return UNKNOWN;
  return typeof location === "string" && /^[a-z]+-[a-z]+\d+$/.test(location) ? 3 : 1;
}

/** The largest node count a pool can reach, with the input that sets it; `UNKNOWN` if not known yet. */
export function poolMaximum(pool: unknown): { readonly nodes: number; readonly path: string } | Unknown | undefined {
  const total = get(pool, "autoscaling.totalMaxNodeCount");
  const perZone = get(pool, "autoscaling.maxNodeCount");
  const fixed = get(pool, "nodeCount");
  const initial = get(pool, "initialNodeCount");
  if ([total, perZone, fixed, initial].some(isUnknown)) return UNKNOWN;
  if (typeof total === "number") return { nodes: total, path: "autoscaling.totalMaxNodeCount" };
  const zones = poolZones(pool);
  if (zones === UNKNOWN) return UNKNOWN;
  const candidates: { nodes: number; path: string }[] = [];
  if (typeof perZone === "number") candidates.push({ nodes: perZone * zones, path: "autoscaling.maxNodeCount" });
  if (typeof fixed === "number") candidates.push({ nodes: fixed * zones, path: "nodeCount" });
  if (typeof initial === "number") candidates.push({ nodes: initial * zones, path: "initialNodeCount" });
  return candidates.sort((a, b) => b.nodes - a.nodes)[0];
}

/** Bounds what one pool can cost or consume in quota during an event. */
export const gkeNodePoolMaxNodes = resourcePolicy<MaxNodesConfig>({
  name: "gke-node-pool-max-nodes",
  description: "Checks that no node pool can grow beyond the maximum node count.",
  area: "GKE",
  severity: "medium",
  remediationSteps:
    "Lower `autoscaling.totalMaxNodeCount` (or `maxNodeCount` × zones, `nodeCount`), or raise this policy's `maxNodesPerPool` config after checking quota and budget.",
  sources: ["GKE docs: flexible Pod CIDR (the Pod range limits node count; https://cloud.google.com/kubernetes-engine/docs/how-to/flexible-pod-cidr)", "Compute Engine VM pricing (https://cloud.google.com/compute/vm-instance-pricing)"],
  types: CLUSTER_AND_POOLS,
  config: {
    maxNodesPerPool: { type: "integer", minimum: 1, description: "Largest node count any pool may reach, over all its zones.", default: MAX_NODES_PER_POOL },
  },
  check: (props, { type, config }) =>
    pools(type, props).flatMap(({ where, pool }) => {
      const max = poolMaximum(pool);
      if (max === UNKNOWN || max === undefined || max.nodes <= config.maxNodesPerPool) return [];
      return [
        `A node pool must not grow beyond ${config.maxNodesPerPool} nodes: lower ${where === "" ? max.path : `${where}.${max.path}`} so the pool stays at or under ${config.maxNodesPerPool} nodes over all its zones, or raise maxNodesPerPool (found: ${max.nodes} nodes).`,
      ];
    }),
});

interface PidLimitConfig {
  readonly maxPodPidsLimit: number;
}

/** Untrusted users can fork-bomb a node; a per-pod PID limit keeps the damage inside their pod. */
export const gkeUserNodePidLimit = resourcePolicy<PidLimitConfig>({
  name: "gke-user-node-pid-limit",
  description: "Checks that node pools for user pods cap the number of processes per pod.",
  area: "GKE",
  severity: "medium",
  remediationSteps: "Set `nodeConfig.kubeletConfig.podPidsLimit` (e.g. 4096) on the user pool, no higher than `maxPodPidsLimit`.",
  sources: ["Kubernetes docs: process ID limits and reservations", "CIS Kubernetes 4.2.13 (pod PID limits)"],
  types: CLUSTER_AND_POOLS,
  config: {
    maxPodPidsLimit: { type: "integer", minimum: 1024, maximum: 4194304, description: "Largest per-pod PID limit on user nodes.", default: 32768 },
  },
  check: (props, { type, config }) =>
    pools(type, props)
      .filter(({ pool }) => runsUserServers(pool))
      .flatMap(({ where, pool }) =>
        checkSettings(pool, [
          {
            path: "nodeConfig.kubeletConfig.podPidsLimit",
            ok: (v) => typeof v === "number" && v >= 1024 && v <= config.maxPodPidsLimit,
            fix: `a number from 1024 to ${config.maxPodPidsLimit} (e.g. 4096)`,
            requirement: "A user pod must not be able to exhaust the node's process IDs",
          },
        ], where),
      ),
});

/**
 * Whether a pool runs GKE Sandbox: `nodeConfig.sandboxConfig.type` "GVISOR" (@pulumi/gcp 9.37), or its
 * deprecated predecessor `sandboxType` "gvisor"; `UNKNOWN` while the sandbox config is not known yet.
 */
export function poolSandboxed(pool: unknown): boolean | Unknown {
  const config = get(pool, "nodeConfig.sandboxConfig");
  if (isUnknown(config)) return UNKNOWN;
  const type = get(config, "type");
  const legacy = get(config, "sandboxType");
  if (isUnknown(type) || isUnknown(legacy)) return UNKNOWN;
  return sameText(type, gkeSandboxType) || sameText(legacy, gvisorRuntimeClass);
}

/**
 * CIS GKE 5.10.3: gVisor for untrusted code. Advisory here, whatever the stack: a stack that asks for the
 * sandbox anywhere is held to it everywhere by the mandatory stack-user-sandbox (../stack/userSandbox.ts).
 */
export const gkeUserNodeSandbox = resourcePolicy({
  name: "gke-user-node-sandbox",
  description: "Checks that node pools for user pods run GKE Sandbox (gVisor).",
  area: "GKE",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    'Set `nodeConfig.sandboxConfig.type: "GVISOR"` on the user pool and give user pods `runtimeClassName: gvisor` (KubeSpawner `extra_pod_config`). Advisory by default: test notebooks and images under gVisor first; stack-user-sandbox makes it mandatory once the stack asks for it.',
  sources: ["CIS GKE 1.9.0 5.10.3", "GKE docs: harden workload isolation with GKE Sandbox (https://cloud.google.com/kubernetes-engine/docs/how-to/sandbox-pods)"],
  types: CLUSTER_AND_POOLS,
  check: (props, { type }) =>
    pools(type, props)
      .filter(({ pool }) => runsUserServers(pool) && poolSandboxed(pool) === false)
      .map(({ where, pool }) =>
        violation(
          "Nodes that run untrusted user code should sandbox it",
          join(where, "nodeConfig.sandboxConfig.type"),
          `"${gkeSandboxType}"`,
          get(pool, "nodeConfig.sandboxConfig"),
        ),
      ),
});
