// The one runner for policy cases (policies.test.ts, careless.test.ts): each case or pass runs one policy
// alone on the hand-built hardened stack, with the pack configuration the case gives, so a file of cases
// cannot drift from another in how it checks them.

import * as assert from "assert";
import { allPolicies } from "../../policy-pack/policies";
import type { HardeningPolicy } from "../../policy-pack/policies/core";
import { secureStack } from "./fixtures";
import type { Case, Mutation, Pass } from "./mutations";
import type { Finding } from "../../policy-pack/tools/engine";
import { assertNoViolation, assertViolation, check } from "./support";

const byName = new Map(allPolicies.map((p) => [p.name, p]));

/** The pack's policy of that name; fails the test on a misspelt name rather than checking nothing. */
export function policyNamed(name: string): HardeningPolicy {
  const policy = byName.get(name);
  assert.ok(policy, `no policy named ${name}`);
  return policy;
}

/**
 * Registers one test per case (the policy blocks the mutated stack at the case's level, with the case's
 * config) and one per pass (the policy reports nothing at any level, with the pass's config). Call inside
 * a `describe`.
 */
export function itRunsCases(cases: readonly Case[], passes: readonly Pass[]): void {
  for (const c of cases) {
    it(`${c.policy} blocks ${c.title}`, async () => {
      const stack = secureStack();
      // With the pack's defaults the hardened stack passes, so the finding below comes from the case.
      const before = await check(stack, { policies: [policyNamed(c.policy)] });
      assertNoViolation(before.findings.filter((f) => f.level === "mandatory"), c.policy);
      c.mutate(stack);
      const result = await check(stack, { policies: [policyNamed(c.policy)], config: c.config });
      assert.deepStrictEqual(result.failures, [], `${c.policy} threw`);
      assertViolation(result.findings, c.policy, c.expect, c.level ?? "mandatory");
    });
  }
  for (const p of passes) {
    it(`${p.policy} leaves alone ${p.title}`, async () => {
      assertNoViolation(await findingsOfAlone(p.policy, p.mutate, p.config), p.policy);
    });
  }
}

/**
 * What one policy reports, run alone on the hand-built hardened stack after `mutate`, at every level; it
 * must not throw. The holes files (test/policy-pack/*.holes.test.ts) compare this whole, message by message.
 */
export async function findingsOfAlone(policy: string, mutate: Mutation, config?: unknown): Promise<Finding[]> {
  const stack = secureStack();
  mutate(stack);
  const result = await check(stack, { policies: [policyNamed(policy)], config });
  assert.deepStrictEqual(result.failures, [], `${policy} threw`);
  return result.findings.filter((f) => f.policy === policy);
}
