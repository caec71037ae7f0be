import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import * as YAML from "yaml";
import { parseConfig, RawConfig } from "../../infra/config/parse";
import { projectName } from "../../infra/config/read";
import { configSchema, oidcClientSecretKey } from "../../infra/config/schema";
import { declaredKeys, extractPulumiYamlTail, pulumiConfigBlock, pulumiYamlPath, pulumiYamlTail } from "../../infra/tools/configDocs";
import { stacksDir } from "../../infra/tools/stackFile";
import { stackNames } from "../support/stacks";
import { Declaration, mergeProjectConfig, projectConfigErrors, satisfiesType, stackValues } from "../support/pulumiProject";

// Pulumi.yaml's `config:` block declares every key Pulumi can type, with its description and default; it
// is generated from the config schema (`npm run --silent config:pulumi`). The CLI validates the file
// against its project schema and applies the block to every stack before the program runs, so the tests
// check the block against Pulumi's own schema (test/fixtures/pulumi-3.248.0) and the CLI's rules
// (test/support/pulumiProject.ts), and that Pulumi's defaults change nothing the program reads.

const fixtureDir = path.resolve(__dirname, "../fixtures/pulumi-3.248.0");
const projectSchemaPath = path.join(fixtureDir, "project.json");
const projectText = fs.readFileSync(pulumiYamlPath, "utf8");
const project = YAML.parse(projectText);
const block: Record<string, Declaration> = project.config;

describe("Pulumi.yaml config block", () => {
  it("is the block generated from the schema", () => {
    assert.strictEqual(extractPulumiYamlTail(projectText), pulumiYamlTail(), "Pulumi.yaml is stale: run `npm run --silent config:pulumi -- --write`");
    assert.deepStrictEqual(block, JSON.parse(JSON.stringify(pulumiConfigBlock())));
  });

  it("keeps the project's other settings, stackConfigDir included", () => {
    assert.strictEqual(project.name, projectName);
    assert.strictEqual(project.stackConfigDir, "stacks");
    assert.strictEqual(project.main, "infra/");
  });

  it("passes Pulumi's own project schema (v3.248.0, as recorded)", () => {
    const sha = createHash("sha256").update(fs.readFileSync(projectSchemaPath)).digest("hex");
    assert.strictEqual(sha, "5b94a585884f9f175480ab771fb34af4e859d97deb8a09c124fd196ae301ab46");
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(fs.readFileSync(projectSchemaPath, "utf8")));
    assert.ok(validate(project), JSON.stringify(validate.errors, null, 2));
    // Pulumi has no `number` config type, and a declaration takes no other fields.
    const withConfig = (config: unknown) => ({ ...YAML.parse(projectText), config });
    assert.ok(!validate(withConfig({ userCpuLimit: { type: "number", default: 1 } })));
    assert.ok(!validate(withConfig({ peakUsers: { type: "integer", minimum: 1 } })));
  });

  it("passes the rules the CLI adds to the schema (namespaces, array items, defaults of the declared type)", () => {
    assert.deepStrictEqual(projectConfigErrors(projectName, block), []);
  });

  it("declares every key of the project's namespace that has a default or is required, and only those", () => {
    const { declared, outsideProject, optional } = declaredKeys();
    assert.deepStrictEqual(Object.keys(block), declared);
    assert.deepStrictEqual(outsideProject, ["gcp:project", "gcp:region"]);
    assert.deepStrictEqual(optional, ["dnsZone", "activeServerLimit", "concurrentSpawnLimit", "packageIndexUrl", "condaChannelUrl", "billingAccount", "gpuProfile"]);
    assert.deepStrictEqual(block.oidcClientSecret, {
      type: "string", secret: true, description: block.oidcClientSecret.description,
    });
    assert.strictEqual(block.peakUsers.type, "integer");
    assert.strictEqual(block.peakUsers.default, undefined);
    assert.deepStrictEqual(block.oidcScopes.items, { type: "string" });
    assert.deepStrictEqual(block.daemonSetOverhead.default, configSchema.daemonSetOverhead.default);
  });

  describe("the CLI's checks, modelled, can fail", () => {
    const cases: [string, Record<string, Declaration>][] = [
      ["a typed key of another namespace", { "gcp:region": { type: "string", value: "europe-west1" } }],
      ["a default for another namespace", { "gcp:region": { default: "europe-west1" } }],
      ["an array without items", { zones: { type: "array", default: [] } }],
      ["a fractional default typed integer", { userCpuLimit: { type: "integer", default: 0.5 } }],
      ["auto typed integer", { userPoolMaxPodsPerNode: { type: "integer", default: "auto" } }],
    ];
    for (const [what, bad] of cases) {
      it(`refuses ${what}`, () => assert.notDeepStrictEqual(projectConfigErrors(projectName, bad), []));
    }
    it("accepts integers as the YAML of a stack gives them", () => {
      assert.ok(satisfiesType("integer", undefined, "43200") && satisfiesType("integer", undefined, 4));
      assert.ok(!satisfiesType("integer", undefined, "0.25"));
    });
  });

  for (const stack of stackNames) {
    describe(`applied by the CLI to the ${stack} stack`, () => {
      const file = YAML.parse(fs.readFileSync(path.join(stacksDir, `Pulumi.${stack}.yaml`), "utf8"));
      const values = stackValues(projectName, file.config);

      it("asks only for the secret the stack sets with `pulumi config set --secret`", () => {
        assert.deepStrictEqual(mergeProjectConfig(projectName, stack, block, values).errors, [
          `Stack '${stack}' is missing configuration value '${oidcClientSecretKey}'`,
        ]);
      });

      const withSecret = new Map(values).set(`${projectName}:${oidcClientSecretKey}`, { text: "ciphertext", object: false, secure: true });

      it("finds every stack value of its declared type", () => {
        assert.deepStrictEqual(mergeProjectConfig(projectName, stack, block, withSecret).errors, []);
      });

      it("refuses the secret in plain text", () => {
        const plain = new Map(values).set(`${projectName}:${oidcClientSecretKey}`, { text: "s3cret", object: false, secure: false });
        assert.match(mergeProjectConfig(projectName, stack, block, plain).errors.join("\n"), /must be encrypted as it's secret/);
      });

      it("gives the program the same typed config with Pulumi's defaults filled in as without", () => {
        const raw = (m: ReadonlyMap<string, { text: string }>): RawConfig => Object.fromEntries(
          [...m].map(([k, v]) => [k.startsWith(`${projectName}:`) ? k.slice(projectName.length + 1) : k, v.text]),
        );
        const { merged } = mergeProjectConfig(projectName, stack, block, withSecret);
        assert.ok(merged.size > withSecret.size, "Pulumi fills in the keys the stack leaves out");
        assert.deepStrictEqual(parseConfig(raw(merged)), parseConfig(raw(withSecret)));
      });
    });
  }
});
