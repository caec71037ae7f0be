// Workloads live in a namespace that has a NetworkPolicy (area Kubernetes): every workload and Helm
// release the program declares sits outside default and kube-system, in a namespace with a
// NetworkPolicy of its own or the jupyterhub chart's. Sources: CIS GKE Benchmark 1.9.0 4.3.2; Checkov
// CKV2_K8S_6; kube-score pod-networkpolicy.

import { get, stackPolicy, UNKNOWN, type StackResource } from "../core";
import { HELM_TYPES, K8S, WORKLOAD_TYPES } from "../types";
import { ALWAYS_DEPLOYED_NETWORK_POLICY_OWNERS, releaseNamespace, valuesOf } from "../z2jh";
import { jupyterHubReleases, namespaceOf, ofType } from "./shared";

/** Whether a jupyterhub release installs its NetworkPolicies (all default to enabled). */
function chartInstallsNetworkPolicies(release: StackResource): boolean {
  const values = valuesOf(release.props);
  return ALWAYS_DEPLOYED_NETWORK_POLICY_OWNERS.every((owner) => get(values, `${owner}.networkPolicy.enabled`) !== false);
}

export const k8sNamespaceNetworkPolicy = stackPolicy({
  name: "k8s-namespace-network-policy",
  description: "Checks that every workload and Helm release the program declares lives in a non-default namespace that has a NetworkPolicy.",
  area: "Kubernetes",
  severity: "medium",
  remediationSteps:
    "Give workloads a dedicated Namespace and declare a NetworkPolicy there (default-deny plus the flows needed); the jupyterhub chart provides its own when its network policies are enabled.",
  sources: ["CIS GKE 1.9.0 4.3.2", "CKV2_K8S_6", "kube-score pod-networkpolicy"],
  types: [...WORKLOAD_TYPES, ...HELM_TYPES, K8S.networkPolicy],
  check: function* (resources, { notApplicable }) {
    type Placed = { readonly resource: StackResource; readonly namespace: string | typeof UNKNOWN };
    const workloads: Placed[] = [
      ...resources.filter((r) => WORKLOAD_TYPES.includes(r.type)).map((resource): Placed => ({ resource, namespace: namespaceOf(resource) })),
      ...ofType(resources, ...HELM_TYPES).map((resource): Placed => ({ resource, namespace: releaseNamespace(resource.props) ?? UNKNOWN })),
    ];
    if (workloads.length === 0) notApplicable("No Kubernetes workload in the stack");
    const protectedNamespaces = new Set<string>();
    for (const policy of ofType(resources, K8S.networkPolicy)) {
      const ns = namespaceOf(policy);
      if (ns !== UNKNOWN) protectedNamespaces.add(ns);
    }
    for (const release of jupyterHubReleases(resources)) {
      const ns = releaseNamespace(release.props);
      if (ns !== undefined && chartInstallsNetworkPolicies(release)) protectedNamespaces.add(ns);
    }
    for (const { resource, namespace } of workloads) {
      if (namespace === UNKNOWN) continue;
      if (namespace === "default" || namespace === "kube-system") {
        yield { urn: resource.urn, message: `Workloads must live in a dedicated namespace: set the namespace of ${resource.name} to one the program creates (found: ${namespace}).` };
      } else if (!protectedNamespaces.has(namespace)) {
        yield { urn: resource.urn, message: `Namespace ${namespace} must have a NetworkPolicy: declare one there for ${resource.name} (found: none).` };
      }
    }
  },
});
