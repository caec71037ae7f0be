// The chart's NetworkPolicies are only as good as the dataplane that enforces them: every GKE cluster in
// a stack with a jupyterhub release must enforce NetworkPolicy (Dataplane V2). Sources: Z2JH docs
// administrator/security.md#netpol; CIS GKE Benchmark 1.9.0 4.3.1.

import { get, show, stackPolicy } from "../core";
import { enforcesNetworkPolicy } from "../gke/shared";
import { GCP, K8S } from "../types";
import { jupyterHubReleases, ofType } from "./shared";

export const stackNetworkPolicyEnforced = stackPolicy({
  name: "stack-network-policy-enforced",
  description: "Checks that every cluster the JupyterHub release's isolation relies on enforces NetworkPolicy.",
  area: "Stack",
  severity: "critical",
  remediationSteps:
    'Set `datapathProvider: "ADVANCED_DATAPATH"` on the Cluster. Without an enforcing dataplane the chart\'s NetworkPolicies (user isolation, metadata blocking with `blockWithIptables: false`) are silently ignored.',
  sources: ["Z2JH docs: administrator/security.md#netpol", "CIS GKE 1.9.0 4.3.1"],
  types: [K8S.helmRelease, K8S.helmChart, GCP.cluster],
  check: function* (resources, { notApplicable }) {
    const releases = jupyterHubReleases(resources);
    const clusters = ofType(resources, GCP.cluster);
    if (releases.length === 0 || clusters.length === 0) notApplicable("Needs a jupyterhub release and a GKE cluster in the stack");
    for (const cluster of clusters) {
      if (enforcesNetworkPolicy(cluster.props) !== false) continue;
      for (const release of releases) {
        yield {
          urn: release.urn,
          message: `The chart's NetworkPolicies are trusted only when the cluster enforces them: set datapathProvider to "ADVANCED_DATAPATH" on ${cluster.name} (found: ${show(get(cluster.props, "datapathProvider"))}).`,
        };
      }
    }
  },
});
