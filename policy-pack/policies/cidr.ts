// IPv4 CIDR arithmetic for firewall, authorised-network and egress checks. IPv6 ranges are only
// recognised as "the whole internet" (::/0); anything else IPv6 parses as `undefined`.

import { contains, Ipv4Cidr, metadataServer, overlaps, parseIpv4Range, rfc1918 } from "../contracts/cidr";

// Parsing and range arithmetic are the contract the program imports too (../contracts/cidr.ts, on
// ipaddr.js), so the pack and the program can never disagree about what a CIDR covers.
export type Range = Ipv4Cidr;
export { contains, overlaps };

/** `a.b.c.d/n` (or a bare address, as /32) to its range; `undefined` when it is not IPv4 CIDR. */
export const parseCidr = parseIpv4Range;

/** Whether the text is 0.0.0.0/0 or ::/0 (any spelling of a zero-length prefix). */
export function isWholeInternet(text: string): boolean {
  return /\/0$/.test(text.trim());
}

/** RFC 1918 private ranges, and the cloud metadata server's address. */
export const PRIVATE_RANGES: readonly string[] = rfc1918.map((r) => r.text);
export const METADATA_RANGE = metadataServer.text;

/**
 * Whether the addresses of `cidr` minus `except` reach into `target`: true unless the target range is
 * wholly covered by one of the exceptions or does not overlap at all.
 */
export function reaches(cidr: Range, except: readonly Range[], target: Range): boolean {
  if (!overlaps(cidr, target)) return false;
  return !except.some((e) => contains(e, target));
}
