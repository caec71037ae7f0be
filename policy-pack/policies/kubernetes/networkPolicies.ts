// NetworkPolicies the program declares itself (not rendered by the chart, whose policies the chart-values
// rules cover): each restricts egress and keeps the GKE metadata server out of it. Sources: GKE docs
// "About Workload Identity Federation for GKE" (the metadata server); CIS GKE 1.9.0 5.4.1 and 4.3.2.

import { get, isUnknown, resourcePolicy, violation } from "../core";
import { admittedMetadataPaths, noEgressAllowRules } from "../../contracts/chartNetpol";
import { K8S } from "../types";

/**
 * The program's own NetworkPolicies (those not rendered by the chart) must restrict egress and keep the
 * GKE metadata server out of it, by the same reading of egress rules the chart's policies get
 * (contracts/chartNetpol.ts `admittedMetadataPaths`).
 */
export const k8sNetworkPolicyMetadataEgress = resourcePolicy({
  name: "k8s-network-policy-metadata-egress",
  description: "Checks that every NetworkPolicy the program declares restricts egress and admits no path to the GKE metadata server.",
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
    const paths = admittedMetadataPaths({ egress: Array.isArray(egress) ? egress : [] }, noEgressAllowRules);
    return paths.length === 0
      ? []
      : [violation(`Pods must not reach the GKE metadata server (this admits ${paths.map((p) => p.label).join(", ")})`, "spec.egress", "ipBlocks that exclude 169.254.0.0/16 and port 988", egress)];
  },
});
