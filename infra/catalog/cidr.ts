// IPv4 CIDR arithmetic. Parsing and range relations are the contract shared with the policy pack
// (policy-pack/contracts/cidr.ts, on ipaddr.js); only the program's sizing helpers live here.

import * as ipaddr from "ipaddr.js";
import { contains, linkLocal, overlaps, parseIpv4Cidr, rfc1918, type Ipv4Cidr } from "../../policy-pack/contracts/cidr";

export {
  addressCount,
  contains,
  linkLocal,
  metadataServer,
  overlaps,
  parseIpv4Cidr,
  parseIpv4Range,
  rfc1918,
  type Ipv4Cidr,
} from "../../policy-pack/contracts/cidr";

/** The longest prefix (smallest range) that holds `addresses` addresses. */
export function prefixFor(addresses: number): number {
  return 32 - Math.ceil(Math.log2(Math.max(1, addresses)));
}

export function isPrivate(cidr: Ipv4Cidr): boolean {
  return rfc1918.some((r) => contains(r, cidr));
}

/** Ranges that are not on the public internet, each with what it is, for messages. */
const nonPublicRanges: readonly { readonly range: Ipv4Cidr; readonly what: string }[] = [
  ...rfc1918.map((range) => ({ range, what: "private (RFC 1918)" })),
  { range: linkLocal, what: "link-local, where the cloud metadata server 169.254.169.254 answers" },
  { range: parseIpv4Cidr("127.0.0.0/8")!, what: "loopback" },
  { range: parseIpv4Cidr("100.64.0.0/10")!, what: "carrier-grade NAT space (RFC 6598)" },
];

/** True when any address of the range is private, link-local, loopback or otherwise not public. */
export function touchesNonPublic(cidr: Ipv4Cidr): boolean {
  return nonPublicRanges.some(({ range }) => overlaps(range, cidr));
}

/** The first non-public range `cidr` shares addresses with, described for a message; undefined if none. */
export function nonPublicPart(cidr: Ipv4Cidr): string | undefined {
  const hit = nonPublicRanges.find(({ range }) => overlaps(range, cidr));
  return hit && `${hit.range.text} is ${hit.what}`;
}

/** The addresses two overlapping ranges share, as "first–last". */
export function sharedAddresses(a: Ipv4Cidr, b: Ipv4Cidr): string {
  const text = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
  return `${text(Math.max(a.first, b.first))}–${text(Math.min(a.last, b.last))}`;
}

/**
 * A CIDR as an organiser wrote it: the parsed range, or what is wrong with the text, said so it can be
 * fixed (a missing or impossible prefix length, an address that is not one, host bits set: GCP refuses
 * ranges that are not written as their network address, and whoever wrote them meant something else).
 * `example` is a right range of the same kind, for the messages that need one.
 */
export function readCidr(text: unknown, example: string): { cidr: Ipv4Cidr } | { problem: string } {
  if (typeof text !== "string") return { problem: `an IPv4 CIDR such as ${example} is required` };
  const [address, prefix, ...rest] = text.split("/");
  if (rest.length > 0) return { problem: `not a CIDR: one address and one prefix length, such as ${example}` };
  if (!ipaddr.IPv4.isValidFourPartDecimal(address)) {
    return { problem: `${JSON.stringify(address)} is not an IPv4 address (four numbers from 0 to 255); write a CIDR such as ${example}` };
  }
  if (prefix === undefined) return { problem: `no prefix length: write the range as ${address}/<0–32>, such as ${example} (/32 is one address)` };
  if (!/^(0|[1-9]\d?)$/.test(prefix) || Number(prefix) > 32) return { problem: `the prefix length /${prefix} is not a whole number from 0 to 32` };
  const cidr = parseIpv4Cidr(`${address}/${Number(prefix)}`);
  if (cidr) return { cidr };
  const network = `${ipaddr.IPv4.networkAddressFromCIDR(`${address}/${Number(prefix)}`).toString()}/${Number(prefix)}`;
  return { problem: `${address} is not the network address of its /${Number(prefix)} block (it has host bits set); did you mean ${network}?` };
}
