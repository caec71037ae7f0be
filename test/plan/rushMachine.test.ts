import * as assert from "assert";
import type { CapacityConfig } from "../../infra/config/types";
import { lookupMachineType } from "../../infra/catalog/machineTypes";
import { defaultPriceTable, PriceTable } from "../../infra/catalog/prices";
import { chooseUserMachine, priceMachine } from "../../infra/plan/rush/machine";

// `userMachineType: auto` on a price table of round numbers, so every figure is exact: only E2 is priced,
// at 2^-10 USD a vCPU-hour and 2^-7 a GiB-hour; pd-balanced at 730 × 2^-10 a GiB-month over 730 hours is
// 2^-10 a GiB-hour. 7 peak users, each guaranteed 1 GiB and 100 m; the DaemonSets take 10 pods and nothing
// else. GKE's reservation (test/plan/capacity.test.ts works it for other types) leaves for pods:
//   2 GiB: 2048 - 25% of 2048 - 100 = 1436 MiB (1 user); 4 GiB: 4096 - 1024 - 100 = 2972 (2);
//   8 GiB: 8192 - 1024 - 819.2 - 100 = 6248.8 (6); 16 GiB: 16384 - 2662.4 - 100 = 13621.6 (13);
//   2 vCPUs: 2000 - 60 - 10 = 1930 m (19 users); more vCPUs hold more than memory does here.
// Pods (auto) and disks (127) never bind here.

const prices: PriceTable = {
  ...defaultPriceTable,
  region: "test-region",
  vcpuHour: { e2: 2 ** -10 },
  memoryGiBHour: { e2: 2 ** -7 },
  balancedDiskGiBMonth: 730 * 2 ** -10,
};

function capacity(change: Partial<CapacityConfig> = {}): CapacityConfig {
  return {
    peakUsers: 7,
    userCpuGuarantee: 0.1,
    userCpuLimit: 1,
    userMemoryGuaranteeGiB: 1,
    userMemoryLimitGiB: 2,
    userStorageGiB: 10,
    userMachineType: "auto",
    userNodesPackingSlack: 0.05,
    userMachineFamilies: [],
    userPoolMaxPodsPerNode: "auto",
    daemonSetOverhead: { cpuMillicores: 0, memoryMiB: 0, pods: 10 },
    ...change,
  };
}

const machine = (name: string) => {
  const m = lookupMachineType(name);
  if (!m) throw new Error(`no machine type ${name} in the catalogue`);
  return m;
};
const names = (list: readonly { machineType: string; nodesAtPeak: number }[]) => list.map((c) => `${c.machineType} × ${c.nodesAtPeak}`);

// Types left out whatever the capacity: E2's shared-core type, the unpriced families, and the catalogue's
// own reasons for C3 and N4 (passed through as the catalogue words them).
const unpriced = [
  "no N2 price for test-region: n2-standard-2, n2-standard-4, n2-standard-8 and 21 more",
  "no N2D price for test-region: n2d-standard-2, n2d-standard-4, n2d-standard-8 and 28 more",
  "no N1 price for test-region: n1-standard-2, n1-standard-4, n1-standard-8 and 7 more",
  `${machine("c3-standard-4").notForUsers}: c3-standard-4, c3-standard-8, c3-standard-22 and 15 more`,
  `${machine("n4-standard-2").notForUsers}: n4-standard-2, n4-standard-4, n4-standard-8 and 21 more`,
];

describe("one machine type priced as the users' pool", () => {
  it("its users a node, nodes at the peak, lower bound and price per user-hour", () => {
    // e2-highcpu-2: 1 user a node (1436 MiB of 1024 each), 7 nodes; lower bound ceil(7 × 1024 / 1436 = 4.99)
    // = 5. An hour: 2 × 2^-10 + 2 × 2^-7 + 64 GiB of boot disk × 2^-10 = 0.080078125, and so per user.
    assert.deepStrictEqual(priceMachine(machine("e2-highcpu-2"), capacity(), prices, 64, 7), {
      machineType: "e2-highcpu-2",
      family: "e2",
      usersPerNode: 1,
      bindingConstraint: "memory",
      nodesAtPeak: 7,
      lowerBoundNodes: 5,
      nodeHourUsd: 0.080078125,
      perUserHourUsd: 0.080078125,
    });
    // e2-standard-2: 6 a node, 2 nodes for 7, (2 × 0.064453125) / 7 per user.
    const standard2 = priceMachine(machine("e2-standard-2"), capacity(), prices, 0, 7);
    assert.deepStrictEqual(standard2, { machineType: "e2-standard-2", family: "e2", usersPerNode: 6, bindingConstraint: "memory", nodesAtPeak: 2, lowerBoundNodes: 2, nodeHourUsd: 0.064453125, perUserHourUsd: (2 * 0.064453125) / 7 });
  });

  it("why a type cannot be the users' pool", () => {
    assert.strictEqual(priceMachine(machine("e2-medium"), capacity(), prices, 0, 7), "shared-core");
    assert.strictEqual(priceMachine(machine("c3-standard-4"), capacity(), prices, 0, 7), machine("c3-standard-4").notForUsers);
    assert.strictEqual(priceMachine(machine("n2-standard-2"), capacity(), prices, 0, 7), "no N2 price for test-region");
    // Either half of a family's price missing.
    assert.strictEqual(priceMachine(machine("e2-standard-2"), capacity(), { ...prices, memoryGiBHour: {} }, 0, 7), "no E2 price for test-region");
    assert.strictEqual(priceMachine(machine("e2-standard-2"), capacity(), { ...prices, vcpuHour: {} }, 0, 7), "no E2 price for test-region");
    // At most 7 nodes a pool: e2-highcpu-2 needs exactly 7; at most 6, too many.
    assert.strictEqual(typeof priceMachine(machine("e2-highcpu-2"), capacity(), prices, 0, 7), "object");
    assert.strictEqual(priceMachine(machine("e2-highcpu-2"), capacity(), prices, 0, 6), "needs more than 6 nodes");
  });

  it("counts the sandbox's per-pod overhead in each user: 1024 + 412 MiB fits 1436, 413 more does not", () => {
    const fits = priceMachine(machine("e2-highcpu-2"), capacity(), prices, 0, 7, { cpuMillicores: 0, memoryMiB: 412 });
    assert.strictEqual(typeof fits === "string" ? fits : fits.usersPerNode, 1);
    assert.strictEqual(priceMachine(machine("e2-highcpu-2"), capacity(), prices, 0, 7, { cpuMillicores: 0, memoryMiB: 413 }), "holds no user");
    assert.strictEqual(priceMachine(machine("e2-highcpu-2"), capacity({ userMemoryGuaranteeGiB: 2 }), prices, 0, 7), "holds no user");
  });
});

describe("userMachineType: auto", () => {
  // Price an hour (2^-10 a vCPU, 2^-7 a GiB, no boot disk) and nodes for 7 users, cheapest per user first:
  //   e2-highcpu-2   7 × 0.017578125 / 7                   (7 nodes; lower bound 5: 7 > 1.05 × 5, strands room)
  //   e2-highmem-2   1 × 0.126953125 / 7                   (13 a node, 1 node)
  //   e2-standard-4  1 × 0.12890625 / 7                    (13 a node, 1 node)
  //   e2-standard-2  2 × 0.064453125 / 7, the same         (6 a node, 2 nodes: after standard-4, more nodes)
  //   e2-highcpu-16  1 × 0.140625 / 7
  //   e2-highcpu-8   2 × 0.0703125 / 7, the same          (6 a node, 2 nodes)
  //   e2-highcpu-4   4 × 0.03515625 / 7, the same         (2 a node, 4 nodes; lower bound ceil(2.41) = 3)
  //   and the larger types, each a single dearer node.
  it("takes the cheapest type that packs the peak within the slack, and lists the five next cheapest", () => {
    const choice = chooseUserMachine(capacity(), prices, 0, 7);
    assert.ok(choice, "a type fits");
    assert.deepStrictEqual([choice.pinned, choice.packsWithinSlack], [false, true]);
    assert.deepStrictEqual(choice.chosen, { machineType: "e2-highmem-2", family: "e2", usersPerNode: 13, bindingConstraint: "memory", nodesAtPeak: 1, lowerBoundNodes: 1, nodeHourUsd: 0.126953125, perUserHourUsd: 0.126953125 / 7 });
    assert.deepStrictEqual(names(choice.alternatives), ["e2-highcpu-2 × 7", "e2-standard-4 × 1", "e2-standard-2 × 2", "e2-highcpu-16 × 1", "e2-highcpu-8 × 2"]);
    assert.deepStrictEqual(choice.leftOut, ["shared-core: e2-medium", ...unpriced]);
  });

  it("takes the cheapest when it packs: the slack at 7 / 5 - 1 = 0.4 lets e2-highcpu-2's 7 nodes pass, 0.39 does not", () => {
    const loose = chooseUserMachine(capacity({ userNodesPackingSlack: 0.4 }), prices, 0, 7);
    assert.deepStrictEqual([loose?.chosen.machineType, loose?.packsWithinSlack], ["e2-highcpu-2", true]);
    assert.strictEqual(chooseUserMachine(capacity({ userNodesPackingSlack: 0.39 }), prices, 0, 7)?.chosen.machineType, "e2-highmem-2");
  });

  it("when no type packs within the slack, the cheapest of all", () => {
    // 500 users of 1 CPU and 1.25 GiB, at most 20 nodes: only e2-standard-32 holds them (31850 m of CPU
    // left: 31 a node, ceil(500 / 31) = 17 nodes; lower bound ceil(500 × 1000 / 31850 = 15.7) = 16, and
    // 17 > 1.05 × 16). The next best, e2-highcpu-32, holds 22 a node by memory: 23 nodes.
    const choice = chooseUserMachine(capacity({ peakUsers: 500, userCpuGuarantee: 1, userMemoryGuaranteeGiB: 1.25 }), prices, 0, 20);
    assert.deepStrictEqual([choice?.chosen.machineType, choice?.chosen.nodesAtPeak, choice?.chosen.lowerBoundNodes, choice?.packsWithinSlack, choice?.alternatives], ["e2-standard-32", 17, 16, false, []]);
  });

  it("names up to four types a reason leaves out, and counts the rest", () => {
    // At most 1 node a pool: exactly four E2 types need more, in catalogue order.
    const choice = chooseUserMachine(capacity(), prices, 0, 1);
    assert.deepStrictEqual(choice?.leftOut, ["shared-core: e2-medium", "needs more than 1 nodes: e2-standard-2, e2-highcpu-2, e2-highcpu-4, e2-highcpu-8", ...unpriced]);
    assert.strictEqual(choice?.chosen.machineType, "e2-highmem-2");
  });

  it("chooses only among userMachineFamilies", () => {
    const choice = chooseUserMachine(capacity({ userMachineFamilies: ["e2", "n1"] }), prices, 0, 7);
    assert.strictEqual(choice?.chosen.machineType, "e2-highmem-2");
    // N2, N2D, C3 and N4 (24 + 31 + 18 + 24 = 97 types) are outside; N1 is inside but unpriced.
    assert.deepStrictEqual(choice?.leftOut, [
      "shared-core: e2-medium",
      "not in userMachineFamilies (e2, n1): n2-standard-2, n2-standard-4, n2-standard-8 and 94 more",
      "no N1 price for test-region: n1-standard-2, n1-standard-4, n1-standard-8 and 7 more",
    ]);
    // Only unpriced families allowed: nothing to choose.
    assert.strictEqual(chooseUserMachine(capacity({ userMachineFamilies: ["n2"] }), prices, 0, 7), undefined);
  });
});

describe("a pinned userMachineType", () => {
  it("is the choice, compared with every other type whatever userMachineFamilies says", () => {
    const choice = chooseUserMachine(capacity({ userMachineType: "e2-standard-2", userMachineFamilies: ["n2"] }), prices, 0, 7);
    assert.ok(choice, "the pinned type fits");
    assert.deepStrictEqual([choice.pinned, choice.chosen.machineType, choice.packsWithinSlack], [true, "e2-standard-2", true]);
    assert.deepStrictEqual(names(choice.alternatives), ["e2-highcpu-2 × 7", "e2-highmem-2 × 1", "e2-standard-4 × 1", "e2-highcpu-16 × 1", "e2-highcpu-8 × 2"]);
    assert.deepStrictEqual(choice.leftOut, ["shared-core: e2-medium", ...unpriced]);
  });

  it("says packsWithinSlack of the pinned type itself", () => {
    const choice = chooseUserMachine(capacity({ userMachineType: "e2-highcpu-2" }), prices, 0, 7);
    assert.deepStrictEqual([choice?.chosen.machineType, choice?.packsWithinSlack], ["e2-highcpu-2", false]);
  });

  it("nothing, when the pinned type cannot be priced or cannot hold the peak", () => {
    assert.strictEqual(chooseUserMachine(capacity({ userMachineType: "n2-standard-2" }), prices, 0, 7), undefined);
    assert.strictEqual(chooseUserMachine(capacity({ userMachineType: "e2-highcpu-2" }), prices, 0, 6), undefined);
  });
});
