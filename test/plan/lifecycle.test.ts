import * as assert from "assert";
import type { CostEstimate } from "../../infra/plan/cost";
import { planBudget, planExport, planLifecycle, planMonitoring, planTeardown, stackLabels } from "../../infra/plan/lifecycle";
import { loadStackConfig } from "../support/stacks";

// The event's life around the hub as plain data (infra/plan/lifecycle.ts), tested without the mock runtime:
// test/lifecycle.test.ts checks the resources declared from it, but only in the slow suite, so mutation
// testing found the budget's dates, the alert thresholds and the fallbacks here unchecked by the fast one
// (docs/testing.md). Every expected value is written out.

const cost = (perEvent: number) => ({ currency: "USD", perEvent }) as unknown as CostEstimate;

describe("the lifecycle plan", () => {
  it("budgets the estimate rounded up to whole dollars, alerting at 50, 80, 100 and 150%", () => {
    const event = loadStackConfig("event");
    const decision = planBudget(event, cost(1234.01));
    assert.ok(decision.create, "the event stack names a billing account");
    assert.deepStrictEqual(decision.budget, {
      billingAccount: "012345-6789AB-CDEF01",
      amountUnits: 1235,
      currency: "USD",
      thresholds: [0.5, 0.8, 1.0, 1.5],
      // The event runs 2027-12-06T08:00Z to 2027-12-09T08:00Z; the standby day on each side (48 hours in
      // all) and a day more for Cloud Billing's Pacific-time calendar.
      start: { year: 2027, month: 12, day: 4 },
      end: { year: 2027, month: 12, day: 11 },
    });
    const free = planBudget(event, cost(0.2));
    assert.ok(free.create);
    assert.strictEqual(free.budget.amountUnits, 1, "never a budget of $0, which Cloud Billing refuses");
  });

  it("creates no budget without a billing account, and says which key to set", () => {
    const dev = loadStackConfig("dev");
    assert.deepStrictEqual(planBudget({ ...dev, lifecycle: { ...dev.lifecycle, billingAccount: undefined } }, cost(10)), {
      create: false,
      reason: "no budget will be created: set billingAccount to alert on spend at fractions of the cost estimate",
    });
  });

  it("watches the hub's health endpoint every minute and alerts at 90% of the active-server limit", () => {
    const event = loadStackConfig("event");
    assert.deepStrictEqual(planMonitoring(event, 19), {
      uptime: { host: "hub.example.com", path: "/hub/health", periodSeconds: 60, timeoutSeconds: 10 },
      hubDownSeconds: 120,
      namespace: "jupyterhub",
      runningServersAlert: 900,
      activeServerLimit: 1000,
      userPoolMaxNodes: 19,
      poolAtMaxSeconds: 600,
      proxyMemoryLimitFraction: 0.8,
      lb5xxFraction: 0.05,
      lb5xxWindowSeconds: 300,
      spawnFailureLogPatterns: ["server failed to start in", "Error starting", "Unhandled error starting"],
    });
  });

  it("takes the peak as the limit when none is set, rounds the alert down, and never alerts at zero", () => {
    const event = loadStackConfig("event");
    const unset = planMonitoring({ ...event, hub: { ...event.hub, activeServerLimit: undefined }, capacity: { ...event.capacity, peakUsers: 25 } }, 3);
    assert.deepStrictEqual([unset.activeServerLimit, unset.runningServersAlert], [25, 22], "floor(25 × 0.9) = 22");
    const one = planMonitoring({ ...event, hub: { ...event.hub, activeServerLimit: 1 } }, 3);
    assert.deepStrictEqual([one.activeServerLimit, one.runningServersAlert], [1, 1]);
  });

  it("keeps exports for the configured days, written by the home-export account in the hub's namespace", () => {
    const event = loadStackConfig("event");
    assert.deepStrictEqual(planExport({ ...event, lifecycle: { ...event.lifecycle, exportRetentionDays: 45 } }), {
      retentionDays: 45, kubernetesServiceAccount: "home-export", namespace: "jupyterhub",
    });
  });

  it("waits for GKE's own leftovers in the stack's region and namespace, looking every 15 seconds", () => {
    const event = loadStackConfig("event");
    assert.deepStrictEqual(planTeardown({ ...event, lifecycle: { teardownTimeoutMinutes: 40 } }), {
      region: "us-central1", namespace: "jupyterhub", timeoutMinutes: 40, pollSeconds: 15,
    });
  });

  it("labels everything with the stack's name prefix, the label the leftover check searches", () => {
    assert.deepStrictEqual(stackLabels("jhg-event"), { "jupyterhub-gke-stack": "jhg-event", "managed-by": "pulumi" });
  });

  it("the whole lifecycle part: the budget, the alerts on the user pool's maximum, the export, the teardown, and who hears", () => {
    const event = loadStackConfig("event");
    const plan = planLifecycle({ ...event, lifecycle: { ...event.lifecycle, notificationEmails: ["a@example.org", "b@example.org"] } }, cost(99.5), 7);
    assert.ok(plan.budget.create, "the event stack names a billing account");
    assert.strictEqual(plan.budget.budget.amountUnits, 100);
    assert.deepStrictEqual([plan.monitoring.userPoolMaxNodes, plan.monitoring.activeServerLimit], [7, 1000]);
    // The event stack's exportRetentionDays (30) and the default teardownTimeoutMinutes (30, config/schema.ts).
    assert.deepStrictEqual(plan.export, { retentionDays: 30, kubernetesServiceAccount: "home-export", namespace: "jupyterhub" });
    assert.deepStrictEqual(plan.teardown, { region: "us-central1", namespace: "jupyterhub", timeoutMinutes: 30, pollSeconds: 15 });
    assert.deepStrictEqual(plan.notificationEmails, ["a@example.org", "b@example.org"], "every organiser named in notificationEmails");
  });
});
