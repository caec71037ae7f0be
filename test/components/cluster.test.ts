// SLOW: runs the cluster component under Pulumi's mock runtime.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { HardenedClusterArgs } from "../../infra/components/cluster";
import { planAll } from "../../infra/plan";
import { gpuPoolSpec, NodePoolSpecs, USER_POD_PIDS_LIMIT } from "../../infra/plan/cluster";
import { clusterArgs, declareCluster, poolInputs } from "../support/components";
import { inputs, one } from "../support/resources";
import { loadStackConfig } from "../support/stacks";
import { TYPES } from "../support/types";

// HardenedCluster alone under Pulumi's mock runtime (in preview mode, as `pulumi preview` runs it), given
// plain pool specs and exclusions. Assertions read the inputs each resource is declared with.

const config = loadStackConfig("event");
const [core, user] = planAll(config).nodePools;
const gpu = gpuPoolSpec({ machineType: "n1-standard-8", acceleratorType: "nvidia-tesla-t4", acceleratorCount: 2, maxNodes: 4, image: "unused" }, config.platform, 3);

const args = (overrides: Partial<HardenedClusterArgs> = {}) => clusterArgs(config, [core, user, gpu], overrides);

describe("HardenedCluster", function () {
  this.timeout(60_000);

  it("declares one pool per spec, named <cluster>-<purpose>, with the spec's machine, sizes, taints, kubelet settings and GPUs", async () => {
    const pools = poolInputs(await declareCluster(args()));
    assert.deepStrictEqual([...pools.keys()], ["cluster-core", "cluster-user", "cluster-gpu"]);
    for (const spec of [core, user, gpu]) {
      const p = pools.get(`cluster-${spec.purpose}`);
      assert.deepStrictEqual(
        [p.nodeConfig.machineType, p.autoscaling.totalMinNodeCount, p.autoscaling.totalMaxNodeCount, p.initialNodeCount, p.maxPodsPerNode, p.nodeConfig.diskSizeGb],
        [spec.machineType, spec.minNodes, spec.maxNodes, spec.initialNodesPerZone, spec.maxPodsPerNode, spec.bootDiskGiB],
        spec.purpose,
      );
      assert.deepStrictEqual(p.nodeConfig.labels, { "hub.jupyter.org/node-purpose": spec.purpose });
      assert.deepStrictEqual(p.nodeConfig.taints, spec.taints && [...spec.taints], spec.purpose);
    }
    assert.deepStrictEqual(pools.get("cluster-core").nodeConfig.kubeletConfig, { insecureKubeletReadonlyPortEnabled: "FALSE" });
    for (const name of ["cluster-user", "cluster-gpu"]) {
      assert.deepStrictEqual(pools.get(name).nodeConfig.kubeletConfig, { insecureKubeletReadonlyPortEnabled: "FALSE", podPidsLimit: USER_POD_PIDS_LIMIT });
    }
    assert.deepStrictEqual(pools.get("cluster-gpu").nodeConfig.guestAccelerators, [
      { type: "nvidia-tesla-t4", count: 2, gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" } },
    ]);
    assert.strictEqual(pools.get("cluster-user").nodeConfig.guestAccelerators, undefined);
  });

  it("keeps the kubelet's read-only port closed whatever a spec's kubelet settings carry", async () => {
    // The types allow no such field; a caller outside TypeScript's checks still cannot open the port.
    const opened = { ...user, kubelet: { podPidsLimit: 1, insecureKubeletReadonlyPortEnabled: "TRUE" } };
    const pools = poolInputs(await declareCluster(args({ nodePools: [core, opened] as unknown as NodePoolSpecs })));
    assert.strictEqual(pools.get("cluster-user").nodeConfig.kubeletConfig.insecureKubeletReadonlyPortEnabled, "FALSE");
  });

  it("turns each maintenance exclusion into GKE's form, and declares none when given none", async () => {
    const exclusion = { name: "exam-week", startTime: "2027-12-05T08:00:00Z", endTime: "2027-12-10T08:00:00Z", scope: "NO_MINOR_UPGRADES" } as const;
    const withOne: any = inputs(one(await declareCluster(args({ maintenanceExclusions: [exclusion] })), TYPES.cluster));
    assert.deepStrictEqual(withOne.maintenancePolicy, {
      dailyMaintenanceWindow: { startTime: "03:00" },
      maintenanceExclusions: [{ exclusionName: "exam-week", startTime: exclusion.startTime, endTime: exclusion.endTime, exclusionOptions: { scope: "NO_MINOR_UPGRADES" } }],
    });
    const withNone: any = inputs(one(await declareCluster(args()), TYPES.cluster));
    assert.deepStrictEqual(withNone.maintenancePolicy.maintenanceExclusions, []);
  });

  it("states its Workload Identity pool while the project is still unknown, so the pack can check it at preview", async () => {
    // On a first preview `ProjectApis.project` is unknown (the API wait has not run); a pool derived from
    // it would be unknown too, and the mandatory gke-workload-identity policy passes an unknown value
    // unchecked (`checkSettings`, policy-pack/policies/core.ts).
    const run = await declareCluster(args({ project: pulumi.output(pulumi.unknown) as pulumi.Output<string> }));
    const cluster = inputs(one(run, TYPES.cluster));
    assert.notStrictEqual(cluster.project, config.platform.project, "the project is unknown in this run");
    assert.strictEqual(cluster.workloadIdentityConfig.workloadPool, `${config.platform.project}.svc.id.goog`);
  });
});
