// What the GKE modules share: where a Cluster or NodePool keeps its node settings (a NodePool's
// `nodeConfig`; a Cluster's own `nodeConfig`, which shapes the default pool, and its inline `nodePools`),
// whether a cluster enforces NetworkPolicy, and the two factories for policies that are only a table of
// settings. Inputs are @pulumi/gcp 9.37 `container.Cluster` / `container.NodePool` args (camelCase).
// The stack policies (../stack/) read node pools and the dataplane through the same helpers.

import {
  checkSettings,
  get,
  isUnknown,
  list,
  resourcePolicy,
  UNKNOWN,
  type HardeningResourcePolicy,
  type PolicyText,
  type Setting,
  type Unknown,
} from "../core";
import { GCP } from "../types";

export const CLUSTER_AND_POOLS = [GCP.cluster, GCP.nodePool] as const;

export interface NodeConfigAt {
  /** Input path of the node config, for messages. */
  readonly where: string;
  readonly config: unknown;
}

export interface PoolAt {
  readonly where: string;
  readonly pool: unknown;
}

/**
 * The node configs a resource creates nodes from: a NodePool's `nodeConfig`; a Cluster's `nodeConfig`
 * and each inline `nodePools[i].nodeConfig`. The Cluster's `nodeConfig` shapes the default pool, which
 * GKE creates even with `removeDefaultNodePool: true` (and deletes once the cluster is up), so security
 * checks include it; sizing checks pass `includeRemovedDefaultPool: false`.
 */
export function nodeConfigs(type: string, props: Record<string, unknown>, includeRemovedDefaultPool = true): NodeConfigAt[] {
  if (type === GCP.nodePool) return [{ where: "nodeConfig", config: get(props, "nodeConfig") }];
  if (get(props, "enableAutopilot") === true) return [];
  const found: NodeConfigAt[] = [];
  if (includeRemovedDefaultPool || get(props, "removeDefaultNodePool") !== true) {
    found.push({ where: "nodeConfig", config: get(props, "nodeConfig") });
  }
  for (const { where, pool } of pools(type, props)) {
    found.push({ where: `${where}.nodeConfig`, config: get(pool, "nodeConfig") });
  }
  return found;
}

/** The node pools a resource declares: the NodePool itself, or a Cluster's inline `nodePools`. */
export function pools(type: string, props: Record<string, unknown>): PoolAt[] {
  if (type === GCP.nodePool) return [{ where: "", pool: props }];
  const inline = list(get(props, "nodePools"));
  if (inline === UNKNOWN) return [];
  return inline.map((pool, i) => ({ where: `nodePools[${i}]`, pool }));
}

type SettingsSpec = Omit<PolicyText, "area"> & { readonly settings: readonly Setting[] };

export function clusterSettings(spec: SettingsSpec): HardeningResourcePolicy {
  return resourcePolicy({ ...spec, area: "GKE", types: [GCP.cluster], check: (props) => checkSettings(props, spec.settings) });
}

export function nodeConfigSettings(spec: SettingsSpec): HardeningResourcePolicy {
  return resourcePolicy({
    ...spec,
    area: "GKE",
    types: CLUSTER_AND_POOLS,
    check: (props, { type }) => nodeConfigs(type, props).flatMap(({ where, config }) => checkSettings(config, spec.settings, where)),
  });
}

/** Whether a cluster enforces NetworkPolicy objects; `UNKNOWN` when that is not known yet. */
export function enforcesNetworkPolicy(props: Record<string, unknown>): boolean | Unknown {
  const datapath = get(props, "datapathProvider");
  const enabled = get(props, "networkPolicy.enabled");
  const addonDisabled = get(props, "addonsConfig.networkPolicyConfig.disabled");
  if (datapath === "ADVANCED_DATAPATH") return true;
  if (isUnknown(datapath) || isUnknown(enabled) || isUnknown(addonDisabled)) return UNKNOWN;
  return enabled === true && addonDisabled !== true;
}
