// SLOW (about 20-60 s: `npm pack`, then a production `npm install` that prefers the local npm cache).
//
// The pack stands on its own. `pulumi policy publish` ships a Node.js pack as the tarball `npm pack`
// makes of its folder (pulumi/pulumi pkg/backend/httpstate/policypack.go `Publish`: `npm.Pack`), and
// installs it elsewhere with its own dependencies. This test does the same outside the repository:
// `npm pack` policy-pack/, extract the tarball into a temporary directory, `npm install --omit=dev` there,
// then start the pack exactly as the CLI's analyzer does — node running the installed @pulumi/pulumi's
// cmd/run-policy-pack on the pack directory, which registers ts-node with type checking and requires
// index.ts — and ask the served pack over gRPC which policies it has. A hook records every module Node
// resolves in that process; all must lie inside the temporary directory (nothing from the repository or
// its node_modules), including TypeScript itself (not the SDK's vendored 3.8.3).

import * as assert from "assert";
import { execFile, spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { allPolicies } from "../../policy-pack/policies";

// The engine's side of the analyzer protocol: the SDK's generated gRPC stubs, with their own typings.
import * as grpc from "@grpc/grpc-js";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../..");
const packDir = path.join(root, "policy-pack");

// Records each file Node resolves (absolute paths only; builtins have none) in the child process.
const RESOLVE_HOOK = `
const Module = require("module");
const fs = require("fs");
const path = require("path");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const file = resolve.call(this, request, parent, ...rest);
  if (path.isAbsolute(file)) fs.appendFileSync(process.env.PACK_RESOLVE_LOG, file + "\\n");
  return file;
};
`;

/** The environment without anything that could point Node or npm back at the repository. */
function isolatedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of Object.keys(env)) {
    if (key === "NODE_PATH" || key === "NODE_OPTIONS" || key.startsWith("TS_NODE_") || key.startsWith("npm_")) delete env[key];
  }
  return env;
}

describe("policy pack: `npm pack` installs and loads alone, outside the repository (slow)", function () {
  this.timeout(300_000);
  let tmp: string;
  let installed: string;
  let child: ChildProcess | undefined;
  let packedFiles: string[] = [];

  before(async () => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-")));
    assert.ok(!tmp.startsWith(root + path.sep), `${tmp} is inside the repository`);
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: packDir, env: isolatedEnv({}) });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    packedFiles = (packed?.files ?? []).map((f) => f.path).sort();
    await run("tar", ["-xzf", path.join(tmp, packed!.filename), "-C", tmp]);
    installed = path.join(tmp, "package");
    await run("npm", ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: installed, env: isolatedEnv({}), timeout: 240_000 });
  });

  after(() => {
    child?.kill();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("packs the pack's modules, its contracts and SDK module, and nothing from the repository's tooling", () => {
    assert.ok(packedFiles.includes("index.ts") && packedFiles.includes("sdk.ts") && packedFiles.includes("PulumiPolicy.yaml"), packedFiles.join(", "));
    assert.ok(packedFiles.includes("package.json") && packedFiles.includes("tsconfig.json"));
    assert.ok(packedFiles.includes("contracts/cidr.ts") && packedFiles.includes("policies/index.ts") && packedFiles.includes("policies/thresholds.ts"));
    // Every module of policies/ and contracts/ ships, the per-area folders (policies/gke/ …) included.
    const modules = ["policies", "contracts"].flatMap((dir) =>
      (fs.readdirSync(path.join(packDir, dir), { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => `${dir}/${f.split(path.sep).join("/")}`),
    );
    assert.ok(modules.some((f) => f.startsWith("policies/gke/")), modules.join(", "));
    assert.deepStrictEqual(modules.filter((f) => !packedFiles.includes(f)), []);
    assert.deepStrictEqual(packedFiles.filter((f) => f.startsWith("tools/") || f.includes("node_modules")), []);
  });

  it("starts as the Pulumi CLI starts it, serves every policy, and resolves no module outside its install", async () => {
    const log = path.join(tmp, "resolved.log");
    const hook = path.join(tmp, "resolve-hook.js");
    fs.writeFileSync(hook, RESOLVE_HOOK);
    const runner = path.join(installed, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
    // run-policy-pack <engine-address> <program>; the engine address is only passed through.
    child = spawn(process.execPath, ["-r", hook, runner, "127.0.0.1:1", "."], {
      cwd: installed,
      env: isolatedEnv({ PACK_RESOLVE_LOG: log }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      let err = "";
      child!.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const match = /^(\d+)\s*$/m.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child!.stderr?.on("data", (d: Buffer) => (err += d.toString()));
      child!.on("exit", (code) => reject(new Error(`the installed pack exited with ${code}:\n${err}`)));
    });

    const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const info: any = await new Promise((resolve, reject) => client.getAnalyzerInfo(new Empty(), (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));
    client.close();
    assert.strictEqual(info.getName(), "jupyterhub-gke-hardening");
    assert.deepStrictEqual(info.getPoliciesList().map((p: any) => p.getName()), allPolicies.map((p) => p.name));

    const resolved = [...new Set(fs.readFileSync(log, "utf8").split("\n").filter((l) => l !== ""))];
    assert.ok(resolved.includes(path.join(installed, "index.ts")), "index.ts was not loaded from the install");
    assert.ok(resolved.includes(path.join(installed, "node_modules", "typescript", "lib", "typescript.js")), "the pack's own TypeScript was not used");
    assert.deepStrictEqual(resolved.filter((file) => !file.startsWith(installed + path.sep)), []);
    assert.deepStrictEqual(resolved.filter((file) => file.includes(`${path.sep}vendor${path.sep}`)), []);
  });
});
