import * as assert from "assert";
import { ConfigError } from "../../infra/config/errors";
import { parseConfig } from "../../infra/config/parse";
import { planAll } from "../../infra/plan";
import { estimateCost, nodeHourPrice, PricedPool } from "../../infra/plan/cost";
import { userNodeHours } from "../../infra/plan/rush/nodeHours";
import { lookupMachineType } from "../../infra/catalog/machineTypes";
import { defaultPriceTable, pricesFor } from "../../infra/catalog/prices";
import { loadStackConfig, rawWith, stacksAsOf } from "../support/stacks";

const close = (actual: number, expected: number, what: string, within = 0.005) =>
  assert.ok(Math.abs(actual - expected) < within, `${what}: ${actual} ≠ ${expected}`);
const machine = (name: string) => lookupMachineType(name)!;
const diskHour = 0.1 / 730;

describe("cost estimate", () => {
  it("prices a node from its vCPUs and memory, as Google's catalogue prices the whole shape", () => {
    // Cyclenerd pricing.yml (2026-07-30), us-central1 on demand: n2-highmem-8 0.524056 and e2-highmem-8
    // 0.36159864 $/h; the table's family rates give the same: 8 × 0.031611 + 64 × 0.004237, and
    // 8 × 0.02181159 + 64 × 0.00292353.
    close(nodeHourPrice(defaultPriceTable, machine("n2-highmem-8")), 0.524056, "n2-highmem-8", 1e-9);
    close(nodeHourPrice(defaultPriceTable, machine("e2-highmem-8")), 0.36159864, "e2-highmem-8", 1e-9);
    // n2d-highmem-8 0.45592 and c3-highmem-8 0.529232 in the same file.
    close(nodeHourPrice(defaultPriceTable, machine("n2d-highmem-8")), 0.45592, "n2d-highmem-8", 1e-6);
    close(nodeHourPrice(defaultPriceTable, machine("c3-highmem-8")), 0.529232, "c3-highmem-8", 1e-6);
  });

  it("prices a region from its own rates: europe-west1's e2-highmem-8 is 0.39776616 $/h in the catalogue", () => {
    const prices = pricesFor("europe-west1");
    assert.strictEqual(prices.region, "europe-west1");
    close(nodeHourPrice(prices, machine("e2-highmem-8")), 8 * 0.02399337 + 64 * 0.00321609, "e2-highmem-8 europe-west1", 1e-9);
  });

  it("prices the 1,000-user event at its simulated peak, as worked by hand", () => {
    // Worked without the sandbox (the shipped gVisor one picks another machine: test/plan/capacity.test.ts).
    const plan = planAll(parseConfig(rawWith("event", { userSandbox: "none" }), { now: stacksAsOf }));
    const cost = plan.cost;
    // The rush's busiest moment holds the pool's 36 nodes (test/plan/rush.test.ts); placeholders never
    // raise the maximum.
    assert.strictEqual(plan.rush.peakNodes, 36);
    const expectedPerHour =
      3 * (8 * 0.031611 + 32 * 0.004237) + // core n2-standard-8 × 3 (its maximum)
      36 * (8 * 0.02181159 + 64 * 0.00292353) + // users: e2-highmem-8 × 36
      (150 + 3600 + 10_001) * diskHour + // boot disks, homes and the hub database
      0.025 + // HTTPS and HTTP-redirect forwarding rules: the first five are one flat rate
      0.044 + // NAT gateway: 39 VMs × 0.0014 capped at 0.044
      1 * 0.005 + // one NAT IP
      0.1; // cluster fee
    close(cost.perHourAtPeak, expectedPerHour, "per hour at peak");
    close(cost.perUserHourAtPeak, expectedPerHour / 1000, "per user-hour at peak", 1e-5);
    assert.strictEqual(cost.usersAtPeak, 1000);
    // Idle: 2 core nodes and no user node (warm room comes from the calendar), the same disks, LB, NAT, fee.
    const expectedIdle = 2 * (8 * 0.031611 + 32 * 0.004237) + (100 + 10_001) * diskHour + 0.025 + 2 * 0.0014 + 0.005 + 0.1;
    close(cost.perHourIdle, expectedIdle, "per hour idle");
    assert.strictEqual(cost.eventHours, 72);
    assert.strictEqual(cost.standbyHours, 48);
    // By the timetable: everything but the users' nodes at its peak size for 72 h, the users' node-hours at
    // one node's price (machine and 100 GiB boot disk), and the idle platform for the standby hours.
    const userNodeHour = 8 * 0.02181159 + 64 * 0.00292353 + 100 * diskHour;
    const rest = expectedPerHour - 36 * userNodeHour;
    close(cost.perEvent, rest * 72 + plan.rush.userNodeHours * userNodeHour + expectedIdle * 48, "per event", 0.05);
    close(cost.warmCapacity, plan.rush.warmNodeHours * userNodeHour, "warm capacity", 0.01);
    close(cost.warmShare, cost.warmCapacity / cost.perEvent, "warm share", 1e-3);
    assert.ok(cost.perEvent < cost.perEventUpperBound);
    assert.strictEqual(cost.currency, "USD");
    assert.strictEqual(cost.pricesRegion, "us-central1");
    assert.match(cost.priceSource, /Cyclenerd\/google-cloud-pricing-cost-calculator/);
    assert.match(cost.pricesAsOf, /^\d{4}-\d{2}-\d{2}$/);
  });

  it("follows a price override", () => {
    const base = planAll(loadStackConfig("event")).cost;
    const cheaper = planAll(parseConfig(rawWith("event", { priceOverrides: { clusterFeeHour: 0 } }), { now: stacksAsOf })).cost;
    close(base.perHourAtPeak - cheaper.perHourAtPeak, 0.1, "cluster fee");
  });

  it("splits the event into node-hours the way the autoscaler keeps nodes, worked by hand", () => {
    // One class of 56 users at 09:00 for an hour, 28 users a node, no culling tail: 2 nodes from 09:00,
    // kept 10 minutes after the last need (scale-down-unneeded-time) = 70 min × 2 = 140 node-minutes.
    const classes = [{ name: "c", start: new Date("2027-01-04T09:00:00Z"), users: 56, arrivalMinutes: 5, durationMinutes: 60 }];
    const span = { classes, tailSeconds: 0, usersPerNode: 28, poolMinNodes: 0, poolMaxNodes: 10, from: new Date("2027-01-04T08:00:00Z"), to: new Date("2027-01-04T12:00:00Z") };
    close(userNodeHours({ ...span, calendar: [] }), 140 / 60, "without warm room", 1e-9);
    // A warm room of 28 from 08:50 to 09:05: 1 node 08:50–08:59 (10 min), 3 nodes for 84 pods 09:00–09:04,
    // kept until 09:14 (15 min), then 2 nodes 09:15–10:09 (55 min) = 10 + 45 + 110 = 165 node-minutes.
    const calendar = [{ class: "c", from: "2027-01-04T08:50:00Z", to: "2027-01-04T09:05:00Z", replicas: 28 }];
    close(userNodeHours({ ...span, calendar }), 165 / 60, "with warm room", 1e-9);
    // The pool maximum caps it: 2 nodes at most, so the warm room adds only 08:50–08:59 at 1 node.
    close(userNodeHours({ ...span, calendar, poolMaxNodes: 2 }), (10 + 70 * 2) / 60, "capped", 1e-9);
  });

  it("prices the event from node-hours and tells the warm room's share, worked by hand", () => {
    const prices = defaultPriceTable;
    const pool = (name: string, type: string, nodes: number, boot: number): PricedPool => ({ pool: name, machine: machine(type), nodes, bootDiskGiB: boot });
    const cost = estimateCost({
      prices,
      poolsAtPeak: [pool("core", "e2-standard-4", 1, 50), pool("user", "e2-highmem-8", 2, 100)],
      poolsIdle: [pool("core", "e2-standard-4", 1, 50), pool("user", "e2-highmem-8", 0, 100)],
      poolsAtMax: [pool("core", "e2-standard-4", 1, 50), pool("user", "e2-highmem-8", 4, 100)],
      persistentDiskGiB: 560,
      natIps: 1,
      forwardingRules: 2,
      eventHours: 10,
      standbyHours: 2,
      schedule: { pool: "user", userNodeHours: 2.75, warmNodeHours: 2.75 - 140 / 60, usersAtPeak: 56 },
    });
    const core = 4 * 0.02181159 + 16 * 0.00292353 + 50 * diskHour; // 0.14016696 + 0.00684932
    const user = 8 * 0.02181159 + 64 * 0.00292353 + 100 * diskHour; // 0.37529727
    const fixed = 560 * diskHour + 0.025 + 0.005 + 0.1; // homes, forwarding rules, NAT IP, fee
    const peak = core + 2 * user + fixed + 3 * 0.0014;
    const idle = core + fixed + 1 * 0.0014;
    close(cost.perHourAtPeak, peak, "peak");
    close(cost.perUserHourAtPeak, peak / 56, "per user-hour", 1e-5);
    // Rest of the platform at its peak size for 10 h, the users' 2.75 node-hours, 2 h idle.
    const perEvent = (peak - 2 * user) * 10 + 2.75 * user + idle * 2;
    close(cost.perEvent, perEvent, "per event");
    close(cost.warmCapacity, (2.75 - 140 / 60) * user, "warm capacity");
    close(cost.warmShare, ((2.75 - 140 / 60) * user) / perEvent, "warm share", 1e-4);
    close(cost.perEventUpperBound, (core + 4 * user + fixed + 5 * 0.0014) * 10 + idle * 2, "upper bound", 0.01);
  });

  it("says loudly when the region's prices are not in the table, and prices it like us-central1", () => {
    // me-central2 is a GKE region the table does not price.
    const config = parseConfig(rawWith("event", { "gcp:region": "me-central2" }), { now: stacksAsOf });
    assert.strictEqual(config.prices.region, "us-central1");
    const plan = planAll(config);
    assert.ok(plan.warnings.some((w) => /^PRICES ARE NOT ME-CENTRAL2'S: .*us-central1 list prices.*priceOverrides/.test(w)), plan.warnings.join("\n"));
    // A region in the table gets no such warning: the dev stack's europe-west1.
    assert.deepStrictEqual(planAll(loadStackConfig("dev")).warnings.filter((w) => /PRICES/.test(w)), []);
    assert.strictEqual(loadStackConfig("dev").prices.region, "europe-west1");
    // Overriding the prices with the region's own (and saying so) silences it.
    const overridden = parseConfig(rawWith("event", { "gcp:region": "me-central2", priceOverrides: { region: "me-central2" } }), { now: stacksAsOf });
    assert.deepStrictEqual(planAll(overridden).warnings.filter((w) => /PRICES/.test(w)), []);
  });

  it("refuses an unknown price key, naming the table's keys", () => {
    assert.throws(() => parseConfig(rawWith("dev", { priceOverrides: { e2Hour: 1 } })), (e: unknown) => e instanceof ConfigError && /priceOverrides\.e2Hour.*one of: source, asOf, region/.test(e.message));
  });
});
