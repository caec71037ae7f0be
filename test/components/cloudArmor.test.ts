// SLOW: runs the edge and gateway components under Pulumi's mock runtime.
// Cloud Armor at the edge, the resources: the SecurityPolicy HubEdge declares and the GCPBackendPolicy that
// attaches it, the latter validated against GKE's own CRD schema (@kubernetes-models/gke 4.6.2).

import * as assert from "assert";
import { GCPBackendPolicy } from "@kubernetes-models/gke/networking.gke.io/v1/GCPBackendPolicy";
import { StackConfig } from "../../infra/config/types";
import { gcpBackendPolicyDefaults } from "../../infra/components/gateway";
import { planAll } from "../../infra/plan";
import { runOffline } from "../../infra/tools/offline";
import { declareEdge } from "../support/components";
import { inputs, one } from "../support/resources";
import { loadStackConfig } from "../support/stacks";
import { TYPES } from "../support/types";

describe("Cloud Armor at the edge: the components", function () {
  this.timeout(120_000);

  const declare = (config: StackConfig) =>
    runOffline("event", {}, [], () => {
      declareEdge("event", config);
      return {};
    });
  const securityPolicyType = TYPES.securityPolicy;
  const backendPolicyType = TYPES.backendPolicy;

  it("declare a Cloud Armor backend policy with the plan's rules and layer 7 DDoS detection", async () => {
    const config = loadStackConfig("event");
    const policy = inputs(one(await declare(config), securityPolicyType));
    assert.strictEqual(policy.type, "CLOUD_ARMOR");
    assert.strictEqual(policy.name, "event-hub-armor");
    assert.strictEqual(policy.project, config.platform.project);
    assert.deepStrictEqual(policy.rules, planAll(config).securityPolicy.rules);
    assert.deepStrictEqual(policy.adaptiveProtectionConfig, { layer7DdosDefenseConfig: { enable: true } });
  });

  it("attach it to the proxy's backend with every request logged, in a GCPBackendPolicy GKE's CRD schema accepts", async () => {
    const run = await declare(loadStackConfig("event"));
    const securityPolicy = one(run, securityPolicyType);
    const backendPolicy = one(run, backendPolicyType);
    const manifest = inputs(backendPolicy);
    assert.strictEqual(manifest.spec.default.securityPolicy, inputs(securityPolicy).name);
    assert.deepStrictEqual(manifest.spec.default.logging, { enabled: true, sampleRate: 1_000_000 });
    assert.ok(backendPolicy.dependencies.includes(securityPolicy.urn), "the backend policy waits for the security policy");
    new GCPBackendPolicy(manifest).validate();
  });

  it("make the Gateway depend on the policy, so `pulumi destroy` deletes the load balancer before it", async () => {
    // Cloud Armor refuses to delete a policy a backend service still uses (Cloud Armor docs, "Security
    // policy overview"); GKE removes the backend service with the Gateway.
    const run = await declare(loadStackConfig("event"));
    const gateway = one(run, TYPES.gateway);
    assert.ok(gateway.dependencies.includes(one(run, securityPolicyType).urn));
  });

  it("turn the load balancer's logging off only when the sample rate is 0, and refuse a rate GKE's CRD would not take", () => {
    const base = { backendTimeoutSeconds: 3600, securityPolicyName: "p" };
    assert.deepStrictEqual(gcpBackendPolicyDefaults({ ...base, logSampleRate: 0 }).logging, { enabled: false });
    assert.throws(() => gcpBackendPolicyDefaults({ ...base, logSampleRate: 0.5 }), /whole number from 0 to 1,000,000/);
    // The CRD schema itself refuses a fraction: the same check, by GKE's rules.
    const withFraction = { apiVersion: "networking.gke.io/v1" as const, kind: "GCPBackendPolicy" as const, metadata: { name: "x" }, spec: { default: { logging: { enabled: true, sampleRate: 0.5 } }, targetRef: { group: "", kind: "Service", name: "proxy-public" } } };
    assert.throws(() => new GCPBackendPolicy(withFraction).validate(), /sampleRate must be integer/);
  });
});
