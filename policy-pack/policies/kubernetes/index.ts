// Kubernetes workloads the program declares itself (Pods and the controllers that template them): the
// Pod Security Standards "restricted" profile, which includes "baseline"
// (https://kubernetes.io/docs/concepts/security/pod-security-standards/, Kubernetes 1.33), plus resource
// limits, service-account tokens and pinned images, and the Services and Namespaces it declares.
// Workloads rendered by the JupyterHub chart are covered through its values (../jupyterhub/); the
// namespace/NetworkPolicy rule is a stack policy (../stack/namespaces.ts). One module per concern:
//   baseline.ts    the baseline profile
//   restricted.ts  what restricted adds (capabilities, seccomp, volumes, escalation, non-root)
//   pss.ts         the one list of both profiles' controls, in the pack's order
//   workloads.ts   limits, service-account token, pinned images
//   services.ts    no public load balancer
//   networkPolicies.ts  the program's own NetworkPolicies restrict egress, never to the metadata server
//   namespaces.ts  Pod Security Admission labels
//   shared.ts      pod templates located in their controllers, the pod-policy factory
//
// The list below is the pack's order (../index.ts `allPolicies`), which the README table and the served
// pack follow.

import type { HardeningResourcePolicy } from "../core";
import { k8sNamespacePodSecurity } from "./namespaces";
import { k8sNetworkPolicyMetadataEgress } from "./networkPolicies";
import { pssPolicies } from "./pss";
import { k8sNoPublicLoadBalancer } from "./services";
import { k8sPinnedImages, k8sResourceLimits, k8sServiceAccountToken } from "./workloads";

export const kubernetesPolicies: readonly HardeningResourcePolicy[] = [
  ...pssPolicies,
  k8sResourceLimits,
  k8sServiceAccountToken,
  k8sPinnedImages,
  k8sNoPublicLoadBalancer,
  k8sNetworkPolicyMetadataEgress,
  k8sNamespacePodSecurity,
];
