// SLOW: runs the package proxy and Debian's pip as real processes against stand-in servers.
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { shippedFilesDir } from "../../infra/files";
import { pipConfText } from "../../infra/plan/packages";
import { removeScratchDirs, requirePythonModule, runPython, scratchDir, systemPython } from "./python";

// The package path for real: Debian's pip 23 reads the /etc/pip.conf the plan generates (pointed at a
// loopback address instead of the in-cluster Service), and talks to the shipped package proxy, which takes a
// token from a stand-in metadata server and forwards to a stand-in Artifact Registry repository that
// refuses requests without it (package_index_stub.py). A second stub without authentication stands in for a
// public index. What stops a public index in the cluster is the NetworkPolicy (test/infra/packages.test.ts);
// these tests show what the configuration and the guard do, and what they cannot do.

const proxySource = path.join(shippedFilesDir, "registry", "package_proxy.py");
const guardFile = path.join(shippedFilesDir, "ipython", "refuse_shell_escapes.py");
const stub = path.join(__dirname, "package_index_stub.py");
const guardDriver = path.join(__dirname, "ipython_guard_driver.py");
const token = "test-token-from-metadata";
const upstreamBase = "/example-project/example-repo";

/** A minimal pure-Python wheel (PEP 427): one module and its dist-info. */
function writeWheel(dir: string, project: string, module: string, value: number): void {
  const script = `
import base64, hashlib, sys, zipfile
dir, project, module, value = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
dist = f"{module}-1.0.dist-info"
files = {f"{module}/__init__.py": f"VALUE = {value}\\n", f"{dist}/METADATA": f"Metadata-Version: 2.1\\nName: {project}\\nVersion: 1.0\\n",
         f"{dist}/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
record = "".join(f"{n},sha256={base64.urlsafe_b64encode(hashlib.sha256(c.encode()).digest()).rstrip(b'=').decode()},{len(c.encode())}\\n" for n, c in files.items()) + f"{dist}/RECORD,,\\n"
with zipfile.ZipFile(f"{dir}/{module}-1.0-py3-none-any.whl", "w") as z:
    for n, c in {**files, f"{dist}/RECORD": record}.items():
        z.writestr(n, c)
`;
  const r = runPython(["-c", script, dir, project, module, String(value)], { cwd: dir });
  assert.strictEqual(r.status, 0, r.stderr);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function get(url: string, method = "GET"): Promise<{ status: number; text: string; reason: string }> {
  const res = await fetch(url, { method, redirect: "manual" });
  return { status: res.status, text: method === "HEAD" ? "" : await res.text(), reason: res.statusText };
}

interface Stub {
  readonly dir: string;
  readonly index: number;
  readonly metadata: number;
  readonly process: ChildProcess;
  readonly log: () => string[];
}

async function startStub(prefix: string, auth: string, wheels: [string, string, number][]): Promise<Stub> {
  const dir = scratchDir(prefix);
  fs.mkdirSync(path.join(dir, "wheels"));
  for (const [project, module, value] of wheels) writeWheel(path.join(dir, "wheels"), project, module, value);
  const process = spawn(systemPython, [stub, dir, auth], { stdio: "ignore" });
  await waitFor(() => fs.existsSync(path.join(dir, "ports.json")), `${prefix} stub`);
  const ports = JSON.parse(fs.readFileSync(path.join(dir, "ports.json"), "utf8"));
  const log = () => (fs.existsSync(path.join(dir, "index.log")) ? fs.readFileSync(path.join(dir, "index.log"), "utf8").trim().split("\n") : []);
  return { dir, index: ports.index, metadata: ports.metadata, process, log };
}

describe("the package proxy and pip's shipped configuration, with Debian's pip", function () {
  this.timeout(180_000);
  const children: ChildProcess[] = [];
  let registry: Stub;
  let publicIndex: Stub;
  let proxyPort: number;
  let proxyUrl: string;
  let work: string;
  let mirrorConf: string;
  let noneConf: string;

  /** Debian's pip with only the shipped configuration named, as in a user pod (no PIP_* of this machine). */
  const pip = (args: string[], conf: string | undefined, home = work) =>
    runPython(["-m", "pip", ...args], { cwd: home, env: conf ? { PIP_CONFIG_FILE: conf } : {}, timeout: 120_000 });

  before(async () => {
    requirePythonModule("pip");
    registry = await startStub("registry-", token, [["demo-pkg", "demo_pkg", 42], ["Forbidden_Pkg", "forbidden_pkg", 13]]);
    publicIndex = await startStub("public-", "-", [["other-only", "other_only", 7]]);
    children.push(registry.process, publicIndex.process);
    proxyPort = await freePort();
    proxyUrl = `http://127.0.0.1:${proxyPort}`;
    const proxy = spawn(systemPython, ["-I", proxySource], {
      stdio: "ignore",
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        UPSTREAM_URL: `http://127.0.0.1:${registry.index}${upstreamBase}`,
        DENY_LIST: "Forbidden.Pkg, ,",
        PORT: String(proxyPort),
        TOKEN_URL: `http://127.0.0.1:${registry.metadata}/computeMetadata/v1/instance/service-accounts/default/token`,
      },
    });
    children.push(proxy);
    await waitFor(async () => (await get(`${proxyUrl}/healthz`).catch(() => ({ status: 0 }))).status === 200, "the proxy");
    work = scratchDir("pip-home-");
    // The plan's own files, pointed at the loopback proxy instead of package-proxy.<namespace>.svc.cluster.local.
    mirrorConf = path.join(work, "pip-mirror.conf");
    fs.writeFileSync(mirrorConf, pipConfText("mirror", `${proxyUrl}/simple/`, "127.0.0.1"));
    noneConf = path.join(work, "pip-none.conf");
    fs.writeFileSync(noneConf, pipConfText("none", undefined, undefined));
  });

  after(() => {
    for (const child of children) child.kill();
    removeScratchDirs();
  });

  it("pip reads the shipped file ahead of the user's own pip.conf, which would win without PIP_CONFIG_FILE", () => {
    const home = scratchDir("pip-user-");
    fs.mkdirSync(path.join(home, ".config", "pip"), { recursive: true });
    fs.writeFileSync(path.join(home, ".config", "pip", "pip.conf"), `[global]\nindex-url = http://127.0.0.1:${publicIndex.index}/simple/\n`);
    const withShipped = pip(["config", "list"], mirrorConf, home);
    assert.strictEqual(withShipped.status, 0, withShipped.stderr);
    assert.match(withShipped.stdout, new RegExp(`^global\\.index-url='${proxyUrl}/simple/'$`, "m"));
    assert.doesNotMatch(withShipped.stdout, new RegExp(String(publicIndex.index)));
    // Control: without the variable, the user's file is read (after the global ones) and names its index.
    const without = pip(["config", "list"], undefined, home);
    assert.match(without.stdout, new RegExp(`global\\.index-url='http://127\\.0\\.0\\.1:${publicIndex.index}/simple/'`));
  });

  it("installs from the mirror through the proxy, which adds the credential and points links back at itself", () => {
    const target = scratchDir("pip-target-");
    const r = pip(["install", "--no-deps", "--target", target, "demo-pkg"], mirrorConf);
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`Looking in indexes: ${proxyUrl}/simple/`));
    // The repository's absolute link was rewritten: pip downloads from the proxy, never the repository.
    assert.match(r.stdout, new RegExp(`Downloading ${proxyUrl}/demo-pkg/demo_pkg-1\\.0-py3-none-any\\.whl`));
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(`127\\.0\\.0\\.1:${registry.index}`));
    const imported = runPython(["-c", "import demo_pkg; print(demo_pkg.VALUE)"], { cwd: work, env: { PYTHONPATH: target } });
    assert.strictEqual(imported.stdout.trim(), "42");
    // Every request reached the repository with the metadata server's token (it answers 401 without).
    assert.ok(registry.log().includes(`${upstreamBase}/simple/demo-pkg/`));
  });

  it("refuses a project on the deny list, index page and files alike, with the reason in its answer", async () => {
    const before = registry.log().length;
    const r = pip(["install", "--no-deps", "--target", scratchDir("pip-denied-"), "forbidden_pkg"], mirrorConf);
    assert.notStrictEqual(r.status, 0);
    // pip 23 logs an index page's HTTP error at debug level (_internal/index/collector.py,
    // _handle_get_simple_fail), so by itself it says no more than this; -vv shows the proxy's reason, and
    // the %pip guard asks the proxy for it (below).
    assert.match(r.stdout + r.stderr, /No matching distribution found for forbidden_pkg/);
    for (const p of ["/simple/Forbidden-Pkg/", "/simple/forbidden.pkg/", "/forbidden-pkg/forbidden_pkg-1.0-py3-none-any.whl", "/demo-pkg/forbidden_pkg-1.0-py3-none-any.whl", "/demo-pkg/Forbidden_Pkg-1.0.tar.gz"]) {
      const answer = await get(`${proxyUrl}${p}`);
      assert.strictEqual(answer.status, 403, p);
      assert.strictEqual(answer.reason, "forbidden-pkg is on this event's deny list", p);
    }
    const verbose = pip(["download", "-vv", "--no-deps", "-d", scratchDir("pip-denied-"), "forbidden_pkg"], mirrorConf);
    assert.match(verbose.stdout + verbose.stderr, /403 Client Error: forbidden-pkg is on this event's deny list/);
    // Refused before any request reached the repository.
    assert.deepStrictEqual(registry.log().slice(before), []);
  });

  it("serves nothing but the repository's index and files: other paths, methods and traversal are refused", async () => {
    assert.strictEqual((await get(`${proxyUrl}/`)).status, 404);
    assert.strictEqual((await get(`${proxyUrl}/simple/demo-pkg/../../../other-repo/simple/`)).status, 404);
    assert.strictEqual((await get(`${proxyUrl}/simple/..%2F..%2Fother-repo/`)).status, 404);
    assert.strictEqual((await get(`${proxyUrl}/a/b/c`)).status, 404);
    assert.strictEqual((await get(`${proxyUrl}/simple/`, "POST")).status, 405);
    assert.strictEqual((await get(`${proxyUrl}/simple/`, "PUT")).status, 405);
    const index = await get(`${proxyUrl}/simple/`);
    assert.strictEqual(index.status, 200);
    assert.match(index.text, /href="\/simple\/demo-pkg\/"/);
  });

  it("exits cleanly on SIGTERM, as the container's first process must (Python ignores it there by default)", async () => {
    const port = await freePort();
    const proxy = spawn(systemPython, ["-I", proxySource], {
      stdio: "ignore",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", UPSTREAM_URL: `http://127.0.0.1:${registry.index}${upstreamBase}`, PORT: String(port) },
    });
    children.push(proxy);
    await waitFor(async () => (await get(`http://127.0.0.1:${port}/healthz`).catch(() => ({ status: 0 }))).status === 200, "a second proxy");
    const exited = new Promise<[number | null, string | null]>((resolve) => proxy.on("exit", (code, signal) => resolve([code, signal])));
    proxy.kill("SIGTERM");
    assert.deepStrictEqual(await exited, [0, null]);
  });

  it("finds nothing but the mirror without flags; an explicit --index-url is not stopped by the configuration", () => {
    // Only on the "public" index: the shipped configuration never looks there...
    const implicit = pip(["download", "--no-deps", "-d", scratchDir("pip-dl-"), "other-only"], mirrorConf);
    assert.notStrictEqual(implicit.status, 0);
    assert.match(implicit.stdout + implicit.stderr, /No matching distribution found for other-only/);
    assert.deepStrictEqual(publicIndex.log(), []);
    // ...but a flag on the command line outranks every configuration file (pip's docs, "Configuration").
    // Here the stand-in is reachable; in a user pod the NetworkPolicy drops the connection, and the
    // IPython guard refuses the command before pip runs (below).
    const explicit = pip(["download", "--no-deps", "-d", scratchDir("pip-dl-"), "--index-url", `http://127.0.0.1:${publicIndex.index}${upstreamBase}/simple/`, "other-only"], mirrorConf);
    assert.strictEqual(explicit.status, 0, explicit.stdout + explicit.stderr);
  });

  it("packageMode none: pip has no index at all and asks nothing of anyone", () => {
    const [before, publicBefore] = [registry.log().length, publicIndex.log().length];
    const r = pip(["install", "--no-deps", "--target", scratchDir("pip-none-"), "demo-pkg"], noneConf);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /from versions: none/);
    assert.deepStrictEqual(registry.log().slice(before), []);
    assert.deepStrictEqual(publicIndex.log().slice(publicBefore), []);
  });

  describe("%pip in a real IPython with the shipped guard", () => {
    type CellResults = Record<string, { output: string; error: string | null }>;
    const cells = (conf: string, sources: Record<string, string>, guard = guardFile): CellResults => {
      const dir = scratchDir("ipython-pip-");
      const r = runPython([guardDriver, guard], { input: JSON.stringify(sources), cwd: dir, env: { PIP_CONFIG_FILE: conf }, timeout: 120_000 });
      assert.strictEqual(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as CellResults;
    };

    before(() => requirePythonModule("IPython"));

    it("installs from the mirror, and refuses any other source at once with the reason", () => {
      const target = scratchDir("ipython-target-");
      const publicBefore = publicIndex.log().length;
      const publicUrl = `http://127.0.0.1:${publicIndex.index}${upstreamBase}/simple/`;
      const results = cells(mirrorConf, {
        mirror: `%pip install --no-deps --target ${target} demo-pkg`,
        indexUrl: `%pip install --index-url ${publicUrl} other-only`,
        shortFlag: `%pip install -i${publicUrl} other-only`,
        extraIndex: `%pip install --extra-index-url=${publicUrl} demo-pkg`,
        vcs: "%pip install git+https://github.com/example/project",
        direct: "%pip install 'other-only @ https://files.example.org/other_only-1.0-py3-none-any.whl'",
        denied: `%pip install --no-deps --target ${target} forbidden-pkg`,
        list: "%pip --version",
      });
      assert.strictEqual(results.mirror.error, null);
      assert.match(results.mirror.output, /Successfully installed demo-pkg-1\.0/);
      for (const name of ["indexUrl", "shortFlag", "extraIndex", "vcs", "direct"]) {
        assert.strictEqual(results[name].error, "PackageSourceRefused", `${name}: ${results[name].output}`);
        assert.match(results[name].output, new RegExp(`installs packages only from its own index \\(${proxyUrl}/simple/\\)`), name);
      }
      // Nothing reached the "public" index.
      assert.deepStrictEqual(publicIndex.log().slice(publicBefore), []);
      // A denied project fails in pip itself; the guard then asks the proxy and prints its reason.
      assert.strictEqual(results.denied.error, null);
      assert.match(results.denied.output, /No matching distribution found for forbidden-pkg/);
      assert.match(results.denied.output, /forbidden-pkg: forbidden-pkg is on this event's deny list\. Ask the organisers if you need it\./);
      assert.match(results.list.output, /^pip \d+/m);
    });

    it("says installs are off in packageMode none, and still answers pip's other commands", () => {
      const results = cells(noneConf, { install: "%pip install demo-pkg", version: "%pip --version" });
      assert.strictEqual(results.install.error, "PackageSourceRefused");
      assert.match(results.install.output, /Installing packages is turned off on this hub/);
      assert.match(results.version.output, /^pip \d+/m);
    });

    it("control: without the guard, IPython's own %pip would try the other index", () => {
      // IPython 8's %pip runs `python -m pip <line>` through a shell (core/magics/packaging.py); nothing
      // checks the source, so only the network would stop it.
      const results = cells(mirrorConf, { indexUrl: `%pip download --no-deps -d ${scratchDir("ipython-dl-")} --index-url http://127.0.0.1:${publicIndex.index}${upstreamBase}/simple/ other-only` }, "-");
      assert.strictEqual(results.indexUrl.error, null);
      assert.match(results.indexUrl.output, /Saved .*other_only-1\.0-py3-none-any\.whl/);
    });
  });
});
