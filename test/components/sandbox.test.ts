// SLOW: runs HardenedCluster under Pulumi's mock runtime.
// GKE Sandbox on the node pools HardenedCluster declares from the plan's pool specs. Sources are in
// infra/plan/sandbox.ts.

import * as assert from "assert";
import { parseConfig } from "../../infra/config/parse";
import { planAll } from "../../infra/plan";
import { sandboxNodeKey } from "../../policy-pack/contracts/sandbox";
import { clusterArgs, declareCluster, poolInputs } from "../support/components";
import { rawWith } from "../support/stacks";

const gpuProfile = {
  machineType: "n1-standard-8",
  acceleratorType: "nvidia-tesla-t4",
  acceleratorCount: 1,
  maxNodes: 2,
  image: "quay.io/jupyter/pytorch-notebook:cuda12-2025-11-03",
};

describe("GKE Sandbox on the node pools", function () {
  this.timeout(60_000);

  it("HardenedCluster gives the sandboxed pools sandboxConfig.type GVISOR and leaves GKE's own taint and label to GKE", async () => {
    const config = parseConfig(rawWith("event", { gpuProfile }));
    const pools = poolInputs(await declareCluster(clusterArgs(config, planAll(config).nodePools)));
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
