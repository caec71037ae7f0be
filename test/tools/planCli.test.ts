// SLOW: starts `npm run plan` as a child process for each case.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stackNames, stacksAsOf } from "../support/stacks";

// The README's main job, end to end: `npm run plan -- --stack <name> [--json]` in a child process.

const repo = path.resolve(__dirname, "../..");

/** The CLI as of the day the example stacks were dated (`stacksAsOf`), unless a test passes its own --as-of. */
function plan(...args: string[]) {
  const clock = args.includes("--as-of") ? [] : ["--as-of", stacksAsOf.toISOString()];
  const result = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "infra/tools/plan.ts", ...args, ...clock], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, PULUMI_CONFIG: undefined, PULUMI_ACCESS_TOKEN: undefined },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run plan", function () {
  this.timeout(240_000);

  it("prints the capacity table, the rush, the cost estimate and the resources for a person, and writes the rush chart", () => {
    const chart = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rush-chart-")), "event.svg");
    const { code, stdout, stderr } = plan("--stack", "event", "--chart", chart);
    assert.strictEqual(code, 0, stderr);
    assert.match(stdout, /^Capacity$/m);
    // Under gVisor each user asks 2176 MiB; auto takes e2-highmem-16: floor(120660.32 / 2176) = 55 a node,
    // ceil(1000 / 55) = 19 nodes, lower bound ceil(1000 × 2176 / 120660.32) = 19 (test/plan/capacity.test.ts).
    assert.match(stdout, /users per node\s+55 \(memory binds\)/);
    assert.match(stdout, /user nodes at peak\s+19 \(bin-packing lower bound 19\)/);
    // 0.25 vCPU; 2 GiB + 128 MiB gVisor allowance = 2176 MiB = 2.125 GiB, said to two decimals.
    assert.match(stdout, /request per user pod\s+250 millicores CPU, 2\.13 GiB memory \(gVisor sandbox included\)/);
    // Cloud Armor from the timetable's busiest class, 1000 users over 10 minutes = 100 a minute: logins
    // 100 × 3 requests × 2 = 600 a minute, banned above five minutes of that (3000 per 300 s) for 600 s;
    // hub API (100 × 3 + 60 staff) × 2 = 720 a minute.
    assert.match(stdout, /^Edge protection \(Cloud Armor/m);
    assert.match(stdout, /logins per client IP +600 per 60 s; banned 600 s above 3000 per 300 s\n/);
    assert.match(stdout, /hub API per client IP +720 per 60 s\n/);
    assert.match(stdout, /WAF +preview \(logged, not enforced\) on \/hub\/\*/);
    assert.match(stdout, /^Cost estimate \(USD\)$/m);
    assert.match(stdout, /per hour at peak\s+\$\d+\.\d\d/);
    assert.match(stdout, /whole event by the timetable: 72 h \+ 48 h idle\s+\$\d+/);
    assert.match(stdout, /warm capacity \(placeholders and their nodes\)\s+\$\d+\.\d\d, \d+\.\d% of the event/);
    assert.match(stdout, /upper bound: every pool at its maximum for 72 h\s+\$\d+/);
    assert.match(stdout, /per user-hour at peak\s+\$0\.\d{5}/);
    assert.match(stdout, /^Rush: each class of the timetable, simulated$/m);
    assert.match(stdout, /Mon morning \(2027-12-06 09:00Z, 1000 users over 10 min\)\s+warm \d+: p50 \d+ s, p95 \d+ s, worst \d+ s, failed 0/);
    assert.match(stdout, /^User machine type$/m);
    assert.match(stdout, /chosen \(auto: cheapest per user-hour\)\s+e2-highmem-16/);
    assert.match(stdout, new RegExp(`Rush chart: ${chart.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    // Vega's own SVG, one panel per class.
    const svg = fs.readFileSync(chart, "utf8");
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const name of ["Mon morning", "Wed afternoon"]) assert.ok(svg.includes(name), name);
    assert.match(stdout, /^Resources \(\d+ to create\)$/m);
    assert.match(stdout, /gcp:container\/cluster:Cluster\s+1/);
  });

  it("marks the values only the mock runtime made up, and says capacity in GiB and millicores", () => {
    const { code, stdout, stderr } = plan("--stack", "event");
    assert.strictEqual(code, 0, stderr);
    assert.match(stdout, /^ {2}static IP {13}203\.0\.113\.10 {2}\[placeholder\]$/m);
    assert.match(stdout, /^ {2}delegate the zone to {2}ns-cloud-a1\.googledomains\.com\..* {2}\[placeholder\]$/m);
    assert.match(stdout, /^ {2}hub URL {15}https:\/\/hub\.example\.com\/$/m);
    assert.match(stdout, /^\[placeholder\]: made up by the mock runtime; `pulumi stack output` gives the real value after `pulumi up`$/m);
    assert.match(stdout, /left for users after DaemonSets +15390 millicores CPU, 117\.83 GiB memory, 100 pods, 127 disks/);
    assert.doesNotMatch(stdout, /\bMiB\b|\bm CPU\b|\d+Gi\b/);
  });

  it("prints one JSON document shaped like `pulumi preview --json`, with the stack outputs", () => {
    const { code, stdout, stderr } = plan("--stack", "dev", "--json");
    assert.strictEqual(code, 0, stderr);
    const doc = JSON.parse(stdout);
    assert.ok(Array.isArray(doc.steps) && doc.steps.length > 10);
    for (const step of doc.steps) {
      assert.strictEqual(step.op, "create");
      assert.strictEqual(step.urn, step.newState.urn);
      assert.match(step.urn, /^urn:pulumi:dev::jupyterhub-gke::/);
      assert.strictEqual(typeof step.newState.type, "string");
      assert.strictEqual(typeof step.newState.custom, "boolean");
      assert.strictEqual(typeof step.newState.inputs, "object");
    }
    assert.strictEqual(doc.steps[0].newState.type, "pulumi:pulumi:Stack");
    const cluster = doc.steps.find((s: any) => s.newState.type === "gcp:container/cluster:Cluster");
    assert.strictEqual(cluster.newState.inputs.privateClusterConfig.enablePrivateNodes, true);
    assert.strictEqual(doc.outputs.capacity.peakUsers, 10);
    assert.strictEqual(doc.outputs.costEstimate.currency, "USD");
    assert.strictEqual(doc.outputs.kubeconfig, "[secret]");
  });

  it("needs no credentials: it never prints the placeholder secret", () => {
    const { stdout } = plan("--stack", "event", "--json");
    assert.doesNotMatch(stdout, /OFFLINE-PLAN-PLACEHOLDER/);
  });

  it("names the stacks it knows when asked for another", () => {
    const { code, stderr } = plan("--stack", "prod");
    assert.strictEqual(code, 1);
    assert.ok(stderr.includes(`no stack "prod" in ${path.join(repo, "stacks")}; stacks: ${stackNames.join(", ")}`), stderr);
  });

  it("refuses, like `pulumi up`, a stack whose event is over at the time it plans", () => {
    const { code, stderr } = plan("--stack", "dev", "--as-of", "2027-11-29T17:00:00Z");
    assert.strictEqual(code, 1);
    assert.match(stderr, /eventEnd: got "2027-11-29T17:00:00.000Z"; a time after now \(2027-11-29T17:00:00.000Z\): the event is over/);
  });

  it("names the time format when --as-of is not a time", () => {
    const { code, stderr } = plan("--stack", "dev", "--as-of", "next week");
    assert.strictEqual(code, 2);
    assert.match(stderr, /--as-of takes an ISO 8601 time/);
  });

  it("explains its usage when --stack is missing", () => {
    const { code, stderr } = plan("--json");
    assert.strictEqual(code, 2);
    assert.match(stderr, /--stack is required/);
  });
});
