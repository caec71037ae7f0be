import * as assert from "assert";
import { parseConfig } from "../../infra/config/parse";
import { planAll } from "../../infra/plan";
import { nodeHourPrice } from "../../infra/plan/cost";
import { lookupMachineType } from "../../infra/catalog/machineTypes";
import { defaultPriceTable } from "../../infra/catalog/prices";
import { loadStackConfig, rawWith } from "../support/stacks";

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 0.005, `${what}: ${actual} ≠ ${expected}`);

describe("cost estimate", () => {
  it("prices a node from its vCPUs and memory", () => {
    // n2-highmem-8: 8 × 0.031611 + 64 × 0.004237 = 0.524056 $/h.
    close(nodeHourPrice(defaultPriceTable, lookupMachineType("n2-highmem-8")!), 0.524056, "n2-highmem-8");
  });

  it("prices the 1,000-user event at peak and for its 72 hours, as worked by hand", () => {
    const cost = planAll(loadStackConfig("event")).cost;
    const diskHour = 0.1 / 730;
    const expectedPerHour =
      3 * (8 * 0.031611 + 32 * 0.004237) + // core n2-standard-8 × 3
      46 * 0.524056 + // user n2-highmem-8 × 46 (pool maximum: peak plus placeholders, 27 sandboxed users a node)
      (150 + 4600 + 10_001) * diskHour + // boot disks, homes and the hub database
      0.025 + // HTTPS and HTTP-redirect forwarding rules: the first five are one flat rate
      0.044 + // NAT gateway: 49 VMs × 0.0014 capped at 0.044
      1 * 0.005 + // one NAT IP
      0.1; // cluster fee
    close(cost.perHourAtPeak, expectedPerHour, "per hour at peak");
    assert.strictEqual(cost.eventHours, 72);
    // Idle: 2 core + 9 user nodes, the same disks, load balancer, NAT and cluster fee.
    const expectedIdle =
      2 * (8 * 0.031611 + 32 * 0.004237) + 9 * 0.524056 + (100 + 900 + 10_001) * diskHour + 0.025 + 11 * 0.0014 + 0.005 + 0.1;
    close(cost.perHourIdle, expectedIdle, "per hour idle");
    // 72 h at peak plus a day before and a day after at the idle size.
    assert.strictEqual(cost.standbyHours, 48);
    close(cost.perEvent, cost.perHourAtPeak * 72 + cost.perHourIdle * 48, "per event");
    assert.strictEqual(cost.currency, "USD");
    assert.ok(cost.perHourIdle < cost.perHourAtPeak);
    assert.match(cost.priceSource, /OpenCost/);
    assert.match(cost.pricesAsOf, /^\d{4}-\d{2}-\d{2}$/);
  });

  it("follows a price override", () => {
    const base = planAll(loadStackConfig("event")).cost;
    const cheaper = planAll(parseConfig(rawWith("event", { priceOverrides: { clusterFeeHour: 0 } }))).cost;
    close(base.perHourAtPeak - cheaper.perHourAtPeak, 0.1, "cluster fee");
  });
});
