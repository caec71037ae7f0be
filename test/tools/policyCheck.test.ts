// SLOW: plans the stacks under Pulumi's mock runtime and runs the pack over them.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { knownKeys } from "../../infra/config/schema";
import { toPreviewDocument, planStack } from "../../infra/tools/plan";
import { mappedKeys, policyFixKeys, stackKeysFixing } from "../../infra/tools/policyKeys";
import { allPolicies } from "../../policy-pack/policies";
import { stacksAsOf } from "../support/stacks";

// `npm run policy:check` names the stack config key that fixes a violation (issue 16), from a mapping on
// the program's side (infra/tools/policyKeys.ts), since the pack is standalone.

const repo = path.resolve(__dirname, "../..");

describe("npm run policy:check on the program's side", function () {
  this.timeout(240_000);

  it("maps only policies the pack has to keys the schema has", () => {
    const names = new Set(allPolicies.map((p) => p.name));
    assert.deepStrictEqual(Object.keys(policyFixKeys).filter((p) => !names.has(p)), []);
    assert.deepStrictEqual(mappedKeys().filter((k) => !knownKeys.includes(k)), []);
  });

  it("names the key per node pool where the pools differ", () => {
    const pool = (purpose: string) => `urn:pulumi:event::jupyterhub-gke::jupyterhub-gke:cluster:HardenedCluster$gcp:container/nodePool:NodePool::cluster-${purpose}`;
    assert.strictEqual(stackKeysFixing("gke-node-pool-max-nodes", pool("user")), "peakUsers or userMachineType");
    assert.strictEqual(stackKeysFixing("gke-node-pool-max-nodes", pool("core")), "corePoolMaxNodes");
    assert.strictEqual(stackKeysFixing("gke-private-nodes", pool("user")), undefined);
  });

  it("prints short names and the stack key that fixes a violation, and the URN with --urns", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-check-keys-"));
    const plan = path.join(dir, "plan.json");
    fs.writeFileSync(plan, JSON.stringify(toPreviewDocument(await planStack("event", { asOf: stacksAsOf }))));
    // The event's user pool reaches ceil(1000 users / 55 per e2-highmem-16 node under gVisor) = 19 nodes
    // (placeholders give way to users, issue 13); a pack threshold of 10 makes that a violation.
    const config = path.join(dir, "config.json");
    fs.writeFileSync(config, JSON.stringify({ "gke-node-pool-max-nodes": { maxNodesPerPool: 10 } }));
    const run = (...args: string[]) => spawnSync("npm", ["run", "--silent", "policy:check", "--", ...args], { cwd: repo, encoding: "utf8", timeout: 120_000 });
    const short = run(plan, "--config", config);
    assert.strictEqual(short.status, 1, short.stderr);
    assert.ok(
      short.stdout.split("\n").includes(
        "mandatory gke-node-pool-max-nodes cluster-user (NodePool): A node pool must not grow beyond 10 nodes: lower autoscaling.totalMaxNodeCount so the pool stays at or under 10 nodes over all its zones, or raise maxNodesPerPool (found: 19 nodes). (fix with stack config: peakUsers or userMachineType)",
      ),
      short.stdout,
    );
    const long = run(plan, "--config", config, "--urns");
    assert.match(long.stdout, /^mandatory gke-node-pool-max-nodes urn:pulumi:event::jupyterhub-gke::jupyterhub-gke:cluster:HardenedCluster\$gcp:container\/nodePool:NodePool::cluster-user: /m);
  });
});
