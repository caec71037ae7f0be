// GKE Sandbox's stack config: `userSandbox` and `sandboxPodOverhead`. Sources are in infra/plan/sandbox.ts.

import * as assert from "assert";
import { ConfigError } from "../../infra/config/errors";
import { parseConfig } from "../../infra/config/parse";
import { loadStackConfig, rawWith } from "../support/stacks";

const configOf = (changes: Record<string, unknown> = {}, stack = "event") => parseConfig(rawWith(stack, changes));

function issuesOf(changes: Record<string, unknown>) {
  try {
    parseConfig(rawWith("dev", changes));
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return assert.fail(`expected ${JSON.stringify(changes)} to be refused`);
}

describe("GKE Sandbox config", () => {
  it("defaults to gVisor with a 128 MiB, 0 m allowance per pod, and the event stack asks for it explicitly", () => {
    const dev = configOf({ userSandbox: undefined, sandboxPodOverhead: undefined }, "dev");
    assert.deepStrictEqual(dev.sandbox, { userSandbox: "gvisor", podOverhead: { cpuMillicores: 0, memoryMiB: 128 } });
    assert.strictEqual(loadStackConfig("event").sandbox.userSandbox, "gvisor");
    assert.deepStrictEqual(configOf({ userSandbox: "none", sandboxPodOverhead: { memoryMiB: 200 } }).sandbox, {
      userSandbox: "none",
      podOverhead: { cpuMillicores: 0, memoryMiB: 200 },
    });
  });

  it("refuses another runtime and a malformed allowance, naming the key and what is allowed", () => {
    const runtime = issuesOf({ userSandbox: "kata" }).find((i) => i.key === "userSandbox");
    assert.ok(runtime);
    assert.match(runtime.allowed, /gvisor.*none/);
    const overhead = issuesOf({ sandboxPodOverhead: { memoryMiB: -1, gpus: 1 } });
    assert.deepStrictEqual(overhead.map((i) => i.key).sort(), ["sandboxPodOverhead.gpus", "sandboxPodOverhead.memoryMiB"]);
  });
});
