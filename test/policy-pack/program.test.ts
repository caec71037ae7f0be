// SLOW: runs the whole program under Pulumi's mock runtime.
// The pack against the real program: both stacks' offline plans (`npm run plan -- --stack <s> --json`)
// pass with no mandatory violation, and flipping any hardening setting the program makes to its insecure
// value in the plan (flips.ts) is caught by at least one mandatory policy.

import * as assert from "assert";
import { stackPreview } from "../support/runs";
import { stackNames as STACKS } from "../support/stacks";
import { allPolicies } from "../../policy-pack/policies";
import { runPolicies, type CheckResult } from "../../policy-pack/tools/check";
import { describeFlip, FLIPS, flipped, type Plan } from "./flips";
import { mandatory } from "./support";

function summary(result: CheckResult): string {
  return result.findings.map((f) => `  ${f.level} ${f.policy} ${f.urn}: ${f.message}`).join("\n") || "  (none)";
}

describe("policy pack on the program's offline plan", function () {
  this.timeout(300_000);
  const plans = new Map<string, Plan>();

  before(async () => {
    for (const stack of STACKS) plans.set(stack, await stackPreview(stack));
  });

  for (const stack of STACKS) {
    it(`the ${stack} stack passes with no mandatory violation and no policy failure`, async () => {
      const result = await runPolicies(plans.get(stack));
      assert.deepStrictEqual(result.failures, []);
      assert.deepStrictEqual(mandatory(result.findings), [], `mandatory violations on ${stack}:\n${summary(result)}`);
      assert.ok(result.resourceCount > 10, `only ${result.resourceCount} resources planned`);
    });
  }

  it("every resource type the pack checks that the program declares has settings to flip", () => {
    const checked = new Set(allPolicies.flatMap((p) => p.appliesTo));
    const declared = new Set([...plans.values()].flatMap((plan) => plan.steps.map((s) => s.newState.type)).filter((t) => checked.has(t)));
    const flippedTypes = new Set(FLIPS.map((f) => f.type));
    assert.deepStrictEqual([...declared].filter((t) => !flippedTypes.has(t)), []);
  });

  for (const flip of FLIPS) {
    it(`catches ${describeFlip(flip)}`, async () => {
      let flippedSomewhere = false;
      for (const stack of STACKS) {
        const plan = flipped(plans.get(stack) as Plan, flip);
        if (plan === undefined) continue;
        flippedSomewhere = true;
        const result = await runPolicies(plan);
        assert.deepStrictEqual(result.failures, []);
        assert.ok(mandatory(result.findings).length > 0, `${stack}: no mandatory policy caught ${describeFlip(flip)}; findings:\n${summary(result)}`);
      }
      assert.ok(flippedSomewhere, `no stack declares ${describeFlip(flip)}`);
    });
  }
});
