// GKE Sandbox (gVisor) for user pods, the plan's half: the pool specs, the chart values that request the
// RuntimeClass (checked against the Z2JH 4.4.0 schema) and the security summary. The config keys are
// test/config/sandbox.test.ts; the node pools HardenedCluster declares, test/components/sandbox.test.ts.
// Sources are in infra/plan/sandbox.ts and infra/plan/chart/sandbox.ts.

import * as assert from "assert";
import { parseConfig } from "../../infra/config/parse";
import { StackConfig } from "../../infra/config/types";
import { readShippedFiles } from "../../infra/files";
import { planAll } from "../../infra/plan";
import { buildChartValues, prePullerTolerations, sandboxRuntime, summarizeHubSecurity, Z2jhValues } from "../../infra/plan/chart";
import { gkeSandboxType, gvisorRuntimeClass, sandboxNodeKey, sandboxNodeValue } from "../../policy-pack/contracts/sandbox";
import { chartSchemaErrors, describeErrors } from "../support/chartSchema";
import { rawWith } from "../support/stacks";

const gpuProfile = {
  machineType: "n1-standard-8",
  acceleratorType: "nvidia-tesla-t4",
  acceleratorCount: 1,
  maxNodes: 2,
  image: "quay.io/jupyter/pytorch-notebook:cuda12-2025-11-03",
};

const configOf = (changes: Record<string, unknown> = {}, stack = "event") => parseConfig(rawWith(stack, changes));
const valuesOf = (config: StackConfig): Z2jhValues =>
  buildChartValues(config, planAll(config), readShippedFiles(), { secretName: "hub-test-secret" });

describe("GKE Sandbox for user pods: the plan", () => {
  describe("node pools", () => {
    it("sandboxes the user and GPU pools, never the core pool, and none of them without the sandbox", () => {
      const sandboxed = planAll(configOf({ gpuProfile })).nodePools;
      assert.deepStrictEqual(sandboxed.map((p) => [p.purpose, p.sandbox]), [
        ["core", undefined],
        ["user", { type: gkeSandboxType }],
        ["gpu", { type: gkeSandboxType }],
      ]);
      const plain = planAll(configOf({ gpuProfile, userSandbox: "none" })).nodePools;
      assert.deepStrictEqual(plain.map((p) => p.sandbox), [undefined, undefined, undefined]);
    });
  });

  describe("chart values", () => {
    // Built before each test, not while mocha loads the file (docs/testing.md).
    let sandboxed: ReturnType<typeof valuesOf>;
    let plain: ReturnType<typeof valuesOf>;
    beforeEach(() => {
      sandboxed = valuesOf(configOf({ gpuProfile }));
      plain = valuesOf(configOf({ gpuProfile, userSandbox: "none" }));
    });

    it("request the gVisor RuntimeClass for user pods (KubeSpawner extra_pod_config) and placeholders", () => {
      assert.deepStrictEqual(sandboxed.singleuser.extraPodConfig, { runtimeClassName: gvisorRuntimeClass });
      assert.deepStrictEqual(sandboxed.scheduling.userPlaceholder.extraPodSpec, { runtimeClassName: gvisorRuntimeClass });
      // The GPU profile replaces no extra_pod_config, so GPU pods keep the RuntimeClass (and land on the
      // sandboxed GPU pool).
      const gpu = sandboxed.singleuser.profileList.find((p) => p.slug === "gpu");
      assert.ok(gpu?.kubespawner_override);
      assert.ok(!("extra_pod_config" in gpu.kubespawner_override));
    });

    it("let the image pullers onto sandboxed nodes by tolerating GKE's sandbox taint", () => {
      assert.deepStrictEqual(sandboxed.prePuller.extraTolerations, [
        { key: sandboxNodeKey, operator: "Equal", value: sandboxNodeValue, effect: "NoSchedule" },
      ]);
    });

    it("touch nothing of the hub, the proxy or the chart's services", () => {
      // The hub (with its KubeSpawner config), the proxy, culling: identical with and without the sandbox.
      assert.deepStrictEqual([sandboxed.hub, sandboxed.proxy, sandboxed.cull], [plain.hub, plain.proxy, plain.cull]);
      assert.deepStrictEqual(sandboxed.scheduling.corePods, plain.scheduling.corePods);
    });

    it("ask nothing of the pods or the pullers without the sandbox", () => {
      const none = { userSandbox: "none" as const, podOverhead: { cpuMillicores: 0, memoryMiB: 128 } };
      assert.deepStrictEqual(prePullerTolerations(none), [], "without the sandbox the pullers need no toleration");
      assert.strictEqual(sandboxRuntime(none), undefined);
      // Written out: GKE Sandbox's RuntimeClass and node taint (GKE docs, "GKE Sandbox": sandbox.gke.io/runtime=gvisor:NoSchedule).
      const gvisor = { ...none, userSandbox: "gvisor" as const };
      assert.deepStrictEqual(prePullerTolerations(gvisor), [{ key: "sandbox.gke.io/runtime", operator: "Equal", value: "gvisor", effect: "NoSchedule" }]);
      assert.deepStrictEqual(sandboxRuntime(gvisor), { runtimeClassName: "gvisor" });
    });

    it("are absent without the sandbox, and add nothing to the users' requests", () => {
      assert.strictEqual(plain.singleuser.extraPodConfig, undefined);
      assert.strictEqual(plain.scheduling.userPlaceholder.extraPodSpec, undefined);
      assert.strictEqual(plain.prePuller.extraTolerations, undefined);
      const capacity = configOf().capacity;
      assert.deepStrictEqual(plain.singleuser.memory, { guarantee: capacity.userMemoryGuaranteeGiB * 1024 ** 3, limit: capacity.userMemoryLimitGiB * 1024 ** 3 });
    });

    it("add the allowance to each user's request and limit in the units the chart takes", () => {
      const values = valuesOf(configOf({ userCpuGuarantee: 0.1, userCpuLimit: 1, sandboxPodOverhead: { cpuMillicores: 50, memoryMiB: 100 } }));
      // Summed in millicores: 0.1 + 0.05 would be 0.15000000000000002 in floating point.
      assert.deepStrictEqual(values.singleuser.cpu, { guarantee: 0.15, limit: 1.05 });
      assert.deepStrictEqual(values.singleuser.memory, { guarantee: 2 * 1024 ** 3 + 100 * 1024 ** 2, limit: 4 * 1024 ** 3 + 100 * 1024 ** 2 });
    });

    it("pass the Z2JH 4.4.0 schema with and without the sandbox", () => {
      for (const values of [sandboxed, plain]) {
        const errors = chartSchemaErrors(values);
        assert.deepStrictEqual(errors, [], describeErrors(errors));
      }
    });
  });

  describe("security summary", () => {
    it("says whether user pods are sandboxed and what that changes, read back from the values", () => {
      const on = summarizeHubSecurity(valuesOf(configOf())).join("\n");
      assert.match(on, /sandbox: GKE Sandbox \(runtimeClassName gvisor\) for user and GPU pods, placeholders too, image pullers tolerate the sandbox taint/);
      assert.match(on, /seccomp profile is not loaded inside it/);
      const off = summarizeHubSecurity(valuesOf(configOf({ userSandbox: "none" }))).join("\n");
      assert.match(off, /sandbox: none; user code calls the node's kernel directly/);
      // A hand-edited value the summary must not paper over.
      const values = valuesOf(configOf());
      const noPlaceholders = { ...values, scheduling: { ...values.scheduling, userPlaceholder: { enabled: true as const, replicas: 1 } } };
      assert.match(summarizeHubSecurity(noPlaceholders).join("\n"), /placeholders NOT sandboxed/);
    });
  });
});
