// GKE cluster and node pool hardening: the automatable items of CIS Google Kubernetes Engine Benchmark
// 1.9.0 section 5 and Google's "Harden your cluster's security" guide
// (https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster), one module per concern:
//   controlPlane.ts  endpoint access, authentication, authorisation, admission, Secrets at rest
//   networking.ts    private nodes, VPC-native ranges, NetworkPolicy enforcement, Service external IPs
//   identity.ts      Workload Identity, the GKE metadata server, the node service account
//   nodes.ts         Shielded Nodes, secure boot, Container-Optimized OS, the kubelet read-only port
//   operations.ts    release channel, alpha features, auto-repair/upgrade, logging, security posture
//   pools.ts         machine types, pool size, and what pools for user servers add
//   shared.ts        where node settings live, and the settings-table factories
// The GKE area's stack policy (gke-node-service-account-roles) is ../stack/nodeServiceAccount.ts.
//
// Inputs are @pulumi/gcp 9.37 `container.Cluster` / `container.NodePool` args (camelCase). Where GKE's
// default is the secure value (legacy ABAC off, client certificates off, auto-repair on…) only an
// explicit insecure value is flagged; where the default is insecure the setting must be present.
//
// The list below is the pack's order (../index.ts `allPolicies`), which the README table and the served
// pack follow; it is not the order of the modules.

import type { HardeningResourcePolicy } from "../core";
import {
  gkeAnonymousAuthLimited,
  gkeBinaryAuthorization,
  gkeControlPlaneAccess,
  gkeNoClientCertificate,
  gkeNoInsecureRbacBindings,
  gkeNoLegacyAbac,
  gkeSecretsEncryption,
} from "./controlPlane";
import { gkeNodeMetadataServer, gkeNodeServiceAccount, gkeWorkloadIdentity } from "./identity";
import { gkeNetworkPolicyEnforced, gkeNoServiceExternalIps, gkePrivateNodes, gkeVpcNative } from "./networking";
import { gkeNodeImageCos, gkeNodeKubeletReadonlyPort, gkeNodeSecureBoot, gkeShieldedNodes } from "./nodes";
import { gkeLoggingMonitoring, gkeNoAlphaFeatures, gkeNodeAutoRepair, gkeReleaseChannel, gkeSecurityPosture } from "./operations";
import { gkeNodeMachineType, gkeNodePoolMaxNodes, gkeUserNodePidLimit, gkeUserNodeSandbox } from "./pools";

export const gkePolicies: readonly HardeningResourcePolicy[] = [
  gkePrivateNodes,
  gkeControlPlaneAccess,
  gkeWorkloadIdentity,
  gkeNetworkPolicyEnforced,
  gkeShieldedNodes,
  gkeNoLegacyAbac,
  gkeNoClientCertificate,
  gkeReleaseChannel,
  gkeLoggingMonitoring,
  gkeNoAlphaFeatures,
  gkeVpcNative,
  gkeNoInsecureRbacBindings,
  gkeSecurityPosture,
  gkeAnonymousAuthLimited,
  gkeNoServiceExternalIps,
  gkeNodeMetadataServer,
  gkeNodeSecureBoot,
  gkeNodeServiceAccount,
  gkeNodeImageCos,
  gkeNodeKubeletReadonlyPort,
  gkeNodeAutoRepair,
  gkeNodeMachineType,
  gkeNodePoolMaxNodes,
  gkeUserNodePidLimit,
  gkeSecretsEncryption,
  gkeBinaryAuthorization,
  gkeUserNodeSandbox,
];
