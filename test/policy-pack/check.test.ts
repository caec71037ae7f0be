// The offline checker: documents it reads, how it applies policy config and enforcement levels the way
// the engine does, how it treats unknowns, secrets and failing policies, and the CLI's output and exit
// codes.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { allPolicies } from "../../policy-pack/policies";
import { resourcePolicy, stackPolicy, type HardeningPolicy } from "../../policy-pack/policies/core";
import { gkePrivateNodes } from "../../policy-pack/policies/gke/networking";
import { gkeNodePoolMaxNodes } from "../../policy-pack/policies/gke/pools";
import { jupyterhubNoLiteralSecrets } from "../../policy-pack/policies/jupyterhub/secrets";
import { ConfigError, DocumentError, exitCode, formatFinding, main, runPolicies, shortResourceName } from "../../policy-pack/tools/check";
import { readDocument } from "../../policy-pack/tools/document";
import { reconcileConfig } from "../../policy-pack/tools/engine";
import { secureStack, TYPES as T } from "./fixtures";
import { assertNoViolation, assertViolation, clone, find, previewDoc, setPath, STACK_URN, UNKNOWN_STRING, urnOf, type FixtureResource } from "./support";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

/** A `pulumi stack export` document of the same resources. */
function exportDoc(resources: readonly FixtureResource[]) {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-11-25T00:00:00Z" },
      resources: [
        { urn: STACK_URN, type: "pulumi:pulumi:Stack", custom: false },
        ...resources.map((r) => ({ urn: urnOf(r.type, r.name), type: r.type, custom: true, id: `${r.name}-id`, parent: STACK_URN, inputs: r.inputs, outputs: r.outputs ?? r.inputs })),
      ],
    },
  };
}

function insecureCluster(): FixtureResource[] {
  const stack = secureStack();
  setPath(find(stack, T.cluster).inputs, "privateClusterConfig.enablePrivateNodes", false);
  return stack;
}

/** Marks a validation function with its resource type, as `validateResourceOfType` does. */
function ofType<F extends object>(type: string, fn: F): F {
  return Object.assign(fn, { __pulumiType: type });
}

/** A cluster policy for engine tests whose validation function is written by hand. */
function clusterTestPolicy(name: string, validate: (args: ResourceValidationArgs, report: ReportViolation) => void): HardeningPolicy {
  const policy = resourcePolicy({
    name,
    description: "Checks nothing; a test double.",
    area: "GKE",
    severity: "low",
    remediationSteps: "None.",
    sources: ["test"],
    types: [T.cluster],
    check: () => [],
  });
  return { ...policy, validateResource: ofType(T.cluster, validate) } as HardeningPolicy;
}

/** A policy that records the arguments the engine gave it. */
function recorder(seen: ResourceValidationArgs[]): HardeningPolicy {
  return clusterTestPolicy("test-recorder", (args) => void seen.push(args));
}

describe("policy:check documents", () => {
  it("reads a preview and a stack export of the same stack to the same findings", async () => {
    const stack = insecureCluster();
    const fromPreview = await runPolicies(previewDoc(stack));
    const fromExport = await runPolicies(exportDoc(stack));
    const summary = (r: typeof fromPreview) => r.findings.map((f) => `${f.level} ${f.policy} ${f.urn}`).sort();
    assert.ok(summary(fromPreview).includes(`mandatory gke-private-nodes ${urnOf(T.cluster, "cluster")}`));
    assert.deepStrictEqual(summary(fromExport), summary(fromPreview));
    assert.strictEqual(fromExport.resourceCount, stack.length + 1);
  });

  it("skips deleted resources and keeps a replacement's new state", () => {
    const urn = urnOf(T.cluster, "c");
    const state = (enablePrivateNodes: boolean) => ({ urn, type: T.cluster, inputs: { privateClusterConfig: { enablePrivateNodes } } });
    const doc = readDocument({
      steps: [
        { op: "delete", urn: urnOf(T.nodePool, "old"), oldState: { urn: urnOf(T.nodePool, "old"), type: T.nodePool } },
        { op: "create-replacement", urn, newState: state(true) },
        { op: "replace", urn, newState: state(true) },
        { op: "delete-replaced", urn, oldState: state(false), newState: state(false) },
      ],
    });
    assert.deepStrictEqual(doc.resources.map((r) => [r.urn, r.inputs]), [[urn, { privateClusterConfig: { enablePrivateNodes: true } }]]);
  });

  it("unwraps secrets the way the engine does before analysis", () => {
    const doc = readDocument({
      version: 3,
      deployment: {
        resources: [
          {
            urn: urnOf(T.release, "hub"),
            type: T.release,
            inputs: {
              values: {
                a: { ...SECRET, value: "plain" },
                b: { ...SECRET, plaintext: JSON.stringify({ nested: true }) },
                c: { ...SECRET, ciphertext: "v1:abc" },
              },
            },
          },
        ],
      },
    });
    assert.deepStrictEqual(doc.resources[0]?.inputs, { values: { a: "plain", b: { nested: true }, c: UNKNOWN_STRING } });
    assert.deepStrictEqual(doc.unreadableSecrets, [`${urnOf(T.release, "hub")} inputs.values.c`]);
  });

  it("still flags a literal secret in chart values when it is a Pulumi secret", async () => {
    const stack = secureStack();
    setPath(find(stack, T.release).inputs, "values.hub.cookieSecret", { ...SECRET, value: "0123abcd" });
    const result = await runPolicies(previewDoc(stack), { policies: [jupyterhubNoLiteralSecrets] });
    assertViolation(result.findings, "jupyterhub-no-literal-secrets", "values.hub.cookieSecret");
  });

  for (const [title, doc, fragment] of [
    ["an array", [], "not a JSON object"],
    ["an unrelated object", { name: "x" }, "pulumi preview --json"],
    ["a step without a type", { steps: [{ op: "create", newState: { urn: "urn:x" } }] }, "has no type"],
    ["a newer export version", { version: 4, deployment: { resources: [] } }, "version 4"],
    ["inputs that are not an object", { steps: [{ op: "create", newState: { urn: "u", type: "t", inputs: [] } }] }, "inputs is not an object"],
  ] as const) {
    it(`rejects ${title}`, async () => {
      await assert.rejects(runPolicies(doc), (e: unknown) => e instanceof DocumentError && e.message.includes(fragment));
    });
  }
});

describe("policy:check config and enforcement levels", () => {
  const levels = async (config: unknown) => {
    const result = await runPolicies(previewDoc(insecureCluster()), { config });
    return new Map(result.findings.filter((f) => f.policy === "gke-private-nodes").map((f) => [f.policy, f.level]));
  };

  it("is mandatory by default", async () => {
    assert.strictEqual((await levels(undefined)).get("gke-private-nodes"), "mandatory");
  });

  it("lowers every policy with all, and a policy's own entry wins over all", async () => {
    assert.strictEqual((await levels({ all: "advisory" })).get("gke-private-nodes"), "advisory");
    assert.strictEqual((await levels({ all: "advisory", "gke-private-nodes": "mandatory" })).get("gke-private-nodes"), "mandatory");
    assert.strictEqual((await levels({ all: { enforcementLevel: "advisory" } })).get("gke-private-nodes"), "advisory");
  });

  it("skips disabled policies and reports remediate as mandatory", async () => {
    assert.strictEqual((await levels({ "gke-private-nodes": "disabled" })).size, 0);
    assert.strictEqual((await levels({ "gke-private-nodes": { enforcementLevel: "remediate" } })).get("gke-private-nodes"), "mandatory");
  });

  it("exits 0 when only advisory policies are violated", async () => {
    assert.strictEqual(exitCode(await runPolicies(previewDoc(insecureCluster()), { config: { all: "advisory" } })), 0);
    assert.strictEqual(exitCode(await runPolicies(previewDoc(insecureCluster()))), 1);
  });

  it("fills schema defaults and merges given properties over them", () => {
    const config = reconcileConfig(allPolicies, "mandatory", { "jupyterhub-culling": { maxIdleTimeoutSeconds: 600 } });
    assert.deepStrictEqual(config.get("gke-node-pool-max-nodes"), { enforcementLevel: "mandatory", properties: { maxNodesPerPool: 500 } });
    assert.deepStrictEqual(config.get("jupyterhub-culling")?.properties, { maxIdleTimeoutSeconds: 600 });
    assert.strictEqual(config.get("gke-secrets-encryption")?.enforcementLevel, "advisory");
  });

  it("applies a threshold override", async () => {
    const stack = secureStack();
    setPath(find(stack, T.nodePool, "cluster-user").inputs, "autoscaling.totalMaxNodeCount", 600);
    const run = (config?: unknown) => runPolicies(previewDoc(stack), { policies: [gkeNodePoolMaxNodes], config });
    assertViolation((await run()).findings, "gke-node-pool-max-nodes", "beyond 500 nodes");
    assertNoViolation((await run({ "gke-node-pool-max-nodes": { maxNodesPerPool: 1000 } })).findings);
  });

  for (const [title, config, fragment] of [
    ["a bad level", { "gke-private-nodes": "warn" }, "not a valid enforcement level"],
    ["a value that is neither level nor object", { "gke-private-nodes": 3 }, "must be a string or object"],
    ["a threshold of the wrong type", { "gke-node-pool-max-nodes": { maxNodesPerPool: "many" } }, "gke-node-pool-max-nodes: /maxNodesPerPool must be integer"],
    ["a threshold out of range", { "edge-backend-timeout": { minTimeoutSeconds: 5 } }, "must be >= 30"],
    ["a list of the wrong shape", { "edge-health-check-path": { allowedHealthChecks: [{ requestPath: "/x" }] } }, "must have required property 'port'"],
    ["not an object", ["all"], "JSON object"],
  ] as const) {
    it(`rejects config with ${title}`, async () => {
      await assert.rejects(runPolicies(previewDoc([]), { config }), (e: unknown) => e instanceof ConfigError && e.message.includes(fragment));
    });
  }

  it("names config keys that are not policies of the pack", async () => {
    const result = await runPolicies(previewDoc([]), { config: { all: "mandatory", "gke-privat-nodes": "advisory" } });
    assert.deepStrictEqual(result.unknownConfigKeys, ["gke-privat-nodes"]);
  });
});

describe("policy:check runs policies as the engine does", () => {
  it("passes inputs, name, options and the provider to resource policies", async () => {
    const seen: ResourceValidationArgs[] = [];
    const providerUrn = urnOf("pulumi:providers:gcp", "gcp");
    const clusterUrn = urnOf(T.cluster, "c");
    await runPolicies(
      {
        steps: [
          { op: "create", urn: providerUrn, newState: { urn: providerUrn, type: "pulumi:providers:gcp", custom: true, inputs: { project: "p" } } },
          { op: "create", urn: clusterUrn, newState: { urn: clusterUrn, type: T.cluster, custom: true, protect: true, provider: `${providerUrn}::abc`, parent: STACK_URN, inputs: { name: "c1" } } },
          { op: "create", urn: urnOf(T.nodePool, "p"), newState: { urn: urnOf(T.nodePool, "p"), type: T.nodePool, inputs: {} } },
        ],
      },
      { policies: [recorder(seen)] },
    );
    // The type filter keeps the node pool (and the provider) away from a cluster-only policy.
    assert.deepStrictEqual(seen.map((a) => a.type), [T.cluster]);
    const args = seen[0] as ResourceValidationArgs;
    assert.deepStrictEqual([args.name, args.urn, args.props.name, args.opts.protect, args.opts.parent], ["c", clusterUrn, "c1", true, STACK_URN]);
    assert.deepStrictEqual([args.provider?.type, args.provider?.props.project], ["pulumi:providers:gcp", "p"]);
  });

  it("reports a read of an unknown value as an advisory 'can't run during preview'", async () => {
    const reading = clusterTestPolicy("test-strict-reader", (args, report) => {
      if (args.props.workloadIdentityConfig.workloadPool === "") report("empty");
    });
    const result = await runPolicies(previewDoc([{ type: T.cluster, name: "c", inputs: { workloadIdentityConfig: { workloadPool: UNKNOWN_STRING } } }]), {
      policies: [reading],
    });
    assert.strictEqual(result.findings.length, 1);
    assert.strictEqual(result.findings[0]?.level, "advisory");
    assert.match(result.findings[0]?.message ?? "", /^can't run policy 'test-strict-reader' from policy pack 'jupyterhub-gke-hardening@v0\.1\.0' during preview: string value at \.workloadIdentityConfig\.workloadPool/);
  });

  it("treats unknown values as not yet known in the pack's own policies", async () => {
    const result = await runPolicies(
      previewDoc([{ type: T.cluster, name: "c", inputs: { privateClusterConfig: UNKNOWN_STRING } }]),
      { policies: [gkePrivateNodes] },
    );
    assertNoViolation(result.findings);
  });

  it("records a policy that throws as a failure, which fails the check", async () => {
    const broken = clusterTestPolicy("test-broken", () => {
      throw new Error("boom");
    });
    const result = await runPolicies(previewDoc([{ type: T.cluster, name: "c", inputs: {} }]), { policies: [broken] });
    assert.deepStrictEqual(result.failures, [{ policy: "test-broken", urn: urnOf(T.cluster, "c"), error: "boom" }]);
    assert.strictEqual(exitCode(result), 1);
  });

  it("gives stack policies outputs when the document has them, inputs otherwise, with parents linked", async () => {
    const seen: StackValidationArgs[] = [];
    const base = stackPolicy({
      name: "test-stack-recorder",
      description: "Checks nothing; records its arguments.",
      area: "Stack",
      severity: "low",
      remediationSteps: "None.",
      sources: ["test"],
      types: [],
      check: () => [],
    });
    const policy = { ...base, validateStack: (args: StackValidationArgs, report: ReportViolation) => { seen.push(args); report("stack-wide"); } } as HardeningPolicy;
    const resources: FixtureResource[] = [
      { type: T.cluster, name: "with-outputs", inputs: { name: "in" }, outputs: { name: "out" } },
      { type: T.cluster, name: "without", inputs: { name: "in" } },
    ];
    const result = await runPolicies(previewDoc(resources), { policies: [policy] });
    const props = new Map(seen[0]?.resources.map((r) => [r.name, r.props.name]));
    assert.deepStrictEqual([props.get("with-outputs"), props.get("without")], ["out", "in"]);
    assert.strictEqual(seen[0]?.resources.find((r) => r.name === "without")?.parent?.urn, STACK_URN);
    // A stack finding without a URN is reported on the stack.
    assert.deepStrictEqual(result.findings.map((f) => f.urn), [STACK_URN]);
  });
});

describe("policy:check CLI", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-check-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
  };
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, (l) => out.push(l), (l) => err.push(l));
    return { code, out, err };
  };

  it("exits 0 on the hardened stack and prints only advisory lines", async () => {
    const { code, out, err } = await cli(write("secure.json", previewDoc(secureStack())));
    assert.strictEqual(code, 0);
    assert.ok(out.length > 0 && out.every((l) => l.startsWith("advisory ")), out.join("\n"));
    // Two for KMS, one for Binary Authorization; the fixture runs GKE Sandbox, so gke-user-node-sandbox is quiet.
    assert.match(err.join("\n"), /0 mandatory and 3 advisory violations/);
  });

  it("prints `<level> <policy> <name> (<kind>): <message>` and exits 1 on a mandatory violation", async () => {
    const { code, out } = await cli(write("insecure.json", previewDoc(insecureCluster())));
    assert.strictEqual(code, 1);
    assert.ok(
      out.includes(
        "mandatory gke-private-nodes cluster (Cluster): GKE nodes must not have external IP addresses: set privateClusterConfig.enablePrivateNodes to true (found: false).",
      ),
      out.join("\n"),
    );
  });

  it("prints the full URN with --urns", async () => {
    const { code, out } = await cli(write("insecure-urns.json", previewDoc(insecureCluster())), "--urns");
    assert.strictEqual(code, 1);
    assert.ok(
      out.includes(
        `mandatory gke-private-nodes ${urnOf(T.cluster, "cluster")}: GKE nodes must not have external IP addresses: set privateClusterConfig.enablePrivateNodes to true (found: false).`,
      ),
      out.join("\n"),
    );
  });

  it("adds the stack config keys that fix a violation when the caller knows them (the pack itself does not)", async () => {
    const out: string[] = [];
    const hint = (policy: string, urn: string) => (policy === "gke-private-nodes" && urn.endsWith("::cluster") ? "someKey" : undefined);
    await main([write("insecure-hint.json", previewDoc(insecureCluster()))], (l) => out.push(l), () => undefined, { fixHint: hint });
    assert.ok(out.includes("mandatory gke-private-nodes cluster (Cluster): GKE nodes must not have external IP addresses: set privateClusterConfig.enablePrivateNodes to true (found: false). (fix with stack config: someKey)"), out.join("\n"));
  });

  it("reads a stack export and a policy config", async () => {
    const config = write("config.json", { all: "advisory" });
    const { code, out } = await cli(write("export.json", exportDoc(insecureCluster())), "--config", config);
    assert.strictEqual(code, 0);
    assert.ok(out.some((l) => l.startsWith("advisory gke-private-nodes ")));
  });

  it("exits 2 with a clear message on unreadable or malformed input", async () => {
    const cases: [string[], RegExp][] = [
      [[path.join(dir, "missing.json")], /cannot read document .*missing\.json/],
      [[write("bad.json", "{ not json")], /bad\.json is not valid JSON/],
      [[write("banner.json", "> jupyterhub-gke@0.1.0 plan\n{}")], /npm run --silent/],
      [[write("other.json", { hello: "world" })], /expected the output of `pulumi preview --json`/],
      [[write("ok.json", previewDoc([])), "--config", write("badconfig.json", { "gke-private-nodes": "sometimes" })], /not a valid enforcement level/],
      [[], /usage: npm run policy:check/],
      [["a.json", "b.json"], /usage/],
      [["--verbose", "a.json"], /Unknown option/],
    ];
    for (const [args, message] of cases) {
      const { code, err } = await cli(...args);
      assert.strictEqual(code, 2, args.join(" "));
      assert.match(err.join("\n"), message);
    }
  });

  it("names a resource by the last part of its URN and its kind, and leaves anything else as it is", () => {
    assert.strictEqual(shortResourceName("urn:pulumi:event::jupyterhub-gke::jupyterhub-gke:cluster:HardenedCluster$gcp:container/nodePool:NodePool::cluster-user"), "cluster-user (NodePool)");
    assert.strictEqual(shortResourceName("urn:pulumi:event::jupyterhub-gke::pulumi:pulumi:Stack::jupyterhub-gke-event"), "jupyterhub-gke-event (Stack)");
    assert.strictEqual(shortResourceName("(stack)"), "(stack)");
  });

  it("formats a multi-line message on one line", () => {
    assert.strictEqual(formatFinding({ level: "advisory", policy: "p", urn: "u", message: "a\n  b" }), "advisory p u: a b");
  });

  it("the fixture document round-trips through JSON unchanged", () => {
    const doc = previewDoc(secureStack());
    assert.deepStrictEqual(clone(doc), doc);
  });
});
