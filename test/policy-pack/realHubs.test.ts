// SLOW: plans the event stack under Pulumi's mock runtime and runs the pack over every real hub file.
// Values files of real public hubs (test/policy-pack/realHubs/*.yaml, each citing its source), applied
// over the event stack the way Helm applies a further values file (maps merge, lists and scalars
// replace, null deletes): the pack blocks each one with exactly the mandatory policies its verdict names
// (realHubs/expected.ts, judged by reading the file), each finding naming the key to fix, and passes the
// secure neighbours. The event stack is the program's own offline plan.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { runOfflinePlan } from "../../infra/tools/plan";
import { helmMerge } from "../../policy-pack/policies/z2jh/chartDefaults";
import { runPolicies } from "../../policy-pack/tools/check";
import { stacksAsOf } from "../support/stacks";
import { clone, mandatory } from "./support";
import { VERDICTS } from "./realHubs/expected";
import type { Plan } from "./flips";

const dir = path.join(__dirname, "realHubs");
const read = (file: string) => parse(fs.readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>;

describe("policy pack on real hubs' values over the event stack", function () {
  this.timeout(300_000);
  let plan: Plan;

  before(async () => {
    plan = await runOfflinePlan("event", { asOf: stacksAsOf });
  });

  it("every file in realHubs/ has a verdict, and every verdict a file", () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();
    assert.deepStrictEqual(files, Object.keys(VERDICTS).sort());
    for (const file of files) assert.match(fs.readFileSync(path.join(dir, file), "utf8"), /^# (Source: https:\/\/github\.com\/|A secure neighbour of )/, file);
  });

  for (const [file, verdict] of Object.entries(VERDICTS)) {
    const expected = Object.keys(verdict.blocks).sort();
    it(`${file}: ${expected.length === 0 ? "passes" : `blocked by ${expected.join(", ")}`} (${verdict.why})`, async () => {
      const copy = clone(plan);
      const release = copy.steps.find((s) => s.newState.type === "kubernetes:helm.sh/v3:Release");
      assert.ok(release, "the event stack declares the hub's release");
      const inputs = release.newState.inputs as Record<string, unknown>;
      for (const layer of [...(verdict.over ?? []), file]) inputs.values = helmMerge(inputs.values, read(layer));
      const result = await runPolicies(copy);
      assert.deepStrictEqual(result.failures, []);
      const findings = mandatory(result.findings);
      const text = findings.map((f) => `  ${f.policy}: ${f.message}`).join("\n");
      assert.deepStrictEqual([...new Set(findings.map((f) => f.policy))].sort(), expected, `mandatory findings:\n${text}`);
      for (const [policy, fragments] of Object.entries(verdict.blocks)) {
        for (const fragment of fragments) {
          assert.ok(findings.some((f) => f.policy === policy && f.message.includes(fragment)), `${policy} should report "${fragment}"; it reported:\n${text}`);
        }
      }
    });
  }
});
