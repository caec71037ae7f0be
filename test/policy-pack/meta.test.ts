// The pack as a whole: names, descriptions, severities, fixes and config schemas of every policy, the
// pack's files, and that nothing but the pack entry constructs a PolicyPack.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import * as YAML from "yaml";
import { z2jhProxyBackend } from "../../infra/components/gateway";
import { defaults as programDefaults, limits } from "../../infra/config/parse";
import { machineTypes } from "../../infra/plan/machineTypes";
import { allPolicies, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "../../policy-pack/policies";
import { AREAS } from "../../policy-pack/policies/core";

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
      assert.ok(p.name.startsWith(AREA_PREFIX[p.area] ?? "?"), `${p.name} is in area ${p.area}`);
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
      assert.ok(AREAS.includes(p.area), p.name);
    }
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
      "jupyterhub-user-egress",
      "k8s-namespace-pod-security",
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

describe("policy pack: defaults shared with the program", () => {
  const defaultsOf = (name: string): Record<string, unknown> => {
    const policy = allPolicies.find((p) => p.name === name);
    assert.ok(policy, name);
    return Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).map(([key, schema]) => [key, schema.default]));
  };

  it("bounds what the program's config parser bounds", () => {
    assert.deepStrictEqual(defaultsOf("gke-node-pool-max-nodes"), { maxNodesPerPool: limits.maxNodesPerPool });
    assert.deepStrictEqual(defaultsOf("edge-backend-timeout"), {
      minTimeoutSeconds: limits.backendTimeoutSeconds.min,
      maxTimeoutSeconds: limits.backendTimeoutSeconds.max,
    });
    assert.deepStrictEqual(defaultsOf("jupyterhub-culling"), { maxIdleTimeoutSeconds: limits.cullTimeoutSeconds.max });
  });

  it("allows every machine type the capacity model knows except shared-core ones, and the program's defaults", () => {
    const allowed = defaultsOf("gke-node-machine-type").allowedMachineTypes as string[];
    assert.deepStrictEqual(allowed, [...machineTypes.values()].filter((m) => !m.sharedCore).map((m) => m.name));
    assert.ok(machineTypes.get("e2-medium")?.sharedCore && !allowed.includes("e2-medium"));
    for (const name of [programDefaults.coreMachineType, programDefaults.userMachineType]) assert.ok(allowed.includes(name), name);
  });

  it("accepts the health check the Gateway declares", () => {
    const allowed = defaultsOf("edge-health-check-path").allowedHealthChecks as { requestPath: string; port: number }[];
    assert.deepStrictEqual(allowed[0], { requestPath: z2jhProxyBackend.healthCheckPath, port: z2jhProxyBackend.healthCheckPort });
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
