// What pods and nodes authenticate to Google Cloud as: Workload Identity on the cluster, the GKE metadata
// server on every node (so pods never read the node's credentials) and a dedicated node service account.
// Which project roles that account holds is judged across IAM grants by a stack policy
// (../stack/nodeServiceAccount.ts). Sources: CIS GKE Benchmark 1.9.0 5.2.1, 5.2.2, 5.4.1; Google's
// hardening guide (Workload Identity).

import { sameText } from "../core";
import { clusterSettings, nodeConfigSettings } from "./shared";

/** CIS GKE 5.2.2. */
export const gkeWorkloadIdentity = clusterSettings({
  name: "gke-workload-identity",
  description: "Checks that Workload Identity is enabled on the cluster.",
  severity: "high",
  remediationSteps: 'Set `workloadIdentityConfig.workloadPool: "<project>.svc.id.goog"` on the Cluster.',
  sources: ["CIS GKE 1.9.0 5.2.2", "GKE hardening guide: Workload Identity"],
  settings: [
    {
      path: "workloadIdentityConfig.workloadPool",
      ok: (v) => typeof v === "string" && /\.svc\.id\.goog$/.test(v),
      fix: '"<project>.svc.id.goog"',
      requirement: "Workload Identity must be enabled so pods never see node credentials",
    },
  ],
});

/** CIS GKE 5.4.1. */
export const gkeNodeMetadataServer = nodeConfigSettings({
  name: "gke-node-metadata-server",
  description: "Checks that every node pool runs the GKE metadata server (Workload Identity mode).",
  severity: "critical",
  remediationSteps:
    'Set `nodeConfig.workloadMetadataConfig.mode: "GKE_METADATA"` on every node pool (and the Cluster\'s `nodeConfig`, used for the default pool), and never set `metadata["disable-legacy-endpoints"]: "false"`.',
  sources: ["CIS GKE 1.9.0 5.4.1", "CKV_GCP_69", "CIS GKE 1.0 5.4.1 (legacy metadata endpoints)"],
  settings: [
    {
      path: "workloadMetadataConfig.mode",
      ok: (v) => v === "GKE_METADATA",
      fix: '"GKE_METADATA"',
      requirement: "Nodes must run the GKE metadata server so pods cannot read the node's credentials",
    },
    {
      path: ["metadata", "disable-legacy-endpoints"],
      ok: (v) => v === undefined || sameText(v, "true"),
      fix: '"true" (or leave it unset)',
      requirement: "The legacy (v0.1/v1beta1) metadata endpoints must stay disabled",
    },
  ],
});

const DEFAULT_COMPUTE_SA = /-compute@developer\.gserviceaccount\.com$/;

/** CIS GKE 5.2.1; the least-privilege part across IAM grants is `gke-node-service-account-roles`. */
export const gkeNodeServiceAccount = nodeConfigSettings({
  name: "gke-node-service-account",
  description: "Checks that every node pool runs as a dedicated service account, not the Compute Engine default.",
  severity: "high",
  remediationSteps:
    "Create a `serviceaccount.Account` for nodes, grant it only the node roles, and set `nodeConfig.serviceAccount` to its email on every node pool.",
  sources: ["CIS GKE 1.9.0 5.2.1", "CKV2_GCP_1"],
  settings: [
    {
      path: "serviceAccount",
      ok: (v) => typeof v === "string" && v !== "" && v !== "default" && !DEFAULT_COMPUTE_SA.test(v),
      fix: "the email of a dedicated least-privilege service account",
      requirement: "Nodes must not run as the Compute Engine default service account",
    },
  ],
});
