// The contracts between the program and the policy pack.
//
// Shared (policy-pack/contracts/*.ts, imported by both sides): node label and taint names, CIDR
// arithmetic, certificate name matching. The test checks the program really uses the pack's module, not
// a copy that could drift.
//
// Duplicated on purpose, with an agreement check: the keys of the Secret named by `hub.existingSecret`.
// The program writes them (infra/plan/chart/release.ts `hubSecretKeys`, which must mirror the chart's
// `get_secret_value` keys, Z2JH 4.4.0 jupyterhub/files/hub/z2jh.py and jupyterhub_config.py); the pack
// reads chart values and refuses a literal secret at the same `hub.config.<Class>.<trait>` paths
// (jupyterhub-no-literal-secrets). They are different views of one fact, so each side keeps its own and
// this test checks that every key the program keeps in the Secret is one the pack would refuse in values.

import * as assert from "assert";
import * as programCidr from "../../infra/catalog/cidr";
import { hubSecretKeys, oidcClientSecretEnv } from "../../infra/plan/chart";
import * as programHostnames from "../../infra/plan/hostnames";
import * as programLabels from "../../infra/plan/labels";
import * as programSandbox from "../../infra/plan/sandbox";
import * as contractCidr from "../../policy-pack/contracts/cidr";
import * as contractHostnames from "../../policy-pack/contracts/hostnames";
import * as contractLabels from "../../policy-pack/contracts/labels";
import * as contractSandbox from "../../policy-pack/contracts/sandbox";
import { literalSecrets } from "../../policy-pack/policies/jupyterhub/secrets";

/** Chart values with `value` written at the dotted `path`. */
function valuesWith(path: string, value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const keys = path.split(".");
  let node = root;
  for (const key of keys.slice(0, -1)) node = (node[key] = {}) as Record<string, unknown>;
  node[keys[keys.length - 1] as string] = value;
  return root;
}

/** The `hub.config.<Class>.<trait>` Secret keys the pack would not refuse as literal values. */
function secretKeysThePackMisses(keys: readonly string[]): string[] {
  return keys
    .filter((key) => /^hub\.config\.[A-Za-z]+\.[a-z_]+$/.test(key))
    .filter((key) => !literalSecrets(valuesWith(key, "a-literal-secret")).includes(key));
}

describe("program ↔ pack contracts", () => {
  it("the program's labels, CIDR arithmetic and certificate matching are the pack's contract modules, not copies", () => {
    assert.strictEqual(programLabels.nodePurposeLabel, contractLabels.nodePurposeLabel);
    assert.strictEqual(programLabels.dedicatedTaintKey, contractLabels.dedicatedTaintKey);
    assert.strictEqual(programLabels.poolPurpose, contractLabels.poolPurpose);
    assert.strictEqual(programLabels.dedicatedTaint("user").key, contractLabels.dedicatedTaintKey);
    for (const name of ["parseIpv4Cidr", "parseIpv4Range", "contains", "overlaps", "addressCount"] as const) {
      assert.strictEqual(programCidr[name], contractCidr[name], name);
    }
    assert.strictEqual(programCidr.rfc1918, contractCidr.rfc1918);
    assert.strictEqual(programCidr.metadataServer, contractCidr.metadataServer);
    assert.strictEqual(programHostnames.isCoveredByCertificate, contractHostnames.isCoveredByCertificate);
    assert.strictEqual(programHostnames.isLdhLabel, contractHostnames.isLdhLabel);
    // GKE Sandbox's names: the pools and chart values the program writes are what stack-user-sandbox reads.
    for (const name of ["gvisorRuntimeClass", "sandboxNodeKey", "sandboxNodeValue", "gkeSandboxType"] as const) {
      assert.strictEqual(programSandbox[name], contractSandbox[name], name);
    }
    assert.deepStrictEqual(programSandbox.userPoolSandbox({ userSandbox: "gvisor" }), { type: contractSandbox.gkeSandboxType });
  });

  it("every hub.config key the program keeps in the existing Secret is one the pack refuses as a literal value", () => {
    const keys = Object.values(hubSecretKeys);
    // Two of the program's keys are chart traits (cookie secret, auth-state keys); the check must see them.
    assert.deepStrictEqual(keys.filter((k) => k.startsWith("hub.config.")).sort(), ["hub.config.CryptKeeper.keys", "hub.config.JupyterHub.cookie_secret"]);
    assert.deepStrictEqual(secretKeysThePackMisses(keys), []);
  });

  it("the agreement check fails for a Secret key the pack does not know", () => {
    // A hypothetical trait the program might start keeping in the Secret; the pack has no rule for it.
    assert.deepStrictEqual(secretKeysThePackMisses([...Object.values(hubSecretKeys), "hub.config.Example.session_key"]), ["hub.config.Example.session_key"]);
  });

  it("the env var the OIDC client secret reaches the hub through is one the pack refuses as a literal", () => {
    assert.deepStrictEqual(literalSecrets({ hub: { extraEnv: { [oidcClientSecretEnv]: "a-literal-secret" } } }), [`hub.extraEnv.${oidcClientSecretEnv}`]);
    assert.deepStrictEqual(literalSecrets({ hub: { extraEnv: [{ name: oidcClientSecretEnv, value: "a-literal-secret" }] } }), ["hub.extraEnv[0].value"]);
  });
});
