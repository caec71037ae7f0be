// SLOW: starts the Python mutation harness (python3) to list what it measures.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { shippedFilesDir } from "../../infra/files";
import { removeScratchDirs, scratchDir, systemPython } from "../hub/python";

// The Python mutation harness's list of what it measures (`npm run mutate:python -- --list`): every .py the
// program ships (everything under infra/files) with the mocha files that run it, and a shipped file with
// no tests named, or a mapping to a file or test that is gone, reported and failing the list.

const repo = path.resolve(__dirname, "../..");
const harness = path.join(repo, "infra", "tools", "mutate_python.py");

function list(filesDir?: string) {
  const r = spawnSync(systemPython, [harness, "--list", ...(filesDir ? ["--files-dir", filesDir] : [])], { cwd: repo, encoding: "utf8", timeout: 60_000 });
  if (r.error) throw r.error;
  // "infra/files/<file>: <n> mutants, tests: <args>"
  const files = Object.fromEntries([...r.stdout.matchAll(/^infra\/files\/(\S+): \d+ mutants, tests: (.*)$/gm)].map((m) => [m[1], m[2]]));
  return { status: r.status, files, stderr: r.stderr };
}

/** Copies infra/files' .py files to a scratch directory, for a tree the tests may add to or take from. */
function copyOfShippedFiles(): string {
  const dir = scratchDir("shipped-files-");
  fs.cpSync(shippedFilesDir, dir, { recursive: true, filter: (source) => fs.statSync(source).isDirectory() || source.endsWith(".py") });
  return dir;
}

describe("the shipped-Python mutation harness's file list", function () {
  this.timeout(120_000);
  after(removeScratchDirs);

  it("measures every .py under infra/files, each with the test files that run it", () => {
    const native = "--grep inside gVisor --invert";
    const { status, files, stderr } = list();
    assert.strictEqual(status, 0, stderr);
    assert.strictEqual(stderr, "", "no mapping problem reported");
    assert.deepStrictEqual(files, {
      "hub/audit_log.py": "test/hub/python.test.ts",
      "ipython/ipython_config.py": `test/hub/ipythonGuard.test.ts ${native}`,
      "ipython/refuse_shell_escapes.py": `test/hub/ipythonGuard.test.ts ${native}`,
      "ops/export_homes.py": "test/ops/export.test.ts test/ops/cli.test.ts",
      "ops/smoke_probe.py": "test/ops/smoke.test.ts",
      "registry/package_proxy.py": "test/hub/packageProxy.test.ts",
      "scaler/placeholder_calendar.py": "test/hub/placeholderCalendar.test.ts",
    });
    // The list is the directory's, not a copy of it: the same files the program reads.
    const onDisk = fs.readdirSync(shippedFilesDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".py")).sort();
    assert.deepStrictEqual(Object.keys(files).sort(), onDisk);
  });

  it("reports a shipped file with no tests mapped, and a mapped file that is gone, and fails the list", () => {
    const dir = copyOfShippedFiles();
    fs.writeFileSync(path.join(dir, "ops", "new_tool.py"), "print('shipped, never tested')\n");
    fs.rmSync(path.join(dir, "scaler", "placeholder_calendar.py"));
    const { status, files, stderr } = list(dir);
    assert.strictEqual(status, 1, "an incomplete mapping fails --list");
    assert.strictEqual(
      stderr,
      "infra/files/ops/new_tool.py: no tests mapped: not measured\ninfra/files/scaler/placeholder_calendar.py: mapped, but no such file under infra/files\n",
    );
    assert.strictEqual(files["ops/new_tool.py"], undefined, "an unmapped file gets no mutants");
    assert.strictEqual(files["hub/audit_log.py"], "test/hub/python.test.ts", "the rest is still listed");
  });

  it("refuses to run a named file that has no tests mapped", () => {
    const r = spawnSync(systemPython, [harness, "--file", "ops/new_tool.py"], { cwd: repo, encoding: "utf8", timeout: 60_000 });
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /not a shipped file with tests mapped: ops\/new_tool\.py/);
  });
});
