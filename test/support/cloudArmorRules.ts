// Evaluates Cloud Armor rules the way the rules language reference defines them, for the tests that ask
// which requests a rule of infra/plan/cloudArmor.ts inspects (test/plan/cloudArmor.test.ts,
// test/hub/hubRoutes.test.ts).

import { ArmorRule, DEFAULT_RULE_PRIORITY } from "../../infra/plan/cloudArmor";
import { contains, parseIpv4Cidr } from "../../policy-pack/contracts/cidr";

/**
 * Evaluates the subset of Cloud Armor's rules language these rules use, as the rules language reference
 * defines it: `||` of `&&` of atoms (NOT binds tighter than AND, AND than OR). An atom it does not know
 * fails the test rather than being guessed. A WAF call counts as matching: the question here is which
 * requests a rule inspects.
 */
export function matches(rule: ArmorRule, request: { path: string; ip: string }): boolean {
  if ("versionedExpr" in rule.match) {
    const ranges = rule.match.config.srcIpRanges;
    return ranges.includes("*") || ranges.some((r) => contains(parseIpv4Cidr(r)!, parseIpv4Cidr(`${request.ip}/32`)!));
  }
  const atom = (text: string): boolean => {
    const t = text.trim();
    let m: RegExpExecArray | null;
    if ((m = /^request\.path == '([^']*)'$/.exec(t))) return request.path === m[1];
    if ((m = /^request\.path\.startsWith\('([^']*)'\)$/.exec(t))) return request.path.startsWith(m[1]!);
    if ((m = /^(!?)inIpRange\(origin\.ip, '([^']*)'\)$/.exec(t))) {
      const inside = contains(parseIpv4Cidr(m[2]!)!, parseIpv4Cidr(`${request.ip}/32`)!);
      return m[1] === "!" ? !inside : inside;
    }
    if (/^evaluatePreconfiguredWaf\('[a-z0-9-]+', \{'sensitivity': [0-4]\}\)$/.test(t)) return true;
    throw new Error(`unknown atom in a rule expression: ${t}`);
  };
  return rule.match.expr.expression.split("||").some((clause) => clause.split("&&").every(atom));
}

/** Subexpressions of a rule (Cloud Armor allows five): the atoms joined by && and ||. */
export const subexpressions = (rule: ArmorRule) => ("expr" in rule.match ? rule.match.expr.expression.split(/&&|\|\|/).length : 0);

export const rulesFor = (request: { path: string; ip: string }, rules: readonly ArmorRule[]) => rules.filter((r) => r.priority !== DEFAULT_RULE_PRIORITY && matches(r, request));
