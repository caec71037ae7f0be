// policy-pack/sdk.ts is the one module that reaches past the public API of @pulumi/pulumi and
// @pulumi/policy (for the pack's property readers, its offline checker and infra/tools/offline.ts). What
// it relies on holds for the versions it was read against, so this test pins those versions: a bump of
// either SDK, in either package.json or in what is installed, fails here until sdk.ts has been re-read
// against the new tag (runtime/rpc.ts, runtime/settings.ts, runtime/mocks.ts; policy proxy.ts) and
// SDK_VERSIONS moved. The behaviour checks below then run against the installed copies.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { configSecretCheck, mockRuntimeInternals, PROXY_TARGET_KEY, SDK_VERSIONS, UNKNOWN_SENTINELS, UnknownValueError, unknownCheckingProxy, wire } from "../../policy-pack/sdk";

const root = path.resolve(__dirname, "../..");
const packDir = path.join(root, "policy-pack");
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

/** The version of `pkg` that Node resolves from `dir` (the `v` some SDKs put in front stripped). */
function installedVersion(pkg: string, dir: string): string {
  return String(readJson(require.resolve(`${pkg}/package.json`, { paths: [dir] })).version).replace(/^v/, "");
}

describe("policy pack: SDK internals (policy-pack/sdk.ts)", () => {
  it("are pinned: both package.json files and every installed copy are the versions sdk.ts was read against", () => {
    const rootPkg = readJson(path.join(root, "package.json"));
    const packPkg = readJson(path.join(packDir, "package.json"));
    for (const [name, version] of Object.entries(SDK_VERSIONS)) {
      assert.strictEqual(rootPkg.dependencies[name] ?? rootPkg.devDependencies[name], version, `package.json ${name}`);
      assert.strictEqual(packPkg.dependencies[name], version, `policy-pack/package.json ${name}`);
      // The program's copy, and the copy the pack's modules load (its own install, when there is one).
      assert.strictEqual(installedVersion(name, root), version, `installed ${name} (program)`);
      assert.strictEqual(installedVersion(name, packDir), version, `installed ${name} (pack)`);
    }
  });

  it("read the engine's wire signatures, which the program's SDK copy exports too", () => {
    assert.deepStrictEqual(wire, {
      sigKey: "4dabf18193072939515e22adb298388d",
      secretSig: "1b47061264138c4ac30d75fd1eb44270",
      resourceSig: "5cf8f73096256a8f31e491e813e4eb8e",
      outputValueSig: "d0e6a833031e9bbcd3f4e8bde6ca49a4",
      assetSig: "c44067f5952c0a294b673a41bacd8c17",
      archiveSig: "0def7320c3a5731c473e5ecbe6d01bc7",
      unknownValue: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    });
    const r = pulumi.runtime;
    assert.deepStrictEqual(
      [r.specialSigKey, r.specialSecretSig, r.specialResourceSig, r.specialOutputValueSig, r.specialAssetSig, r.specialArchiveSig, r.unknownValue],
      Object.values(wire),
    );
  });

  it("wrap properties in the policy SDK's unknown-checking proxy, as its analyzer server does", () => {
    const target = { known: { nested: 1 }, later: wire.unknownValue };
    const props = unknownCheckingProxy(target);
    assert.strictEqual(props[PROXY_TARGET_KEY], target);
    assert.deepStrictEqual(props.known, { nested: 1 });
    assert.throws(() => props.later, (e: unknown) => e instanceof UnknownValueError && /can't be known during preview/.test((e as Error).message));
    assert.strictEqual(new Set(UNKNOWN_SENTINELS).size, 7);
    assert.ok(UNKNOWN_SENTINELS.includes(wire.unknownValue));
    for (const sentinel of UNKNOWN_SENTINELS) {
      assert.throws(() => unknownCheckingProxy({ value: sentinel }).value, UnknownValueError, sentinel);
    }
  });

  it("reach the mock runtime's monitor and RPC queue through the caller's own SDK copy", () => {
    const internals = mockRuntimeInternals(pulumi.runtime);
    assert.strictEqual(typeof internals.getMonitor, "function");
    assert.strictEqual(typeof internals.waitForRPCs, "function");
    // `waitForRPCs` is @internal (absent from settings.d.ts): if a release drops it, this says where to look.
    assert.throws(() => mockRuntimeInternals({ getMonitor: () => undefined }), /re-check policy-pack\/sdk\.ts/);
  });

  it("tell which config keys Pulumi handed over as secrets, through the caller's own SDK copy", () => {
    const saved = pulumi.runtime.allConfig();
    try {
      pulumi.runtime.setAllConfig({ "p:plain": "a", "p:hidden": "b" }, ["p:hidden"]);
      const isSecret = configSecretCheck(pulumi.runtime);
      assert.deepStrictEqual([isSecret("p:hidden"), isSecret("p:plain"), isSecret("p:unset")], [true, false, false]);
    } finally {
      pulumi.runtime.setAllConfig(saved, []);
    }
    assert.throws(() => configSecretCheck({}), /re-check policy-pack\/sdk\.ts/);
  });
});
