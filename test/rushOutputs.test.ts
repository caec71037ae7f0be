// SLOW: runs the whole program under the mock runtime for each stack.
import * as assert from "assert";
import { planStack } from "../infra/tools/plan";
import { OfflineRun } from "../infra/tools/offline";
import { inputs, named, ofType, one } from "./support/resources";
import { planAll } from "../infra/plan";
import { calendarDocument } from "../infra/plan/placeholderCalendar";
import { loadStackConfig, stackNames, stacksAsOf } from "./support/stacks";

// What the program declares and exports for the rush: the `rush` stack output with each class's figures,
// and the placeholder calendar's Kubernetes objects in the hub's namespace, through the cluster's provider.

for (const stack of stackNames) {
  describe(`the ${stack} stack's rush, under the mock runtime`, function () {
    this.timeout(120_000);
    let run: OfflineRun;
    before(async () => {
      run = await planStack(stack, { asOf: stacksAsOf });
    });

    it("exports each class's waits, failed spawns, peak nodes and warm room with its cost, the calendar and the machine choice", () => {
      const rush: any = run.outputs.rush;
      const plan = planAll(loadStackConfig(stack));
      assert.deepStrictEqual(rush.classes.map((c: any) => c.name), plan.rush.classes.map((c) => c.name));
      for (const c of rush.classes) {
        for (const key of ["p50WaitSeconds", "p95WaitSeconds", "worstWaitSeconds", "failedSpawns", "peakNodes", "placeholders", "warmCapacityUsd"]) {
          assert.ok(key in c, `${c.name} lacks ${key}`);
        }
        assert.strictEqual(c.meetsTarget, true, c.name);
      }
      assert.deepStrictEqual(rush.calendar, JSON.parse(JSON.stringify(plan.rush.calendar)));
      assert.strictEqual(rush.machine.chosen.machineType, plan.userPool.machineType);
      assert.ok(rush.machine.alternatives.length === 5);
      assert.deepStrictEqual(rush.warnings, []);
      // The chart's samples are not outputs: too long for a stack output.
      assert.ok(!JSON.stringify(rush).includes("placeholdersRunning"));
      const cost: any = run.outputs.costEstimate;
      assert.ok(cost.perUserHourAtPeak > 0 && cost.warmShare >= 0 && cost.warmShare <= 0.1);
    });

    it("declares the placeholder calendar in the hub's namespace, with the plan's calendar and a role on the StatefulSet's scale only", () => {
      const config = loadStackConfig(stack);
      const ns = config.hub.namespace;
      // By name: the registry's package proxy has a ConfigMap (its source) of its own.
      const configMap: any = inputs(named(run, "kubernetes:core/v1:ConfigMap", "hub-placeholder-calendar-config"));
      assert.strictEqual(configMap.metadata.namespace, ns);
      assert.strictEqual(configMap.data["calendar.json"], calendarDocument(ns, planAll(config).rush.calendar));
      assert.match(configMap.data["placeholder_calendar.py"], /def desired_replicas/);
      const role: any = inputs(one(run, "kubernetes:rbac.authorization.k8s.io/v1:Role"));
      assert.deepStrictEqual(role.rules, [{ apiGroups: ["apps"], resources: ["statefulsets/scale"], resourceNames: ["user-placeholder"], verbs: ["get", "patch"] }]);
      const binding: any = inputs(one(run, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"));
      assert.deepStrictEqual(binding.subjects, [{ kind: "ServiceAccount", name: "placeholder-calendar", namespace: ns }]);
      const deployment = ofType(run, "kubernetes:apps/v1:Deployment").find((d) => d.name.includes("placeholder-calendar"));
      assert.ok(deployment);
      const release = one(run, "kubernetes:helm.sh/v3:Release");
      assert.ok(deployment.dependencies.length > 0);
      // Every object of the calendar goes through the cluster's provider, like the release.
      const provider = one(run, "pulumi:providers:kubernetes").urn;
      const objects = run.resources.filter((x) => x.urn.includes("PlaceholderCalendar$kubernetes:"));
      assert.deepStrictEqual(objects.map((o) => o.type.split(":")[2]).sort(), ["ConfigMap", "Deployment", "NetworkPolicy", "Role", "RoleBinding", "ServiceAccount"]);
      for (const r of objects) {
        assert.ok(r.provider?.startsWith(`${provider}::`), `${r.name} uses ${r.provider}`);
      }
      const netpol: any = inputs(named(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "hub-placeholder-calendar-netpol"));
      assert.deepStrictEqual(netpol.spec.policyTypes, ["Ingress", "Egress"]);
      assert.deepStrictEqual(netpol.spec.egress[0].ports, [{ protocol: "TCP", port: 443 }]);
      // Created after the release whose StatefulSet it scales.
      const component = run.resources.find((r) => r.type === "jupyterhub-gke:hub:PlaceholderCalendar");
      assert.ok(component?.dependencies.includes(release.urn));
    });
  });
}
