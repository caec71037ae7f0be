// NetworkPolicies the program declares itself (not rendered by the chart, whose policies the chart-values
// rules cover): each restricts egress and keeps the GKE metadata server out of it. Sources: GKE docs
// "About Workload Identity Federation for GKE" (the metadata server); CIS GKE 1.9.0 5.4.1 and 4.3.2.
//
// One exception, by contract (contracts/packages.ts `packageProxy`): the registry proxy gets its Workload
// Identity token from the metadata server, so its policy (by name and exact podSelector) may admit the
// two addresses GKE's docs give for that, each as a /32 on its one TCP port, and nothing wider. That its
// pods run under a Workload-Identity-bound service account without an API token is checked by
// stack-packages-through-registry, which sees the Deployment and the ServiceAccount.

import { get, isUnknown, resourcePolicy, violation } from "../core";
import { admittedMetadataPaths, noEgressAllowRules } from "../../contracts/chartNetpol";
import { packageProxy, workloadIdentityMetadataRules } from "../../contracts/packages";
import { K8S } from "../types";

/** Whether a value is exactly the JSON of `expected` (same keys, same order-insensitive objects). */
function sameJson(value: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(value) && value.length === expected.length && expected.every((e, i) => sameJson(value[i], e));
  }
  if (expected !== null && typeof expected === "object") {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
    const v = value as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    return keys.length === Object.keys(e).length && Object.keys(e).every((k) => sameJson(v[k], e[k]));
  }
  return value === expected;
}

/**
 * Whether this is the registry proxy's policy and its only ways to the metadata server are the Workload
 * Identity rules, each written exactly: every egress rule that admits any metadata path must equal one of
 * `workloadIdentityMetadataRules` (so 169.254.0.0/16, a port range, no ports, or a node address on 988
 * all still fail).
 */
function isPackageProxyWorkloadIdentity(props: unknown, egress: readonly unknown[]): boolean {
  if (get(props, "metadata.name") !== packageProxy.name) return false;
  if (!sameJson(get(props, "spec.podSelector"), { matchLabels: packageProxy.labels })) return false;
  return egress.every((rule) =>
    admittedMetadataPaths({ egress: [rule] }, noEgressAllowRules).length === 0
    || workloadIdentityMetadataRules.some((allowed) => sameJson(rule, allowed)));
}

/**
 * The program's own NetworkPolicies (those not rendered by the chart) must restrict egress and keep the
 * GKE metadata server out of it, by the same reading of egress rules the chart's policies get
 * (contracts/chartNetpol.ts `admittedMetadataPaths`).
 */
export const k8sNetworkPolicyMetadataEgress = resourcePolicy({
  name: "k8s-network-policy-metadata-egress",
  description: "Checks that every NetworkPolicy the program declares restricts egress and admits no path to the GKE metadata server, but the registry proxy's exact Workload Identity rules.",
  area: "Kubernetes",
  severity: "critical",
  remediationSteps:
    'Set `spec.policyTypes` to include "Egress" and give `spec.egress` only the destinations the pods need, as ipBlocks that exclude 169.254.0.0/16 and port 988.',
  sources: ["GKE docs: About Workload Identity Federation for GKE (GKE metadata server)", "CIS GKE 1.9.0 5.4.1", "CIS GKE 1.9.0 4.3.2"],
  types: [K8S.networkPolicy],
  check: (props) => {
    const types = get(props, "spec.policyTypes");
    const egress = get(props, "spec.egress");
    if (isUnknown(types) || isUnknown(egress)) return [];
    if (!Array.isArray(types) || !types.includes("Egress")) {
      return [violation("NetworkPolicies must restrict egress", "spec.policyTypes", '["Ingress", "Egress"]', types)];
    }
    const rules = Array.isArray(egress) ? egress : [];
    const paths = admittedMetadataPaths({ egress: rules }, noEgressAllowRules);
    return paths.length === 0 || isPackageProxyWorkloadIdentity(props, rules)
      ? []
      : [violation(`Pods must not reach the GKE metadata server (this admits ${paths.map((p) => p.label).join(", ")})`, "spec.egress", "ipBlocks that exclude 169.254.0.0/16 and port 988", egress)];
  },
});
