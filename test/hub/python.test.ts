import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { planAll } from "../../infra/plan";
import { buildChartValues, shippedFilesDir, Z2jhValues } from "../../infra/plan/chartValues";
import { loadStackConfig, stackNames } from "../support/stacks";
import { removeScratchDirs, requirePythonModule, runPython, scratchDir } from "./python";

// Every piece of Python the hub or user pods run from our values is compiled by a real python3, and the
// audit snippet is run the way the hub runs it.

function pythonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return pythonFiles(full);
    return entry.name.endsWith(".py") ? [full] : [];
  });
}

/** Python strings inside the values: hub.extraConfig snippets and .py files shipped as extraFiles. */
function pythonInValues(stack: string, values: Z2jhValues): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const [key, source] of Object.entries(values.hub.extraConfig)) sources[`${stack}: hub.extraConfig.${key}`] = source;
  for (const [key, file] of Object.entries(values.singleuser.extraFiles)) {
    if (file.mountPath.endsWith(".py")) sources[`${stack}: singleuser.extraFiles.${key}`] = file.stringData;
  }
  return sources;
}

const compileAll = [
  "import json, sys",
  "failed = []",
  "for name, source in json.load(sys.stdin).items():",
  "    try:",
  "        compile(source, name, 'exec')",
  "    except SyntaxError as e:",
  "        failed.append(f'{name}: {e}')",
  "print(json.dumps(failed))",
].join("\n");

function syntaxErrors(sources: Record<string, string>): string[] {
  const result = runPython(["-c", compileAll], { input: JSON.stringify(sources), cwd: scratchDir("compile-") });
  assert.strictEqual(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as string[];
}

describe("Python shipped to the hub and to user pods", function () {
  this.timeout(60_000);
  before(() => requirePythonModule("traitlets"));
  after(removeScratchDirs);

  it("compiles every file under infra/files", () => {
    const files = pythonFiles(shippedFilesDir);
    assert.ok(files.length >= 3, `found ${files.join(", ")}`);
    const sources = Object.fromEntries(files.map((f) => [path.relative(shippedFilesDir, f), fs.readFileSync(f, "utf8")]));
    assert.deepStrictEqual(syntaxErrors(sources), []);
  });

  it("compiles every Python string inside both stacks' values", () => {
    const sources = Object.assign(
      {},
      ...stackNames.map((stack) => {
        const config = loadStackConfig(stack);
        return pythonInValues(stack, buildChartValues(config, planAll(config), { secretName: "s" }));
      }),
    );
    assert.ok(Object.keys(sources).length >= 6, Object.keys(sources).join(", "));
    assert.deepStrictEqual(syntaxErrors(sources), []);
  });

  it("the compile check can fail", () => {
    assert.strictEqual(syntaxErrors({ broken: "def f(:\n  pass" }).length, 1);
  });

  it("the audit snippet turns hub logs into Cloud Logging JSON with login, server and API audit events", () => {
    const driver = path.join(__dirname, "audit_log_driver.py");
    const result = runPython([driver, path.join(shippedFilesDir, "hub", "audit_log.py")], { cwd: scratchDir("audit-") });
    assert.strictEqual(result.status, 0, result.stderr);
    const entries = result.stdout.trim().split("\n").map((line) => JSON.parse(line));
    for (const e of entries) assert.match(e.severity, /^(INFO|WARNING|ERROR)$/);
    const audit = entries.filter((e) => e.audit).map((e) => e.audit);
    assert.deepStrictEqual(audit, [
      { event: "login", user: "alice", admin: true, groups: ["staff"], ip: "198.51.100.7" },
      { event: "server-start", user: "bob", server: "", profile: "gpu" },
      { event: "server-stop", user: "bob", server: "" },
      { event: "api-write", actor: "alice", method: "POST", path: "/hub/api/users/bob/server", status: 201 },
      { event: "login-refused", user: "mallory" },
    ]);
    const reads = entries.filter((e) => e.httpRequest?.requestMethod === "GET");
    assert.strictEqual(reads.length, 1, "page views are request logs but not audit events");
    assert.ok(!reads[0].audit);
    const failure = entries.find((e) => e.severity === "ERROR");
    assert.match(failure.message, /spawn failed\nTraceback[\s\S]*RuntimeError: boom/);
  });
});
