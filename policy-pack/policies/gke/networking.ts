// The cluster's network: nodes without external addresses, VPC-native (alias IP) pod and service ranges,
// a dataplane that enforces NetworkPolicy (which the chart's user isolation relies on), and no Service
// able to claim arbitrary external IPs.
// Sources: CIS GKE Benchmark 1.9.0 4.3.1, 5.6.2, 5.6.5; CVE-2020-8554 (GKE security bulletin
// GCP-2020-015); Z2JH docs administrator/security.md#netpol.

import { checkSettings, get, isRecord, isTrue, notFalse, notTrue, resourcePolicy, violation } from "../core";
import { GCP } from "../types";
import { CLUSTER_AND_POOLS, clusterSettings, enforcesNetworkPolicy, pools } from "./shared";

/** CIS GKE 5.6.5. */
export const gkePrivateNodes = resourcePolicy({
  name: "gke-private-nodes",
  description: "Checks that GKE nodes have only internal IP addresses (private nodes).",
  area: "GKE",
  severity: "high",
  remediationSteps:
    "Set `privateClusterConfig.enablePrivateNodes: true` on the Cluster (egress then goes through Cloud NAT) and do not set `networkConfig.enablePrivateNodes: false` on a node pool.",
  sources: ["CIS GKE 1.9.0 5.6.5", "CKV_GCP_25", "GKE hardening guide: private clusters"],
  types: CLUSTER_AND_POOLS,
  check: (props, { type }) => {
    const messages: string[] = [];
    if (type === GCP.cluster) {
      messages.push(
        ...checkSettings(props, [
          { path: "privateClusterConfig.enablePrivateNodes", ok: isTrue, fix: "true", requirement: "GKE nodes must not have external IP addresses" },
        ]),
      );
    }
    for (const { where, pool } of pools(type, props)) {
      messages.push(
        ...checkSettings(pool, [
          { path: "networkConfig.enablePrivateNodes", ok: notFalse, fix: "true (or leave it unset)", requirement: "A node pool must not opt out of private nodes" },
        ], where),
      );
    }
    return messages;
  },
});

/** CIS GKE 4.3.1 / CKV_GCP_12: without an enforcing dataplane, NetworkPolicy objects are ignored. */
export const gkeNetworkPolicyEnforced = resourcePolicy({
  name: "gke-network-policy-enforced",
  description: "Checks that the cluster enforces Kubernetes NetworkPolicy (Dataplane V2 or the Calico add-on).",
  area: "GKE",
  severity: "critical",
  remediationSteps: 'Set `datapathProvider: "ADVANCED_DATAPATH"` (GKE Dataplane V2) on the Cluster; it can only be chosen at creation.',
  sources: ["CIS GKE 1.9.0 4.3.1", "CKV_GCP_12", "Z2JH docs: administrator/security.md#netpol"],
  types: [GCP.cluster],
  check: (props) =>
    enforcesNetworkPolicy(props) === false
      ? [
          violation(
            "The cluster must enforce NetworkPolicy, or the chart's user isolation is silently ignored",
            "datapathProvider",
            '"ADVANCED_DATAPATH"',
            get(props, "datapathProvider"),
          ),
        ]
      : [],
});

/** CIS GKE 5.6.2. */
export const gkeVpcNative = clusterSettings({
  name: "gke-vpc-native",
  description: "Checks that the cluster is VPC-native (alias IP ranges for pods and services).",
  severity: "medium",
  remediationSteps: 'Set `ipAllocationPolicy` with `clusterSecondaryRangeName` and `servicesSecondaryRangeName`, and do not set `networkingMode: "ROUTES"`.',
  sources: ["CIS GKE 1.9.0 5.6.2", "CKV_GCP_23"],
  settings: [
    {
      path: "ipAllocationPolicy",
      ok: isRecord,
      fix: "{ clusterSecondaryRangeName, servicesSecondaryRangeName }",
      requirement: "The cluster must be VPC-native so firewall rules and NetworkPolicy see pod IPs",
    },
    { path: "networkingMode", ok: (v) => v !== "ROUTES", fix: '"VPC_NATIVE"', requirement: "Route-based networking must not be used" },
  ],
});

/** CVE-2020-8554: a Service's externalIPs can intercept other workloads' traffic. */
export const gkeNoServiceExternalIps = clusterSettings({
  name: "gke-no-service-external-ips",
  description: "Checks that Services may not claim external IPs (CVE-2020-8554).",
  severity: "medium",
  remediationSteps: "Set `serviceExternalIpsConfig.enabled: false` on the Cluster, or leave it unset.",
  sources: ["CVE-2020-8554", "GKE security bulletin GCP-2020-015"],
  settings: [
    { path: "serviceExternalIpsConfig.enabled", ok: notTrue, fix: "false", requirement: "Services must not be able to claim arbitrary external IPs" },
  ],
});
