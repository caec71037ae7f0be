// GKE Sandbox (gVisor) for user pods, end to end through the program's own layers: the `userSandbox` and
// `sandboxPodOverhead` keys, the pool specs, the node pools HardenedCluster declares, the chart values that
// request the RuntimeClass (checked against the Z2JH 4.4.0 schema) and the security summary.
// Sources are in infra/plan/sandbox.ts and infra/plan/chart/sandbox.ts.

import * as assert from "assert";
import { ConfigError } from "../../infra/config/errors";
import { parseConfig } from "../../infra/config/parse";
import { StackConfig } from "../../infra/config/types";
import { HardenedCluster } from "../../infra/components/cluster";
import { readShippedFiles } from "../../infra/files";
import { planAll } from "../../infra/plan";
import { buildChartValues, summarizeHubSecurity, Z2jhValues } from "../../infra/plan/chart";
import { workloadIdentityPool } from "../../infra/plan/cluster";
import { runOffline } from "../../infra/tools/offline";
import { gkeSandboxType, gvisorRuntimeClass, sandboxNodeKey, sandboxNodeValue } from "../../policy-pack/contracts/sandbox";
import { inputs, ofType } from "../support/resources";
import { loadStackConfig, rawWith } from "../support/stacks";
import { chartSchemaErrors, describeErrors } from "./chartSchema";

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

function issuesOf(changes: Record<string, unknown>) {
  try {
    parseConfig(rawWith("dev", changes));
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return assert.fail(`expected ${JSON.stringify(changes)} to be refused`);
}

describe("GKE Sandbox for user pods", function () {
  this.timeout(60_000);

  describe("config", () => {
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

    it("HardenedCluster gives the sandboxed pools sandboxConfig.type GVISOR and leaves GKE's own taint and label to GKE", async () => {
      const config = configOf({ gpuProfile });
      const run = await runOffline("event", {}, [], () => {
        const cluster = new HardenedCluster("cluster", {
          project: config.platform.project,
          workloadIdentityPool: workloadIdentityPool(config.platform.project),
          region: config.platform.region,
          location: config.platform.location,
          releaseChannel: config.platform.releaseChannel,
          authorizedNetworks: config.platform.authorizedNetworks,
          deletionProtection: false,
          network: "vpc",
          subnetwork: "subnet",
          nodePools: planAll(config).nodePools,
          namePrefix: "event",
        });
        return { clusterName: cluster.cluster.name };
      });
      const pools = new Map(ofType(run, "gcp:container/nodePool:NodePool").map((p) => [p.name, inputs(p)]));
      assert.strictEqual(pools.get("cluster-core").nodeConfig.sandboxConfig, undefined);
      for (const name of ["cluster-user", "cluster-gpu"]) {
        const nodeConfig = pools.get(name).nodeConfig;
        assert.deepStrictEqual(nodeConfig.sandboxConfig, { type: "GVISOR" }, name);
        // GKE refuses a pool that names its sandbox taint ("managed by GKE and must not be manually specified").
        assert.ok(!nodeConfig.taints.some((t: { key: string }) => t.key === sandboxNodeKey), name);
        assert.ok(!(sandboxNodeKey in nodeConfig.labels), name);
        // GKE Sandbox runs only on Container-Optimized OS with containerd.
        assert.strictEqual(nodeConfig.imageType, "COS_CONTAINERD", name);
      }
    });
  });

  describe("chart values", () => {
    const sandboxed = valuesOf(configOf({ gpuProfile }));
    const plain = valuesOf(configOf({ gpuProfile, userSandbox: "none" }));

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
