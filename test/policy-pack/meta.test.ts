// The pack as a whole: names, descriptions, severities, fixes and config schemas of every policy, the
// pack's files, and that nothing but the pack entry constructs a PolicyPack.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import * as YAML from "yaml";
import { allPolicies, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "../../policy-pack/policies";
import { AREAS, areaOf } from "../../policy-pack/policies/core";
import { AREA_TAGS, PSS_URL } from "../../policy-pack/policies/metadata";

const root = path.resolve(__dirname, "../..");
const packDir = path.join(root, "policy-pack");
const read = (file: string) => fs.readFileSync(file, "utf8");

const AREA_PREFIX: Record<string, string> = { GKE: "gke-", Network: "network-", Edge: "edge-", JupyterHub: "jupyterhub-", Kubernetes: "k8s-", Stack: "stack-" };
const SEVERITIES = ["low", "medium", "high", "critical"];

function duplicates(items: readonly string[]): string[] {
  return items.filter((item, i) => items.indexOf(item) !== i);
}

describe("policy pack: metadata", () => {
  it("names every policy uniquely in kebab-case, with its area's prefix", () => {
    const names = allPolicies.map((p) => p.name);
    assert.deepStrictEqual(duplicates(names), []);
    for (const p of allPolicies) {
      assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)+$/, p.name);
      assert.notStrictEqual(p.name, "all");
      assert.ok(p.name.startsWith(AREA_PREFIX[areaOf(p)] ?? "?"), `${p.name} is in area ${areaOf(p)}`);
    }
  });

  it("describes every policy uniquely, starting with 'Checks'", () => {
    assert.deepStrictEqual(duplicates(allPolicies.map((p) => p.description)), []);
    for (const p of allPolicies) {
      assert.match(p.description, /^Checks [a-z].*\.$/, p.name);
    }
  });

  it("gives every policy a severity, a fix, sources and the types it reads", () => {
    for (const p of allPolicies) {
      assert.ok(SEVERITIES.includes(p.severity), `${p.name}: ${p.severity}`);
      assert.ok(p.remediationSteps.length > 20 && /\b(Set|Use|Keep|Grant|Give|For|Create|Write|Remove|Lower|Leave|Put|Declare)\b/.test(p.remediationSteps), `${p.name}: ${p.remediationSteps}`);
      assert.ok(p.sources.length > 0 && p.sources.every((s) => s.trim() !== ""), p.name);
      assert.ok(p.appliesTo.length > 0 && p.appliesTo.every((t) => /^[a-z]+:[\w./-]+:\w+$/.test(t)), `${p.name}: ${p.appliesTo.join(", ")}`);
      assert.ok(AREAS.includes(areaOf(p)), p.name);
    }
  });

  it("carries its metadata in CrossGuard's fields: the area as the first tag, framework and url from the sources", () => {
    for (const p of allPolicies) {
      assert.ok(!("area" in p), `${p.name} still has a custom area field`);
      assert.strictEqual(p.tags[0], AREA_TAGS[areaOf(p)], p.name);
      const cis = p.sources.filter((s) => /^CIS GKE 1\.9\.0 \d/.test(s)).map((s) => s.replace("CIS GKE 1.9.0 ", ""));
      const pss = p.sources.some((s) => /^Pod Security Standards: (baseline|restricted)/.test(s));
      const firstFramework = p.sources.find((s) => /^CIS GKE 1\.9\.0 \d|^Pod Security Standards: (baseline|restricted)/.test(s));
      if (firstFramework === undefined) {
        assert.strictEqual(p.framework, undefined, p.name);
      } else if (firstFramework.startsWith("CIS")) {
        assert.deepStrictEqual(p.framework, { name: "CIS Google Kubernetes Engine (GKE) Benchmark", version: "1.9.0", reference: cis.join(", "), specification: p.description }, p.name);
        assert.deepStrictEqual(p.tags.slice(1), ["cis-gke"], p.name);
      } else {
        assert.ok(pss && p.framework?.name === "Kubernetes Pod Security Standards" && p.framework.version === "v1.33", p.name);
        assert.ok(p.framework.reference.length > 0 && p.framework.specification === p.description, p.name);
        assert.deepStrictEqual(p.tags.slice(1), ["pod-security-standards"], p.name);
      }
      if (p.url !== undefined) {
        assert.ok(p.sources.some((s) => s.includes(p.url as string)) || (p.url === PSS_URL && pss), `${p.name}: ${p.url}`);
      }
    }
    // The mapping is not vacuous: most of the pack cites a framework, and every PSS check links the standard.
    assert.ok(allPolicies.filter((p) => p.framework !== undefined).length >= 50);
    assert.ok(allPolicies.filter((p) => p.name.startsWith("k8s-pss-")).every((p) => p.url === PSS_URL));
  });

  it("is mandatory by default; only checks that need resources outside the program start advisory", () => {
    assert.strictEqual(PACK_ENFORCEMENT_LEVEL, "mandatory");
    const advisory = allPolicies.filter((p) => p.enforcementLevel !== undefined);
    assert.deepStrictEqual(advisory.map((p) => [p.name, p.enforcementLevel]), [
      ["gke-secrets-encryption", "advisory"],
      ["gke-binary-authorization", "advisory"],
      ["gke-user-node-sandbox", "advisory"],
    ]);
    for (const p of advisory) assert.match(p.remediationSteps, /Advisory by default/, p.name);
  });

  it("gives every threshold a description and a default that satisfies its own schema", () => {
    const ajv = new Ajv({ strict: false });
    const withConfig = allPolicies.filter((p) => p.configSchema !== undefined);
    assert.deepStrictEqual(withConfig.map((p) => p.name).sort(), [
      "edge-backend-timeout",
      "edge-health-check-path",
      "gke-node-machine-type",
      "gke-node-pool-max-nodes",
      "gke-node-service-account-roles",
      "gke-user-node-pid-limit",
      "jupyterhub-admin-access-off",
      "jupyterhub-culling",
      "jupyterhub-extra-config-reviewed",
      "jupyterhub-user-egress",
      "jupyterhub-user-images",
      "k8s-namespace-pod-security",
      "stack-user-sandbox",
    ]);
    for (const p of withConfig) {
      const properties = p.configSchema?.properties ?? {};
      assert.ok(!("enforcementLevel" in properties), p.name);
      for (const [key, schema] of Object.entries(properties)) {
        assert.ok(schema.description && schema.default !== undefined, `${p.name}.${key}`);
        assert.ok(ajv.validate(schema, schema.default), `${p.name}.${key}: ${ajv.errorsText()}`);
      }
    }
  });
});

describe("policy pack: files", () => {
  it("has a versioned package.json pinning the policy SDK and a PulumiPolicy.yaml", () => {
    const pkg = JSON.parse(read(path.join(packDir, "package.json")));
    assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
    assert.strictEqual(pkg.dependencies["@pulumi/policy"], "1.21.0");
    assert.strictEqual(pkg.dependencies["@pulumi/pulumi"], "3.248.0");
    const policyYaml = YAML.parse(read(path.join(packDir, "PulumiPolicy.yaml")));
    assert.strictEqual(policyYaml.runtime, "nodejs");
    assert.match(PACK_NAME, /^[a-zA-Z0-9-_.]{1,100}$/);
  });

  it("no module of the pack reaches outside its folder (npm pack ships only the folder)", () => {
    const escapes: string[] = [];
    const scan = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory() && entry.name !== "node_modules") scan(file);
        else if (entry.name.endsWith(".ts")) {
          for (const [, spec] of read(file).matchAll(/(?:from|require\()\s*"(\.[^"]*)"/g)) {
            const target = path.resolve(path.dirname(file), spec as string);
            if (!target.startsWith(packDir + path.sep)) escapes.push(`${path.relative(root, file)} → ${spec}`);
          }
        }
      }
    };
    scan(packDir);
    assert.deepStrictEqual(escapes, []);
  });

  it("index.ts only assembles the pack from ./policies", () => {
    const source = read(path.join(packDir, "index.ts"));
    const code = source.replace(/^\s*\/\/.*$/gm, "").trim();
    assert.strictEqual(code.match(/new PolicyPack\(/g)?.length, 1);
    assert.match(code, /from "\.\/policies"/);
    assert.match(code, /policies: \[\.\.\.allPolicies\]/);
    assert.deepStrictEqual(code.match(/^import .*$/gm)?.length, 2);
  });

  it("no test or tool imports the pack entry (it would start a policy server)", () => {
    const offenders: string[] = [];
    const scan = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory() && entry.name !== "node_modules") scan(file);
        else if (entry.name.endsWith(".ts") && /from "[./]*policy-pack(\/index)?"|from "\.\.(\/index)?"|require\("[./]*policy-pack(\/index)?"\)/.test(read(file))) offenders.push(path.relative(root, file));
      }
    };
    scan(path.join(root, "test"));
    scan(path.join(packDir, "tools"));
    assert.deepStrictEqual(offenders, []);
  });
});
