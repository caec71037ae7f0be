// User pods only land on tainted user nodes that run the GKE metadata server: the chart requires the
// user node purpose, a pool is labelled for users, and every pool that runs user servers is tainted for
// its purpose and runs the metadata server. Sources: Z2JH docs administrator/optimization.md (dedicated
// user nodes); CIS GKE Benchmark 1.9.0 5.4.1; the label and taint are ../../contracts/labels.ts.

import { dedicatedTaintKey, nodePurposeLabel, poolPurpose } from "../../contracts/labels";
import { get, isUnknown, list, show, stackPolicy, UNKNOWN, type StackResource } from "../core";
import { pools } from "../gke/shared";
import { GCP, K8S } from "../types";
import { poolPurposeOf, runsUserServers, USER_TAINT_KEYS, valuesOf } from "../z2jh";
import { jupyterHubReleases, ofType } from "./shared";

/** Whether a pool's taints include Z2JH's dedicated taint for `purpose` with NoSchedule. */
export function hasDedicatedTaint(pool: unknown, purpose: string): boolean | typeof UNKNOWN {
  const taints = list(get(pool, "nodeConfig.taints"));
  if (taints === UNKNOWN) return UNKNOWN;
  return taints.some(
    (t) =>
      USER_TAINT_KEYS.includes(String(get(t, "key"))) &&
      get(t, "value") === purpose &&
      ["NO_SCHEDULE", "NoSchedule"].includes(String(get(t, "effect"))),
  );
}

export const stackUserPodsOnUserNodes = stackPolicy({
  name: "stack-user-pods-on-user-nodes",
  description:
    "Checks that user pods are required onto node pools labelled for users, and that every pool that runs user servers (any node purpose but core) is tainted for its purpose and runs the GKE metadata server.",
  area: "Stack",
  severity: "high",
  remediationSteps:
    `Set \`scheduling.userPods.nodeAffinity.matchNodePurpose: "require"\` in the chart values, and give the user pool \`nodeConfig.labels: { "${nodePurposeLabel}": "${poolPurpose.user}" }\`, \`nodeConfig.taints: [{ key: "${dedicatedTaintKey}", value: "${poolPurpose.user}", effect: "NO_SCHEDULE" }]\` and \`workloadMetadataConfig.mode: "GKE_METADATA"\`.`,
  sources: ["Z2JH docs: administrator/optimization.md (dedicated user nodes)", "CIS GKE 1.9.0 5.4.1"],
  types: [K8S.helmRelease, K8S.helmChart, GCP.cluster, GCP.nodePool],
  check: function* (resources, { notApplicable }) {
    const releases = jupyterHubReleases(resources);
    if (releases.length === 0) notApplicable("No jupyterhub release in the stack");
    for (const release of releases) {
      const match = get(valuesOf(release.props), "scheduling.userPods.nodeAffinity.matchNodePurpose");
      if (!isUnknown(match) && match !== "require") {
        yield {
          urn: release.urn,
          message: `User pods must only be scheduled on user nodes: set values.scheduling.userPods.nodeAffinity.matchNodePurpose to "require" (found: ${show(match)}).`,
        };
      }
    }
    const userPools: { readonly resource: StackResource; readonly where: string; readonly pool: unknown; readonly purpose: string }[] = [];
    let unknownLabels = false;
    for (const resource of ofType(resources, GCP.nodePool, GCP.cluster)) {
      for (const { where, pool } of pools(resource.type, resource.props)) {
        const purpose = poolPurposeOf(pool);
        if (isUnknown(purpose)) unknownLabels = true;
        if (runsUserServers(pool)) userPools.push({ resource, where, pool, purpose: String(purpose) });
      }
    }
    if (!userPools.some((p) => p.purpose === poolPurpose.user) && !unknownLabels) {
      yield {
        urn: releases[0]!.urn,
        message: `User pods need a dedicated node pool: add a NodePool with nodeConfig.labels["${nodePurposeLabel}"] = "${poolPurpose.user}" and the user taint (found: no pool labelled for users).`,
      };
    }
    for (const { resource, where, pool, purpose } of userPools) {
      const at = where === "" ? "nodeConfig" : `${where}.nodeConfig`;
      if (hasDedicatedTaint(pool, purpose) === false) {
        yield {
          urn: resource.urn,
          message: `A node pool for user servers must be tainted so only user pods land there: add { key: "${dedicatedTaintKey}", value: "${purpose}", effect: "NO_SCHEDULE" } to ${at}.taints on ${resource.name} (found: ${show(get(pool, "nodeConfig.taints"))}).`,
        };
      }
      const mode = get(pool, "nodeConfig.workloadMetadataConfig.mode");
      if (!isUnknown(mode) && mode !== "GKE_METADATA") {
        yield {
          urn: resource.urn,
          message: `A node pool for user servers must run the GKE metadata server: set ${at}.workloadMetadataConfig.mode to "GKE_METADATA" on ${resource.name} (found: ${show(mode)}).`,
        };
      }
    }
  },
});
