import { IssueList } from "../config/errors";
import { PlatformConfig } from "../config/types";
import { podBlockAddresses } from "./capacity";
import { addressCount, contains, Ipv4Cidr, isPrivate, overlaps, parseIpv4Cidr, prefixFor } from "./cidr";

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
// One surge node per pool, so an upgrade or repair after the event never runs out of addresses.
const SURGE_NODES_PER_POOL = 1;
// 4,096 services, GKE's default /20; the hub needs a handful, users none.
const DEFAULT_SERVICE_PREFIX = 20;

// Default ranges. Each planned range starts at its own base and can grow up to the block shown without
// touching the others: nodes ≤ 10.0.0.0/16, services 10.1.0.0/20, pods ≤ 10.32.0.0/11.
const defaultBases = { node: "10.0.0.0/16", service: `10.1.0.0/${DEFAULT_SERVICE_PREFIX}`, pod: "10.32.0.0/11" };

export function addressesNeeded(pools: readonly PoolAddressNeed[]): { nodes: number; pods: number } {
  const withSurge = pools.map((p) => ({ ...p, nodes: p.maxNodes + SURGE_NODES_PER_POOL }));
  return {
    nodes: withSurge.reduce((sum, p) => sum + p.nodes, 0) + SUBNET_RESERVED,
    pods: withSurge.reduce((sum, p) => sum + p.nodes * podBlockAddresses(p.maxPodsPerNode), 0),
  };
}

function planned(base: string, addresses: number, minimumPrefix: number): string {
  const [network] = base.split("/");
  return `${network}/${Math.min(minimumPrefix, prefixFor(addresses))}`;
}

/**
 * Plans the three ranges from what the pools need at their maximum, or checks the organiser's own:
 * each must be RFC 1918, written as a network address, free of the others and big enough. Issues are
 * recorded under the config key that set the range.
 */
export function planAddresses(platform: PlatformConfig, pools: readonly PoolAddressNeed[], issues: IssueList): AddressPlan {
  const need = addressesNeeded(pools);
  const ranges = {
    nodeCidr: platform.nodeCidr ?? planned(defaultBases.node, need.nodes, 29),
    podCidr: platform.podCidr ?? planned(defaultBases.pod, need.pods, 24),
    serviceCidr: platform.serviceCidr ?? defaultBases.service,
  };
  const minimum: Record<keyof typeof ranges, number> = { nodeCidr: need.nodes, podCidr: need.pods, serviceCidr: 256 };
  const limitsFromBase: Record<keyof typeof ranges, Ipv4Cidr> = {
    nodeCidr: parseIpv4Cidr(defaultBases.node)!,
    podCidr: parseIpv4Cidr(defaultBases.pod)!,
    serviceCidr: parseIpv4Cidr(defaultBases.service)!,
  };
  const parsed = new Map<keyof typeof ranges, Ipv4Cidr>();
  for (const key of Object.keys(ranges) as (keyof typeof ranges)[]) {
    const cidr = parseIpv4Cidr(ranges[key]);
    if (!cidr) continue; // already reported by parseConfig
    if (!isPrivate(cidr)) {
      issues.add(key, cidr.text, "a range inside RFC 1918 space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)");
    } else if (addressCount(cidr.prefix) < minimum[key]) {
      issues.add(key, cidr.text, `a range of at least ${minimum[key]} addresses (/${prefixFor(minimum[key])} or wider) for the pools at their maximum`);
    } else if (platform[key] === undefined && !contains(limitsFromBase[key], cidr)) {
      issues.add(key, cidr.text, `the planned range outgrew its default block ${limitsFromBase[key].text}; set ${key} explicitly`);
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
