// IPv4 CIDR arithmetic. Parsing and range relations are the contract shared with the policy pack
// (policy-pack/contracts/cidr.ts, on ipaddr.js); only the program's sizing helpers live here.

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

/** True when any address of the range is private, link-local, loopback or otherwise not public. */
export function touchesNonPublic(cidr: Ipv4Cidr): boolean {
  const nonPublic = [...rfc1918, linkLocal, parseIpv4Cidr("127.0.0.0/8")!, parseIpv4Cidr("100.64.0.0/10")!];
  return nonPublic.some((r) => overlaps(r, cidr));
}
