// SLOW: runs the package proxy and Debian's pip as real processes against stand-in servers.
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { shippedFilesDir } from "../../infra/files";
import { pipConfText } from "../../infra/plan/packages";
import { importByPath, removeScratchDirs, requirePythonModule, runPython, scratchDir, systemPython } from "./python";

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

/** One exchange over a raw connection (`Connection: close`), for what fetch would tidy away: the request
 *  line as written, and whether a HEAD answer carries a body. Resolves to everything the proxy sent. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, "127.0.0.1", () => socket.end(request));
    socket.on("data", (c) => chunks.push(c));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.on("error", reject);
  });
}

interface Proxy {
  readonly url: string;
  readonly process: ChildProcess;
  /** What it printed so far: one line per request on stdout, failures on stderr. */
  readonly stdout: () => string;
  readonly stderr: () => string;
}

/** The shipped proxy as its container runs it (python3 -I), its output kept in files; answers /healthz when resolved. */
async function startProxy(env: Record<string, string>, children: ChildProcess[]): Promise<Proxy> {
  const port = await freePort();
  const dir = scratchDir("proxy-");
  const [out, err] = [path.join(dir, "stdout"), path.join(dir, "stderr")];
  const proxy = spawn(systemPython, ["-I", proxySource], {
    stdio: ["ignore", fs.openSync(out, "w"), fs.openSync(err, "w")],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PORT: String(port), ...env },
  });
  children.push(proxy);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await get(`${url}/healthz`).catch(() => ({ status: 0 }))).status === 200, `the proxy on ${port}`);
  return { url, process: proxy, stdout: () => fs.readFileSync(out, "utf8"), stderr: () => fs.readFileSync(err, "utf8") };
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
  let proxy: Proxy;
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
    proxy = await startProxy({
      UPSTREAM_URL: `http://127.0.0.1:${registry.index}${upstreamBase}`,
      DENY_LIST: "Forbidden.Pkg, ,",
      TOKEN_URL: `http://127.0.0.1:${registry.metadata}/computeMetadata/v1/instance/service-accounts/default/token`,
    }, children);
    proxyUrl = proxy.url;
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
    // A file is refused by the project its name gives, in each distribution format the proxy knows (a
    // wheel, its PEP 658 metadata, and each sdist suffix), whatever project's path it is asked under.
    const files = ["forbidden_pkg-1.0-py3-none-any.whl", "forbidden_pkg-1.0-py3-none-any.whl.metadata", "Forbidden_Pkg-1.0.tar.gz", "forbidden_pkg-2.zip", "Forbidden.Pkg-3.tar.bz2", "forbidden_pkg-1.tgz", "forbidden_pkg-1.egg"];
    for (const p of ["/simple/Forbidden-Pkg/", "/simple/forbidden.pkg/", "/forbidden-pkg/forbidden_pkg-1.0-py3-none-any.whl", ...files.map((f) => `/demo-pkg/${f}`)]) {
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
    const second = (await startProxy({ UPSTREAM_URL: `http://127.0.0.1:${registry.index}${upstreamBase}` }, children)).process;
    const exited = new Promise<[number | null, string | null]>((resolve) => second.on("exit", (code, signal) => resolve([code, signal])));
    second.kill("SIGTERM");
    assert.deepStrictEqual(await exited, [0, null]);
  });

  it("refuses any other path without asking the repository, with a plain-text reason: a request line without its leading slash, an index page without its own", async () => {
    const before = registry.log().length;
    // "GET -2/simple/": appended to the repository's path, it would name another repository (example-repo-2).
    const raw = await rawExchange(Number(new URL(proxyUrl).port), "GET -2/simple/ HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n");
    const reason = "not a package index path; this proxy serves the event's repository only";
    assert.match(raw, new RegExp(`^HTTP/1\\.1 404 ${reason}\r\n`));
    const noSlash = await fetch(`${proxyUrl}/simple/demo-pkg`);
    assert.deepStrictEqual([noSlash.status, noSlash.statusText, noSlash.headers.get("content-type"), await noSlash.text()], [404, reason, "text/plain; charset=utf-8", `${reason}\n`]);
    assert.deepStrictEqual(registry.log().slice(before), [], "nothing reached the repository");
  });

  it("answers HEAD with the headers GET would have and no body, for a refusal, an index page and a file", async () => {
    const port = Number(new URL(proxyUrl).port);
    const head = (p: string) => rawExchange(port, `HEAD ${p} HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n`);
    for (const [p, status] of [["/simple/forbidden-pkg/", 403], ["/simple/demo-pkg/", 200], ["/demo-pkg/demo_pkg-1.0-py3-none-any.whl", 200]] as const) {
      const answer = await head(p);
      const [headers, body] = answer.split("\r\n\r\n");
      assert.match(headers, new RegExp(`^HTTP/1\\.1 ${status} `), p);
      assert.strictEqual(body, "", `${p}: a HEAD answer carries no body`);
      const length = Number(/\r\nContent-Length: (\d+)/.exec(headers)?.[1]);
      const got = Buffer.from(await (await fetch(`${proxyUrl}${p}`)).arrayBuffer());
      assert.strictEqual(length, got.length, `${p}: the length GET's body has`);
    }
  });

  it("passes on the repository's caching headers, never its cookies, and rewrites an index page's length with its links", async () => {
    for (const p of ["/simple/demo-pkg/", "/demo-pkg/demo_pkg-1.0-py3-none-any.whl"]) {
      const answer = await fetch(`${proxyUrl}${p}`);
      const body = Buffer.from(await answer.arrayBuffer());
      // The stub's (package_index_stub.py, CACHE_HEADERS).
      assert.deepStrictEqual(
        ["etag", "last-modified", "cache-control", "set-cookie"].map((h) => answer.headers.get(h)),
        ['"stub-etag"', "Mon, 06 Dec 2027 08:00:00 GMT", "private, max-age=0", null],
        p,
      );
      assert.strictEqual(Number(answer.headers.get("content-length")), body.length, p);
    }
    const page = await (await fetch(`${proxyUrl}/simple/demo-pkg/`)).text();
    assert.match(page, /<a href="\/demo-pkg\/demo_pkg-1\.0-py3-none-any\.whl#sha256=[0-9a-f]{64}">/);
  });

  it("answers the repository's refusals with their own status, anything else it answers as 502", async () => {
    const statuses = [];
    for (const code of [401, 403, 404, 410, 500, 503]) {
      const answer = await fetch(`${proxyUrl}/status-${code}/x-1.0.tar.gz`);
      statuses.push([answer.status, answer.statusText]);
    }
    assert.deepStrictEqual(statuses, [
      [401, "upstream answered 401"], [403, "upstream answered 403"], [404, "upstream answered 404"], [410, "upstream answered 410"],
      [502, "upstream answered 500"], [502, "upstream answered 503"],
    ]);
  });

  it("follows a redirect on the repository's host with the credential, and refuses one to any other host", async () => {
    const before = registry.log().length;
    const wheel = "demo_pkg-1.0-py3-none-any.whl";
    const moved = await fetch(`${proxyUrl}/moved/${wheel}`);
    assert.strictEqual(moved.status, 200);
    assert.deepStrictEqual(Buffer.from(await moved.arrayBuffer()), fs.readFileSync(path.join(registry.dir, "wheels", wheel)));
    const elsewhere = await fetch(`${proxyUrl}/elsewhere/${wheel}`);
    assert.deepStrictEqual([elsewhere.status, elsewhere.statusText], [502, "upstream answered 502"]);
    // The same-host redirect was fetched (with the token: the stub answers 401 without); the other never was.
    assert.deepStrictEqual(registry.log().slice(before), [`${upstreamBase}/moved/${wheel}`, `${upstreamBase}/demo-pkg/${wheel}`, `${upstreamBase}/elsewhere/${wheel}`]);
  });

  it("logs one line per request on stdout, and says on stderr why it had no token or no repository", async () => {
    assert.match(proxy.stdout(), /^127\.0\.0\.1 "GET \/simple\/demo-pkg\/ HTTP\/1\.1" 200 -$/m);
    assert.strictEqual(proxy.stderr(), "", "no failure so far");
    const closed = await freePort();
    const noToken = await startProxy({ UPSTREAM_URL: `http://127.0.0.1:${registry.index}${upstreamBase}`, TOKEN_URL: `http://127.0.0.1:${closed}/token` }, children);
    const refused = await fetch(`${noToken.url}/simple/demo-pkg/`);
    assert.deepStrictEqual([refused.status, refused.statusText], [503, "the package proxy has no credential right now; try again shortly"]);
    assert.match(noToken.stderr(), /^token: <urlopen error \[Errno 111\] Connection refused>$/m);
    const noRepository = await startProxy({ UPSTREAM_URL: `http://127.0.0.1:${closed}${upstreamBase}`, TOKEN_URL: `http://127.0.0.1:${registry.metadata}/computeMetadata/v1/instance/service-accounts/default/token` }, children);
    const unreachable = await fetch(`${noRepository.url}/simple/demo-pkg/`);
    assert.deepStrictEqual([unreachable.status, unreachable.statusText], [502, "the repository cannot be reached right now"]);
    assert.match(noRepository.stderr(), /^upstream: <urlopen error \[Errno 111\] Connection refused>$/m);
    assert.doesNotMatch(noRepository.stdout(), /^upstream:/m, "failures go to stderr, requests to stdout");
  });

  it("without TOKEN_URL and PORT, asks GKE's metadata server for the token and listens on 8080", () => {
    // The metadata server's token endpoint (cloud.google.com/compute/docs/access/authenticate-workloads,
    // "Applications running on Compute Engine"), which GKE's Workload Identity serves to pods.
    const r = runPython(["-c", [...importByPath(proxySource), "print(m.TOKEN_URL, m.PORT, sorted(m.DENY))"].join("\n")], {
      cwd: scratchDir("proxy-"),
      env: { UPSTREAM_URL: "https://europe-west1-python.pkg.dev/p/r/", DENY_LIST: " Foo_Bar ,,baz.QUX" },
    });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(r.stdout.trim(), "http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/token 8080 ['baz-qux', 'foo-bar']");
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
