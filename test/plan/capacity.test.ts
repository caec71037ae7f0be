import * as assert from "assert";
import { CapacityConfig, StackConfig } from "../../infra/config/types";
import { fitUsersOnNode, gkeAllocatable, planUserPool, podBlockAddresses } from "../../infra/plan/capacity";
import { initialNodesPerZone, planAll } from "../../infra/plan";
import { lookupMachineType, machineTypes } from "../../infra/catalog/machineTypes";
import { parseConfig } from "../../infra/config/parse";
import { loadStackConfig, rawWith, stacksAsOf } from "../support/stacks";

const machine = (name: string) => lookupMachineType(name)!;

describe("capacity model", () => {
  describe("node allocatable by GKE's reservation formula", () => {
    // Worked by hand from cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes.
    it("n2-highmem-8: 64 GiB keeps 25%·4 + 20%·4 + 10%·8 + 6%·48 GiB + 100 MiB; 8 cores keep 60+10+10+10 m", () => {
      // 1024 + 819.2 + 819.2 + 2949.12 = 5611.52 MiB reserved, 100 MiB eviction threshold.
      assert.deepStrictEqual(gkeAllocatable(machine("n2-highmem-8")), { cpuMillicores: 7910, memoryMiB: 65536 - 5611.52 - 100 });
    });
    it("e2-standard-4: 16 GiB keeps 1024 + 819.2 + 819.2 MiB; 4 cores keep 60+10+10 m", () => {
      assert.deepStrictEqual(gkeAllocatable(machine("e2-standard-4")), { cpuMillicores: 3920, memoryMiB: 16384 - 2662.4 - 100 });
    });
    it("n2-highmem-32: the 2% tier above 128 GiB applies", () => {
      // 256 GiB: 1024 + 819.2 + 819.2 + 6%·112·1024 (6881.28) + 2%·128·1024 (2621.44) = 12165.12 MiB.
      // 32 cores: 60 + 10 + 10 + 0.25%·28·1000 (70) = 150 m.
      const a = gkeAllocatable(machine("n2-highmem-32"));
      assert.strictEqual(a.cpuMillicores, 32000 - 150);
      assert.ok(Math.abs(a.memoryMiB - (262144 - 12165.12 - 100)) < 1e-6);
    });
    it("shared-core e2-medium keeps a flat 1060 m of CPU", () => {
      assert.strictEqual(gkeAllocatable(machine("e2-medium")).cpuMillicores, 940);
    });
    // Machines outside the catalogue, as Compute Engine lists them (f1-micro: 1 shared vCPU, 0.6 GB;
    // e2-micro: 2 shared vCPUs, 1 GB), for the formula's edge at 1 GiB.
    const micro = (name: string, vcpus: number, memoryGiB: number) => ({ name, family: name.slice(0, 2), vcpus, memoryGiB, sharedCore: true, attachableDisks: 15 });
    it("f1-micro: under 1 GiB keeps a flat 255 MiB (and the 100 MiB eviction threshold)", () => {
      const a = gkeAllocatable(micro("f1-micro", 1, 0.6));
      assert.ok(Math.abs(a.memoryMiB - (614.4 - 255 - 100)) < 1e-9, `${a.memoryMiB} MiB`);
    });
    it("e2-micro: exactly 1 GiB keeps 25% of it, 256 MiB", () => {
      assert.strictEqual(gkeAllocatable(micro("e2-micro", 2, 1)).memoryMiB, 1024 - 256 - 100);
    });
  });

  it("gives each node a pod block of twice its max pods, rounded up to a power of two", () => {
    assert.deepStrictEqual([8, 16, 32, 64, 110, 256].map(podBlockAddresses), [16, 32, 64, 128, 256, 512]);
  });

  describe("the 1,000-user event stack as shipped, under gVisor", () => {
    // Planned before each test, not while mocha loads the file (docs/testing.md: work at load time makes
    // every mutant it reaches a full restart, and a per-test plan keeps one mutant's result out of the next).
    let plan: ReturnType<typeof planAll>;
    let pool: ReturnType<typeof planAll>["userPool"];
    beforeEach(() => {
      plan = planAll(loadStackConfig("event"));
      pool = plan.userPool;
    });

    it("counts gVisor's 128 MiB in each user's request, so auto picks e2-highmem-16 with 55 users a node", () => {
      // 2048 MiB + 128 MiB (sandboxPodOverhead) = 2176 MiB a user. e2-highmem-16: 131072 MiB less GKE's
      // 9543.68 MiB reservation (25% of 4 GiB, 20% of 4, 10% of 8, 6% of 112) and 100 MiB eviction =
      // 121428.32; less 768 MiB of DaemonSets = 120660.32; / 2176 = 55.4 → 55. CPU: 15390 m / 250 = 61.
      assert.deepStrictEqual(pool.perUserRequest, { cpuMillicores: 250, memoryMiB: 2176 });
      assert.strictEqual(pool.machineType, "e2-highmem-16");
      assert.strictEqual(pool.usersPerNode, 55);
      assert.strictEqual(pool.bindingConstraint, "memory");
    });

    it("sizes the pool to ceil(1000 / 55) = 19 nodes (lower bound ceil(1000 × 2176 / 120660.32) = 19), 110 pods a node", () => {
      assert.strictEqual(pool.userPoolMaxNodes, 19);
      assert.strictEqual(pool.lowerBoundNodes, 19);
      assert.strictEqual(pool.maxPodsPerNode, 110); // 55 + 10 DaemonSet pods → the 110 step
      // (19 + 3) × 256 + (3 + 3) × 256 pod addresses; (19 + 3) + (3 + 3) + 4 node addresses.
      assert.strictEqual(plan.addresses.podAddressesNeeded, 7168);
      assert.strictEqual(plan.addresses.nodeAddressesNeeded, 32);
    });
  });

  // The event stack as shipped runs users under gVisor; main's worked figures below are the same stack
  // without the sandbox (`userSandbox: none`), and the next block works the shipped one.
  describe("the 1,000-user event stack (without the sandbox)", () => {
    let config: StackConfig;
    let plan: ReturnType<typeof planAll>;
    let pool: ReturnType<typeof planAll>["userPool"];
    beforeEach(() => {
      config = parseConfig(rawWith("event", { userSandbox: "none" }), { now: stacksAsOf });
      plan = planAll(config);
      pool = plan.userPool;
    });

    it("fits 28 users on the chosen e2-highmem-8 (the shape of an n2-highmem-8) and names memory as binding", () => {
      assert.strictEqual(pool.machineType, "e2-highmem-8");
      // 59824.48 − 768 MiB of DaemonSets = 59056.48 MiB; / 2048 MiB per user = 28.8 → 28.
      // 7910 − 500 m = 7410 m; / 250 m per user = 29.6 → 29. Pods: 64 − 10 = 54. Disks: 127.
      assert.deepStrictEqual(pool.usersPerNodeBy, { memory: 28, cpu: 29, pods: 54, disks: 127 });
      assert.strictEqual(pool.usersPerNode, 28);
      assert.strictEqual(pool.bindingConstraint, "memory");
    });

    it("needs 36 user nodes at peak, one above the bin-packing lower bound of 35", () => {
      // ceil(1000 / 28) = 36; lower bound ceil(1000 · 2048 / 59056.48) = ceil(34.68) = 35.
      assert.strictEqual(pool.userNodesAtPeak, 36);
      assert.strictEqual(pool.lowerBoundNodes, 35);
      assert.ok((pool.userNodesAtPeak - pool.lowerBoundNodes) / pool.lowerBoundNodes < 0.05, "within 5% of the lower bound");
    });

    it("sizes the pool from 0 (warm room comes from the calendar) to the peak's 36 nodes, placeholders not on top", () => {
      assert.strictEqual(pool.userPoolMinNodes, 0);
      assert.strictEqual(pool.userPoolMaxNodes, 36); // ceil(1000 / 28)
      // The most the calendar holds at once: the largest class's warm room (test/plan/rush.test.ts).
      assert.strictEqual(pool.placeholderUsers, Math.max(...plan.rush.classes.map((c) => c.placeholders)));
      assert.ok(pool.placeholderUsers > 0 && pool.placeholderUsers <= 1000);
    });

    it("chooses 64 max pods per node (27 users + 10 DaemonSet pods fit the /25 step)", () => {
      assert.strictEqual(pool.maxPodsPerNode, 64);
    });

    it("checks the fixed default ranges hold every pool at its maximum, with a surge node per zone", () => {
      // Regional, three zones: (36 + 3) user nodes × 128 + (3 + 3) core nodes × 256 = 6528 pod addresses;
      // 39 + 6 nodes + 4 addresses GCP reserves = 49 node addresses.
      assert.strictEqual(plan.addresses.podAddressesNeeded, 6528);
      assert.strictEqual(plan.addresses.nodeAddressesNeeded, 49);
      // The defaults do not move with the peak: GCP cannot resize a range a cluster uses.
      assert.deepStrictEqual(
        [plan.addresses.nodeCidr, plan.addresses.podCidr, plan.addresses.serviceCidr],
        ["10.0.0.0/20", "10.32.0.0/12", "10.1.0.0/20"],
      );
    });

    it("spreads each pool's minimum over the zones without exceeding its maximum", () => {
      assert.strictEqual(initialNodesPerZone({ minNodes: 9, maxNodes: 46 }, 3), 3);
      assert.strictEqual(initialNodesPerZone({ minNodes: 2, maxNodes: 3 }, 3), 1);
      // One core node wanted, three zones, at most two nodes: start empty rather than above the maximum.
      assert.strictEqual(initialNodesPerZone({ minNodes: 1, maxNodes: 2 }, 3), 0);
      assert.strictEqual(initialNodesPerZone({ minNodes: 1, maxNodes: 2 }, 1), 1);
    });

    it("asks for the regional quotas the pools need at their maximum", () => {
      // 36 × 8 user vCPUs (E2: CPUS only) + 3 × 8 core vCPUs (N2); disks: 36 × 100 + 3 × 50 GB boot,
      // 1000 × 10 GiB homes, 1 GiB hub DB.
      assert.deepStrictEqual(plan.quotas.cpusByQuota, { N2_CPUS: 24 });
      assert.strictEqual(plan.quotas.cpus, 312);
      assert.strictEqual(plan.quotas.ssdTotalGb, 3600 + 150 + 10_000 + 1);
      assert.strictEqual(plan.quotas.inUseAddresses, 1);
    });
  });

  describe("the sandbox's per-pod overhead", () => {
    let config: StackConfig;
    let capacity: CapacityConfig;
    beforeEach(() => {
      config = loadStackConfig("event");
      capacity = config.capacity;
    });

    it("counts gVisor's allowance in every user's request, so a node holds fewer users", () => {
      const bare = fitUsersOnNode(machine("n2-highmem-8"), capacity);
      const sandboxed = fitUsersOnNode(machine("n2-highmem-8"), capacity, { cpuMillicores: 0, memoryMiB: 128 });
      assert.strictEqual(bare.usersPerNodeBy.memory, 28); // 59056.48 / 2048
      assert.strictEqual(sandboxed.usersPerNodeBy.memory, 27); // 59056.48 / 2176
      const cpuToo = fitUsersOnNode(machine("n2-highmem-8"), capacity, { cpuMillicores: 50, memoryMiB: 0 });
      assert.strictEqual(cpuToo.usersPerNodeBy.cpu, 24); // 7410 / 300
    });

    it("plans with the allowance only when userSandbox is gvisor", () => {
      // Pinned to n2-highmem-8 (59056.48 MiB for users), so `auto` does not move with the request.
      const pinned = { ...config, capacity: { ...config.capacity, userMachineType: "n2-highmem-8" } };
      const none = planAll({ ...pinned, sandbox: { ...config.sandbox, userSandbox: "none" } });
      assert.deepStrictEqual(none.userPool.perUserRequest, { cpuMillicores: 250, memoryMiB: 2048 });
      assert.strictEqual(none.userPool.usersPerNode, 28);
      const big = planAll({ ...pinned, sandbox: { userSandbox: "gvisor", podOverhead: { cpuMillicores: 0, memoryMiB: 1024 } } });
      assert.deepStrictEqual(big.userPool.perUserRequest, { cpuMillicores: 250, memoryMiB: 3072 });
      assert.strictEqual(big.userPool.usersPerNode, 19); // 59056.48 / 3072
    });
  });

  describe("never under-provisions", () => {
    let base: CapacityConfig;
    beforeEach(() => {
      base = loadStackConfig("event").capacity;
    });
    const shapes = ["e2-standard-4", "e2-highmem-8", "n2-standard-8", "n2-highmem-8", "n2-highmem-32", "n2-standard-80"];
    const grid: Partial<CapacityConfig>[] = [];
    for (const peakUsers of [1, 7, 100, 999, 1000, 5000]) {
      for (const [userCpuGuarantee, userMemoryGuaranteeGiB] of [[0.05, 0.5], [0.25, 2], [1, 4], [0.1, 0.25]]) {
        grid.push({ peakUsers, userCpuGuarantee, userMemoryGuaranteeGiB });
      }
    }
    for (const shape of shapes) {
      it(`schedules every peak user with its full guarantee and the sandbox's allowance on ${shape}`, () => {
        for (const change of grid) {
          const capacity = { ...base, ...change, userMachineType: shape };
          const overhead = { cpuMillicores: 50, memoryMiB: 128 };
          const pool = planUserPool(machine(shape), capacity, 0, overhead);
          const label = `${shape} ${JSON.stringify(change)}`;
          assert.ok(pool.userNodesAtPeak * pool.usersPerNode >= capacity.peakUsers, label);
          assert.ok(pool.usersPerNode * (capacity.userMemoryGuaranteeGiB * 1024 + overhead.memoryMiB) <= pool.forUsers.memoryMiB, label);
          assert.ok(pool.usersPerNode * (capacity.userCpuGuarantee * 1000 + overhead.cpuMillicores) <= pool.forUsers.cpuMillicores, label);
          assert.ok(pool.usersPerNode + capacity.daemonSetOverhead.pods <= pool.maxPodsPerNode, label);
          assert.ok(pool.usersPerNode <= machine(shape).attachableDisks, label);
          assert.ok(pool.userPoolMaxNodes >= pool.userNodesAtPeak, label);
          assert.ok(pool.userNodesAtPeak >= pool.lowerBoundNodes, label);
        }
      });
    }
  });

  it("names disks as binding when a large node could hold more users than it can attach homes", () => {
    // n2-highmem-80: 640 GiB at 0.5 GiB per user would be over 1,000 users; the PD CSI limit is 127.
    const fit = fitUsersOnNode(machine("n2-highmem-80"), {
      ...loadStackConfig("event").capacity,
      userCpuGuarantee: 0.05,
      userMemoryGuaranteeGiB: 0.5,
      userPoolMaxPodsPerNode: 256,
    });
    assert.strictEqual(fit.bindingConstraint, "disks");
    assert.strictEqual(fit.usersPerNode, 127);
  });

  describe("ties, edges and refusals of the fit (e2-standard-4: 3420 m and 12853.6 MiB for users after 500 m, 768 MiB of DaemonSets)", () => {
    let base: CapacityConfig;
    beforeEach(() => {
      base = { ...loadStackConfig("event").capacity, daemonSetOverhead: { cpuMillicores: 500, memoryMiB: 768, pods: 10 } };
    });

    it("names memory when memory, CPU and pods tie, and takes a max-pods step exactly equal to what is needed", () => {
      // 12853.6 / 2048 = 6.3 → 6 by memory; 3420 / 500 = 6.8 → 6 by CPU; 6 + 10 DaemonSet pods = 16, a step.
      const fit = fitUsersOnNode(machine("e2-standard-4"), { ...base, userCpuGuarantee: 0.5, userMemoryGuaranteeGiB: 2 });
      assert.deepStrictEqual(fit.usersPerNodeBy, { memory: 6, cpu: 6, pods: 6, disks: 127 });
      assert.deepStrictEqual([fit.maxPodsPerNode, fit.bindingConstraint, fit.usersPerNode], [16, "memory", 6]);
    });

    it("bounds the nodes below by CPU when CPU binds: ceil(100 × 1000 / 3420) = 30", () => {
      const pool = planUserPool(machine("e2-standard-4"), { ...base, peakUsers: 100, userCpuGuarantee: 1, userMemoryGuaranteeGiB: 0.5 });
      assert.deepStrictEqual([pool.bindingConstraint, pool.usersPerNode, pool.userNodesAtPeak, pool.lowerBoundNodes], ["cpu", 3, 34, 30]);
    });

    it("does not round a whole-number lower bound up: 44 users at 22 pods a node is 2 nodes", () => {
      const pool = planUserPool(machine("e2-standard-4"), { ...base, peakUsers: 44, userCpuGuarantee: 0.05, userMemoryGuaranteeGiB: 0.25, userPoolMaxPodsPerNode: 32 });
      assert.deepStrictEqual([pool.bindingConstraint, pool.usersPerNode, pool.userNodesAtPeak, pool.lowerBoundNodes], ["pods", 22, 2, 2]);
    });

    it("caps auto max pods at GKE's largest step, 256, when users and DaemonSets need more", () => {
      // 12853.6 / 256 = 50 by memory, 3420 / 50 = 68 by CPU: 50 + 250 DaemonSet pods = 300 > 256.
      const fit = fitUsersOnNode(machine("e2-standard-4"), {
        ...base,
        userCpuGuarantee: 0.05,
        userMemoryGuaranteeGiB: 0.25,
        daemonSetOverhead: { cpuMillicores: 500, memoryMiB: 768, pods: 250 },
      });
      assert.deepStrictEqual([fit.maxPodsPerNode, fit.bindingConstraint, fit.usersPerNode], [256, "pods", 6]);
    });

    it("refuses a machine that cannot hold one user, naming what binds", () => {
      // e2-medium: 4096 - 1024 - 100 - 768 = 2204 MiB for users, less than one 4 GiB guarantee.
      assert.throws(() => planUserPool(machine("e2-medium"), { ...base, userMemoryGuaranteeGiB: 4 }), {
        name: "RangeError",
        message: "e2-medium cannot hold one user (memory binds)",
      });
    });
  });

  it("names pods as binding when an explicit max-pods is the tightest limit", () => {
    const fit = fitUsersOnNode(machine("n2-highmem-8"), { ...loadStackConfig("event").capacity, userPoolMaxPodsPerNode: 32 });
    assert.strictEqual(fit.bindingConstraint, "pods");
    assert.strictEqual(fit.usersPerNode, 22);
  });

  it("knows each family's disk attach limit, and which families cannot hold the pd-balanced homes", () => {
    for (const m of machineTypes.values()) {
      assert.ok(["e2", "n2", "n2d", "n1", "c3", "n4"].includes(m.family), m.name);
      // PD CSI driver node.go: 127, 15 for e2-medium; N4 (Gen4) by vCPUs: 15 up to 8, 31 above.
      const expected = m.family === "n4" ? (m.vcpus <= 8 ? 15 : 31) : m.sharedCore ? 15 : 127;
      assert.strictEqual(m.attachableDisks, expected, m.name);
      assert.strictEqual(m.notForUsers !== undefined, ["c3", "n4"].includes(m.family), m.name);
    }
  });
});
