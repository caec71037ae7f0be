// Cloud Armor's stack config: edgeWafMode, the client range lists and the log sample rate.

import * as assert from "assert";
import { ConfigError } from "../../infra/config/errors";
import { parseConfig } from "../../infra/config/parse";
import { CloudArmorConfig } from "../../infra/config/types";
import { planSecurityPolicy } from "../../infra/plan/cloudArmor";
import { loadStackConfig, rawWith } from "../support/stacks";

const noRanges: CloudArmorConfig = { wafMode: "preview", allowedClientRanges: [], deniedClientRanges: [], logSampleRate: 1 };

describe("Cloud Armor config", () => {
  const issuesOf = (changes: Record<string, unknown>) => {
    try {
      parseConfig(rawWith("dev", changes));
    } catch (e) {
      if (e instanceof ConfigError) return e.issues.map((i) => i.key);
      throw e;
    }
    return assert.fail(`expected ${JSON.stringify(changes)} to be refused`);
  };

  it("defaults to the WAF in preview, no range lists and every request logged", () => {
    assert.deepStrictEqual(loadStackConfig("dev").edge.cloudArmor, noRanges);
    const enforced = parseConfig(rawWith("dev", { edgeWafMode: "enforce", edgeLogSampleRate: 0.25, edgeDeniedRanges: ["203.0.113.0/24"] })).edge.cloudArmor;
    assert.deepStrictEqual(enforced, { wafMode: "enforce", allowedClientRanges: [], deniedClientRanges: ["203.0.113.0/24"], logSampleRate: 0.25 });
    assert.strictEqual(planSecurityPolicy(enforced, 1).logSampleRate, 250_000);
  });

  it("refuses private, too wide or misspelt ranges, more than five allowed ranges, and an unknown WAF mode", () => {
    assert.deepStrictEqual(issuesOf({ edgeAllowedRanges: ["10.0.0.0/8"] }), ["edgeAllowedRanges[0]"]);
    assert.deepStrictEqual(issuesOf({ edgeDeniedRanges: ["0.0.0.0/0", "203.0.113.1/24"] }), ["edgeDeniedRanges[0]", "edgeDeniedRanges[1]"]);
    assert.deepStrictEqual(issuesOf({ edgeAllowedRanges: Array.from({ length: 6 }, (_, i) => `198.51.${i}.0/24`) }), ["edgeAllowedRanges"]);
    assert.deepStrictEqual(issuesOf({ edgeWafMode: "block" }), ["edgeWafMode"]);
    assert.deepStrictEqual(issuesOf({ edgeLogSampleRate: 2 }), ["edgeLogSampleRate"]);
    // No logging would leave no record of Cloud Armor's decisions (and fail edge-backend-security-policy).
    assert.deepStrictEqual(issuesOf({ edgeLogSampleRate: 0 }), ["edgeLogSampleRate"]);
  });
});
