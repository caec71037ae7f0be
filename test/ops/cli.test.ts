// SLOW: starts real processes (Python, tar, kubectl stand-ins or a network namespace).
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { homeClaims, internalIp, runIdAt, runningPods } from "../../infra/tools/ops";
import { scratchDir, removeScratchDirs } from "../hub/python";

// The ops command line with recorded `kubectl -o json` output (Kubernetes API list shapes) replayed by a
// script on PATH; no cluster here. What the Jobs then do is tested in export.test.ts.

const fixtures = path.join(__dirname, "..", "fixtures", "kubectl");
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(fixtures, f), "utf8"));

function ops(args: string[], pods: string) {
  const dir = scratchDir("ops-");
  const log = path.join(dir, "kubectl.log");
  const r = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(__dirname, "..", "..", "infra", "tools", "ops.ts"), ...args], {
    encoding: "utf8",
    cwd: dir,
    env: { ...process.env, PATH: `${fixtures}:${process.env.PATH}`, KUBECTL_LOG: log, KUBECTL_PODS: pods },
    timeout: 120_000,
  });
  return { ...r, calls: fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [] };
}

describe("the ops command line", function () {
  this.timeout(180_000);
  after(removeScratchDirs);

  it("reads each home's user and zone from the PVC and its volume", () => {
    assert.deepStrictEqual(homeClaims(read("pvcs.json"), read("pvs.json")), [
      { claim: "claim-ada", username: "ada@example.org", zone: "europe-west1-b" },
      { claim: "claim-bob-40example-2eorg", username: "bob@example.org", zone: "europe-west1-c" },
      { claim: "claim-cy", username: "cy@example.org", zone: "europe-west1-b" },
    ]);
    assert.deepStrictEqual(runningPods(read("user-pods.json")).map((p) => p.status?.podIP), ["10.32.4.9"]);
    assert.strictEqual(internalIp({ metadata: { name: "n" }, status: { addresses: [{ type: "Hostname", address: "n" }, { type: "InternalIP", address: "10.0.0.5" }] } }), "10.0.0.5");
    assert.strictEqual(runIdAt(new Date("2027-12-10T08:15:42Z")), "20271210t0815");
  });

  it("refuses to export while a user's server runs, and says how to stop them", () => {
    const r = ops(["export", "--stack", "dev", "--bucket", "dev-home-export-abc1234"], "user-pods.json");
    assert.strictEqual(r.status, 1);
    assert.match(r.stderr, /1 user servers still run.*Stop All.*kubectl -n jupyterhub scale deployment hub --replicas=0/s);
    assert.deepStrictEqual(r.calls, ["get pods -n jupyterhub -l component=singleuser-server -o json"]);
  });

  it("plans one Job per zone batch in a dry run, mounting each home read-only", () => {
    const r = ops(["export", "--stack", "dev", "--bucket", "dev-home-export-abc1234", "--run-id", "r1", "--dry-run"], "no-pods.json");
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /^export r1: 3 homes in 2 Jobs to gs:\/\/dev-home-export-abc1234\/runs\/r1\//);
    const list = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
    const jobs = list.items.filter((i: any) => i.kind === "Job");
    assert.deepStrictEqual(jobs.map((j: any) => [j.spec.template.spec.nodeSelector["topology.kubernetes.io/zone"],
      j.spec.template.spec.volumes.filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.persistentVolumeClaim.claimName)]), [
      ["europe-west1-b", ["claim-ada", "claim-cy"]],
      ["europe-west1-c", ["claim-bob-40example-2eorg"]],
    ]);
    // The dev stack's homes are 5 GiB: the spool holds one archive at a time.
    assert.strictEqual(jobs[0].spec.template.spec.volumes.find((v: any) => v.name === "spool").emptyDir.sizeLimit, "6Gi");
    assert.ok(!r.calls.some((c) => c.startsWith("apply")), "a dry run applies nothing");
  });

  it("answers a wrong command line with its usage and exit status 2", () => {
    assert.strictEqual(ops(["bogus"], "no-pods.json").status, 2);
    const r = ops(["leftovers"], "no-pods.json");
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /--stack is required/);
  });
});
