// The pack's shared readers, message pieces and factories (core.ts) and the CrossGuard metadata each policy
// carries (metadata.ts), by the exact values a user sees: the paths and found values in messages, the
// config defaults a policy falls back to when the engine passes none, the reason a policy gives for
// another resource type, and the framework, URL and tags `pulumi policy publish` uploads.

import * as assert from "assert";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { appendPath, areaOf, get, join, nonEmptyString, pathText, plain, show, UNKNOWN, type HardeningResourcePolicy } from "../../policy-pack/policies/core";
import { frameworkOf, tagsOf, urlOf } from "../../policy-pack/policies/metadata";
import { PROXY_TARGET_KEY } from "../../policy-pack/sdk";
import { policyNamed } from "./caseRunner";
import { UNKNOWN_STRING } from "./support";

describe("policy helpers: paths and found values in messages", () => {
  it("reads the whole object for an empty path, and nothing through null or a string", () => {
    assert.deepStrictEqual(get({ a: 1 }, ""), { a: 1 });
    assert.strictEqual(get({ a: null }, "a.b"), undefined);
    assert.strictEqual(get({ a: "text" }, "a.length"), undefined);
  });

  it("writes array paths with quotes around keys that are not plain words", () => {
    assert.strictEqual(pathText(["metadata", "labels", "pod-security.kubernetes.io/enforce"]), 'metadata.labels."pod-security.kubernetes.io/enforce"');
    assert.strictEqual(pathText(["_private", "$ref", "x1"]), "_private.$ref.x1");
    assert.strictEqual(pathText(["1st", "a-b"]), '"1st"."a-b"');
    assert.strictEqual(pathText("already.dotted"), "already.dotted");
  });

  it("appends indexes, words and quoted keys, and joins prefixes", () => {
    assert.strictEqual(appendPath("spec", [0, "b", "c.d", "e-f"]), 'spec[0].b["c.d"].e-f');
    assert.strictEqual(appendPath("", ["a", 1]), "a[1]");
    assert.strictEqual(join("nodePools[0]", ""), "nodePools[0]");
    assert.strictEqual(join("", "nodeConfig"), "nodeConfig");
    assert.strictEqual(join("nodePools[0]", "nodeConfig"), "nodePools[0].nodeConfig");
  });

  it("shows unknown values as unknown, and cuts found values past 80 characters", () => {
    assert.strictEqual(show(UNKNOWN), "unknown");
    assert.strictEqual(show(UNKNOWN_STRING), "unknown");
    assert.strictEqual(show(undefined), "not set");
    // 78 characters and two quotes: exactly 80, shown whole; one more and it is cut to 77 and "...".
    assert.strictEqual(show("x".repeat(78)), `"${"x".repeat(78)}"`);
    assert.strictEqual(show("x".repeat(79)), `"${"x".repeat(76)}...`);
  });

  it("takes only non-blank strings as non-empty", () => {
    assert.strictEqual(nonEmptyString("  "), false);
    assert.strictEqual(nonEmptyString(" x "), true);
    assert.strictEqual(nonEmptyString(5), false);
  });

  it("reads the plain object behind the engine's proxy, and nothing else", () => {
    assert.deepStrictEqual(plain({ [PROXY_TARGET_KEY]: { a: 1 } }), { a: 1 });
    const notAnObject = { [PROXY_TARGET_KEY]: "text" };
    assert.strictEqual(plain(notAnObject), notAnObject);
    const nullTarget = { [PROXY_TARGET_KEY]: null };
    assert.strictEqual(plain(nullTarget), nullTarget);
    assert.strictEqual(plain(null), null);
    assert.strictEqual(plain(undefined), undefined);
    assert.strictEqual(plain("text"), "text");
  });
});

/** Runs a resource policy's CrossGuard function as the engine would, with the engine's config `given`. */
function validate(policy: HardeningResourcePolicy, type: string, props: Record<string, unknown>, given: object): { messages: string[]; notApplicable: string[] } {
  const messages: string[] = [];
  const notApplicable: string[] = [];
  const args = {
    type,
    name: "subject",
    urn: `urn:pulumi:test::jupyterhub-gke::${type}::subject`,
    props,
    opts: {},
    getConfig: () => given,
    notApplicable: (reason?: string) => {
      notApplicable.push(reason ?? "");
      throw new Error("not applicable");
    },
  } as unknown as ResourceValidationArgs;
  // The pack's factories always give one function (core.ts `resourcePolicy`), never CrossGuard's list form.
  const run = policy.validateResource as (args: ResourceValidationArgs, report: (message: string) => void) => void;
  try {
    run(args, (message) => messages.push(message));
  } catch (e) {
    if (notApplicable.length === 0) throw e;
  }
  return { messages, notApplicable };
}

const userPool = (podPidsLimit: number) => ({ nodeConfig: { labels: { "hub.jupyter.org/node-purpose": "user" }, kubeletConfig: { podPidsLimit } } });

describe("policy factories: what the engine calls", () => {
  it("falls back to the schema's defaults when the engine passes no config (maxPodPidsLimit 32768)", () => {
    const policy = policyNamed("gke-user-node-pid-limit") as HardeningResourcePolicy;
    assert.deepStrictEqual(validate(policy, "gcp:container/nodePool:NodePool", userPool(32_769), {}).messages, [
      "A user pod must not be able to exhaust the node's process IDs: set nodeConfig.kubeletConfig.podPidsLimit to a number from 1024 to 32768 (e.g. 4096) (found: 32769).",
    ]);
    assert.deepStrictEqual(validate(policy, "gcp:container/nodePool:NodePool", userPool(4096), {}).messages, []);
    assert.deepStrictEqual(validate(policy, "gcp:container/nodePool:NodePool", userPool(4096), { maxPodPidsLimit: 2048 }).messages, [
      "A user pod must not be able to exhaust the node's process IDs: set nodeConfig.kubeletConfig.podPidsLimit to a number from 1024 to 2048 (e.g. 4096) (found: 4096).",
    ]);
  });

  it("calls another resource type not applicable, naming the types it checks", () => {
    const policy = policyNamed("gke-node-secure-boot") as HardeningResourcePolicy;
    assert.deepStrictEqual(validate(policy, "gcp:compute/network:Network", {}, {}), {
      messages: [],
      notApplicable: ["Policy only applies to resources of type 'gcp:container/cluster:Cluster', 'gcp:container/nodePool:NodePool'"],
    });
  });

  it("marks a one-type policy with its type (so the server skips others), and only those", () => {
    const marked = (name: string) => (policyNamed(name) as HardeningResourcePolicy).validateResource as unknown as { __pulumiType?: string };
    assert.strictEqual(marked("gke-network-policy-enforced").__pulumiType, "gcp:container/cluster:Cluster");
    assert.strictEqual(marked("gke-node-secure-boot").__pulumiType, undefined);
  });
});

describe("policy metadata: framework, URL and tags", () => {
  it("names a policy without an area tag", () => {
    assert.throws(() => areaOf({ name: "untagged" }), { message: "policy untagged has no area tag first (tags: undefined)" });
    assert.strictEqual(areaOf({ name: "tagged", tags: ["kubernetes", "pod-security-standards"] }), "Kubernetes");
  });

  it("cites CIS GKE 1.9.0 with every recommendation the sources give", () => {
    assert.deepStrictEqual(frameworkOf(["CIS GKE 1.9.0 5.5.6", "CKV_GCP_68", "CIS GKE 1.9.0 5.5.7"], "Checks secure boot."), {
      name: "CIS Google Kubernetes Engine (GKE) Benchmark",
      version: "1.9.0",
      reference: "5.5.6, 5.5.7",
      specification: "Checks secure boot.",
    });
  });

  it("cites the Pod Security Standards v1.33 with each profile and control", () => {
    assert.deepStrictEqual(frameworkOf(["Pod Security Standards: baseline (HostProcess)", "CKV_K8S_1", "Pod Security Standards: restricted"], "Checks HostProcess."), {
      name: "Kubernetes Pod Security Standards",
      version: "v1.33",
      reference: "Baseline: HostProcess, Restricted",
      specification: "Checks HostProcess.",
    });
    assert.strictEqual(frameworkOf(["CKV_K8S_1", "kube-score service-type"], "Checks nothing."), undefined);
  });

  it("takes the first web address as the URL, else the Pod Security Standards page, else none", () => {
    assert.strictEqual(urlOf(["CKV_GCP_1", "GKE docs (https://cloud.google.com/kubernetes-engine/docs/x); more", "https://example.com/second"], undefined), "https://cloud.google.com/kubernetes-engine/docs/x");
    const pss = frameworkOf(["Pod Security Standards: restricted"], "Checks.");
    assert.strictEqual(urlOf(["Pod Security Standards: restricted"], pss), "https://kubernetes.io/docs/concepts/security/pod-security-standards/");
    assert.strictEqual(urlOf(["CIS GKE 1.9.0 5.5.6"], frameworkOf(["CIS GKE 1.9.0 5.5.6"], "Checks.")), undefined);
    assert.strictEqual(urlOf([], undefined), undefined);
  });

  it("tags a policy with its area, then its framework", () => {
    assert.deepStrictEqual(tagsOf("GKE", frameworkOf(["CIS GKE 1.9.0 5.5.6"], "Checks.")), ["gke", "cis-gke"]);
    assert.deepStrictEqual(tagsOf("Kubernetes", frameworkOf(["Pod Security Standards: restricted"], "Checks.")), ["kubernetes", "pod-security-standards"]);
    assert.deepStrictEqual(tagsOf("Stack", undefined), ["stack"]);
  });
});
