// SLOW: starts real processes (Python, tar, kubectl stand-ins or a network namespace).
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { shippedFilesDir } from "../../infra/files";
import { userFsGid, userUid } from "../../infra/plan/chart";
import { cloudSdkImage, exportManifests, exportObjectNames, manifestsFromLogs, planExportBatches, zoneOfVolume } from "../../infra/tools/exportJobs";
import { importByPath, removeScratchDirs, runPython, scratchDir } from "../hub/python";

// The export program runs here for real, on a real filesystem, with a local directory standing in for the
// bucket (its `file://` store, the same code path as the bucket but for the two `gcloud storage` calls).
// Each archive is then unpacked with the system's own tar and compared file by file with the home.

const program = path.join(shippedFilesDir, "ops", "export_homes.py");
const fakeGcloud = path.join(__dirname, "fake_gcloud.py");

function md5b64(file: string): string {
  return crypto.createHash("md5").update(fs.readFileSync(file)).digest("base64");
}

/** A home with what users leave behind: nested notebooks, binary data, empty files, links, a FIFO. */
function makeHome(root: string, seed: string): void {
  fs.mkdirSync(path.join(root, "work", "deep", "er"), { recursive: true });
  fs.writeFileSync(path.join(root, "work", "analysis.ipynb"), JSON.stringify({ cells: [seed], nbformat: 4 }));
  fs.writeFileSync(path.join(root, "work", "deep", "er", "data.bin"), crypto.randomBytes(300_000));
  fs.writeFileSync(path.join(root, "empty.txt"), "");
  fs.writeFileSync(path.join(root, ".bashrc"), "export X=1\n");
  fs.writeFileSync(path.join(root, "résumé ✓.txt"), "unicode name\n");
  fs.mkdirSync(path.join(root, "empty-dir"));
  fs.symlinkSync("work/analysis.ipynb", path.join(root, "link-to-notebook"));
  fs.symlinkSync("work", path.join(root, "link-to-dir"));
  fs.linkSync(path.join(root, ".bashrc"), path.join(root, "hardlink-to-bashrc"));
  assert.strictEqual(spawnSync("mkfifo", [path.join(root, "a-fifo")]).status, 0);
}

/** Every regular file under a directory with its bytes, links with their targets (no FIFOs). */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const rel = path.relative(root, p);
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) out[rel] = `link:${fs.readlinkSync(p)}`;
      else if (st.isDirectory()) { out[`${rel}/`] = "dir"; walk(p); }
      else if (st.isFile()) out[rel] = crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");
    }
  };
  walk(root);
  return out;
}

/** Where a run stores: the local-directory store (file://dir/bucket), or gs://bkt/runs through fake_gcloud.py
 *  over dir/gcs, which fails the command and prefix in `fail` ("cp gs://bkt/runs/r1/homes/", say). */
interface ExportOptions {
  run?: string;
  batch?: string;
  asUser?: number;
  gcs?: { fail?: string };
}

function runExport(dir: string, users: object[], { run = "r1", batch = "b000", asUser, gcs }: ExportOptions = {}) {
  const usersFile = path.join(dir, `users-${batch}.json`);
  fs.writeFileSync(usersFile, JSON.stringify(users));
  const spool = path.join(dir, "spool");
  fs.mkdirSync(spool, { recursive: true });
  if (asUser !== undefined) fs.chmodSync(spool, 0o777);
  // The unprivileged user may not be able to enter the checkout (a clone in a 0700 temp folder, as CI's may
  // be), so it runs a copy of the same program from the scratch folder it already reads.
  const programPath = asUser === undefined ? program : path.join(dir, "export_homes.py");
  if (asUser !== undefined) fs.copyFileSync(program, programPath);
  const dest = gcs ? ["--dest", "gs://bkt/runs", "--gcloud", fakeGcloud] : ["--dest", `file://${path.join(dir, "bucket")}`];
  const args = [programPath, "--homes", path.join(dir, "homes"), "--users", usersFile, ...dest, "--run", run, "--batch", batch, "--spool", spool];
  if (gcs) fs.mkdirSync(path.join(dir, "gcs"), { recursive: true });
  const gcsEnv: Record<string, string> = gcs ? { FAKE_GCS_DIR: path.join(dir, "gcs"), FAKE_GCLOUD_FAIL: gcs.fail ?? "" } : {};
  if (asUser === undefined) return runPython(args, { cwd: dir, env: gcsEnv });
  // An unprivileged run, as the Job runs (uid 1000 there): util-linux setpriv drops root and every capability.
  const r = spawnSync("setpriv", [`--reuid=${asUser}`, `--regid=${asUser}`, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "/usr/bin/python3", ...args], { encoding: "utf8", cwd: dir, env: { PATH: "/usr/bin:/bin", PYTHONDONTWRITEBYTECODE: "1" } });
  if (r.error) throw r.error;
  return r;
}

describe("the home-directory export program, on a real filesystem", function () {
  this.timeout(60_000);
  after(removeScratchDirs);

  it("archives each home, verifies files, bytes and the stored copy, and writes the manifest", () => {
    const dir = scratchDir("export-");
    makeHome(path.join(dir, "homes", "claim-ada"), "ada");
    makeHome(path.join(dir, "homes", "claim-bob-40example-2ecom"), "bob");
    // The Job names each home's directory after its claim; a user entry may name the claim itself too.
    const users = [{ username: "ada", dir: "claim-ada" }, { username: "bob@example.com", dir: "claim-bob-40example-2ecom", claim: "claim-bob" }];
    const result = runExport(dir, users);
    assert.strictEqual(result.status, 0, result.stderr);

    const printed: any = manifestsFromLogs(result.stdout)[0];
    const stored = JSON.parse(fs.readFileSync(path.join(dir, "bucket", "r1", "manifests", "b000.json"), "utf8"));
    assert.deepStrictEqual(printed, stored);
    assert.deepStrictEqual(stored.totals.users, 2);
    assert.deepStrictEqual(stored.totals.ok, 2);
    for (const [i, u] of users.entries()) {
      const entry = stored.users[i];
      const home = path.join(dir, "homes", u.dir);
      const archive = path.join(dir, "bucket", "r1", "homes", `${u.username}.tar.gz`);
      assert.strictEqual(entry.status, "ok");
      assert.strictEqual(entry.object, `file://${archive}`);
      assert.strictEqual(entry.claim, ["claim-ada", "claim-bob"][i]);
      // Counted by an independent walk: 6 regular files (with the hard link), 2 symlinks, the FIFO skipped.
      const files = Object.entries(snapshot(home)).filter(([, v]) => v !== "dir" && !v.startsWith("link:"));
      assert.strictEqual(entry.files, files.length);
      assert.strictEqual(entry.files, 6);
      assert.strictEqual(entry.bytes, files.reduce((n, [rel]) => n + fs.statSync(path.join(home, rel)).size, 0));
      assert.strictEqual(entry.symlinks, 2);
      assert.deepStrictEqual(entry.skipped, ["a-fifo"]);
      assert.strictEqual(entry.md5, md5b64(archive));
      assert.strictEqual(entry.archiveBytes, fs.statSync(archive).size);
      // The system's tar unpacks exactly the home, minus the FIFO.
      const out = path.join(dir, `unpacked-${i}`);
      fs.mkdirSync(out);
      const tar = spawnSync("tar", ["-xzf", archive, "-C", out], { encoding: "utf8" });
      assert.strictEqual(tar.status, 0, tar.stderr);
      assert.deepStrictEqual(snapshot(out), snapshot(home));
    }
    assert.deepStrictEqual(fs.readdirSync(path.join(dir, "spool")).sort(), ["manifest-b000.json"], "archives leave the spool once stored");
    // What the Job's log says for each user, in `kubectl logs`.
    assert.deepStrictEqual(result.stderr.trimEnd().split("\n"), stored.users.map((e: any) => `        ok  ${e.username}  6 files  ${e.bytes} bytes  ${e.object}`));
  });

  it("through gcloud storage: copies without clobbering, reads the stored object back, then stores the manifest", () => {
    const dir = scratchDir("export-");
    makeHome(path.join(dir, "homes", "claim-ada"), "ada");
    const result = runExport(dir, [{ username: "ada", dir: "claim-ada" }], { gcs: {} });
    assert.strictEqual(result.status, 0, result.stderr);
    const spool = path.join(dir, "spool");
    const calls = fs.readFileSync(path.join(dir, "gcs", "calls"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.deepStrictEqual(calls, [
      ["storage", "cp", "--no-clobber", path.join(spool, "ada.tar.gz"), "gs://bkt/runs/r1/homes/ada.tar.gz"],
      ["storage", "objects", "describe", "gs://bkt/runs/r1/homes/ada.tar.gz", "--raw", "--format=json"],
      ["storage", "cp", "--no-clobber", path.join(spool, "manifest-b000.json"), "gs://bkt/runs/r1/manifests/b000.json"],
    ]);
    const entry: any = (manifestsFromLogs(result.stdout)[0] as any).users[0];
    assert.deepStrictEqual([entry.status, entry.object, entry.md5], ["ok", "gs://bkt/runs/r1/homes/ada.tar.gz", md5b64(path.join(dir, "gcs", "bkt", "runs", "r1", "homes", "ada.tar.gz"))]);
  });

  it("fails a user whose upload fails, or whose stored object is not the archive (gcloud skips an existing one)", () => {
    const dir = scratchDir("export-");
    makeHome(path.join(dir, "homes", "claim-ada"), "ada");
    const users = [{ username: "ada", dir: "claim-ada" }];
    const failed = runExport(dir, users, { gcs: { fail: "cp gs://bkt/runs/r1/homes/" } });
    assert.strictEqual(failed.status, 1);
    const entry: any = (manifestsFromLogs(failed.stdout)[0] as any).users[0];
    assert.strictEqual(entry.status, "failed");
    assert.match(entry.problems[0], /^CalledProcessError: Command '\[.*'storage', 'cp', '--no-clobber', .*'gs:\/\/bkt\/runs\/r1\/homes\/ada\.tar\.gz'\]' returned non-zero exit status 1\.$/);
    // An object already there: gcloud keeps it and exits 0; only reading it back shows it is another archive.
    assert.strictEqual(runExport(dir, users, { run: "r2", gcs: {} }).status, 0);
    fs.writeFileSync(path.join(dir, "homes", "claim-ada", "written-later.txt"), "after the first export\n");
    const again = runExport(dir, users, { run: "r2", batch: "b001", gcs: {} });
    assert.strictEqual(again.status, 1);
    const mismatch: any = (manifestsFromLogs(again.stdout)[0] as any).users[0];
    const storedPath = path.join(dir, "gcs", "bkt", "runs", "r2", "homes", "ada.tar.gz");
    assert.strictEqual(mismatch.status, "failed");
    assert.deepStrictEqual(mismatch.problems, [`stored object has size ${fs.statSync(storedPath).size} md5 ${md5b64(storedPath)}, the archive ${mismatch.archiveBytes} ${mismatch.md5}`]);
    assert.notStrictEqual(mismatch.md5, md5b64(storedPath));
  });

  it("fails a user whose archive does not hold what the walk found (a home written to while it was archived)", () => {
    const dir = scratchDir("export-");
    const home = path.join(dir, "homes", "claim-ada");
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(path.join(home, "a.txt"), "hello\n");
    fs.symlinkSync("a.txt", path.join(home, "link"));
    fs.mkdirSync(path.join(dir, "bucket"));
    fs.mkdirSync(path.join(dir, "spool"));
    // The walk is made to see one byte more than the archive will hold, as if the file shrank in between.
    const code = [
      "import json",
      ...importByPath(program),
      "real = m.walk_home",
      "m.walk_home = lambda root: {**real(root), 'bytes': real(root)['bytes'] + 1}",
      `entry = m.export_user(m.LocalStore(${JSON.stringify(path.join(dir, "bucket"))}), 'r1', {'username': 'ada', 'dir': 'claim-ada'}, ${JSON.stringify(path.join(dir, "homes"))}, ${JSON.stringify(path.join(dir, "spool"))})`,
      "print(json.dumps([entry['status'], entry['problems']]))",
    ].join("\n");
    const r = runPython(["-c", code], { cwd: dir });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout), ["failed", ["archive holds 1 files / 6 bytes / 1 links, the home 1 / 7 / 1"]]);
  });

  it("never overwrites an archive: the same run again fails every user and says why", () => {
    const dir = scratchDir("export-");
    makeHome(path.join(dir, "homes", "claim-ada"), "ada");
    const users = [{ username: "ada", dir: "claim-ada" }];
    assert.strictEqual(runExport(dir, users).status, 0);
    const again = runExport(dir, users, { batch: "b001" });
    assert.strictEqual(again.status, 1);
    const entry: any = (manifestsFromLogs(again.stdout)[0] as any).users[0];
    assert.strictEqual(entry.status, "failed");
    assert.match(entry.problems[0], /FileExistsError: .* exists; an export never overwrites an archive/);
    // A new run id is a new prefix: it works.
    assert.strictEqual(runExport(dir, users, { run: "r2" }).status, 0);
  });

  it("marks a home with a file the exporter cannot read as incomplete and exits non-zero", () => {
    const dir = scratchDir("export-");
    const home = path.join(dir, "homes", "claim-ada");
    makeHome(home, "ada");
    fs.writeFileSync(path.join(home, "secret"), "mode 000\n", { mode: 0o000 });
    // Everything else readable by the unprivileged exporter, as a user's own files are to uid 1000.
    spawnSync("chmod", ["-R", "a+rX", dir]);
    fs.chmodSync(path.join(home, "secret"), 0o000);
    fs.chmodSync(dir, 0o777);
    const result = runExport(dir, [{ username: "ada", dir: "claim-ada" }], { asUser: 65534 });
    assert.strictEqual(result.status, 1, result.stderr);
    const entry: any = (manifestsFromLogs(result.stdout)[0] as any).users[0];
    assert.strictEqual(entry.status, "incomplete");
    assert.deepStrictEqual(entry.problems, ["1 files or directories could not be read"]);
    assert.deepStrictEqual(entry.unreadable, ["secret"]);
    assert.strictEqual(entry.files, 6, "the rest is still archived and verified");
  });

  it("reads the stored object's size and MD5 from the JSON API resource gcloud prints with --raw", () => {
    // Cloud Storage JSON API, objects resource: "size" is a string, "md5Hash" base64.
    const driver = [
      "import json, sys",
      ...importByPath(program),
      "s = m.store_for('gs://bkt/runs', 'gcloud')",
      "print(json.dumps({'put': s.put_argv('/spool/a.tar.gz', 'r1/homes/a.tar.gz'), 'stat': s.stat_argv('r1/homes/a.tar.gz'),",
      "  'parsed': m.parse_object_resource(json.dumps({'kind': 'storage#object', 'name': 'r1/homes/a.tar.gz', 'size': '1234', 'md5Hash': 'XrY7u+Ae7tCTyyK7j1rNww==', 'crc32c': 'AAAAAA=='})),",
      "  'safe': [m.safe_object_name(n) for n in ['a/b', '..', 'bob@example.com']],",
      // gcloud's own format (without --raw) says md5_hash; a composite object has no MD5 at all.
      "  'formatted': m.parse_object_resource(json.dumps({'size': 7, 'md5_hash': 'AAAA'}))}))",
      "try:",
      "    m.parse_object_resource(json.dumps({'size': '7', 'crc32c': 'AAAAAA=='}))",
      "except ValueError as e:",
      "    print(e)",
    ].join("\n");
    const r = runPython(["-c", driver], { cwd: scratchDir("export-") });
    assert.strictEqual(r.status, 0, r.stderr);
    const [line, composite] = r.stdout.trimEnd().split("\n");
    const out = JSON.parse(line);
    assert.deepStrictEqual(out.formatted, { size: 7, md5: "AAAA" });
    assert.strictEqual(composite, "the stored object has no MD5 (a composite object?); cannot verify it");
    assert.deepStrictEqual(out.put, ["gcloud", "storage", "cp", "--no-clobber", "/spool/a.tar.gz", "gs://bkt/runs/r1/homes/a.tar.gz"]);
    assert.deepStrictEqual(out.stat, ["gcloud", "storage", "objects", "describe", "gs://bkt/runs/r1/homes/a.tar.gz", "--raw", "--format=json"]);
    assert.deepStrictEqual(out.parsed, { size: 1234, md5: "XrY7u+Ae7tCTyyK7j1rNww==" });
    assert.deepStrictEqual(out.safe, ["a_b", "_..", "bob@example.com"]);
  });
});

describe("the export Jobs", () => {
  const claims = [
    { claim: "claim-c", username: "c", zone: "us-central1-b" },
    { claim: "claim-a", username: "a", zone: "us-central1-a" },
    { claim: "claim-b", username: "b@example.com", zone: "us-central1-a" },
    { claim: "claim-d", username: "d", zone: "us-central1-a" },
  ];

  it("batch claims by zone, so every disk a pod mounts is in its node's zone, and cap each batch", () => {
    const batches = planExportBatches(claims, 2);
    assert.deepStrictEqual(batches.map((b) => [b.name, b.zone, b.claims.map((c) => c.claim)]), [
      ["b000", "us-central1-a", ["claim-a", "claim-b"]],
      ["b001", "us-central1-a", ["claim-d"]],
      ["b002", "us-central1-b", ["claim-c"]],
    ]);
    assert.throws(() => planExportBatches(claims, 0), /batch size/);
  });

  it("mount each home read-only in a restricted pod that runs as the export service account on a user node", () => {
    const batches = planExportBatches(claims, 2);
    const run = { namespace: "jupyterhub", runId: "20271210t0800", bucket: "event-home-export-abc1234", serviceAccount: "home-export", image: cloudSdkImage, uid: userUid, gid: userFsGid, program: "print('x')", spoolGiB: 10, batches };
    const [configMap, ...jobs]: any[] = exportManifests(run);
    assert.strictEqual(configMap.kind, "ConfigMap");
    assert.strictEqual(configMap.data["export_homes.py"], "print('x')");
    assert.deepStrictEqual(JSON.parse(configMap.data["users-b000.json"]), [
      { username: "a", dir: "claim-a", claim: "claim-a" }, { username: "b@example.com", dir: "claim-b", claim: "claim-b" },
    ]);
    assert.strictEqual(jobs.length, 3);
    const pod = jobs[0].spec.template.spec;
    assert.strictEqual(jobs[0].metadata.name, exportObjectNames(run).job(batches[0]));
    assert.strictEqual(pod.serviceAccountName, "home-export");
    assert.strictEqual(pod.automountServiceAccountToken, false);
    assert.deepStrictEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 100, seccompProfile: { type: "RuntimeDefault" } });
    const c = pod.containers[0];
    assert.deepStrictEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    assert.deepStrictEqual(pod.volumes.filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.persistentVolumeClaim), [
      { claimName: "claim-a", readOnly: true }, { claimName: "claim-b", readOnly: true },
    ]);
    assert.ok(c.volumeMounts.filter((m: any) => m.mountPath.startsWith("/homes/")).every((m: any) => m.readOnly === true));
    assert.deepStrictEqual(pod.nodeSelector, { "hub.jupyter.org/node-purpose": "user", "topology.kubernetes.io/zone": "us-central1-a" });
    assert.deepStrictEqual(pod.tolerations, [{ key: "hub.jupyter.org/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" }]);
    assert.deepStrictEqual(c.args.slice(c.args.indexOf("--dest"), c.args.indexOf("--dest") + 4), ["--dest", "gs://event-home-export-abc1234/runs", "--run", "20271210t0800"]);
    assert.match(c.image, /^gcr\.io\/google\.com\/cloudsdktool\/google-cloud-cli:\d+\.\d+\.\d+-stable$/);
    assert.throws(() => exportManifests({ ...run, runId: "Not OK" }), /run id/);
  });

  it("read a PV's zone from the node affinity the PD CSI driver writes", () => {
    const pv = { spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "topology.gke.io/zone", operator: "In", values: ["europe-west1-b"] }] }] } } } };
    assert.strictEqual(zoneOfVolume(pv), "europe-west1-b");
    assert.strictEqual(zoneOfVolume({}), undefined);
  });
});
