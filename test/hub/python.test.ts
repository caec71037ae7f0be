// SLOW: runs a real python3 and JupyterHub behind its proxy.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { calendarScriptPath, readCalendarScript, readShippedFiles, shippedFilePaths, shippedFilesDir } from "../../infra/files";
import { planAll } from "../../infra/plan";
import { buildChartValues, Z2jhValues } from "../../infra/plan/chart";
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

/** One request to the hub: who is logged in, what arrives, and what the audit log must say. */
interface HubRequest {
  readonly user?: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** The client's address the log must report, whatever the headers claim. */
  readonly client: string;
}

// X-Forwarded-For as it reaches the hub (see audit_log.py for the sources): whatever the client sent,
// then Google's front end appends "<client-ip>,<load-balancer-ip>", then configurable-http-proxy appends
// its peer, a front end in 35.191.0.0/16 or 130.211.0.0/22 (as ::ffff:a.b.c.d: Z2JH's proxy listens on
// all addresses). The hub's socket peer is the proxy; here the test client on 127.0.0.1 plays it.
const loadBalancer = "34.149.12.34";
const viaGoogle = (client: string, frontEnd = "::ffff:35.191.7.8", sentByClient = "") =>
  `${sentByClient}${client},${loadBalancer},${frontEnd}`;
const users = (name: string) => `/hub/api/users/${encodeURIComponent(name)}`;

const hubRequests: readonly HubRequest[] = [
  {
    user: "ada.lovelace@example.org",
    method: "POST",
    path: `${users("ada.lovelace@example.org")}/tokens`,
    headers: { "X-Forwarded-For": viaGoogle("203.0.113.9") },
    client: "203.0.113.9",
  },
  {
    // a client that makes up both headers; only what Google's front end appended counts
    user: "first.last+event@example.org",
    method: "DELETE",
    path: `${users("first.last+event@example.org")}/server`,
    headers: { "X-Forwarded-For": viaGoogle("203.0.113.10", "::ffff:130.211.1.9", "10.1.2.3, 198.51.100.66, "), "X-Real-Ip": "198.51.100.77" },
    client: "203.0.113.10",
  },
  {
    user: "a@b@example.org",
    method: "POST",
    path: `${users("a@b@example.org")}/server`,
    headers: { "X-Forwarded-For": viaGoogle("2001:db8::7", "35.191.0.20") },
    client: "2001:db8::7",
  },
  {
    // from inside the cluster through the proxy: the proxy appended the caller's pod address
    user: "josé.müller@bücher.example",
    method: "PATCH",
    path: users("josé.müller@bücher.example"),
    headers: { "X-Forwarded-For": "203.0.113.250,10.4.0.17" },
    client: "10.4.0.17",
  },
  {
    // straight to the hub (a user's server or the culler): no proxy, so the socket peer is the client
    user: "user (staff)@example.org",
    method: "POST",
    path: `${users("user (staff)@example.org")}/tokens`,
    client: "127.0.0.1",
  },
  {
    user: "mallory@10.0.0.1) 0.01ms",
    method: "PUT",
    path: `${users("mallory")}/shared`,
    headers: { "X-Real-Ip": "198.51.100.78" },
    client: "127.0.0.1",
  },
  { user: "o'brien@example.org", method: "POST", path: "/hub/api/groups/x/users", headers: { "X-Forwarded-For": "garbage, 203.0.113.11,34.149.12.34,35.191.200.1" }, client: "203.0.113.11" },
  { user: "jupyterhub-idle-culler", method: "DELETE", path: `${users("bob")}/server`, client: "127.0.0.1" },
  { method: "POST", path: "/hub/api/authorizations/token", headers: { "X-Forwarded-For": viaGoogle("203.0.113.12") }, client: "203.0.113.12" },
  // page views are request logs, not audit events, but carry the client too
  { user: "ada.lovelace@example.org", method: "GET", path: "/hub/home", headers: { "X-Forwarded-For": viaGoogle("203.0.113.9") }, client: "203.0.113.9" },
];

describe("Python shipped to the hub and to user pods", function () {
  this.timeout(60_000);
  before(() => ["traitlets", "tornado", "jupyterhub"].forEach(requirePythonModule));
  after(removeScratchDirs);

  it("compiles every file under infra/files", () => {
    const files = pythonFiles(shippedFilesDir);
    assert.ok(files.length >= 3, `found ${files.join(", ")}`);
    const sources = Object.fromEntries(files.map((f) => [path.relative(shippedFilesDir, f), fs.readFileSync(f, "utf8")]));
    assert.deepStrictEqual(syntaxErrors(sources), []);
  });

  it("ships every chart file under infra/files: the loader reads each one, and nothing else", () => {
    // infra/files/ops/ holds what the operations commands run in Jobs and pods (infra/tools/ops.ts reads
    // them there); they never enter the chart values.
    const onDisk = pythonFiles(shippedFilesDir).map((f) => path.relative(shippedFilesDir, f)).filter((f) => !f.startsWith("ops/")).sort();
    // The chart's files, and the placeholder calendar's script, which ships in its own ConfigMap.
    assert.deepStrictEqual([...Object.values(shippedFilePaths), calendarScriptPath].sort(), onDisk);
    const read = readShippedFiles();
    for (const [key, relative] of Object.entries(shippedFilePaths)) {
      assert.strictEqual(read[key as keyof typeof read], fs.readFileSync(path.join(shippedFilesDir, relative), "utf8"), key);
    }
    assert.strictEqual(readCalendarScript(), fs.readFileSync(path.join(shippedFilesDir, calendarScriptPath), "utf8"));
  });

  it("compiles every Python string inside both stacks' values", () => {
    const sources = Object.assign(
      {},
      ...stackNames.map((stack) => {
        const config = loadStackConfig(stack);
        return pythonInValues(stack, buildChartValues(config, planAll(config), readShippedFiles(), { secretName: "s" }));
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
    for (const e of entries) {
      assert.match(e.severity, /^(INFO|WARNING|ERROR)$/);
      // the fields Cloud Logging reads from a structured line (structured-logging docs): an RFC 3339 time in
      // UTC, and the source location with the line as a string
      assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/, "time");
      const location = e["logging.googleapis.com/sourceLocation"];
      assert.deepStrictEqual(Object.keys(location).sort(), ["file", "function", "line"], "sourceLocation");
      assert.match(location.line, /^\d+$/);
    }
    const refusedAt = entries.find((e) => e.audit?.event === "login-refused")["logging.googleapis.com/sourceLocation"];
    assert.strictEqual(refusedAt.function, "get_authenticated_user");
    assert.ok(refusedAt.file.endsWith("audit_log_driver.py"), refusedAt.file);
    const audit = entries.filter((e) => e.audit).map((e) => e.audit);
    assert.deepStrictEqual(audit, [
      { event: "login", user: "alice", admin: true, groups: ["staff"], ip: "198.51.100.7" },
      { event: "server-start", user: "bob", server: "", profile: "gpu" },
      { event: "server-stop", user: "bob", server: "" },
      { event: "api-write", actor: "alice", method: "POST", path: "/hub/api/users/bob/server", status: 201, ip: "198.51.100.7" },
      { event: "api-write", actor: "carol@example.org", method: "POST", path: "/hub/api/users/carol%40example.org/server", status: 302, ip: "198.51.100.9" },
      { event: "login-refused", user: "mallory" },
    ]);
    // Cloud Logging's httpRequest fields, in its units (latency as a duration string in seconds)
    assert.deepStrictEqual(
      entries.filter((e) => e.httpRequest).map((e) => e.httpRequest),
      [
        { requestMethod: "POST", requestUrl: "/hub/api/users/bob/server", status: 201, remoteIp: "198.51.100.7", latency: "0.013s" },
        { requestMethod: "GET", requestUrl: "/hub/home", status: 200, remoteIp: "198.51.100.8", latency: "0.003s" },
        { requestMethod: "POST", requestUrl: "/hub/api/users/carol%40example.org/server", status: 302, remoteIp: "198.51.100.9", latency: "0.004s" },
      ],
      "httpRequest of each request-log line",
    );
    // a log_request line of another shape is still logged, as a plain entry
    assert.deepStrictEqual(
      entries.filter((e) => e.message === "a line from log_request that is not a request line").map((e) => [e.severity, e.httpRequest, e.audit]),
      [["WARNING", undefined, undefined]],
    );
    const reads = entries.filter((e) => e.httpRequest?.requestMethod === "GET");
    assert.strictEqual(reads.length, 1, "page views are request logs but not audit events");
    assert.ok(!reads[0].audit);
    const failure = entries.find((e) => e.severity === "ERROR");
    assert.match(failure.message, /spawn failed\nTraceback[\s\S]*RuntimeError: boom/);
  });

  it("the audit log names the user and the client of real requests: awkward names, proxies and made-up headers", () => {
    const driver = path.join(__dirname, "audit_request_driver.py");
    const result = runPython([driver, path.join(shippedFilesDir, "hub", "audit_log.py"), JSON.stringify(hubRequests)], { cwd: scratchDir("audit-requests-") });
    assert.strictEqual(result.status, 0, result.stderr);
    const logged = result.stdout.trim().split("\n").map((line) => JSON.parse(line)).filter((e) => e.logger === "JupyterHub" && e.message.includes("ms"));
    assert.strictEqual(logged.length, hubRequests.length, result.stdout);
    hubRequests.forEach((request, i) => {
      const entry = logged[i];
      const what = `${request.method} ${request.path} by ${request.user}: ${entry.message}`;
      assert.ok(entry.httpRequest, `no httpRequest for ${what}`);
      assert.strictEqual(entry.httpRequest.requestUrl, request.path, what);
      assert.strictEqual(entry.httpRequest.remoteIp, request.client, what);
      if (request.method === "GET") {
        assert.strictEqual(entry.audit, undefined, what);
      } else {
        assert.deepStrictEqual(
          entry.audit,
          { event: "api-write", actor: request.user ?? null, method: request.method, path: request.path, status: request.method === "POST" ? 201 : 200, ip: request.client },
          what,
        );
      }
    });
    // JupyterHub's own line shows what tornado believed (X-Real-Ip wins): the reason not to use it.
    assert.match(logged[5].message, /@198\.51\.100\.78\) /);
    assert.match(logged[1].message, /@198\.51\.100\.77\) /);
  });

  it("inside a real JupyterHub behind its proxy, logins and API writes name the user and the client", function () {
    requirePythonModule("jupyterhub.app");
    assert.ok(fs.existsSync("/usr/bin/configurable-http-proxy"), ".ci/run must install node-configurable-http-proxy");
    const names = [
      "ada.lovelace@example.org",
      "first.last+event@example.org",
      "a@b@example.org",
      "josé.müller@bücher.example",
      "user (staff)@example.org",
      "o'brien@example.org",
      "mallory@10.0.0.1) 0.01ms",
    ];
    const workdir = scratchDir("audit-hub-");
    const driver = path.join(__dirname, "audit_hub_driver.py");
    const result = runPython([driver, path.join(shippedFilesDir, "hub", "audit_log.py"), workdir, JSON.stringify(names)], { cwd: workdir, timeout: 100_000 });
    assert.strictEqual(result.status, 0, result.stderr);
    const { entries, tokenPaths } = JSON.parse(result.stdout) as { entries: any[]; tokenPaths: Record<string, string> };
    // Every request came from this test on 127.0.0.1 through the proxy, claiming 198.51.100.66 (X-Forwarded-For)
    // and 198.51.100.77 (X-Real-Ip).
    for (const name of names) {
      const logins = entries.filter((e) => e.audit?.event === "login" && e.audit.user === name);
      assert.deepStrictEqual(logins.map((e) => e.audit.ip), ["127.0.0.1"], `login of ${name}`);
      const own = entries.filter((e) => e.audit?.event === "api-write" && e.audit.path === tokenPaths[name] && e.audit.actor !== "test-service");
      assert.strictEqual(own.length, 1, `${name}: ${JSON.stringify(entries.filter((e) => e.httpRequest?.requestUrl === tokenPaths[name]))}`);
      assert.deepStrictEqual(own[0].audit, { event: "api-write", actor: name, method: "POST", path: tokenPaths[name], status: 201, ip: "127.0.0.1" });
      assert.strictEqual(own[0].httpRequest.remoteIp, "127.0.0.1");
      // JupyterHub's own text took X-Real-Ip at its word
      assert.ok(own[0].message.includes(`(${name}@198.51.100.77) `), own[0].message);
    }
    // a blocked user's refused login, as JupyterHub itself logs it, is a login-refused event and no login
    const blocked = "blocked.user@example.org";
    assert.deepStrictEqual(
      entries.filter((e) => e.audit?.user === blocked).map((e) => e.audit),
      [{ event: "login-refused", user: blocked }],
      "a blocked user's login attempt is not recorded as exactly one login-refused event",
    );
    // an admin's delete of a user (what the admin page sends) is recorded with the admin as the actor
    const deletes = entries.filter((e) => e.audit?.event === "api-write" && e.audit.method === "DELETE");
    assert.deepStrictEqual(
      deletes.map((e) => e.audit),
      [{ event: "api-write", actor: "organiser", method: "DELETE", path: "/hub/api/users/leaver", status: 204, ip: "127.0.0.1" }],
      "the organiser's deletion of a user is not in the audit log as one api-write by the organiser",
    );
  });
});
