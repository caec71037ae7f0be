// SLOW: runs the whole program under Pulumi's mock runtime.
import * as assert from "assert";
import { DeclaredResource, OfflineRun } from "../infra/tools/offline";
import { named, ofType, one } from "./support/resources";
import { stackRun } from "./support/runs";
import { loadStackConfig, stackNames } from "./support/stacks";
import { planAll } from "../infra/plan";
import { budgetThresholdFractions, planBudget, planMonitoring } from "../infra/plan/lifecycle";
import { teardownWaitProvider } from "../infra/components/teardown";
import { renderPlanText } from "../infra/tools/planText";
import { ProgramExports } from "../infra/tools/plan";

// The event's life as the program declares it, run under Pulumi's mock runtime for each shipped stack.

// The shared run of each shipped stack (test/support/runs.ts; planned again for each mutant under Stryker).
const run = (stack: string): Promise<OfflineRun> => stackRun(stack);

/**
 * What a resource depends on as the Pulumi engine orders deletes: its provider, its parent, its
 * dependencies, and for a dependency that is a component, that component's children (pulumi/pulumi
 * pkg/resource/graph/dependency_graph.go `DependenciesOf`: "If the dependency is a component, all transitive
 * children of the dependency ... are also implicitly dependencies"). The engine deletes a resource only once
 * nothing that depends on it is left (pkg/resource/deploy/step_generator.go `ScheduleDeletes`).
 */
function dependsOnTransitively(r: OfflineRun): (from: DeclaredResource, to: DeclaredResource) => boolean {
  const byUrn = new Map(r.resources.map((x) => [x.urn, x]));
  const childrenOf = (urn: string): string[] => r.resources.filter((x) => x.parent === urn).flatMap((x) => [x.urn, ...childrenOf(x.urn)]);
  const direct = (x: DeclaredResource): string[] => {
    const deps = x.dependencies.flatMap((d) => (byUrn.get(d)?.custom === false ? [d, ...childrenOf(d)] : [d]));
    return [...deps, ...(x.parent ? [x.parent] : []), ...(x.provider ? [x.provider.split("::").slice(0, -1).join("::")] : [])];
  };
  return (from, to) => {
    const seen = new Set<string>();
    const stack = [from.urn];
    while (stack.length > 0) {
      const urn = stack.pop()!;
      for (const d of direct(byUrn.get(urn)!)) {
        if (d === to.urn) return true;
        if (!seen.has(d) && byUrn.has(d)) {
          seen.add(d);
          stack.push(d);
        }
      }
    }
    return false;
  };
}

for (const stack of stackNames) {
  describe(`the ${stack} stack's life around the hub`, function () {
    this.timeout(120_000);
    const config = loadStackConfig(stack);

    it("destroys in one step: the hub and the Gateway go before the cleanup wait, the wait before the cluster and its pools, and the firewall sweep after them, before the network", async () => {
      const r = await run(stack);
      const dependsOn = dependsOnTransitively(r);
      const wait = named(r, "pulumi-nodejs:dynamic:Resource", "cluster-cleanup-wait");
      // Deleted before the wait: everything in the cluster that makes disks or load-balancer pieces.
      const inCluster = [
        one(r, "kubernetes:core/v1:Namespace"),
        one(r, "kubernetes:helm.sh/v3:Release"),
        one(r, "kubernetes:gateway.networking.k8s.io/v1:Gateway"),
        ...ofType(r, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"),
      ];
      assert.deepStrictEqual(inCluster.filter((x) => !dependsOn(x, wait)).map((x) => x.name), []);
      // Deleted after it: what GKE needs to finish its own clean-up, and what a leftover would block.
      const underneath = [
        one(r, "gcp:container/cluster:Cluster"),
        ...ofType(r, "gcp:container/nodePool:NodePool"),
        one(r, "gcp:compute/network:Network"),
        one(r, "gcp:compute/subnetwork:Subnetwork"),
        one(r, "pulumi:providers:kubernetes"),
        // What the load balancer's backend services and forwarding rules use, which GKE removes asynchronously.
        one(r, "gcp:compute/securityPolicy:SecurityPolicy"),
        one(r, "gcp:compute/sSLPolicy:SSLPolicy"),
        one(r, "gcp:compute/globalAddress:GlobalAddress"),
        one(r, "gcp:certificatemanager/certificateMap:CertificateMap"),
      ];
      assert.deepStrictEqual(underneath.filter((x) => !dependsOn(wait, x)).map((x) => x.name), []);
      assert.ok(!dependsOn(wait, one(r, "kubernetes:core/v1:Namespace")), "no cycle through the hub");
      // After the cluster and its pools, before the network: the sweep of the firewall rules GKE leaves.
      const sweep = named(r, "pulumi-nodejs:dynamic:Resource", "network-firewall-sweep");
      const clusterPieces = [one(r, "gcp:container/cluster:Cluster"), ...ofType(r, "gcp:container/nodePool:NodePool")];
      assert.deepStrictEqual(clusterPieces.filter((x) => !dependsOn(x, sweep)).map((x) => x.name), []);
      assert.ok(dependsOn(sweep, one(r, "gcp:compute/network:Network")));
      assert.ok(!dependsOn(sweep, one(r, "gcp:container/cluster:Cluster")), "no cycle through the cluster");
      assert.strictEqual(sweep.inputs.network, one(r, "gcp:compute/network:Network").outputs.name);
      assert.strictEqual(wait.inputs.namespace, config.hub.namespace);
      assert.strictEqual(wait.inputs.timeoutMinutes, config.lifecycle.teardownTimeoutMinutes);
      assert.strictEqual(wait.inputs.network, one(r, "gcp:compute/network:Network").outputs.name);
    });

    it("destroys the Artifact Registry pieces in one step: after the hub and the package proxy that use them, before the cluster and the network they name", async () => {
      const r = await run(stack);
      const dependsOn = dependsOnTransitively(r);
      const registry = r.resources.filter((x) => x.custom && x.parent !== undefined && r.resources.find((p) => p.urn === x.parent)?.type === "jupyterhub-gke:registry:PackageRegistry");
      const types = [...new Set(registry.map((x) => x.type))].sort();
      assert.deepStrictEqual(types, [
        "gcp:artifactregistry/repository:Repository",
        "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
        "gcp:dns/managedZone:ManagedZone",
        "gcp:dns/recordSet:RecordSet",
        ...(stack === "event" ? ["gcp:serviceaccount/account:Account", "gcp:serviceaccount/iAMMember:IAMMember"] : []),
      ]);
      // Deleted before any of them: the release (so the user image's pullers and pip's users) and, in
      // mirror mode, every piece of the package proxy.
      const users = [
        one(r, "kubernetes:helm.sh/v3:Release"),
        one(r, "kubernetes:core/v1:Namespace"),
        ...r.resources.filter((x) => x.custom && x.parent !== undefined && r.resources.find((p) => p.urn === x.parent)?.type === "jupyterhub-gke:registry:PackageProxy"),
      ];
      assert.strictEqual(users.length, stack === "event" ? 8 : 2);
      for (const u of users) assert.deepStrictEqual(registry.filter((x) => !dependsOn(u, x)).map((x) => x.name), [], u.name);
      // Deleted after all of them: the cluster and its node service account (read grants name it), the
      // network (the private zone is bound to it) and the destroy wait's neighbours underneath.
      const underneath = [
        one(r, "gcp:container/cluster:Cluster"),
        named(r, "gcp:serviceaccount/account:Account", "cluster-nodes"),
        one(r, "gcp:compute/network:Network"),
      ];
      const zone = registry.find((x) => x.type === "gcp:dns/managedZone:ManagedZone")!;
      assert.ok(dependsOn(zone, one(r, "gcp:compute/network:Network")));
      const nodeGrants = registry.filter((x) => x.type === "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember" && x.inputs.member === `serviceAccount:${underneath[1].outputs.email}`);
      assert.strictEqual(nodeGrants.length, 1);
      assert.ok(dependsOn(nodeGrants[0], underneath[1]), nodeGrants[0].name);
      assert.deepStrictEqual(underneath.filter((x) => registry.some((g) => dependsOn(x, g))).map((x) => x.name), [], "no cycle");
    });

    it("serialises a destroy wait that Pulumi's dynamic-provider host can load and call", async () => {
      // The host loads `__provider` with require-from-string and calls `.handler()`
      // (@pulumi/pulumi cmd/dynamic-provider/index.js `getProvider`).
      const wait = named(await run(stack), "pulumi-nodejs:dynamic:Resource", "cluster-cleanup-wait");
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the host's own loader, untyped
      const requireFromString = require("require-from-string") as (code: string) => { handler: () => typeof teardownWaitProvider };
      const provider = requireFromString(String(wait.inputs.__provider)).handler();
      assert.strictEqual(typeof provider.delete, "function");
      const created = await provider.create!(wait.inputs as never);
      assert.match(String(created.id), new RegExp(`/${config.hub.namespace}/cluster-cleanup-wait$`));
      // The host runs the delete stored at the last create or update (cmd/dynamic-provider/index.js, delete
      // loads `__provider` from the old properties): new code must show as an update, the same code as none.
      const same = await provider.diff!("id", wait.inputs as never, wait.inputs as never);
      assert.strictEqual(same.changes, false);
      const newer = await provider.diff!("id", wait.inputs as never, { ...wait.inputs, __provider: `${String(wait.inputs.__provider)} ` } as never);
      assert.strictEqual(newer.changes, true);
      assert.strictEqual(newer.replaces, undefined, "never replaced: a replacement would run the wait during an update");
    });

    it("keeps a private, versioned export bucket at destroy, deleting archives after the configured days", async () => {
      const r = await run(stack);
      const bucket = one(r, "gcp:storage/bucket:Bucket");
      const b: any = bucket.inputs;
      assert.strictEqual(bucket.retainOnDelete, true);
      assert.strictEqual(b.uniformBucketLevelAccess, true);
      assert.strictEqual(b.publicAccessPrevention, "enforced");
      assert.deepStrictEqual(b.versioning, { enabled: true });
      assert.strictEqual(b.forceDestroy, false);
      assert.deepStrictEqual(b.lifecycleRules, [{ action: { type: "Delete" }, condition: { age: config.lifecycle.exportRetentionDays } }]);
      assert.strictEqual(b.location, config.platform.region.toUpperCase());
      assert.strictEqual(b.labels["jupyterhub-gke-stack"], stack);
      assert.strictEqual(b.name, undefined, "autonamed, so the next stack of this name does not collide with the kept bucket");
      // Nothing else the program declares is kept.
      assert.deepStrictEqual(r.resources.filter((x) => x.retainOnDelete).map((x) => x.type), ["gcp:storage/bucket:Bucket"]);
    });

    it("lets exactly one Kubernetes service account write that bucket, and nothing else", async () => {
      const r = await run(stack);
      const bucket = one(r, "gcp:storage/bucket:Bucket");
      const writer = named(r, "gcp:serviceaccount/account:Account", "home-export-writer");
      const grants = ofType(r, "gcp:storage/bucketIAMMember:BucketIAMMember").map((g: any) => [g.inputs.bucket, g.inputs.role, g.inputs.member]);
      const member = `serviceAccount:${writer.outputs.email}`;
      assert.deepStrictEqual(grants, [
        [bucket.outputs.name, "roles/storage.objectCreator", member],
        [bucket.outputs.name, "roles/storage.objectViewer", member],
      ]);
      // No project-level role for the writer.
      assert.deepStrictEqual(ofType(r, "gcp:projects/iAMMember:IAMMember").filter((m: any) => m.inputs.member === member), []);
      // Every Workload Identity binding, by account: the writer's, for the export's Kubernetes service account
      // only, and (packageMode mirror in the event stack) the package proxy's own account, which reads the
      // Python repository and nothing else (test/packages.test.ts).
      const pool = `serviceAccount:${config.platform.project}.svc.id.goog[${config.hub.namespace}`;
      const bindings = ofType(r, "gcp:serviceaccount/iAMMember:IAMMember").map((m: any) => [m.inputs.serviceAccountId, m.inputs.role, m.inputs.member]).sort();
      assert.deepStrictEqual(bindings, [
        ...(stack === "event" ? [[named(r, "gcp:serviceaccount/account:Account", "registry-proxy").outputs.name, "roles/iam.workloadIdentityUser", `${pool}/package-proxy]`]] : []),
        [writer.outputs.name, "roles/iam.workloadIdentityUser", `${pool}/home-export]`],
      ].sort());
      // The Kubernetes service accounts: the export's, the placeholder calendar's (issue 13: warm room follows
      // the schedule; it may only scale the placeholder StatefulSet and has no Google identity) and, in
      // packageMode mirror (the event stack), the package proxy's.
      const accounts: any[] = ofType(r, "kubernetes:core/v1:ServiceAccount").map((a) => a.inputs);
      assert.deepStrictEqual(
        accounts.map((a) => a.metadata.name).sort(),
        [...(stack === "event" ? ["package-proxy"] : []), "home-export", "placeholder-calendar"].sort(),
      );
      const writers = accounts.filter((a) => a.metadata.annotations?.["iam.gke.io/gcp-service-account"] === writer.outputs.email);
      assert.strictEqual(writers.length, 1);
      const ksa = writers[0];
      assert.deepStrictEqual([ksa.metadata.namespace, ksa.metadata.name], [config.hub.namespace, "home-export"]);
      assert.strictEqual(ksa.metadata.annotations["iam.gke.io/gcp-service-account"], writer.outputs.email);
      assert.strictEqual(ksa.automountServiceAccountToken, false);
      const calendar = accounts.find((a) => a.metadata.name === "placeholder-calendar");
      assert.strictEqual(calendar.metadata.namespace, config.hub.namespace);
      assert.strictEqual(calendar.metadata.annotations?.["iam.gke.io/gcp-service-account"], undefined, "no Google identity for the calendar");
      const binding: any = ofType(r, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").find((b: any) => b.inputs.subjects?.some((x: any) => x.name === "placeholder-calendar"))?.inputs;
      assert.ok(binding, "the calendar's account is bound to its role");
      const role: any = ofType(r, "kubernetes:rbac.authorization.k8s.io/v1:Role").find((x: any) => x.inputs.metadata.name === binding.roleRef.name)?.inputs;
      assert.deepStrictEqual(role.rules, [{ apiGroups: ["apps"], resources: ["statefulsets/scale"], resourceNames: ["user-placeholder"], verbs: ["get", "patch"] }]);
    });

    it("checks the hub's health URL and alerts at thresholds from the plan: the peak and the pool maximum", async () => {
      const r = await run(stack);
      const plan = planAll(config);
      const uptime: any = one(r, "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig").inputs;
      assert.deepStrictEqual(uptime.monitoredResource, { type: "uptime_url", labels: { project_id: config.platform.project, host: config.edge.hubDomain } });
      assert.deepStrictEqual([uptime.httpCheck.path, uptime.httpCheck.port, uptime.httpCheck.useSsl, uptime.httpCheck.validateSsl], ["/hub/health", 443, true, true]);
      const policies = new Map(ofType(r, "gcp:monitoring/alertPolicy:AlertPolicy").map((p: any) => [p.name, p.inputs]));
      assert.deepStrictEqual([...policies.keys()].sort(), [
        "monitoring-hub-down", "monitoring-lb-5xx", "monitoring-no-scale-up", "monitoring-pool-at-max",
        "monitoring-proxy-memory", "monitoring-server-limit", "monitoring-spawn-failures",
      ]);
      const threshold = (role: string) => policies.get(`monitoring-${role}`).conditions[0].conditionThreshold;
      assert.strictEqual(threshold("pool-at-max").thresholdValue, plan.userPool.userPoolMaxNodes);
      const limit = config.hub.activeServerLimit ?? config.capacity.peakUsers;
      assert.strictEqual(threshold("server-limit").thresholdValue, Math.floor(limit * 0.9));
      assert.match(threshold("hub-down").filter, /uptime_check\/check_passed.*check_id="monitoring-hub-uptime-a1b2c3"/);
      assert.match(threshold("proxy-memory").filter, new RegExp(`namespace_name="${config.hub.namespace}" AND resource.label.container_name="chp"`));
      assert.match(threshold("pool-at-max").filter, /goog-k8s-node-pool-name"="cluster-user"/);
      const channels = ofType(r, "gcp:monitoring/notificationChannel:NotificationChannel");
      assert.deepStrictEqual(channels.map((c: any) => c.inputs.labels.email_address), config.lifecycle.notificationEmails);
      for (const p of policies.values()) assert.deepStrictEqual(p.notificationChannels, channels.map((c) => c.outputs.name));
      const dashboard = JSON.parse(String(one(r, "gcp:monitoring/dashboard:Dashboard").inputs.dashboardJson));
      assert.strictEqual(dashboard.mosaicLayout.tiles.length, 6);
    });

    it(stack === "event" ? "creates a budget on the project at fractions of the cost estimate, to the organisers" : "creates no budget without a billing account, and says so", async () => {
      const r = await run(stack);
      const budgets = ofType(r, "gcp:billing/budget:Budget");
      const plan = planAll(config);
      const outputs: any = r.outputs.lifecycle;
      if (!config.lifecycle.billingAccount) {
        assert.deepStrictEqual(budgets, []);
        assert.match(outputs.budget.reason, /^no budget will be created/);
        return;
      }
      const b: any = one(r, "gcp:billing/budget:Budget").inputs;
      assert.strictEqual(b.billingAccount, config.lifecycle.billingAccount);
      assert.deepStrictEqual(b.budgetFilter.projects, ["projects/123456789012"]);
      assert.deepStrictEqual(b.amount.specifiedAmount, { currencyCode: "USD", units: String(Math.ceil(plan.cost.perEvent)) });
      assert.deepStrictEqual(b.thresholdRules.map((t: any) => t.thresholdPercent), [...budgetThresholdFractions]);
      assert.deepStrictEqual(b.allUpdatesRule.monitoringNotificationChannels, ofType(r, "gcp:monitoring/notificationChannel:NotificationChannel").map((c) => c.outputs.name));
    });
  });
}

describe("the offline plan's text", function () {
  this.timeout(120_000);

  it("shows the budget, the alerts, the export bucket and the destroy wait, or says that no budget will be created", async () => {
    const event = renderPlanText((await run("event")) as OfflineRun<ProgramExports>);
    assert.match(event, /budget {2,}\$\d+\.00 on billing account 012345-6789AB-CDEF01, 2027-12-04 to 2027-12-11/);
    assert.match(event, /budget alerts at {2,}50%, 80%, 100%, 150% of the cost estimate/);
    assert.match(event, /notifications to {2,}organisers@example\.com/);
    // ceil(1000 users / 55 per e2-highmem-16 node under gVisor, 2176 MiB each) = 19: the pool holds the
    // peak's users, placeholders give way to them (issue 13).
    assert.match(event, /alert: user pool at maximum {2,}19 nodes for 600 s/);
    assert.match(event, /export bucket {2,}event-home-export: kept at destroy, archives deleted after 30 days/);
    assert.match(event, /pulumi destroy {2,}waits up to 30 min/);
    const dev = renderPlanText((await run("dev")) as OfflineRun<ProgramExports>);
    assert.match(dev, /budget {2,}no budget will be created: set billingAccount/);
  });

  it("lists the project-wide CPU quota next to the regional one, and how long an increase takes", async () => {
    const r = await run("event");
    const quotas: any = r.outputs.quotas;
    assert.strictEqual(quotas.cpusAllRegions, quotas.cpus);
    const text = renderPlanText(r as OfflineRun<ProgramExports>);
    assert.match(text, /Quotas the event needs \(increases typically take two business days: docs\/runbook\.md\)/);
    assert.match(text, new RegExp(`CPUS_ALL_REGIONS \\(project-wide\\) +${quotas.cpus}\n`));
  });
});

describe("the budget and alert plan", () => {
  const event = loadStackConfig("event");
  const cost = planAll(event).cost;

  it("covers the event with its standby days and a day of margin for Pacific time, in whole dollars rounded up", () => {
    // The event stack runs 2027-12-06T08:00Z to 2027-12-09T08:00Z; standby is a day each side.
    const decision = planBudget(event, cost);
    assert.ok(decision.create);
    assert.deepStrictEqual(decision.budget.start, { year: 2027, month: 12, day: 4 });
    assert.deepStrictEqual(decision.budget.end, { year: 2027, month: 12, day: 11 });
    assert.strictEqual(decision.budget.amountUnits, Math.ceil(cost.perEvent));
    assert.ok(decision.budget.amountUnits >= cost.perEvent && decision.budget.amountUnits < cost.perEvent + 1);
  });

  it("says that no budget will be created without a billing account", () => {
    const decision = planBudget({ ...event, lifecycle: { ...event.lifecycle, billingAccount: undefined } }, cost);
    assert.deepStrictEqual(decision, { create: false, reason: "no budget will be created: set billingAccount to alert on spend at fractions of the cost estimate" });
  });

  it("alerts on running servers at 90% of the active-server limit, or of the peak when no limit is set", () => {
    assert.strictEqual(planMonitoring(event, 45).runningServersAlert, 900);
    const noLimit = { ...event, hub: { ...event.hub, activeServerLimit: undefined }, capacity: { ...event.capacity, peakUsers: 10 } };
    assert.strictEqual(planMonitoring(noLimit, 2).runningServersAlert, 9);
    assert.strictEqual(planMonitoring(noLimit, 2).userPoolMaxNodes, 2);
  });
});
