// IPv4 CIDR arithmetic, on top of ipaddr.js: a contract between the program (which plans node, pod and
// service ranges and the users' egress rules) and the pack (which checks firewalls, authorised networks
// and egress rules), so the two can never disagree about what a range covers.
//
// Shared, not duplicated: arithmetic has one right answer, and a second implementation would only be a
// second place for an off-by-one. No limit lives here. A module inside the pack, so `npm pack` ships it
// (ipaddr.js is a dependency of the pack's own package.json); the program reaches it through
// infra/catalog/cidr.ts, where both its config reader and its plan find it.

import * as ipaddr from "ipaddr.js";

export interface Ipv4Cidr {
  /** The canonical text, e.g. "10.0.0.0/20". */
  readonly text: string;
  readonly prefix: number;
  /** First and last address as unsigned 32-bit integers. */
  readonly first: number;
  readonly last: number;
}

function toUint(addr: ipaddr.IPv4): number {
  const [a, b, c, d] = addr.octets;
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

/**
 * Parses an IPv4 CIDR and insists it is written as its network address ("10.0.0.0/20", not
 * "10.0.1.0/20"): GCP rejects host bits in a range, and an organiser who wrote them meant something else.
 */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  if (typeof text !== "string" || !ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) return undefined;
  const [addr, prefix] = ipaddr.IPv4.parseCIDR(text);
  const network = ipaddr.IPv4.networkAddressFromCIDR(text);
  if (toUint(network) !== toUint(addr)) return undefined;
  const first = toUint(network);
  return { text, prefix, first, last: first + addressCount(prefix) - 1 };
}

/**
 * Reads a range someone else wrote (a firewall rule, a NetworkPolicy ipBlock) the way the network will:
 * a bare address is a /32 and host bits are ignored. For config we write, use the strict parseIpv4Cidr.
 */
export function parseIpv4Range(text: string): Ipv4Cidr | undefined {
  if (typeof text !== "string") return undefined;
  const trimmed = text.trim();
  const withPrefix = ipaddr.IPv4.isValidFourPartDecimal(trimmed) ? `${trimmed}/32` : trimmed;
  if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(withPrefix)) return undefined;
  const [, prefix] = ipaddr.IPv4.parseCIDR(withPrefix);
  return parseIpv4Cidr(`${ipaddr.IPv4.networkAddressFromCIDR(withPrefix).toString()}/${prefix}`);
}

export function addressCount(prefix: number): number {
  return 2 ** (32 - prefix);
}

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

/** RFC 1918 space, where GKE node, pod and service ranges belong. */
export const rfc1918: readonly Ipv4Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(
  (c) => parseIpv4Cidr(c)!,
);

/** Link-local space, which holds the cloud metadata server 169.254.169.254. */
export const linkLocal: Ipv4Cidr = parseIpv4Cidr("169.254.0.0/16")!;

export const metadataServer: Ipv4Cidr = parseIpv4Cidr("169.254.169.254/32")!;
