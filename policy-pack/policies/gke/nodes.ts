// What every node boots and exposes: Shielded GKE Nodes with secure boot and integrity monitoring,
// Container-Optimized OS with containerd, and the kubelet's unauthenticated read-only port closed.
// Sources: CIS GKE Benchmark 1.9.0 5.5.1, 5.5.5, 5.5.6, 5.5.7; GKE docs "disable the kubelet read-only
// port"; CIS Kubernetes 4.2.4.

import { checkSettings, get, isTrue, notFalse, resourcePolicy, sameText } from "../core";
import { GCP } from "../types";
import { CLUSTER_AND_POOLS, clusterSettings, nodeConfigs, nodeConfigSettings } from "./shared";

/** CIS GKE 5.5.5. */
export const gkeShieldedNodes = clusterSettings({
  name: "gke-shielded-nodes",
  description: "Checks that Shielded GKE Nodes are not disabled on the cluster.",
  severity: "medium",
  remediationSteps: "Set `enableShieldedNodes: true` on the Cluster (GKE's default).",
  sources: ["CIS GKE 1.9.0 5.5.5", "CKV_GCP_71"],
  settings: [{ path: "enableShieldedNodes", ok: notFalse, fix: "true", requirement: "Shielded GKE Nodes must be enabled" }],
});

/** CIS GKE 5.5.6 and 5.5.7. */
export const gkeNodeSecureBoot = nodeConfigSettings({
  name: "gke-node-secure-boot",
  description: "Checks that every node pool boots Shielded VMs with secure boot and integrity monitoring.",
  severity: "medium",
  remediationSteps: "Set `nodeConfig.shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true }` on every node pool.",
  sources: ["CIS GKE 1.9.0 5.5.6", "CIS GKE 1.9.0 5.5.7", "CKV_GCP_68", "CKV_GCP_72"],
  settings: [
    { path: "shieldedInstanceConfig.enableSecureBoot", ok: isTrue, fix: "true", requirement: "Nodes must use secure boot" },
    { path: "shieldedInstanceConfig.enableIntegrityMonitoring", ok: notFalse, fix: "true", requirement: "Nodes must keep integrity monitoring on" },
  ],
});

/** CIS GKE 5.5.1. */
export const gkeNodeImageCos = nodeConfigSettings({
  name: "gke-node-image-cos",
  description: "Checks that every node pool runs Container-Optimized OS with containerd.",
  severity: "medium",
  remediationSteps: 'Set `nodeConfig.imageType: "COS_CONTAINERD"` (or leave it unset).',
  sources: ["CIS GKE 1.9.0 5.5.1", "CKV_GCP_22"],
  settings: [
    {
      path: "imageType",
      ok: (v) => v === undefined || sameText(v, "COS_CONTAINERD"),
      fix: '"COS_CONTAINERD"',
      requirement: "Nodes must run Container-Optimized OS",
    },
  ],
});

/** Google's GKE hardening guidance: the read-only kubelet port (10255) serves pod data unauthenticated. */
export const gkeNodeKubeletReadonlyPort = resourcePolicy({
  name: "gke-node-kubelet-readonly-port",
  description: "Checks that the kubelet's unauthenticated read-only port (10255) is disabled on every node pool.",
  area: "GKE",
  severity: "medium",
  remediationSteps:
    'Set `nodeConfig.kubeletConfig.insecureKubeletReadonlyPortEnabled: "FALSE"` on every node pool (and do not set "TRUE" in `nodePoolDefaults` or `nodePoolAutoConfig`).',
  sources: ["GKE docs: disable the kubelet read-only port", "CIS Kubernetes 4.2.4"],
  types: CLUSTER_AND_POOLS,
  check: (props, { type }) => {
    // A Cluster's own nodeConfig inherits nodePoolDefaults; NodePool resources must say it themselves.
    const clusterDefault = type === GCP.cluster ? get(props, "nodePoolDefaults.nodeConfigDefaults.insecureKubeletReadonlyPortEnabled") : undefined;
    const messages = nodeConfigs(type, props).flatMap(({ where, config }) =>
      checkSettings(config, [
        {
          path: "kubeletConfig.insecureKubeletReadonlyPortEnabled",
          ok: (v) => sameText(v, "FALSE") || (v === undefined && where === "nodeConfig" && sameText(clusterDefault, "FALSE")),
          fix: '"FALSE"',
          requirement: "The kubelet read-only port must be closed",
        },
      ], where),
    );
    if (type === GCP.cluster) {
      const notOpened = (v: unknown) => !sameText(v, "TRUE");
      messages.push(
        ...checkSettings(props, [
          { path: "nodePoolDefaults.nodeConfigDefaults.insecureKubeletReadonlyPortEnabled", ok: notOpened, fix: '"FALSE"', requirement: "New node pools must not open the kubelet read-only port" },
          { path: "nodePoolAutoConfig.nodeKubeletConfig.insecureKubeletReadonlyPortEnabled", ok: notOpened, fix: '"FALSE"', requirement: "Auto-provisioned nodes must not open the kubelet read-only port" },
        ]),
      );
    }
    return messages;
  },
});
