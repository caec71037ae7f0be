import { IssueList } from "../config/errors";
import { PlatformConfig } from "../config/types";
import { podBlockAddresses } from "./capacity";
import { addressCount, Ipv4Cidr, isPrivate, overlaps, parseIpv4Cidr, prefixFor } from "./cidr";

/** A node pool as the address plan sees it. */
export interface PoolAddressNeed {
  readonly pool: string;
  readonly maxNodes: number;
  readonly maxPodsPerNode: number;
}

export interface AddressPlan {
  /** The subnet's primary range, for node IPs. */
  readonly nodeCidr: string;
  /** Secondary range for pods (VPC-native); every node takes a block sized by its max pods. */
  readonly podCidr: string;
  /** Secondary range for ClusterIP services. */
  readonly serviceCidr: string;
  readonly nodeAddressesNeeded: number;
  readonly podAddressesNeeded: number;
}

// GCP keeps four addresses of every subnet's primary range (network, gateway, two reserved).
const SUBNET_RESERVED = 4;
// Surge nodes per pool and zone during an upgrade or repair (cluster.ts upgradeSettings.maxSurge).
const SURGE_NODES_PER_ZONE = 1;

/**
 * Default ranges: fixed and generous, because GCP cannot change a secondary range a cluster uses and
 * GKE can only add pod ranges, so ranges derived from the peak would break the next `pulumi up` after
 * a change of peak. The plan checks they hold the pools at their maximum (4,092 nodes; 4,096 nodes at
 * 110 pods each; 4,096 services) and asks for an explicit range when they do not.
 */
export const defaultRanges = { nodeCidr: "10.0.0.0/20", serviceCidr: "10.1.0.0/20", podCidr: "10.32.0.0/12" } as const;

export function addressesNeeded(pools: readonly PoolAddressNeed[], zones: number): { nodes: number; pods: number } {
  const withSurge = pools.map((p) => ({ ...p, nodes: p.maxNodes + SURGE_NODES_PER_ZONE * zones }));
  return {
    nodes: withSurge.reduce((sum, p) => sum + p.nodes, 0) + SUBNET_RESERVED,
    pods: withSurge.reduce((sum, p) => sum + p.nodes * podBlockAddresses(p.maxPodsPerNode), 0),
  };
}

/**
 * Checks the three ranges (the organiser's, or the defaults) against what the pools need at their
 * maximum: each must be RFC 1918, written as a network address, free of the others and big enough.
 * Issues are recorded under the config key that sets the range.
 */
export function planAddresses(
  platform: PlatformConfig,
  pools: readonly PoolAddressNeed[],
  zones: number,
  issues: IssueList,
): AddressPlan {
  const need = addressesNeeded(pools, zones);
  const ranges = {
    nodeCidr: platform.nodeCidr ?? defaultRanges.nodeCidr,
    podCidr: platform.podCidr ?? defaultRanges.podCidr,
    serviceCidr: platform.serviceCidr ?? defaultRanges.serviceCidr,
  };
  const minimum: Record<keyof typeof ranges, number> = { nodeCidr: need.nodes, podCidr: need.pods, serviceCidr: 256 };
  const parsed = new Map<keyof typeof ranges, Ipv4Cidr>();
  for (const key of Object.keys(ranges) as (keyof typeof ranges)[]) {
    const cidr = parseIpv4Cidr(ranges[key]);
    if (!cidr) continue; // already reported by parseConfig
    if (!isPrivate(cidr)) {
      issues.add(key, cidr.text, "a range inside RFC 1918 space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)");
    } else if (addressCount(cidr.prefix) < minimum[key]) {
      issues.add(key, cidr.text, `a range of at least ${minimum[key]} addresses (/${prefixFor(minimum[key])} or wider) for the pools at their maximum`);
    }
    parsed.set(key, cidr);
  }
  const entries = [...parsed.entries()];
  entries.forEach(([keyA, a], i) =>
    entries.slice(i + 1).forEach(([keyB, b]) => {
      if (overlaps(a, b)) issues.add(keyB, b.text, `must not overlap ${keyA} (${a.text})`);
    }),
  );
  return { ...ranges, nodeAddressesNeeded: need.nodes, podAddressesNeeded: need.pods };
}
