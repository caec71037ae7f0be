// Least privilege for the node service account (area GKE): across the stack's project IAM grants, the
// account the node pools run as holds only the roles nodes need. That nodes use a dedicated account at
// all is ../gke/identity.ts. Sources: CIS GKE Benchmark 1.9.0 5.2.1; Google's hardening guide
// (least-privilege node service account); GKE's image-streaming requirements (Service Usage Consumer).

import { get, isUnknown, list, stackPolicy, UNKNOWN, type StackResource } from "../core";
import { nodeConfigs } from "../gke/shared";
import { GCP } from "../types";
import { ofType } from "./shared";

interface RolesConfig {
  readonly allowedRoles: readonly string[];
}

/** Node service account emails the stack's node pools use (known ones only). */
export function nodeServiceAccounts(resources: readonly StackResource[]): Set<string> {
  const emails = new Set<string>();
  for (const resource of ofType(resources, GCP.cluster, GCP.nodePool)) {
    for (const { config } of nodeConfigs(resource.type, resource.props)) {
      const email = get(config, "serviceAccount");
      if (typeof email === "string" && !isUnknown(email)) emails.add(email.toLowerCase());
    }
  }
  return emails;
}

export const gkeNodeServiceAccountRoles = stackPolicy<RolesConfig>({
  name: "gke-node-service-account-roles",
  description: "Checks that the node service account is granted only the roles nodes need at the project level.",
  area: "GKE",
  severity: "high",
  remediationSteps:
    "Grant the node service account only the logging and monitoring roles nodes need (see `allowedRoles`); grant Artifact Registry read on the repository images come from, never on the project; give workloads their own Workload Identity service accounts instead of widening the node's.",
  sources: ["CIS GKE 1.9.0 5.2.1", "GKE hardening guide: least-privilege node service account"],
  types: [GCP.projectIamMember, GCP.projectIamBinding, GCP.cluster, GCP.nodePool],
  config: {
    allowedRoles: {
      type: "array",
      items: { type: "string", pattern: "^roles/" },
      description: "Project roles the node service account may hold.",
      default: [
        "roles/container.defaultNodeServiceAccount",
        "roles/logging.logWriter",
        "roles/monitoring.metricWriter",
        "roles/monitoring.viewer",
        "roles/stackdriver.resourceMetadata.writer",
        "roles/autoscaling.metricsWriter",
        // Image streaming with a custom node service account (GKE docs, "Use Image streaming to pull
        // container images", requirements): the use of the project's enabled APIs, no data.
        "roles/serviceusage.serviceUsageConsumer",
      ],
    },
  },
  check: function* (resources, { config, notApplicable }) {
    const emails = nodeServiceAccounts(resources);
    if (emails.size === 0) notApplicable("No known node service account in the stack");
    for (const grant of ofType(resources, GCP.projectIamMember, GCP.projectIamBinding)) {
      const role = get(grant.props, "role");
      const members = grant.type === GCP.projectIamMember ? [get(grant.props, "member")] : list(get(grant.props, "members"));
      if (isUnknown(role) || members === UNKNOWN || typeof role !== "string") continue;
      const nodeMember = members.find((m) => typeof m === "string" && !isUnknown(m) && emails.has(m.replace(/^serviceAccount:/i, "").toLowerCase()));
      if (nodeMember !== undefined && !config.allowedRoles.includes(role)) {
        yield {
          urn: grant.urn,
          message: `The node service account must hold only the roles nodes need: grant one of ${config.allowedRoles.join(", ")} instead of ${role} to ${String(nodeMember)} (or add it to allowedRoles).`,
        };
      }
    }
  },
});
