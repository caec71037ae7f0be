import * as assert from "assert";
import { defaultPriceTable, PriceTable } from "../../infra/catalog/prices";
import { lookupMachineType } from "../../infra/catalog/machineTypes";
import { CostInputs, estimateCost, forwardingRulesHour, nodeHourPrice, PricedPool } from "../../infra/plan/cost";

// The cost estimate's arithmetic with round prices, so every line and total is written out exactly. The
// real prices and the stacks' figures are test/plan/cost.test.ts; the billing rules stated here are
// Google's: forwarding rules, the first five at one flat rate (cloud.google.com/load-balancing/pricing);
// Cloud NAT per VM up to a gateway cap (cloud.google.com/nat/pricing); disks by the GiB-month, prorated.

// e2: $0.02 a vCPU-hour and $0.003 a GiB-hour, so an e2-standard-4 (4 vCPUs, 16 GiB) is $0.128 an hour;
// pd-balanced at $0.073 a GiB-month over 730 hours is $0.0001 a GiB-hour.
const prices: PriceTable = { ...defaultPriceTable, region: "test-region", vcpuHour: { e2: 0.02 }, memoryGiBHour: { e2: 0.003 }, balancedDiskGiBMonth: 0.073 };
const e2s4 = lookupMachineType("e2-standard-4")!;
const t4 = { type: "nvidia-tesla-t4", count: 2 };
const pool = (name: string, nodes: number, bootDiskGiB: number, accelerator?: typeof t4): PricedPool => ({ pool: name, machine: e2s4, nodes, bootDiskGiB, ...(accelerator ? { accelerator } : {}) });

function inputs(overrides: Partial<CostInputs> = {}): CostInputs {
  return {
    prices,
    poolsAtPeak: [pool("core", 2, 100), pool("user", 3, 50, t4)],
    poolsIdle: [pool("core", 1, 100), pool("user", 0, 50, t4)],
    poolsAtMax: [pool("core", 3, 100), pool("user", 5, 50, t4)],
    persistentDiskGiB: 1000,
    natIps: 2,
    forwardingRules: 7,
    eventHours: 10,
    standbyHours: 5,
    schedule: { pool: "user", userNodeHours: 20, warmNodeHours: 4, usersAtPeak: 100 },
    ...overrides,
  };
}

describe("cost estimate, line by line", () => {
  it("lists every line at the peak: nodes, boot disks, GPUs per pool, then disks, forwarding rules, NAT and the cluster fee", () => {
    assert.deepStrictEqual(estimateCost(inputs()).linesAtPeak, [
      { item: "core nodes (e2-standard-4)", quantity: 2, unit: "node", perHour: 0.256 },
      { item: "core boot disks (pd-balanced)", quantity: 200, unit: "GiB", perHour: 0.02 },
      { item: "user nodes (e2-standard-4)", quantity: 3, unit: "node", perHour: 0.384 },
      { item: "user boot disks (pd-balanced)", quantity: 150, unit: "GiB", perHour: 0.015 },
      // T4 at $0.35 an hour: 3 nodes × 2.
      { item: "user GPUs (nvidia-tesla-t4)", quantity: 6, unit: "GPU", perHour: 2.1 },
      { item: "persistent disks: user homes and hub database (pd-balanced)", quantity: 1000, unit: "GiB", perHour: 0.1 },
      // 7 rules: $0.025 for the first five, $0.01 for each of the other two.
      { item: "load balancer forwarding rules", quantity: 7, unit: "rule", perHour: 0.045 },
      // 5 VMs × $0.0014, under the $0.044 cap.
      { item: "Cloud NAT gateway", quantity: 5, unit: "VM", perHour: 0.007 },
      { item: "Cloud NAT IPs", quantity: 2, unit: "IP", perHour: 0.01 },
      { item: "GKE cluster management fee", quantity: 1, unit: "cluster", perHour: 0.1 },
    ]);
  });

  it("totals the peak, the idle platform, the event by node-hours, the warm room and the upper bound", () => {
    const cost = estimateCost(inputs());
    // Peak: 0.256 + 0.02 + 0.384 + 0.015 + 2.1 + 0.1 + 0.045 + 0.007 + 0.01 + 0.1 = 3.037.
    // Idle: one core node 0.128 + its disk 0.01 + 0.1 + 0.045 + NAT 0.0014 + 0.01 + 0.1 = 0.3944.
    // A user node-hour: 0.128 + 50 GiB × 0.0001 + 2 × 0.35 = 0.833; the rest at peak 3.037 − 3 × 0.833 = 0.538.
    // Event: 0.538 × 10 h + 20 node-hours × 0.833 + 0.3944 × 5 h standby = 5.38 + 16.66 + 1.972 = 24.012.
    // Warm room: 4 × 0.833 = 3.332, 13.88% of the event.
    // Upper bound: at the maximum (3 core, 5 user nodes) 4.8452 an hour × 10 h + 1.972 = 50.424.
    const { linesAtPeak: _lines, ...figures } = cost;
    assert.deepStrictEqual(figures, {
      currency: "USD",
      perHourAtPeak: 3.04,
      perUserHourAtPeak: 0.03037,
      usersAtPeak: 100,
      perHourIdle: 0.39,
      eventHours: 10,
      standbyHours: 5,
      perEvent: 24.01,
      perEventUpperBound: 50.42,
      userNodeHours: 20,
      warmCapacity: 3.33,
      warmShare: 0.1388,
      pricesRegion: "test-region",
      priceSource: defaultPriceTable.source,
      pricesAsOf: "2026-07-30",
      notIncluded: [
        "network egress and load-balancer / NAT data processing (per GiB)",
        "Cloud DNS, Certificate Manager and Cloud Logging volume",
        "taxes and discounts (committed use, sustained use)",
      ],
    });
  });

  it("caps the NAT gateway at $0.044 an hour: 31 VMs are $0.0434, 32 are capped", () => {
    const nat = (coreNodes: number) => estimateCost(inputs({ poolsAtPeak: [pool("core", coreNodes, 100), pool("user", 3, 50, t4)] })).linesAtPeak.find((l) => l.item === "Cloud NAT gateway");
    assert.deepStrictEqual(nat(28), { item: "Cloud NAT gateway", quantity: 31, unit: "VM", perHour: 0.0434 });
    assert.deepStrictEqual(nat(29), { item: "Cloud NAT gateway", quantity: 32, unit: "VM", perHour: 0.044 });
  });

  it("bills forwarding rules: none free, up to five at the flat rate, each further one extra", () => {
    assert.deepStrictEqual([0, 1, 5, 6].map((n) => forwardingRulesHour(prices, n)), [0, 0.025, 0.025, 0.035]);
  });

  it("a GPU without a price makes the GPU line NaN, never a silent 0", () => {
    const cost = estimateCost(inputs({ poolsAtPeak: [pool("core", 2, 100), pool("user", 3, 50, { type: "nvidia-h100-80gb", count: 1 })] }));
    assert.ok(Number.isNaN(cost.linesAtPeak.find((l) => l.unit === "GPU")?.perHour), "GPU line");
  });

  it("per user-hour with no users counts one; no event, no warm share", () => {
    const none = estimateCost(inputs({ eventHours: 0, standbyHours: 0, schedule: { pool: "user", userNodeHours: 0, warmNodeHours: 0, usersAtPeak: 0 } }));
    assert.deepStrictEqual([none.perUserHourAtPeak, none.perEvent, none.warmShare], [3.037, 0, 0]);
  });

  it("refuses a machine whose family lacks either rate, naming the family", () => {
    const n2 = lookupMachineType("n2-standard-4")!;
    const refused = (e: unknown) => e instanceof RangeError && e.message === "no price for machine family n2";
    assert.throws(() => nodeHourPrice({ ...prices, vcpuHour: { ...prices.vcpuHour, n2: 0.03 } }, n2), refused);
    assert.throws(() => nodeHourPrice({ ...prices, memoryGiBHour: { ...prices.memoryGiBHour, n2: 0.004 } }, n2), refused);
    // 4 × 0.03 + 16 × 0.004 = 0.184.
    assert.strictEqual(nodeHourPrice({ ...prices, vcpuHour: { n2: 0.03 }, memoryGiBHour: { n2: 0.004 } }, n2), 4 * 0.03 + 16 * 0.004);
  });

  it("refuses a schedule for a pool it does not price", () => {
    assert.throws(() => estimateCost(inputs({ schedule: { pool: "gpu", userNodeHours: 1, warmNodeHours: 0, usersAtPeak: 1 } })), (e: unknown) => e instanceof RangeError && e.message === "no pool gpu to schedule");
  });
});
