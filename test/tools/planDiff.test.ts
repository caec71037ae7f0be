// SLOW: plans modified stacks under Pulumi's mock runtime to diff against.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OfflineRun } from "../../infra/tools/offline";
import { planDiffAgainst, planStack, ProgramExports, toPreviewDocument } from "../../infra/tools/plan";
import { diffPlans, readPrevious, renderPlanDiff } from "../../infra/tools/planDiff";
import { replaceOnChange, replaceWhenTurnedOff, replacingPath } from "../../infra/tools/replaceFields";
import { stacksDir } from "../../infra/tools/stackFile";
import { stacksAsOf } from "../support/stacks";

// `npm run plan -- --stack X --against <previous>`: what would change, and which changes replace a node
// pool, the cluster or the DNS zone. Replacement follows the provider's ForceNew fields
// (infra/tools/replaceFields.ts: terraform-provider-google-beta 7.46, bridged by @pulumi/gcp 9.37.0).

const repo = path.resolve(__dirname, "../..");

/** The event stack file with `from` replaced by `to`, in a directory of its own. */
function eventStackWith(from: string, to: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-against-"));
  const text = fs.readFileSync(path.join(stacksDir, "Pulumi.event.yaml"), "utf8");
  assert.ok(text.includes(from), from);
  fs.writeFileSync(path.join(dir, "Pulumi.event.yaml"), text.replace(from, to));
  return dir;
}

/** A stack line followed by a pinned user machine type (the shipped event stack leaves it to `auto`). */
function pinnedMachine(line: string, machineType: string): string {
  return `${line}  jupyterhub-gke:userMachineType: ${machineType}\n`;
}

/** A previous plan as `npm run --silent plan -- --json` writes it, read back from JSON. */
async function recordedPlan(stacksDirectory?: string): Promise<unknown> {
  return JSON.parse(JSON.stringify(toPreviewDocument(await planStack("event", { asOf: stacksAsOf, stacksDir: stacksDirectory }))));
}

/** The interface's property names and their declared types, from a @pulumi/gcp declaration file. */
function declaredProperties(text: string, iface: string): Map<string, string> {
  const match = new RegExp(`^( *)(?:export )?(?:declare )?interface ${iface} \\{$`, "m").exec(text);
  assert.ok(match, `interface ${iface}`);
  const indent = match[1].length;
  const lines = text.slice(match.index + match[0].length).split("\n");
  const end = lines.findIndex((l) => l === `${" ".repeat(indent)}}`);
  const props = new Map<string, string>();
  for (const line of lines.slice(0, end)) {
    const m = new RegExp(`^ {${indent + 4}}(\\w+)\\??: (.*)$`).exec(line);
    if (m) props.set(m[1], m[2]);
  }
  return props;
}

describe("the offline plan against a previous plan or a stack export", function () {
  this.timeout(240_000);
  let current: OfflineRun<ProgramExports>;
  before(async () => {
    current = await planStack("event", { asOf: stacksAsOf });
  });

  it("names only properties @pulumi/gcp 9.37.0 declares, for every replace-on-change path", () => {
    const gcp = path.join(repo, "node_modules/@pulumi/gcp");
    const inputs = fs.readFileSync(path.join(gcp, "types/input.d.ts"), "utf8");
    const containerNs = inputs.slice(inputs.indexOf("export declare namespace container {"), inputs.indexOf("export declare namespace containeranalysis {"));
    const dnsNs = inputs.slice(inputs.indexOf("export declare namespace dns {"));
    const roots: Record<string, { file: string; args: string; ns: string }> = {
      "gcp:container/nodePool:NodePool": { file: "container/nodePool.d.ts", args: "NodePoolArgs", ns: containerNs },
      "gcp:container/cluster:Cluster": { file: "container/cluster.d.ts", args: "ClusterArgs", ns: containerNs },
      "gcp:dns/managedZone:ManagedZone": { file: "dns/managedZone.d.ts", args: "ManagedZoneArgs", ns: dnsNs },
    };
    const types = { ...replaceOnChange };
    for (const [type, paths] of Object.entries(replaceWhenTurnedOff)) types[type] = [...(types[type] ?? []), ...paths];
    for (const [type, paths] of Object.entries(types)) {
      const root = roots[type];
      for (const p of paths) {
        let props = declaredProperties(fs.readFileSync(path.join(gcp, root.file), "utf8"), root.args);
        for (const [i, segment] of p.split(".").entries()) {
          const declared = props.get(segment);
          assert.ok(declared !== undefined, `${type}: ${p} (no ${segment})`);
          if (i < p.split(".").length - 1) {
            const nested = /inputs\.\w+\.(\w+)/.exec(declared)?.[1];
            assert.ok(nested, `${type}: ${p}: ${segment} is not a block`);
            props = declaredProperties(root.ns, nested);
          }
        }
      }
    }
  });

  it("finds no change against the plan of the same stack", async () => {
    const diff = planDiffAgainst(current, await recordedPlan());
    assert.deepStrictEqual(diff.changed, []);
    assert.ok(diff.unchanged > 40);
  });

  it("flags the user pool's replacement when a memory change flips its pods per node (ForceNew max_pods_per_node)", async () => {
    // An e2-highmem-16 node leaves 120660.32 MiB for users: at a 4 GiB guarantee plus gVisor's 128 MiB it
    // holds floor(120660.32 / 4224) = 28 users and the pool takes 64 pods per node (28 + 10 → the 64 step);
    // at the stack's 2 GiB, 55 users and 110 pods: GKE cannot change a pool's pod CIDR size in place. The
    // previous stack pins the type `auto` picks for the current one (issue 13), so the memory change is the
    // only difference.
    const previous = await recordedPlan(eventStackWith("userMemoryGuaranteeGiB: 2\n", pinnedMachine("userMemoryGuaranteeGiB: 4\n", "e2-highmem-16")));
    const diff = planDiffAgainst(current, previous);
    const replaced = diff.changed.filter((c) => c.op === "replace");
    assert.deepStrictEqual(replaced.map((c) => c.urn.split("::").pop()), ["cluster-user"]);
    assert.deepStrictEqual(replaced[0].changes.filter((c) => c.replaces).map((c) => [c.path, c.before, c.after]), [["maxPodsPerNode", 64, 110]]);
    assert.strictEqual(replaced[0].harm, "replaces the node pool: every server on it stops");
    // initialNodeCount changed too, but the program ignores it (ignoreChanges), as Pulumi will.
    assert.ok(!replaced[0].changes.some((c) => c.path === "initialNodeCount"));
    const text = renderPlanDiff(diff, "before.json");
    assert.match(text, /^ {2}\+- replace {2}gcp:container\/nodePool:NodePool {2}cluster-user {2}!! replaces the node pool: every server on it stops$/m);
    assert.match(text, /^ {8}maxPodsPerNode: 64 -> 110 {2}\(forces replacement: maxPodsPerNode\)$/m);
    assert.match(text, /WARNING: 1 change above replace, delete or recreate the nodes of a node pool, the cluster or the DNS zone; do not apply it during an event/);
  });

  it("updates in place, without a warning, when a change moves no ForceNew field (a memory limit)", async () => {
    const previous = await recordedPlan(eventStackWith("userMemoryLimitGiB: 4\n", "userMemoryLimitGiB: 6\n"));
    const diff = planDiffAgainst(current, previous);
    assert.deepStrictEqual(diff.changed.map((c) => [c.op, c.type]), [["update", "kubernetes:helm.sh/v3:Release"]]);
    assert.doesNotMatch(renderPlanDiff(diff, "before.json"), /WARNING/);
  });

  it("warns of an in-place machine-type change too: GKE migrates every node of the pool", async () => {
    // The stack lets `auto` pick e2-highmem-16 (under gVisor); the previous plan pinned n2-highmem-16, the same
    // 128 GiB, 16 vCPU shape (55 users and 110 pods per node on both), so only the machine type changes.
    const previous = await recordedPlan(eventStackWith("peakUsers: 1000\n", pinnedMachine("peakUsers: 1000\n", "n2-highmem-16")));
    const pool = planDiffAgainst(current, previous).changed.find((c) => c.urn.endsWith("::cluster-user"));
    assert.ok(pool);
    assert.strictEqual(pool.op, "update");
    assert.ok(pool.changes.some((c) => c.path === "nodeConfig.machineType" && c.before === "n2-highmem-16" && c.after === "e2-highmem-16"));
    assert.strictEqual(pool.harm, "updates the node pool in place, but GKE migrates every node to the new shape: the servers on each node stop as it is drained");
  });

  it("reads a `pulumi stack export`: replacements, deletions, secrets, auto-names and provider defaults", () => {
    // test/fixtures/stack-export/event-minimal.json: the shape `pulumi stack export` writes (version 3,
    // deployment.resources[].{urn, type, id, inputs, outputs, parent, provider}), with the user pool
    // deployed at 32 pods per node, the zone for another domain, a GPU pool since removed, the hub Secret
    // encrypted, generated names and provider defaults only the state holds.
    const exported = JSON.parse(fs.readFileSync(path.join(repo, "test/fixtures/stack-export/event-minimal.json"), "utf8"));
    const diff = planDiffAgainst(current, exported);
    const text = renderPlanDiff(diff, "state.json").split("\n").filter((l) => !l.startsWith("  +  create"));
    assert.deepStrictEqual(text, [
      "Changes against state.json: the deployed stack (pulumi stack export)",
      "  +- replace  gcp:container/nodePool:NodePool  cluster-user  !! replaces the node pool: every server on it stops",
      "        maxPodsPerNode: 32 -> 110  (forces replacement: maxPodsPerNode)",
      // The export's pool predates GKE Sandbox; the event stack asks for it (userSandbox: gvisor), and
      // sandboxConfig is ForceNew (replaceFields.ts). The pool holds the peak's users, ceil(1000 / 55) = 19
      // e2-highmem-16 nodes under the 128 MiB allowance, with no placeholder headroom on top, and its
      // minimum is 0 (issue 13). `auto` picks e2-highmem-16 where the export ran n2-highmem-8.
      "        nodeConfig.sandboxConfig.type: (unset) -> \"GVISOR\"  (forces replacement: nodeConfig.sandboxConfig)",
      "        autoscaling.totalMaxNodeCount: 89 -> 19",
      "        autoscaling.totalMinNodeCount: 18 -> 0",
      "        nodeConfig.machineType: \"n2-highmem-8\" -> \"e2-highmem-16\"",
      "  +- replace  gcp:dns/managedZone:ManagedZone  edge-zone  !! replaces the DNS zone: new name servers, so the hub does not resolve until the registrar's delegation and DS record are changed",
      "        dnsName: \"hub.example.org.\" -> \"hub.example.com.\"  (forces replacement: dnsName)",
      "  -  delete   gcp:container/nodePool:NodePool  cluster-gpu  !! deletes the node pool: every server on it stops",
      "  2 unchanged",
      "  3 values derived from placeholders of the mock runtime were not compared (known after `pulumi up`; `pulumi preview` compares them)",
      "  4 inputs only the deployed state holds (provider defaults) were not compared",
      "  WARNING: 3 changes above replace, delete or recreate the nodes of a node pool, the cluster or the DNS zone; do not apply them during an event",
      "",
    ]);
  });

  it("refuses a document that is neither, naming the shapes it reads", () => {
    assert.throws(() => readPrevious({ resources: [] }), /expected `steps\[\]\.newState\.\{urn, type, inputs\}`.*`deployment\.resources\[\]\.\{urn, type, inputs\}` \(pulumi stack export\)/);
  });

  it("replaces a cluster when a ForceNewIfChange feature is turned off, not when it is turned on", () => {
    assert.strictEqual(replacingPath("gcp:container/cluster:Cluster", "enableL4IlbSubsetting", true, false), "enableL4IlbSubsetting");
    assert.strictEqual(replacingPath("gcp:container/cluster:Cluster", "enableL4IlbSubsetting", false, true), undefined);
    assert.strictEqual(replacingPath("gcp:container/nodePool:NodePool", "nodeConfig.machineType", "a", "b"), undefined);
    assert.strictEqual(replacingPath("gcp:container/nodePool:NodePool", "nodeConfig.sandboxConfig.sandboxType", undefined, "gvisor"), "nodeConfig.sandboxConfig");
  });

  it("diffs by URN: a resource only in the new plan is created", () => {
    const diff = diffPlans({ kind: "plan", resources: [] }, [{ urn: "urn:pulumi:s::p::t::a", type: "t", inputs: {} }], () => false);
    assert.deepStrictEqual(diff.changed.map((c) => c.op), ["create"]);
  });
});

describe("npm run plan -- --against", function () {
  this.timeout(240_000);
  const run = (...args: string[]) => spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "infra/tools/plan.ts", ...args, "--as-of", stacksAsOf.toISOString()], {
    cwd: repo, encoding: "utf8", env: { ...process.env, PULUMI_CONFIG: undefined }, timeout: 120_000,
  });

  it("prints the changes after the plan, and refuses a file it cannot read", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-against-")), "before.json");
    fs.writeFileSync(file, JSON.stringify(await recordedPlan(eventStackWith("userMemoryGuaranteeGiB: 2\n", pinnedMachine("userMemoryGuaranteeGiB: 4\n", "e2-highmem-8")))));
    const ok = run("--stack", "event", "--against", file);
    assert.strictEqual(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^Changes against .*before\.json: a previous plan$/m);
    assert.match(ok.stdout, /cluster-user {2}!! replaces the node pool/);
    const bad = run("--stack", "event", "--against", path.join(path.dirname(file), "missing.json"));
    assert.strictEqual(bad.status, 2);
    assert.match(bad.stderr, /--against: cannot read .*missing\.json as JSON/);
  });
});
