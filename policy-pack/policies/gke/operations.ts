// Keeping the cluster patched and watched: a release channel, no alpha features, node auto-repair and
// auto-upgrade, Cloud Logging and Monitoring of system components and workloads, and security posture
// scanning. Sources: CIS GKE Benchmark 1.9.0 5.5.2, 5.5.3, 5.5.4, 5.7.1, 5.10.2, 5.10.4.

import { checkSettings, notFalse, notTrue, resourcePolicy } from "../core";
import { CLUSTER_AND_POOLS, clusterSettings, pools } from "./shared";

const RELEASE_CHANNELS = ["RAPID", "REGULAR", "STABLE", "EXTENDED"];

/** CIS GKE 5.5.4. */
export const gkeReleaseChannel = clusterSettings({
  name: "gke-release-channel",
  description: "Checks that the cluster is enrolled in a release channel.",
  severity: "medium",
  remediationSteps: 'Set `releaseChannel.channel` to "REGULAR" or "STABLE".',
  sources: ["CIS GKE 1.9.0 5.5.4", "CKV_GCP_70"],
  settings: [
    {
      path: "releaseChannel.channel",
      ok: (v) => typeof v === "string" && RELEASE_CHANNELS.includes(v),
      fix: '"REGULAR" or "STABLE"',
      requirement: "The cluster must follow a release channel so GKE patches it",
    },
  ],
});

const includesAll = (required: readonly string[]) => (v: unknown) =>
  v === undefined || (Array.isArray(v) && required.every((c) => v.includes(c)));

/** CIS GKE 5.7.1. */
export const gkeLoggingMonitoring = clusterSettings({
  name: "gke-logging-monitoring",
  description: "Checks that Cloud Logging and Cloud Monitoring are on for system components and workloads.",
  severity: "medium",
  remediationSteps:
    'Leave `loggingService`/`monitoringService` unset (or not "none") and set `loggingConfig.enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"]` and `monitoringConfig.enableComponents: ["SYSTEM_COMPONENTS"]` or more.',
  sources: ["CIS GKE 1.9.0 5.7.1", "CKV_GCP_1", "CKV_GCP_8"],
  settings: [
    { path: "loggingService", ok: (v) => v !== "none", fix: '"logging.googleapis.com/kubernetes"', requirement: "Cloud Logging must be on" },
    { path: "monitoringService", ok: (v) => v !== "none", fix: '"monitoring.googleapis.com/kubernetes"', requirement: "Cloud Monitoring must be on" },
    {
      path: "loggingConfig.enableComponents",
      ok: includesAll(["SYSTEM_COMPONENTS", "WORKLOADS"]),
      fix: '["SYSTEM_COMPONENTS", "WORKLOADS"]',
      requirement: "System and workload logs must be collected",
    },
    {
      path: "monitoringConfig.enableComponents",
      ok: includesAll(["SYSTEM_COMPONENTS"]),
      fix: '["SYSTEM_COMPONENTS"] (plus any others)',
      requirement: "System metrics must be collected",
    },
  ],
});

/** CIS GKE 5.10.2. */
export const gkeNoAlphaFeatures = clusterSettings({
  name: "gke-no-alpha-features",
  description: "Checks that Kubernetes alpha features are not enabled on the cluster.",
  severity: "medium",
  remediationSteps: "Set `enableKubernetesAlpha: false`, or leave it unset.",
  sources: ["CIS GKE 1.9.0 5.10.2", "CKV2_GCP_19"],
  settings: [{ path: "enableKubernetesAlpha", ok: notTrue, fix: "false", requirement: "Alpha clusters must not run production workloads" }],
});

/** CIS GKE 1.9.0 5.10.4 (security posture dashboard). */
export const gkeSecurityPosture = clusterSettings({
  name: "gke-security-posture",
  description: "Checks that GKE security posture scanning is not disabled.",
  severity: "low",
  remediationSteps: 'Leave `securityPostureConfig.mode` unset or set it to "BASIC" or "ENTERPRISE".',
  sources: ["CIS GKE 1.9.0 5.10.4"],
  settings: [{ path: "securityPostureConfig.mode", ok: (v) => v !== "DISABLED", fix: '"BASIC"', requirement: "Security posture scanning must stay on" }],
});

/** CIS GKE 5.5.2 and 5.5.3. */
export const gkeNodeAutoRepair = resourcePolicy({
  name: "gke-node-auto-repair",
  description: "Checks that node auto-repair and auto-upgrade are not disabled on any node pool.",
  area: "GKE",
  severity: "medium",
  remediationSteps: "Set `management: { autoRepair: true, autoUpgrade: true }` on every node pool.",
  sources: ["CIS GKE 1.9.0 5.5.2", "CIS GKE 1.9.0 5.5.3", "CKV_GCP_9", "CKV_GCP_10"],
  types: CLUSTER_AND_POOLS,
  check: (props, { type }) =>
    pools(type, props).flatMap(({ where, pool }) =>
      checkSettings(pool, [
        { path: "management.autoRepair", ok: notFalse, fix: "true", requirement: "Unhealthy nodes must be repaired automatically" },
        { path: "management.autoUpgrade", ok: notFalse, fix: "true", requirement: "Nodes must be upgraded automatically with the release channel" },
      ], where),
    ),
});
