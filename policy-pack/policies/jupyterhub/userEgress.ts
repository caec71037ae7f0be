// Where user pods may connect: no private address range, not the metadata server, and not the whole
// internet unless the organiser says so; only allowlisted public destinations, as narrow
// `singleuser.networkPolicy.egress` rules. Sources: Z2JH 4.4.0 docs administrator/security.md#netpol and
// templates/_helpers-netpol.tpl.

import { contains, isWholeInternet, METADATA_RANGE, parseCidr, PRIVATE_RANGES, reaches, type Range } from "../cidr";
import { checkSettings, get, isFalse, isRecord, isUnknown, list, notTrue, show, UNKNOWN } from "../core";
import { valuesPolicy, Z2JH_SECURITY } from "./shared";

interface EgressConfig {
  readonly allowedEgressCidrs: readonly string[];
  readonly allowInternetEgress: boolean;
}

const FORBIDDEN: readonly { readonly name: string; readonly range: Range }[] = [
  { name: "the cloud metadata server", range: parseCidr(METADATA_RANGE) as Range },
  ...PRIVATE_RANGES.map((cidr) => ({ name: `private range ${cidr}`, range: parseCidr(cidr) as Range })),
];

/**
 * Whether a label selector selects every object (Kubernetes API v1 LabelSelector: "An empty label selector
 * matches all objects"): `{}`, or with an empty `matchLabels` and no `matchExpressions`.
 */
function selectsEverything(selector: unknown): boolean {
  if (!isRecord(selector)) return false;
  const labels = get(selector, "matchLabels");
  const expressions = get(selector, "matchExpressions");
  return (labels === undefined || (isRecord(labels) && Object.keys(labels).length === 0)) && (expressions === undefined || (Array.isArray(expressions) && expressions.length === 0));
}

/** Problems with one `to` peer of a user egress rule. */
function peerProblems(peer: unknown, allowed: readonly Range[], config: EgressConfig): string[] {
  const allowedText = config.allowedEgressCidrs;
  if (isUnknown(peer)) return [];
  const block = get(peer, "ipBlock");
  if (block === undefined) {
    // Every namespace and, with no podSelector or an empty one, every pod in them.
    const podSelector = get(peer, "podSelector");
    const selectsAll = selectsEverything(get(peer, "namespaceSelector")) && (podSelector === undefined || selectsEverything(podSelector));
    return selectsAll ? ["an empty namespaceSelector reaches every pod in the cluster"] : [];
  }
  const cidr = get(block, "cidr");
  const except = list(get(block, "except"));
  if (isUnknown(cidr) || except === UNKNOWN) return [];
  if (typeof cidr !== "string") return ["an ipBlock without a cidr"];
  const range = parseCidr(cidr);
  if (range === undefined) {
    return allowedText.includes(cidr) ? [] : [`${cidr} is not an allowed egress CIDR`];
  }
  const problems: string[] = [];
  if (range.prefix === 0 && !config.allowInternetEgress) problems.push(`${cidr} opens the whole internet (allowInternetEgress is false)`);
  if (!allowed.some((a) => contains(a, range))) problems.push(`${cidr} is not within the allowed egress CIDRs (${allowedText.join(", ")})`);
  const exceptRanges = except.flatMap((e) => (typeof e === "string" ? [parseCidr(e)].filter((r): r is Range => r !== undefined) : []));
  for (const forbidden of FORBIDDEN) {
    if (reaches(range, exceptRanges, forbidden.range)) problems.push(`${cidr} reaches ${forbidden.name}`);
  }
  return problems;
}

/** Z2JH security.md: keep `privateIPs: false` and add narrow `.egress` rules for what users need. */
export const jupyterhubUserEgress = valuesPolicy<EgressConfig>({
  name: "jupyterhub-user-egress",
  description: "Checks that user pods reach neither private address ranges nor the whole internet, only allowlisted public destinations.",
  severity: "critical",
  remediationSteps:
    "Set `singleuser.networkPolicy.egressAllowRules: { privateIPs: false, nonPrivateIPs: false }` and list what users need (a package mirror) as `singleuser.networkPolicy.egress` ipBlocks inside `allowedEgressCidrs`; to let users reach the internet anyway, set this policy's `allowInternetEgress: true`.",
  sources: [`${Z2JH_SECURITY}#netpol`, "Z2JH templates/_helpers-netpol.tpl"],
  config: {
    allowedEgressCidrs: {
      type: "array",
      items: { type: "string", minLength: 1 },
      description: "IPv4 CIDRs that user egress rules must stay inside (narrow it to your package mirrors); private ranges and the metadata server stay denied.",
      default: ["0.0.0.0/0"],
    },
    allowInternetEgress: {
      type: "boolean",
      description: "Whether user pods may reach the whole public internet (the chart's nonPrivateIPs, or a 0.0.0.0/0 rule); crypto-mining and exfiltration risk.",
      default: false,
    },
  },
  check: (values, { config }) => {
    const messages = checkSettings(values, [
      { path: "singleuser.networkPolicy.egressAllowRules.privateIPs", ok: notTrue, fix: "false", requirement: "User pods must not reach private address ranges" },
    ], "values");
    const allowed = config.allowedEgressCidrs.map(parseCidr).filter((r): r is Range => r !== undefined);
    // The chart's nonPrivateIPs (default true) opens 0.0.0.0/0 minus private ranges.
    if (!config.allowInternetEgress || !config.allowedEgressCidrs.some(isWholeInternet)) {
      messages.push(
        ...checkSettings(values, [
          {
            path: "singleuser.networkPolicy.egressAllowRules.nonPrivateIPs",
            ok: isFalse,
            fix: "false (and list the allowed destinations in singleuser.networkPolicy.egress)",
            requirement: "User pods must reach only allowlisted destinations, not the whole internet",
          },
        ], "values"),
      );
    }
    const rules = list(get(values, "singleuser.networkPolicy.egress"));
    if (rules === UNKNOWN) return messages;
    rules.forEach((rule, i) => {
      const where = `values.singleuser.networkPolicy.egress[${i}]`;
      const to = list(get(rule, "to"));
      if (to === UNKNOWN) return;
      if (to.length === 0) {
        messages.push(`User egress rules must name their destinations: set ${where}.to to ipBlocks within the allowed egress CIDRs (found: no "to", which allows every destination).`);
        return;
      }
      to.forEach((peer, j) => {
        for (const problem of peerProblems(peer, allowed, config)) {
          messages.push(`User egress must stay within the allowed public CIDRs: ${problem}; set ${where}.to[${j}].ipBlock to a CIDR inside ${config.allowedEgressCidrs.join(", ")} with except [${METADATA_RANGE}, ${PRIVATE_RANGES.join(", ")}] as needed (found: ${show(peer)}).`);
        }
      });
    });
    return messages;
  },
});
