import { IssueList } from "../config/errors";
import { PlatformConfig } from "../config/types";
import { podBlockAddresses } from "./capacity";
import { addressCount, parseIpv4Cidr, prefixFor } from "../catalog/cidr";

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

export function addressesNeeded(pools: readonly PoolAddressNeed[], zones: number): { nodes: number; pods: number } {
  const withSurge = pools.map((p) => ({ ...p, nodes: p.maxNodes + SURGE_NODES_PER_ZONE * zones }));
  return {
    nodes: withSurge.reduce((sum, p) => sum + p.nodes, 0) + SUBNET_RESERVED,
    pods: withSurge.reduce((sum, p) => sum + p.nodes * podBlockAddresses(p.maxPodsPerNode), 0),
  };
}

/**
 * Checks the three ranges against what the pools need at their maximum. The config has already checked
 * each is an RFC 1918 network address and that they do not overlap; only their size depends on the
 * plan. Issues are recorded under the config key that sets the range.
 */
export function planAddresses(
  platform: PlatformConfig,
  pools: readonly PoolAddressNeed[],
  zones: number,
  issues: IssueList,
  /** Said after "for the pools at their maximum" when a pool was left out of the count. */
  scope = "",
): AddressPlan {
  const need = addressesNeeded(pools, zones);
  const ranges = { nodeCidr: platform.nodeCidr, podCidr: platform.podCidr, serviceCidr: platform.serviceCidr };
  const minimum: Record<keyof typeof ranges, number> = { nodeCidr: need.nodes, podCidr: need.pods, serviceCidr: 256 };
  for (const key of ["nodeCidr", "podCidr", "serviceCidr"] as const) {
    const cidr = parseIpv4Cidr(ranges[key]);
    if (cidr && addressCount(cidr.prefix) < minimum[key]) {
      issues.add(key, cidr.text, `a range of at least ${minimum[key]} addresses (/${prefixFor(minimum[key])} or wider) for the pools at their maximum${scope}`);
    }
  }
  return { ...ranges, nodeAddressesNeeded: need.nodes, podAddressesNeeded: need.pods };
}
