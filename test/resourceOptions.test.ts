// SLOW: runs the whole program under Pulumi's mock runtime.
import * as assert from "assert";
import { DeclaredResource, OfflineRun } from "../infra/tools/offline";
import { dependsOn, named } from "./support/resources";
import { runWith, stackRun } from "./support/runs";
import { loadStackConfig, stackNames } from "./support/stacks";
import { TYPES as T } from "./support/types";

// The resource options that keep an event alive through a later `pulumi up` and a clean `pulumi destroy`,
// read from the resource graph the program registers (infra/tools/offline.ts records each option from the
// RegisterResource request, as the engine receives it). Each is asserted by resource name, and each
// message says what an organiser loses if the option goes. The expected tables are written out here, not
// derived from the program.

const key = (r: DeclaredResource) => `${r.type} ${r.name}`;

/** Every resource carrying `option`, with its value, as "type name" → value. */
function withOption(run: OfflineRun, option: "ignoreChanges" | "protect" | "retainOnDelete" | "deleteBeforeReplace"): Record<string, unknown> {
  const table: Record<string, unknown> = {};
  for (const r of run.resources) {
    const value = r[option];
    if (Array.isArray(value) ? value.length > 0 : value) table[key(r)] = value;
  }
  return table;
}

for (const stack of stackNames) {
  describe(`the ${stack} stack's resource options, on the resource graph`, function () {
    this.timeout(300_000);
    const config = loadStackConfig(stack);
    const poolNames = ["cluster-core", "cluster-user", ...(config.hub.gpu ? ["cluster-gpu"] : [])];

    it("ignores later changes to each node pool's initialNodeCount, and to the cluster's nodeConfig, and nothing else", async () => {
      const run = await stackRun(stack);
      const expected: Record<string, unknown> = { [`${T.cluster} cluster`]: ["nodeConfig"] };
      for (const pool of poolNames) expected[`${T.nodePool} ${pool}`] = ["initialNodeCount"];
      for (const pool of poolNames) {
        assert.deepStrictEqual(
          named(run, T.nodePool, pool).ignoreChanges,
          ["initialNodeCount"],
          `node pool ${pool} must ignore initialNodeCount: the autoscaler owns the size, and a later config ` +
            "change to it would otherwise REPLACE the pool, deleting every node and killing every user's running server",
        );
      }
      assert.deepStrictEqual(
        named(run, T.cluster, "cluster").ignoreChanges,
        ["nodeConfig"],
        "the cluster must ignore nodeConfig: once GKE removes the default pool it reports none, and the next " +
          "`pulumi up` would replace the whole cluster (every server, every home disk attachment) mid-event",
      );
      assert.deepStrictEqual(withOption(run, "ignoreChanges"), expected, "resources with ignoreChanges");
    });

    it("keeps exactly the export bucket on destroy (retainOnDelete)", async () => {
      const run = await stackRun(stack);
      assert.deepStrictEqual(
        withOption(run, "retainOnDelete"),
        { [`${T.bucket} ${stack}-home-export`]: true },
        "the home-export bucket must be retainOnDelete: `pulumi destroy` after the event would otherwise delete " +
          "every participant's exported home; nothing else may be left behind to bill the organiser",
      );
    });

    it("sets no deleteBeforeReplace, and no aliases of its own (only the provider's type-token renames)", async () => {
      const run = await stackRun(stack);
      assert.deepStrictEqual(withOption(run, "deleteBeforeReplace"), {}, "deleteBeforeReplace would delete a live resource before its successor exists");
      for (const r of run.resources) {
        for (const alias of r.aliases ?? []) {
          // @pulumi/gcp registers aliases for its own renamed type tokens (same name, same parent), and
          // @pulumi/kubernetes for a kind's older API groups and versions (rbac/v1/role.js: v1alpha1 and
          // v1beta1 Role; networking/v1/networkPolicy.js: extensions/v1beta1 NetworkPolicy).
          const spec = (alias as { spec?: { name?: string; type?: string } }).spec;
          const kubernetesKind = (t: string) => (t.startsWith("kubernetes:") ? t.split(":")[2] : undefined);
          const providerRename = (t: string) =>
            t !== r.type && (t.toLowerCase() === r.type.toLowerCase() || (kubernetesKind(r.type) !== undefined && kubernetesKind(t) === kubernetesKind(r.type)));
          assert.ok(
            spec && spec.name === "" && spec.type !== undefined && providerRename(spec.type),
            `${key(r)} has an alias the program set (${JSON.stringify(alias)}): say why in the code and assert it here`,
          );
        }
      }
    });

    it(`protects nothing while deletionProtection is ${String(config.platform.deletionProtection)} in the stack file`, async () => {
      // both example stacks leave it off so they can be destroyed; the variant below turns it on
      assert.strictEqual(config.platform.deletionProtection, false, "the example stacks are meant to be destroyable");
      assert.deepStrictEqual(withOption(await stackRun(stack), "protect"), {}, "resources with protect");
    });

    it("orders creation and deletion: node-SA roles before the cluster and its pools, every pool before the Kubernetes provider, the Secret before the release, the release before the Gateway", async () => {
      const run = await stackRun(stack);
      const cluster = named(run, T.cluster, "cluster");
      const roles = run.resources.filter((r) => r.type === T.projectIamMember && r.name.startsWith("cluster-nodes-"));
      assert.ok(roles.length > 0, "no role bindings for the node service account");
      for (const role of roles) {
        assert.ok(dependsOn(cluster, role), `cluster must dependOn ${role.name}: GKE creates the default pool with the node SA and fails while it lacks its roles`);
        for (const pool of poolNames) {
          assert.ok(dependsOn(named(run, T.nodePool, pool), role), `${pool} must dependOn ${role.name}: nodes would come up unable to pull images or write logs`);
        }
      }
      const provider = named(run, T.k8sProvider, "cluster-k8s");
      for (const pool of poolNames) {
        assert.ok(
          dependsOn(provider, named(run, T.nodePool, pool)),
          `the Kubernetes provider must dependOn ${pool}: otherwise the hub installs before any node can run it, and on destroy the pool goes while the hub's objects are still being deleted`,
        );
      }
      assert.ok(
        dependsOn(named(run, T.helmRelease, "hub-release"), named(run, T.secret, "hub-secret")),
        "the Helm release must dependOn the hub Secret: the hub mounts it at start-up and would crash-loop without it",
      );
      assert.ok(
        dependsOn(named(run, T.gatewayComponent, "hub-gateway"), named(run, T.helmRelease, "hub-release")),
        "the Gateway must dependOn the hub release: `pulumi destroy` must remove the load balancer before the proxy Service it points at",
      );
      assert.ok(
        dependsOn(named(run, T.clusterComponent, "cluster"), named(run, T.dynamicResource, "network-firewall-sweep")),
        "the cluster must dependOn the firewall sweep: destroy must sweep GKE's firewall rules after the cluster, or the VPC cannot be deleted",
      );
      // A dependency on a component reaches the engine as its custom children (the SDK expands it).
      const wait = named(run, T.dynamicResource, "cluster-cleanup-wait");
      for (const [type, name] of [[T.cluster, "cluster"], ...poolNames.map((p) => [T.nodePool, p]), [T.network, "network-vpc"], [T.routerNat, "network-nat"]]) {
        assert.ok(
          dependsOn(wait, named(run, type, name)),
          `the cleanup wait must dependOn ${name}: destroy must wait for GKE's disks and load-balancer pieces before deleting the cluster and the network`,
        );
      }
      const hub = named(run, T.hubComponent, "hub");
      for (const [type, name] of [[T.cluster, "cluster"], ...poolNames.map((p) => [T.nodePool, p]), [T.dynamicResource, "cluster-cleanup-wait"]]) {
        assert.ok(dependsOn(hub, named(run, type, name)), `the hub must dependOn ${name}: its pods are required on the pools, and destroy must delete it before the cleanup wait`);
      }
    });
  });
}

describe("with deletionProtection on", function () {
  this.timeout(300_000);
  let run: OfflineRun;
  before(async () => {
    run = await runWith("event", { deletionProtection: "true" });
  });

  it("protects the cluster (Pulumi) and asks GKE to refuse its deletion, and protects the DNS zone the stack owns", () => {
    assert.deepStrictEqual(
      withOption(run, "protect"),
      { [`${T.cluster} cluster`]: true, [`${T.managedZone} edge-zone`]: true },
      "with deletionProtection, a stray `pulumi destroy` or a change that replaces them would delete the cluster " +
        "(every server and home attachment) or the zone (the hub's name stops resolving until the registrar is updated)",
    );
    assert.strictEqual((named(run, T.cluster, "cluster").inputs as { deletionProtection?: unknown }).deletionProtection, true, "GKE's own deletion protection");
  });
});
