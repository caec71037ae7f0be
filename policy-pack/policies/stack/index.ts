// Rules that span resources. A stack policy sees every resource of the stack at the end of a preview or
// update (their outputs in a real run; the offline checker approximates them with inputs when a
// preview has no outputs yet). One module per rule, named for what it ties together; each policy keeps
// the area it reports under:
//   dataplane.ts           Stack       the chart's NetworkPolicies need an enforcing dataplane
//   hostnames.ts           Stack       every served hostname has a certificate, map entry and DNS record
//   userNodes.ts           Stack       user pods only on tainted user nodes with the metadata server
//   userSandbox.ts         Stack       GKE Sandbox for every user pool and pod once the stack uses it
//   nodeServiceAccount.ts  GKE         the node service account's project roles
//   packages.ts            Stack       packages and the user image only through Artifact Registry
//   gateway.ts             Edge        backend policies, HTTPS-only routes, the Gateway's SSL policy
//   cloudArmor.ts          Edge        a logged Cloud Armor policy on every backend
//   namespaces.ts          Kubernetes  every workload's namespace has a NetworkPolicy
//   shared.ts                          resource selection and namespace helpers
//
// The list below is the pack's order (../index.ts `allPolicies`), which the docs/policies.md table and the served
// pack follow.

import type { HardeningStackPolicy } from "../core";
import { edgeBackendSecurityPolicy } from "./cloudArmor";
import { stackNetworkPolicyEnforced } from "./dataplane";
import { edgeBackendPoliciesAttached, edgeGatewaySslPolicy, edgeHttpRedirectsOnly } from "./gateway";
import { stackHostnamesCovered } from "./hostnames";
import { k8sNamespaceNetworkPolicy } from "./namespaces";
import { gkeNodeServiceAccountRoles } from "./nodeServiceAccount";
import { stackPackagesThroughRegistry } from "./packages";
import { stackUserPodsOnUserNodes } from "./userNodes";
import { stackUserSandbox } from "./userSandbox";

export const stackPolicies: readonly HardeningStackPolicy[] = [
  stackNetworkPolicyEnforced,
  stackHostnamesCovered,
  stackUserPodsOnUserNodes,
  stackPackagesThroughRegistry,
  stackUserSandbox,
  gkeNodeServiceAccountRoles,
  edgeBackendPoliciesAttached,
  edgeBackendSecurityPolicy,
  edgeGatewaySslPolicy,
  edgeHttpRedirectsOnly,
  k8sNamespaceNetworkPolicy,
];
