// Careless one-line changes to the pack's decisive comparisons (docs/testing.md, "Careless changes we
// check") that the cases of policies.test.ts let through: a setting left absent where the provider's or
// GKE's default is the insecure one, or written in another spelling. Each case runs one policy alone on the
// hand-built hardened stack, as policies.test.ts does.

import { itRunsCases } from "./caseRunner";
import { TYPES as T } from "./fixtures";
import { all, set, values, type Case, type Pass } from "./mutations";

const cluster = (path: string | readonly (string | number)[], value: unknown) => set(T.cluster, undefined, path, value);
const userPool = (path: string | readonly (string | number)[], value: unknown) => set(T.nodePool, "cluster-user", path, value);

const CASES: readonly Case[] = [
  // GKE docs, "Shielded GKE Nodes" / gcloud `--shielded-secure-boot`: secure boot is off unless asked for, so
  // an absent enableSecureBoot is an insecure pool (provider: shieldedInstanceConfig.enableSecureBoot
  // "Defaults to false").
  { policy: "gke-node-secure-boot", title: "secure boot absent (the provider's default is false)", mutate: userPool("nodeConfig.shieldedInstanceConfig.enableSecureBoot", undefined), expect: "secure boot" },
  // GKE docs, "Disable the kubelet read-only port": a pool that does not set it takes the cluster's
  // default, which a NodePool resource alone cannot show; GKE versions before 1.32 open the port by default.
  {
    policy: "gke-node-kubelet-readonly-port",
    title: "a pool that leaves the read-only port unset",
    mutate: all(userPool("nodeConfig.kubeletConfig.insecureKubeletReadonlyPortEnabled", undefined)),
    expect: "read-only port",
  },
  {
    policy: "gke-node-kubelet-readonly-port",
    title: "the cluster's default pool unset with no cluster-wide default",
    mutate: all(cluster("nodeConfig.kubeletConfig", undefined), cluster("nodePoolDefaults", undefined)),
    expect: "read-only port",
  },
  // GKE docs, "Protecting cluster metadata": only the value "true" disables the legacy endpoints.
  { policy: "gke-node-metadata-server", title: 'legacy endpoints "FALSE"', mutate: userPool(["nodeConfig", "metadata", "disable-legacy-endpoints"], "FALSE"), expect: "legacy" },
  // GKE docs, "Workload Identity Federation for GKE": the pool is exactly PROJECT_ID.svc.id.goog.
  { policy: "gke-workload-identity", title: "a workload pool with a suffix after .svc.id.goog", mutate: cluster("workloadIdentityConfig.workloadPool", "my-project.svc.id.goog.example.com"), expect: "Workload Identity" },
  // GKE docs, "Restrict anonymous access": without anonymousAuthenticationConfig the mode is ENABLED.
  { policy: "gke-anonymous-auth-limited", title: "anonymousAuthenticationConfig absent (GKE's default ENABLED)", mutate: cluster("anonymousAuthenticationConfig", undefined), expect: "Anonymous" },
  // networkingMode ROUTES with an ipAllocationPolicy still present: the mode alone decides.
  { policy: "gke-vpc-native", title: "ROUTES networking with an IP allocation policy left in", mutate: cluster("networkingMode", "ROUTES"), expect: "Route-based" },
  // The pack's own bound (maxPodPidsLimit, default 32768) at both sides: 32768 passes, 32769 is refused.
  { policy: "gke-user-node-pid-limit", title: "a PID limit of 32769, one past the default bound", mutate: userPool("nodeConfig.kubeletConfig.podPidsLimit", 32_769), expect: "from 1024 to 32768" },
  // Z2JH 4.4.0 values.yaml: hub.networkPolicy.egressAllowRules.cloudMetadataServer defaults to true, so an
  // absent switch lets the hub reach the metadata server.
  { policy: "jupyterhub-metadata-egress", title: "the hub's cloudMetadataServer switch absent (the chart's default is true)", mutate: values("hub.networkPolicy.egressAllowRules.cloudMetadataServer", undefined), expect: "The hub must not reach the metadata server" },
  // Gateway API v1 HTTPRequestRedirectFilter: scheme "http" redirects to plain HTTP again, so the listener
  // still serves users' traffic unencrypted.
  { policy: "edge-http-redirects-only", title: "a redirect to scheme http", mutate: set(T.route, "edge-redirect", ["spec", "rules", 0, "filters", 0, "requestRedirect", "scheme"], "http"), expect: "Plain HTTP must only redirect to HTTPS" },
  // GKE docs, "Configure Gateway resources using Policies" (GCPBackendPolicy logging): logging is off
  // unless enabled, so an absent switch records no Cloud Armor decision.
  { policy: "edge-backend-security-policy", title: "backend logging absent (off by default)", mutate: set(T.backendPolicy, "edge-backend", "spec.default.logging", undefined), expect: "set spec.default.logging.enabled to true" },
];

const PASSES: readonly Pass[] = [
  { policy: "gke-user-node-pid-limit", title: "a PID limit of exactly 32768", mutate: userPool("nodeConfig.kubeletConfig.podPidsLimit", 32_768) },
];

describe("policy pack: settings absent or spelt otherwise, where the default is insecure", () => {
  itRunsCases(CASES, PASSES);
});
