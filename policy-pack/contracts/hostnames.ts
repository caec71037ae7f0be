// Certificate name matching: a contract between the program (whose tests prove its certificate covers
// every host a user can reach) and the pack (stack-hostnames-covered, which checks the same on any stack).
//
// Shared, not duplicated: it is RFC 6125's rule, with one right answer, and no limit either side could
// loosen; a second copy would only be a second place to get the RFC wrong. A module inside the pack, so
// `npm pack` ships it; the program reaches it through infra/plan/hostnames.ts.

/**
 * RFC 6125 §6.4.3 matching of a host against a certificate's DNS names: case-insensitive; a name may
 * start with a `*` label, which stands for exactly one whole left-most label (so `*.hub.example.com`
 * covers `ann.hub.example.com`, not `hub.example.com` nor `a.b.hub.example.com`). Partial-label
 * wildcards (`a*.example.com`) and wildcards elsewhere are never accepted.
 */
export function isCoveredByCertificate(host: string, names: readonly string[]): boolean {
  const hostLabels = dnsLabels(host);
  // Names are compared in A-label form (RFC 6125 §6.2.1); anything else is not a host a browser can reach.
  if (!hostLabels.every(isLdhLabel)) return false;
  return names.some((name) => {
    const nameLabels = dnsLabels(name);
    if (nameLabels.length !== hostLabels.length || nameLabels.slice(1).some((l) => l.includes("*"))) return false;
    const [first, ...rest] = nameLabels;
    const firstMatches = first === "*" || (!first.includes("*") && first === hostLabels[0]);
    return firstMatches && rest.every((l, i) => l === hostLabels[i + 1]);
  });
}

/** A host name label as DNS and certificates carry it: 1-63 letters, digits and inner hyphens (RFC 1123). */
export function isLdhLabel(label: string): boolean {
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(label);
}

/** A DNS name lower-cased and without its trailing root dot. */
export function canonicalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

function dnsLabels(name: string): string[] {
  return canonicalName(name).split(".");
}
