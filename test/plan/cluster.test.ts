import * as assert from "assert";
import { planAll } from "../../infra/plan";
import {
  CorePoolSpec,
  corePoolSpec,
  eventMaintenanceExclusion,
  GpuPoolSpec,
  gpuPoolSpec,
  NodePoolSpecs,
  rfc3339Seconds,
  USER_POD_PIDS_LIMIT,
  UserPoolSpec,
  userPoolSpec,
  workloadIdentityPool,
} from "../../infra/plan/cluster";
import { dedicatedTaint } from "../../infra/plan/labels";
import { loadStackConfig, stackNames } from "../support/stacks";

// The cluster's node pools as plain data (infra/plan/cluster.ts), which HardenedCluster declares as they are.

const gpuProfile = { machineType: "n1-standard-8", acceleratorType: "nvidia-tesla-t4", acceleratorCount: 1, maxNodes: 4, image: "unused" };

describe("node pool specs", () => {
  for (const stack of stackNames) {
    it(`plans the ${stack} stack's core and user pools, in that order, from the platform config and the capacity model`, () => {
      const config = loadStackConfig(stack);
      const plan = planAll(config);
      const [core, user, gpu] = plan.nodePools;
      assert.deepStrictEqual(plan.nodePools.map((p) => p.purpose), ["core", "user"]);
      assert.strictEqual(gpu, undefined);
      assert.deepStrictEqual(
        [core.machineType, core.minNodes, core.maxNodes, core.bootDiskGiB],
        [config.platform.coreMachineType, config.platform.corePoolMinNodes, config.platform.corePoolMaxNodes, config.platform.coreBootDiskGiB],
      );
      assert.deepStrictEqual(
        [user.machineType, user.minNodes, user.maxNodes, user.maxPodsPerNode, user.bootDiskGiB],
        [plan.userPool.machineType, plan.userPool.userPoolMinNodes, plan.userPool.userPoolMaxNodes, plan.userPool.maxPodsPerNode, config.platform.userBootDiskGiB],
      );
    });
  }

  it("taints the user and GPU pools for their own purpose and limits their PIDs; the core pool is neither", () => {
    const { platform } = loadStackConfig("event");
    const plan = planAll(loadStackConfig("event"));
    const core = corePoolSpec(platform, 3);
    const user = userPoolSpec(plan.userPool, platform, 3);
    const gpu = gpuPoolSpec(gpuProfile, platform, 3);
    assert.deepStrictEqual([core.taints, core.kubelet], [undefined, {}]);
    assert.deepStrictEqual(user.taints, [{ key: "hub.jupyter.org/dedicated", value: "user", effect: "NO_SCHEDULE" }]);
    assert.deepStrictEqual(gpu.taints, [{ key: "hub.jupyter.org/dedicated", value: "gpu", effect: "NO_SCHEDULE" }]);
    for (const spec of [user, gpu]) assert.deepStrictEqual(spec.kubelet, { podPidsLimit: USER_POD_PIDS_LIMIT }, spec.purpose);
  });

  it("gives only the GPU pool an accelerator, and starts it at zero nodes so idle GPUs cost nothing", () => {
    const config = loadStackConfig("event");
    const [core, user, gpu] = planAll({ ...config, hub: { ...config.hub, gpu: gpuProfile } }).nodePools;
    assert.deepStrictEqual([core.accelerator, user.accelerator], [undefined, undefined]);
    assert.ok(gpu);
    assert.deepStrictEqual(gpu.accelerator, { type: "nvidia-tesla-t4", count: 1 });
    assert.deepStrictEqual([gpu.minNodes, gpu.initialNodesPerZone, gpu.maxNodes], [0, 0, 4]);
  });

  it("spreads each pool's minimum over its zones for GKE's per-zone initial count, within its maximum", () => {
    const { platform } = loadStackConfig("event");
    const core = (min: number, max: number, zones: number) =>
      corePoolSpec({ ...platform, corePoolMinNodes: min, corePoolMaxNodes: max }, zones).initialNodesPerZone;
    assert.deepStrictEqual([core(2, 3, 3), core(1, 2, 3), core(1, 2, 1), core(4, 9, 3)], [1, 0, 1, 2]);
  });

  // Checked by the compiler, not at run time: `tsc --noEmit` (npm test's typecheck) fails with "Unused
  // '@ts-expect-error' directive" as soon as one of these bad combinations compiles.
  it("refuses bad combinations of purpose, taints, kubelet settings and accelerator at compile time", () => {
    const { platform } = loadStackConfig("event");
    const core = corePoolSpec(platform, 3);
    const user = userPoolSpec(planAll(loadStackConfig("event")).userPool, platform, 3);
    const gpu = gpuPoolSpec(gpuProfile, platform, 3);
    const typed = <T>(value: T): T => value;
    const rejected = [
      // @ts-expect-error an accelerator exists only on a GPU pool
      typed<UserPoolSpec>({ ...user, accelerator: gpu.accelerator }),
      // @ts-expect-error a GPU pool without its accelerator
      typed<GpuPoolSpec>({ ...gpu, accelerator: undefined }),
      // @ts-expect-error the core pool runs the hub and system pods: no dedicated taint
      typed<CorePoolSpec>({ ...core, taints: [dedicatedTaint("user")] }),
      // @ts-expect-error a user pool tainted for GPU pods
      typed<UserPoolSpec>({ ...user, taints: [dedicatedTaint("gpu")] }),
      // @ts-expect-error a pool for user servers without a PID limit
      typed<UserPoolSpec>({ ...user, kubelet: {} }),
      // @ts-expect-error a cluster without a user pool
      typed<NodePoolSpecs>([core]),
      // @ts-expect-error two GPU pools (one logical name twice)
      typed<NodePoolSpecs>([core, user, gpu, gpu]),
      // @ts-expect-error pools out of order: the purposes are positional
      typed<NodePoolSpecs>([user, core]),
      // @ts-expect-error GKE Sandbox needs a pool without it for GKE's system pods: never the core pool
      typed<CorePoolSpec>({ ...core, sandbox: { type: "GVISOR" } }),
      // @ts-expect-error a sandbox GKE does not offer
      typed<UserPoolSpec>({ ...user, sandbox: { type: "KATA" } }),
    ];
    assert.strictEqual(rejected.length, 10);
  });
});

describe("the pools' purposes, sandbox and Workload Identity pool", () => {
  it("names each pool by its purpose: core, user, gpu (the node-purpose label and the logical name)", () => {
    const config = loadStackConfig("event");
    const pools = planAll({ ...config, hub: { ...config.hub, gpu: gpuProfile } }).nodePools;
    assert.deepStrictEqual(pools.map((p) => p.purpose), ["core", "user", "gpu"]);
  });

  it("runs the user and GPU pools in GKE Sandbox when given one, and neither without", () => {
    const { platform } = loadStackConfig("event");
    const userPool = planAll(loadStackConfig("event")).userPool;
    const gvisor = { type: "GVISOR" } as const; // GKE's nodeConfig.sandboxConfig.type for gVisor
    assert.deepStrictEqual([userPoolSpec(userPool, platform, 3, gvisor).sandbox, gpuPoolSpec(gpuProfile, platform, 3, gvisor).sandbox], [gvisor, gvisor]);
    const unsandboxed = [userPoolSpec(userPool, platform, 3), gpuPoolSpec(gpuProfile, platform, 3)];
    assert.deepStrictEqual(unsandboxed.map((p) => "sandbox" in p), [false, false]);
  });

  it("names the project's Workload Identity pool <project>.svc.id.goog", () => {
    // GKE docs, "Authenticate to Google Cloud APIs from GKE workloads": --workload-pool=PROJECT_ID.svc.id.goog
    assert.strictEqual(workloadIdentityPool("uni-jupyter-prod"), "uni-jupyter-prod.svc.id.goog");
  });
});

describe("the event's maintenance exclusion", () => {
  it("holds back every upgrade from a day before the event to a day after it", () => {
    const exclusion = eventMaintenanceExclusion({ start: new Date("2027-12-06T08:00:00Z"), end: new Date("2027-12-09T17:00:00Z") });
    assert.deepStrictEqual(exclusion, {
      name: "event-no-upgrades",
      startTime: "2027-12-05T08:00:00Z",
      endTime: "2027-12-10T17:00:00Z",
      scope: "NO_UPGRADES",
    });
  });

  it("fits GKE's 30-day limit for a no-upgrades exclusion around the longest event the config allows (28 days)", () => {
    // GKE docs, "Maintenance windows and exclusions": a "No upgrades" exclusion lasts at most 30 days;
    // eventEnd is at most 28 days after eventStart (docs/configuration.md).
    const exclusion = eventMaintenanceExclusion({ start: new Date("2027-12-01T00:00:00Z"), end: new Date("2027-12-29T00:00:00Z") });
    assert.deepStrictEqual([exclusion.startTime, exclusion.endTime], ["2027-11-30T00:00:00Z", "2027-12-30T00:00:00Z"]);
  });

  it("widens an event time with a fraction of a second to whole seconds, still covering the event", () => {
    const exclusion = eventMaintenanceExclusion({ start: new Date("2027-12-06T08:00:00.250Z"), end: new Date("2027-12-09T08:00:00.250Z") });
    assert.strictEqual(exclusion.startTime, "2027-12-05T08:00:00Z");
    assert.strictEqual(exclusion.endTime, "2027-12-10T08:00:01Z");
  });

  it("writes a whole second without a fraction and refuses to round anything else silently", () => {
    assert.strictEqual(rfc3339Seconds(new Date("2027-12-06T08:00:00Z")), "2027-12-06T08:00:00Z");
    assert.throws(() => rfc3339Seconds(new Date("2027-12-06T08:00:00.001Z")), {
      name: "RangeError",
      message: "2027-12-06T08:00:00.001Z is not a whole second",
    });
  });
});
