import * as assert from "assert";
import { ConfigError } from "../../infra/config/errors";
import { parseConfig } from "../../infra/config/parse";
import { configSchema } from "../../infra/config/schema";
import { rawWith, stacksAsOf } from "../support/stacks";

// Every numeric key at both edges of its range (issue 10: a bound widened from 5,000 to 50,000 users, or an
// off-by-one at an edge, must fail a test). The bounds and the messages are written out here, from the
// README's configuration table as reviewed, NOT read from infra/config/schema.ts: a test that took them
// from the schema would move with a careless edit of it. The last case checks this table names every
// numeric key, so a new key cannot go untested.

interface Bound {
  readonly key: string;
  readonly min: number;
  readonly max: number;
  /** Just outside each edge: refused. */
  readonly below: number;
  readonly above: number;
  /** The whole message for a value out of range, after "got <value>; ". */
  readonly allowed: string;
}

const whole = (key: string, min: number, max: number, unit = ""): Bound => ({
  key, min, max, below: min - 1, above: max + 1, allowed: `allowed: a whole number from ${min} to ${max}${unit}`,
});

const bounds: readonly Bound[] = [
  whole("corePoolMinNodes", 1, 10),
  whole("corePoolMaxNodes", 1, 20),
  whole("coreBootDiskGiB", 20, 500, " GiB"),
  whole("userBootDiskGiB", 20, 500, " GiB"),
  whole("peakUsers", 1, 5000),
  whole("userStorageGiB", 1, 1024, " GiB"),
  whole("backendTimeoutSeconds", 3600, 86400, " seconds"),
  whole("cullTimeoutSeconds", 300, 86400, " seconds"),
  whole("cullEverySeconds", 60, 3600, " seconds"),
  whole("cullMaxAgeSeconds", 3600, 604800, " seconds"),
  whole("activeServerLimit", 1, 5000),
  whole("concurrentSpawnLimit", 1, 500),
  whole("exportRetentionDays", 1, 365),
  whole("teardownTimeoutMinutes", 5, 120, " minutes"),
  { key: "userCpuGuarantee", min: 0.01, max: 64, below: 0.009, above: 64.001, allowed: "allowed: a number from 0.01 to 64 vCPU" },
  { key: "userCpuLimit", min: 0.01, max: 64, below: 0.009, above: 64.001, allowed: "allowed: a number from 0.01 to 64 vCPU" },
  { key: "userMemoryGuaranteeGiB", min: 0.125, max: 512, below: 0.124, above: 512.001, allowed: "allowed: a number from 0.125 to 512 GiB" },
  { key: "userMemoryLimitGiB", min: 0.125, max: 512, below: 0.124, above: 512.001, allowed: "allowed: a number from 0.125 to 512 GiB" },
  // Cloud Armor's decisions are logged at this rate (issue 15); none at all is not offered.
  { key: "edgeLogSampleRate", min: 0.01, max: 1, below: 0.009, above: 1.001, allowed: "allowed: a number from 0.01 to 1" },
  { key: "userNodesPackingSlack", min: 0, max: 10, below: -0.001, above: 10.001, allowed: "allowed: a number from 0 to 10" },
  { key: "hubLoginsPerSecond", min: 0.1, max: 100, below: 0.099, above: 100.001, allowed: "allowed: a number from 0.1 to 100" },
  // The rush simulation's timings (issue 13), each with its unit.
  whole("rushWaitTargetSeconds", 10, 1800, " seconds"),
  whole("autoscalerReactionSeconds", 0, 600, " seconds"),
  whole("nodeBootSeconds", 10, 1800, " seconds"),
  whole("imagePullSeconds", 0, 3600, " seconds"),
  whole("podStartSeconds", 1, 600, " seconds"),
  whole("rushSeed", 0, 2147483647),
  { key: "userPoolMaxPodsPerNode", min: 8, max: 256, below: 7, above: 257, allowed: "allowed: auto or a whole number from 8 to 256" },
];

/** The problems parseConfig reports for one key when the dev stack has `key: value` (none: undefined). */
function problemFor(key: string, value: number): string | undefined {
  try {
    parseConfig(rawWith("dev", { [key]: value }), { now: stacksAsOf });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const mine = e.issues.filter((i) => i.key === key);
    assert.ok(mine.length <= 1, `${key}=${value}: more than one problem for one key: ${e.message}`);
    return mine[0]?.allowed;
  }
  return undefined;
}

describe("numeric stack config, at both edges of every range", () => {
  for (const b of bounds) {
    it(`${b.key}: accepts ${b.min} and ${b.max}, refuses ${b.below} and ${b.above} saying ${b.allowed}`, () => {
      // A value at an edge may still break a rule between keys (a guarantee above its limit...); those are
      // reported under the other key or with other words, never as this key's range.
      for (const ok of [b.min, b.max]) {
        const p = problemFor(b.key, ok);
        assert.notStrictEqual(p, b.allowed, `${b.key}=${ok} is inside the range but was refused as out of it`);
      }
      assert.strictEqual(problemFor(b.key, b.below), b.allowed, `${b.key}=${b.below} is below the range`);
      assert.strictEqual(problemFor(b.key, b.above), b.allowed, `${b.key}=${b.above} is above the range`);
    });
  }

  it("a whole-number key refuses a fraction inside its range", () => {
    assert.strictEqual(problemFor("peakUsers", 2.5), "allowed: a whole number from 1 to 5000");
    assert.strictEqual(problemFor("userPoolMaxPodsPerNode", 8.5), "allowed: auto or a whole number from 8 to 256");
  });

  it("names every numeric key of the schema", () => {
    const numeric = Object.entries(configSchema)
      .filter(([, spec]) => spec.kind === "integer" || spec.kind === "number" || spec.kind === "autoOrInteger")
      .map(([key]) => key)
      .sort();
    assert.deepStrictEqual(bounds.map((b) => b.key).sort(), numeric, "a numeric key without its edges tested here");
  });
});
