// SLOW: starts the pack's analyzer as the Pulumi CLI does and talks gRPC to it.
// Conformance: the offline checker reports exactly what the real analyzer does. The pack entry
// (policy-pack/index.ts) runs in a child process, as the Pulumi CLI runs it, and this test plays the
// engine over gRPC: Configure with the reconciled config, Analyze for every resource, AnalyzeStack for
// the stack. The findings must equal `runPolicies` on the same document. (Nothing in this process
// constructs a PolicyPack.)

import * as assert from "assert";
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import { allPolicies, PACK_ENFORCEMENT_LEVEL } from "../../policy-pack/policies";
import { runPolicies } from "../../policy-pack/tools/check";
import { readDocument, type ResourceState } from "../../policy-pack/tools/document";
import { reconcileConfig, type Finding } from "../../policy-pack/tools/engine";
import { secureStack, TYPES as T } from "./fixtures";
import { find, previewDoc, setPath } from "./support";

// The engine's side of the analyzer protocol: the SDK's generated gRPC stubs, with their own typings.
import * as grpc from "@grpc/grpc-js";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";

const packDir = path.resolve(__dirname, "../../policy-pack");
/** Properties as the engine sends them: a protobuf Struct of the document's JSON. */
const struct = (properties: Record<string, unknown>) => Struct.fromJavaScript(properties as Record<string, JavaScriptValue>);
const LEVEL_NAMES: Record<number, Finding["level"] | "remediate" | "disabled"> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const LEVEL_CODES = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 } as const;

/** A stack with resource and stack violations at both levels, and a threshold override. */
function insecureStack() {
  const stack = secureStack();
  setPath(find(stack, T.cluster).inputs, "enableLegacyAbac", true);
  setPath(find(stack, T.nodePool, "cluster-user").inputs, "nodeConfig.taints", []);
  setPath(find(stack, T.nodePool, "cluster-user").inputs, "autoscaling.totalMaxNodeCount", 150);
  setPath(find(stack, T.release).inputs, "values.hub.config.JupyterHub.admin_access", true);
  setPath(find(stack, T.release).inputs, "values.cull.timeout", 7200);
  setPath(find(stack, T.certificate).inputs, "managed.domains", ["hub.example.com"]);
  setPath(find(stack, T.deployment).inputs, "spec.template.spec.hostNetwork", true);
  return stack;
}
const CONFIG = { "k8s-pss-host-namespaces": "advisory", "jupyterhub-culling": { maxIdleTimeoutSeconds: 3600 } };

function call<T>(client: any, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](request, (err: Error | null, response: T) => (err ? reject(err) : resolve(response))));
}

function options(state: ResourceState): any {
  const opts = new analyzerPb.AnalyzerResourceOptions();
  opts.setProtect(state.protect);
  if (state.parent) opts.setParent(state.parent);
  return opts;
}

function key(f: Finding): string {
  return `${f.level} ${f.policy} ${f.urn}: ${f.message}`;
}

describe("policy pack: the offline checker matches the real analyzer server", function () {
  this.timeout(120_000);
  let child: ChildProcess;
  let client: any;

  before(async () => {
    child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      let err = "";
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const match = /^(\d+)\s*$/m.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
      child.on("exit", (code) => reject(new Error(`the pack exited with ${code}: ${err}`)));
    });
    client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    child?.kill();
  });

  it("serves every policy of the pack, with its metadata in CrossGuard's own fields", async () => {
    const info: any = await call(client, "getAnalyzerInfo", new Empty());
    assert.deepStrictEqual(info.getPoliciesList().map((p: any) => p.getName()), allPolicies.map((p) => p.name));
    const SEVERITY = ["unspecified", "low", "medium", "high", "critical"];
    const served = info.getPoliciesList().map((p: any) => ({
      name: p.getName(),
      severity: SEVERITY[p.getSeverity()],
      tags: p.getTagsList(),
      remediationSteps: p.getRemediationSteps(),
      url: p.getUrl() || undefined,
      framework: p.getFramework()?.toObject(),
    }));
    const ours = allPolicies.map((p) => ({
      name: p.name,
      severity: p.severity,
      tags: p.tags,
      remediationSteps: p.remediationSteps,
      url: p.url,
      framework: p.framework && { ...p.framework },
    }));
    assert.deepStrictEqual(served, ours);
    // What Pulumi Cloud shows for a CIS recommendation.
    assert.deepStrictEqual(served.find((p: any) => p.name === "gke-no-legacy-abac")?.framework, {
      name: "CIS Google Kubernetes Engine (GKE) Benchmark",
      version: "1.9.0",
      reference: "5.8.3",
      specification: "Checks that legacy attribute-based access control is disabled.",
    });
  });

  it("reports the same violations, levels and messages for every resource and the stack", async () => {
    const doc = previewDoc(insecureStack());
    const states = readDocument(doc).resources;

    // Configure, as the engine does after reconciling the config with the schema defaults.
    const configure = new analyzerPb.ConfigureAnalyzerRequest();
    for (const [name, config] of reconcileConfig(allPolicies, PACK_ENFORCEMENT_LEVEL, CONFIG)) {
      const policyConfig = new analyzerPb.PolicyConfig();
      policyConfig.setEnforcementlevel(LEVEL_CODES[config.enforcementLevel]);
      policyConfig.setProperties(struct({ ...config.properties }));
      configure.getPolicyconfigMap().set(name, policyConfig);
    }
    await call(client, "configure", configure);

    const server: string[] = [];
    const record = (diagnostics: any[], fallbackUrn: string) => {
      for (const d of diagnostics) {
        const message = String(d.getMessage()).split("\n").slice(1).join("\n");
        server.push(key({ level: LEVEL_NAMES[d.getEnforcementlevel()] as Finding["level"], policy: d.getPolicyname(), urn: d.getUrn() || fallbackUrn, message }));
      }
    };
    for (const state of states) {
      const request = new analyzerPb.AnalyzeRequest();
      request.setType(state.type);
      request.setUrn(state.urn);
      request.setName(state.name);
      request.setProperties(struct(state.inputs));
      request.setOptions(options(state));
      record((await call<any>(client, "analyze", request)).getDiagnosticsList(), state.urn);
    }
    const stackRequest = new analyzerPb.AnalyzeStackRequest();
    stackRequest.setResourcesList(
      states.map((state) => {
        const resource = new analyzerPb.AnalyzerResource();
        resource.setType(state.type);
        resource.setUrn(state.urn);
        resource.setName(state.name);
        resource.setProperties(struct(state.outputs ?? state.inputs));
        resource.setOptions(options(state));
        if (state.parent) resource.setParent(state.parent);
        resource.setDependenciesList([...state.dependencies]);
        return resource;
      }),
    );
    record((await call<any>(client, "analyzeStack", stackRequest)).getDiagnosticsList(), states[0]?.urn ?? "");

    const offline = (await runPolicies(doc, { config: CONFIG })).findings.map(key);
    assert.deepStrictEqual([...offline].sort(), [...server].sort());
    // The stack above exercises both kinds and both levels.
    for (const expected of ["mandatory gke-no-legacy-abac", "mandatory stack-user-pods-on-user-nodes", "advisory k8s-pss-host-namespaces", "mandatory jupyterhub-culling"]) {
      assert.ok(offline.some((f) => f.startsWith(expected)), expected);
    }
  });
});
