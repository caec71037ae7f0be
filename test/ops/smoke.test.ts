// SLOW: starts real processes (Python, tar, kubectl stand-ins or a network namespace).
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { probeRunsc, runsc, runscDoArgs } from "../../bench/runsc";
import { shippedFilesDir } from "../../infra/files";
import { userUid } from "../../infra/plan/chart";
import { Claim, parseProbeOutput, smokeClaims, smokeReport } from "../../infra/tools/smoke";
import { importByPath, removeScratchDirs, runPython, scratchDir, systemPython } from "../hub/python";

// The in-pod probe runs here for real, in a network namespace of its own (`unshare --net`: only loopback,
// so nothing it tries can leave this machine), against loopback servers; privileges are dropped with
// util-linux's setpriv the way a restricted pod has them dropped.

const probe = path.join(shippedFilesDir, "ops", "smoke_probe.py");
const driver = path.join(__dirname, "smoke_driver.py");

function runProbe(claims: object[], asUser: number | null = null, inGvisor = false, keepBoundingSet = false) {
  const spec = { claims, asUser, runsc: inGvisor ? [runsc, ...runscDoArgs] : undefined, keepBoundingSet };
  const r = spawnSync("unshare", ["--net", systemPython, driver, probe, JSON.stringify(spec)], { encoding: "utf8", timeout: 90_000 });
  if (r.error) throw r.error;
  return { status: r.status, results: parseProbeOutput(r.stdout), stderr: r.stderr };
}

const passOf = (results: { id: string; pass: boolean }[]) => Object.fromEntries(results.map((r) => [r.id, r.pass]));

describe("the smoke test's in-pod probe", function () {
  this.timeout(120_000);
  after(removeScratchDirs);

  it("passes DNS, the hub's API and an open allowlisted port, and fails each when it does not work", () => {
    const { status, results } = runProbe([
      { id: "dns", kind: "dns", name: "localhost" },
      { id: "dns-bad", kind: "dns", name: "does-not-exist.invalid" },
      { id: "hub", kind: "http", urlFromEnv: "JUPYTERHUB_API_URL", status: [200] },
      { id: "hub-bad", kind: "http", url: "$HTTP_ERROR", status: [200] },
      { id: "open", kind: "open", host: "127.0.0.1", port: "$OPEN_PORT" },
      { id: "open-bad", kind: "open", host: "127.0.0.1", port: "$CLOSED_PORT" },
    ]);
    assert.deepStrictEqual(passOf(results), { "dns": true, "dns-bad": false, "hub": true, "hub-bad": false, "open": true, "open-bad": false });
    assert.strictEqual(status, 1, "any failed claim makes the probe exit non-zero");
  });

  it("fails an HTTP claim it cannot make (no URL in the environment, nothing listening), and says which", () => {
    const { results } = runProbe([
      { id: "no-env", kind: "http", urlFromEnv: "NOT_SET_IN_THE_POD", status: [200] },
      { id: "closed", kind: "http", url: "$HTTP_CLOSED", status: [200] },
    ]);
    assert.deepStrictEqual(passOf(results), { "no-env": false, closed: false });
    assert.strictEqual(results[0].detail, "no URL (environment variable NOT_SET_IN_THE_POD unset)");
    assert.match(results[1].detail, /^GET http:\/\/127\.0\.0\.1:\d+\/hub\/api failed: <urlopen error \[Errno 111\] Connection refused>$/);
  });

  it("fails a claim of a kind it does not know, or one it cannot check, rather than passing it", () => {
    const { status, results } = runProbe([
      { id: "odd", kind: "teleport" },
      { id: "no-name", kind: "dns" },
    ]);
    assert.deepStrictEqual(results, [
      { id: "odd", pass: false, detail: "unknown claim kind 'teleport'" },
      { id: "no-name", pass: false, detail: "KeyError: 'name'" },
    ]);
    assert.strictEqual(status, 1);
  });

  it("counts a blocked destination only when nothing gets through: a listener or a refusal fails the claim", () => {
    const { results } = runProbe([
      { id: "metadata", kind: "blocked", host: "169.254.169.254", port: 80 },
      { id: "wi-metadata", kind: "blocked", host: "169.254.169.252", port: 988 },
      { id: "private", kind: "blocked", host: "10.0.0.1", port: 10250 },
      { id: "listening", kind: "blocked", host: "127.0.0.1", port: "$OPEN_PORT" },
      { id: "refused", kind: "blocked", host: "127.0.0.1", port: "$CLOSED_PORT" },
    ]);
    assert.deepStrictEqual(passOf(results), { metadata: true, "wi-metadata": true, private: true, listening: false, refused: false });
    assert.match(results.find((r) => r.id === "metadata")!.detail, /unreachable/);
    assert.match(results.find((r) => r.id === "refused")!.detail, /refused \(the network let the connection through\)/);
  });

  it("counts a dropped connection (no answer at all, as a NetworkPolicy drops it) as blocked, and as not open", () => {
    const { results } = runProbe([
      { id: "dropped", kind: "blocked", host: "127.0.0.1", port: "$DROPPING_PORT" },
      { id: "dropped-open", kind: "open", host: "127.0.0.1", port: "$DROPPING_PORT" },
    ]);
    assert.deepStrictEqual(passOf(results), { dropped: true, "dropped-open": false });
    assert.deepStrictEqual(results.map((r) => r.detail.replace(/:\d+:/, ":<port>:")), ["127.0.0.1:<port>: timeout", "127.0.0.1:<port>: timeout"]);
  });

  it("fails the identity claims for root with every capability, and passes them for a stripped-down uid", () => {
    const identity = [
      { id: "uid", kind: "uid", uid: 65534 },
      { id: "capabilities", kind: "capabilities" },
      { id: "no-new-privs", kind: "no_new_privs" },
    ];
    const root = runProbe(identity);
    assert.deepStrictEqual(passOf(root.results), { uid: false, capabilities: false, "no-new-privs": false });
    const nobody = runProbe(identity, 65534);
    assert.deepStrictEqual(passOf(nobody.results), { uid: true, capabilities: true, "no-new-privs": true }, nobody.stderr);
    assert.deepStrictEqual(nobody.results.map((r) => r.detail), ["uid 65534, gid 65534", "CapEff 0x0, CapPrm 0x0, CapBnd 0x0", "no_new_privs 1"]);
    assert.strictEqual(nobody.status, 0);
    // Root is never accepted, even when asked for.
    assert.deepStrictEqual(passOf(runProbe([{ id: "uid", kind: "uid", uid: 0 }]).results), { uid: false });
  });

  it("fails the capability claim for a non-root uid that keeps the bounding set (a pod without drop: [ALL])", () => {
    const kept = runProbe([{ id: "capabilities", kind: "capabilities" }], 65534, false, true);
    assert.deepStrictEqual(passOf(kept.results), { capabilities: false }, kept.stderr);
    assert.match(kept.results[0].detail, /^CapEff 0x0, CapPrm 0x0, CapBnd 0x[1-9a-f][0-9a-f]*$/);
  });

  it("fails no_new_privs and gvisor when the kernel refuses to say, and reads the kernel log's first non-blank line", () => {
    // The probe with libc's prctl and klogctl stood in for: each answers as a kernel may (man 2 prctl,
    // man 2 syslog: -1 and errno; a log of n bytes).
    const code = [
      "import ctypes, errno, json, os, sys",
      ...importByPath(probe),
      "class Kernel:",
      "    def __init__(self, log=None, err=0): self.log, self.err = log, err",
      "    def prctl(self, *args):",
      "        ctypes.set_errno(self.err); return -1",
      "    def klogctl(self, action, buf, size):",
      "        if self.log is None:",
      "            ctypes.set_errno(self.err); return -1",
      "        ctypes.memmove(buf, self.log, len(self.log)); return len(self.log)",
      "out = {}",
      "for name, kernel, kind in [('prctl', Kernel(err=errno.EINVAL), 'no_new_privs'), ('refused', Kernel(err=errno.EPERM), 'gvisor'),",
      "                           ('empty', Kernel(log=b''), 'gvisor'), ('blank-first', Kernel(log=b'\\n  \\nStarting gVisor...\\nnext\\n'), 'gvisor')]:",
      "    m.libc = lambda kernel=kernel: kernel",
      "    out[name] = list(m.check({'kind': kind}, 1))",
      "print(json.dumps(out))",
    ].join("\n");
    const r = runPython(["-c", code], { cwd: scratchDir("smoke-") });
    assert.strictEqual(r.status, 0, r.stderr);
    const release = os.release();
    assert.deepStrictEqual(JSON.parse(r.stdout), {
      "prctl": [false, "prctl(PR_GET_NO_NEW_PRIVS) failed: Invalid argument"],
      "refused": [false, `the kernel log is refused (Operation not permitted): the node's kernel, not gVisor's; kernel ${release}`],
      "empty": [false, `kernel log starts ''; kernel ${release}`],
      "blank-first": [true, `kernel log starts 'Starting gVisor...'; kernel ${release}`],
    });
  });
});

// GKE Sandbox: the same probe inside gVisor (Debian's runsc, as bench/runsc.ts runs it), where user pods run
// with `userSandbox: gvisor`. Only a missing runsc skips (.ci/run installs it); a broken one fails.
describe("the smoke test's in-pod probe, inside gVisor (runsc)", function () {
  this.timeout(120_000);

  before(function () {
    const probed = probeRunsc();
    if (!probed.ok && probed.missing) {
      console.warn(`      skipped, the probe is not tested inside gVisor: ${probed.reason}`);
      this.skip();
    }
    if (!probed.ok) throw new Error(probed.reason);
  });

  it("tells gVisor's kernel from this machine's: passes inside it, fails outside for root and for a stripped-down uid", () => {
    const inside = runProbe([{ id: "gvisor", kind: "gvisor" }], userUid, true);
    assert.deepStrictEqual(passOf(inside.results), { gvisor: true }, inside.stderr);
    assert.match(inside.results[0]!.detail, /Starting gVisor/);
    assert.strictEqual(inside.status, 0);
    // Root here reads this machine's own kernel log; uid 1000 is refused it (kernel.dmesg_restrict) or reads it.
    for (const asUser of [null, userUid]) {
      const outside = runProbe([{ id: "gvisor", kind: "gvisor" }], asUser);
      assert.deepStrictEqual(passOf(outside.results), { gvisor: false }, `${asUser}: ${outside.results[0]?.detail}`);
    }
  });

  it("passes the identity claims for a stripped-down uid inside gVisor, whose /proc/self/status has no NoNewPrivs line", () => {
    const identity = [
      { id: "uid", kind: "uid", uid: userUid },
      { id: "capabilities", kind: "capabilities" },
      { id: "no-new-privs", kind: "no_new_privs" },
    ];
    const user = runProbe(identity, userUid, true);
    assert.deepStrictEqual(passOf(user.results), { uid: true, capabilities: true, "no-new-privs": true }, user.stderr);
    // gVisor holds no_new_privs for every process, even root's without asking (the summary's claim).
    const root = runProbe([{ id: "no-new-privs", kind: "no_new_privs" }], null, true);
    assert.deepStrictEqual(passOf(root.results), { "no-new-privs": true }, root.results[0]?.detail);
  });

  it("finds no seccomp filter inside gVisor, which is why the sandboxed stack's smoke test does not claim one", () => {
    const { results } = runProbe([{ id: "seccomp", kind: "seccomp" }], userUid, true);
    assert.deepStrictEqual(results.map((r) => [r.pass, r.detail]), [[false, "Seccomp mode 0"]]);
  });
});

describe("the smoke test's claims and report", () => {
  const targets = { hubDomain: "hub.example.com", uid: userUid, coreNodeIp: "10.0.0.5", proxyPodIp: "10.32.1.7", userSandbox: "none" as const };

  it("checks every claim of the security summary, and counts one it could not check as a failure", () => {
    const { claims, missing } = smokeClaims(targets);
    assert.deepStrictEqual(claims.map((c) => [c.id, c.kind]), [
      ["dns", "dns"], ["hub-api", "http"],
      ["metadata-169.254.169.254:80", "blocked"], ["metadata-169.254.169.252:988", "blocked"],
      ["internet-1.1.1.1:443", "blocked"], ["internet-8.8.8.8:53", "blocked"],
      ["uid", "uid"], ["capabilities", "capabilities"], ["no-new-privs", "no_new_privs"], ["seccomp", "seccomp"],
      ["private-kubelet", "blocked"], ["private-proxy-api", "blocked"],
    ]);
    assert.strictEqual((claims.find((c) => c.id === "uid") as Claim).uid, 1000);
    assert.deepStrictEqual(missing.map((m) => m.id), ["other-user"]);
    const results = claims.map((c) => ({ id: c.id, pass: true, detail: "ok" }));
    const report = smokeReport(claims, results, missing);
    assert.strictEqual(report.ok, false);
    assert.strictEqual(report.lines.at(-1), "FAIL  other users' servers are unreachable: not checked, start a second test user's server first");
    const complete = smokeClaims({ ...targets, otherUserPodIp: "10.32.2.9" });
    const all = complete.claims.map((c) => ({ id: c.id, pass: true, detail: "ok" }));
    assert.strictEqual(smokeReport(complete.claims, all, complete.missing).ok, true);
    assert.strictEqual(smokeReport(complete.claims, all.slice(1), complete.missing).ok, false, "a claim without an answer fails");
    assert.ok(smokeReport(complete.claims, all, complete.missing).lines.every((l) => l.startsWith("PASS  ")));
  });

  it("under GKE Sandbox claims the pod runs under gVisor instead of a seccomp filter, which gVisor does not load", () => {
    const sandboxed = smokeClaims({ ...targets, userSandbox: "gvisor" }).claims.map((c) => [c.id, c.kind]);
    const plain = smokeClaims(targets).claims.map((c) => [c.id, c.kind]);
    assert.deepStrictEqual(sandboxed, plain.map(([id, kind]) => (id === "seccomp" ? ["gvisor", "gvisor"] : [id, kind])));
  });
});
