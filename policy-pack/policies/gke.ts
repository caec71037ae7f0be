// GKE cluster and node pool hardening: the automatable items of CIS Google Kubernetes Engine Benchmark
// 1.9.0 section 5 and Google's "Harden your cluster's security" guide
// (https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster).
//
// Inputs are @pulumi/gcp 9.37 `container.Cluster` / `container.NodePool` args (camelCase). Where GKE's
// default is the secure value (legacy ABAC off, client certificates off, auto-repair on…) only an
// explicit insecure value is flagged; where the default is insecure the setting must be present.

import { isWholeInternet } from "./cidr";
import { ALLOWED_MACHINE_TYPES, MAX_NODES_PER_POOL } from "./thresholds";
import {
  checkSettings,
  get,
  isRecord,
  isTrue,
  isUnknown,
  list,
  nonEmptyString,
  notFalse,
  notTrue,
  resourcePolicy,
  sameText,
  Setting,
  UNKNOWN,
  Unknown,
  violation,
  type HardeningResourcePolicy,
  type PolicyText,
} from "./core";
import { GCP } from "./types";
import { runsUserServers } from "./z2jh";

const CLUSTER_AND_POOLS = [GCP.cluster, GCP.nodePool] as const;

// ---------------------------------------------------------------------------------------------------
// Where node settings live
// ---------------------------------------------------------------------------------------------------

export interface NodeConfigAt {
  /** Input path of the node config, for messages. */
  readonly where: string;
  readonly config: unknown;
}

export interface PoolAt {
  readonly where: string;
  readonly pool: unknown;
}

/**
 * The node configs a resource creates nodes from: a NodePool's `nodeConfig`; a Cluster's `nodeConfig`
 * and each inline `nodePools[i].nodeConfig`. The Cluster's `nodeConfig` shapes the default pool, which
 * GKE creates even with `removeDefaultNodePool: true` (and deletes once the cluster is up), so security
 * checks include it; sizing checks pass `includeRemovedDefaultPool: false`.
 */
export function nodeConfigs(type: string, props: Record<string, unknown>, includeRemovedDefaultPool = true): NodeConfigAt[] {
  if (type === GCP.nodePool) return [{ where: "nodeConfig", config: get(props, "nodeConfig") }];
  if (get(props, "enableAutopilot") === true) return [];
  const found: NodeConfigAt[] = [];
  if (includeRemovedDefaultPool || get(props, "removeDefaultNodePool") !== true) {
    found.push({ where: "nodeConfig", config: get(props, "nodeConfig") });
  }
  for (const { where, pool } of pools(type, props)) {
    found.push({ where: `${where}.nodeConfig`, config: get(pool, "nodeConfig") });
  }
  return found;
}

/** The node pools a resource declares: the NodePool itself, or a Cluster's inline `nodePools`. */
export function pools(type: string, props: Record<string, unknown>): PoolAt[] {
  if (type === GCP.nodePool) return [{ where: "", pool: props }];
  const inline = list(get(props, "nodePools"));
  if (inline === UNKNOWN) return [];
  return inline.map((pool, i) => ({ where: `nodePools[${i}]`, pool }));
}

type SettingsSpec = Omit<PolicyText, "area"> & { readonly settings: readonly Setting[] };

function clusterSettings(spec: SettingsSpec): HardeningResourcePolicy {
  return resourcePolicy({ ...spec, area: "GKE", types: [GCP.cluster], check: (props) => checkSettings(props, spec.settings) });
}

function nodeConfigSettings(spec: SettingsSpec): HardeningResourcePolicy {
  return resourcePolicy({
    ...spec,
    area: "GKE",
    types: CLUSTER_AND_POOLS,
    check: (props, { type }) => nodeConfigs(type, props).flatMap(({ where, config }) => checkSettings(config, spec.settings, where)),
  });
}

// ---------------------------------------------------------------------------------------------------
// Control plane and cluster-wide settings
// ---------------------------------------------------------------------------------------------------

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

/** CIS GKE 5.6.3 (authorised networks) and 5.6.4 (DNS-based or private control-plane endpoint). */
export const gkeControlPlaneAccess = resourcePolicy({
  name: "gke-control-plane-access",
  description:
    "Checks that the control plane's public IP endpoint is either disabled or restricted to authorised networks that are not open to the world.",
  area: "GKE",
  severity: "critical",
  remediationSteps:
    "Use the IAM-protected DNS endpoint (`controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic: true`) and either disable the IP endpoint (`controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false`) or set `masterAuthorizedNetworksConfig` with specific `cidrBlocks` (never 0.0.0.0/0) and `gcpPublicCidrsAccessEnabled: false`.",
  sources: ["CIS GKE 1.9.0 5.6.3", "CIS GKE 2.0.0 5.6.4", "CKV_GCP_18", "CKV_GCP_20"],
  types: [GCP.cluster],
  check: (props) => {
    const ipEnabled = get(props, "controlPlaneEndpointsConfig.ipEndpointsConfig.enabled");
    const privateEndpoint = get(props, "privateClusterConfig.enablePrivateEndpoint");
    const authorised = get(props, "masterAuthorizedNetworksConfig");
    if (isUnknown(ipEnabled) || isUnknown(privateEndpoint) || isUnknown(authorised)) return [];
    const messages: string[] = [];
    const publicIpEndpoint = ipEnabled !== false && privateEndpoint !== true;
    if (publicIpEndpoint && !isRecord(authorised)) {
      messages.push(
        violation(
          "The control plane's public IP endpoint must be restricted to authorised networks",
          "masterAuthorizedNetworksConfig",
          "{ cidrBlocks: [<admin CIDRs>], gcpPublicCidrsAccessEnabled: false } (or disable the IP endpoint with controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false)",
          authorised,
        ),
      );
    }
    const blocks = list(get(authorised, "cidrBlocks"));
    if (blocks !== UNKNOWN) {
      blocks.forEach((block, i) => {
        const cidr = get(block, "cidrBlock");
        if (typeof cidr === "string" && isWholeInternet(cidr)) {
          messages.push(
            violation(
              "Authorised networks must not include the whole internet",
              `masterAuthorizedNetworksConfig.cidrBlocks[${i}].cidrBlock`,
              "the specific CIDR of your operators or CI runners",
              cidr,
            ),
          );
        }
      });
    }
    messages.push(
      ...checkSettings(props, [
        {
          path: "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled",
          ok: notTrue,
          fix: "false",
          requirement: "Google Cloud's public IP ranges must not reach the control plane",
        },
      ]),
    );
    return messages;
  },
});

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

/** CIS GKE 5.5.5. */
export const gkeShieldedNodes = clusterSettings({
  name: "gke-shielded-nodes",
  description: "Checks that Shielded GKE Nodes are not disabled on the cluster.",
  severity: "medium",
  remediationSteps: "Set `enableShieldedNodes: true` on the Cluster (GKE's default).",
  sources: ["CIS GKE 1.9.0 5.5.5", "CKV_GCP_71"],
  settings: [{ path: "enableShieldedNodes", ok: notFalse, fix: "true", requirement: "Shielded GKE Nodes must be enabled" }],
});

/** Whether a cluster enforces NetworkPolicy objects; `UNKNOWN` when that is not known yet. */
export function enforcesNetworkPolicy(props: Record<string, unknown>): boolean | Unknown {
  const datapath = get(props, "datapathProvider");
  const enabled = get(props, "networkPolicy.enabled");
  const addonDisabled = get(props, "addonsConfig.networkPolicyConfig.disabled");
  if (datapath === "ADVANCED_DATAPATH") return true;
  if (isUnknown(datapath) || isUnknown(enabled) || isUnknown(addonDisabled)) return UNKNOWN;
  return enabled === true && addonDisabled !== true;
}

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

/** CIS GKE 5.8.3. */
export const gkeNoLegacyAbac = clusterSettings({
  name: "gke-no-legacy-abac",
  description: "Checks that legacy attribute-based access control is disabled.",
  severity: "high",
  remediationSteps: "Set `enableLegacyAbac: false` on the Cluster, or leave it unset.",
  sources: ["CIS GKE 1.9.0 5.8.3", "CKV_GCP_7"],
  settings: [{ path: "enableLegacyAbac", ok: notTrue, fix: "false", requirement: "Legacy ABAC must be off so RBAC alone grants access" }],
});

/** CIS GKE 5.8.1. */
export const gkeNoClientCertificate = clusterSettings({
  name: "gke-no-client-certificate",
  description: "Checks that the cluster does not issue a client certificate.",
  severity: "high",
  remediationSteps: "Set `masterAuth.clientCertificateConfig.issueClientCertificate: false`, or leave `masterAuth` unset.",
  sources: ["CIS GKE 1.9.0 5.8.1", "CKV_GCP_13"],
  settings: [
    {
      path: "masterAuth.clientCertificateConfig.issueClientCertificate",
      ok: notTrue,
      fix: "false",
      requirement: "The cluster must not issue a long-lived client certificate",
    },
  ],
});

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

/** CIS GKE 1.9.0 4.1.x (bindings to system:anonymous and system:authenticated). */
export const gkeNoInsecureRbacBindings = clusterSettings({
  name: "gke-no-insecure-rbac-bindings",
  description: "Checks that the cluster does not allow RBAC bindings to system:anonymous, system:unauthenticated or system:authenticated.",
  severity: "high",
  remediationSteps:
    "Set `rbacBindingConfig.enableInsecureBindingSystemUnauthenticated: false` and `enableInsecureBindingSystemAuthenticated: false`, or leave them unset.",
  sources: ["CIS GKE 1.9.0 4.1.9", "CIS GKE 1.9.0 4.1.10"],
  settings: [
    {
      path: "rbacBindingConfig.enableInsecureBindingSystemUnauthenticated",
      ok: notTrue,
      fix: "false",
      requirement: "Unauthenticated users must not be bindable to roles",
    },
    {
      path: "rbacBindingConfig.enableInsecureBindingSystemAuthenticated",
      ok: notTrue,
      fix: "false",
      requirement: "Every Google account must not be bindable to roles",
    },
  ],
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

/** GKE hardening guide: "Restrict anonymous access to cluster endpoints" (health checks only). */
export const gkeAnonymousAuthLimited = clusterSettings({
  name: "gke-anonymous-auth-limited",
  description: "Checks that anonymous requests to the control plane are limited to health-check endpoints.",
  severity: "medium",
  remediationSteps: 'Set `anonymousAuthenticationConfig.mode: "LIMITED"` on the Cluster (the default is ENABLED).',
  sources: ["GKE docs: restrict anonymous access to cluster endpoints"],
  settings: [
    { path: "anonymousAuthenticationConfig.mode", ok: (v) => v === "LIMITED", fix: '"LIMITED"', requirement: "Anonymous users must reach only the health-check endpoints" },
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

/** CIS GKE 5.3.1: needs a Cloud KMS key the program does not create, so it starts advisory. */
export const gkeSecretsEncryption = clusterSettings({
  name: "gke-secrets-encryption",
  description: "Checks that Kubernetes Secrets are encrypted at the application layer with a Cloud KMS key.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    'Create a Cloud KMS key, grant the GKE service agent `roles/cloudkms.cryptoKeyEncrypterDecrypter`, and set `databaseEncryption: { state: "ENCRYPTED", keyName }`. Advisory by default because the key lives outside this program.',
  sources: ["CIS GKE 1.9.0 5.3.1"],
  settings: [
    { path: "databaseEncryption.state", ok: (v) => v === "ENCRYPTED", fix: '"ENCRYPTED"', requirement: "Secrets must be encrypted with a customer-managed key" },
    { path: "databaseEncryption.keyName", ok: nonEmptyString, fix: "the KMS key's id", requirement: "Secrets encryption needs a KMS key" },
  ],
});

/** CIS GKE 5.1.4 / 5.10.5: needs an attestor policy outside this program, so it starts advisory. */
export const gkeBinaryAuthorization = clusterSettings({
  name: "gke-binary-authorization",
  description: "Checks that Binary Authorization enforces the project's image policy.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    'Write a Binary Authorization policy that allows only your registries and set `binaryAuthorization.evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE"`. Advisory by default because the policy lives outside this program.',
  sources: ["CIS GKE 1.9.0 5.1.4", "CKV_GCP_66"],
  settings: [
    {
      path: "binaryAuthorization.evaluationMode",
      ok: (v) => v === "PROJECT_SINGLETON_POLICY_ENFORCE",
      fix: '"PROJECT_SINGLETON_POLICY_ENFORCE"',
      requirement: "Only approved images must be deployable",
    },
  ],
});

// ---------------------------------------------------------------------------------------------------
// Node settings (Cluster nodeConfig, inline nodePools and NodePool resources)
// ---------------------------------------------------------------------------------------------------

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

/** Shell-style `*` patterns, e.g. "n2-highmem-*". */
export function matchesPattern(value: string, pattern: string): boolean {
  const regex = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return regex.test(value);
}

/** GKE's machine type when `nodeConfig.machineType` is unset. */
export const GKE_DEFAULT_MACHINE_TYPE = "e2-medium";

interface MachineTypeConfig {
  readonly allowedMachineTypes: readonly string[];
}

/** The default of `allowedMachineTypes`: see thresholds.ts for the list and its sources. */
export const DEFAULT_ALLOWED_MACHINE_TYPES: readonly string[] = ALLOWED_MACHINE_TYPES;

/** Cost and blast-radius control: only machine types the program's capacity model sizes (no shared-core E2). */
export const gkeNodeMachineType = resourcePolicy<MachineTypeConfig>({
  name: "gke-node-machine-type",
  description: "Checks that every node pool uses an allowed machine type.",
  area: "GKE",
  severity: "medium",
  remediationSteps:
    "Set `nodeConfig.machineType` to an allowed type, or add the type to this policy's `allowedMachineTypes` config. Shared-core types (e2-medium, the default) attach only 15 disks.",
  sources: ["GCP PD CSI driver pkg/gce-pd-csi-driver/node.go (volumeLimitSmall: 15 disks on shared-core types; https://github.com/kubernetes-sigs/gcp-compute-persistent-disk-csi-driver)"],
  types: CLUSTER_AND_POOLS,
  config: {
    allowedMachineTypes: {
      type: "array",
      items: { type: "string", minLength: 1 },
      description: "Machine types nodes may use; `*` matches any run of characters.",
      default: [...DEFAULT_ALLOWED_MACHINE_TYPES],
    },
  },
  check: (props, { type, config }) =>
    nodeConfigs(type, props, false).flatMap(({ where, config: nodeConfig }) => {
      const found = get(nodeConfig, "machineType");
      if (isUnknown(found)) return [];
      const machineType = typeof found === "string" ? found : GKE_DEFAULT_MACHINE_TYPE;
      if (config.allowedMachineTypes.some((p) => matchesPattern(machineType, p))) return [];
      return [
        violation(
          `Node machine type ${machineType} is not allowed`,
          `${where}.machineType`,
          `one of ${config.allowedMachineTypes.join(", ")}`,
          found,
        ),
      ];
    }),
});

interface MaxNodesConfig {
  readonly maxNodesPerPool: number;
}

/** Zones a pool's per-zone counts multiply by: its nodeLocations, else 3 for a regional location. */
export function poolZones(pool: unknown): number | Unknown {
  const locations = list(get(pool, "nodeLocations"));
  if (locations === UNKNOWN) return UNKNOWN;
  if (locations.length > 0) return locations.length;
  const location = get(pool, "location");
  if (isUnknown(location)) return UNKNOWN;
  return typeof location === "string" && /^[a-z]+-[a-z]+\d+$/.test(location) ? 3 : 1;
}

/** The largest node count a pool can reach, with the input that sets it; `UNKNOWN` if not known yet. */
export function poolMaximum(pool: unknown): { readonly nodes: number; readonly path: string } | Unknown | undefined {
  const total = get(pool, "autoscaling.totalMaxNodeCount");
  const perZone = get(pool, "autoscaling.maxNodeCount");
  const fixed = get(pool, "nodeCount");
  const initial = get(pool, "initialNodeCount");
  if ([total, perZone, fixed, initial].some(isUnknown)) return UNKNOWN;
  if (typeof total === "number") return { nodes: total, path: "autoscaling.totalMaxNodeCount" };
  const zones = poolZones(pool);
  if (zones === UNKNOWN) return UNKNOWN;
  const candidates: { nodes: number; path: string }[] = [];
  if (typeof perZone === "number") candidates.push({ nodes: perZone * zones, path: "autoscaling.maxNodeCount" });
  if (typeof fixed === "number") candidates.push({ nodes: fixed * zones, path: "nodeCount" });
  if (typeof initial === "number") candidates.push({ nodes: initial * zones, path: "initialNodeCount" });
  return candidates.sort((a, b) => b.nodes - a.nodes)[0];
}

/** Bounds what one pool can cost or consume in quota during an event. */
export const gkeNodePoolMaxNodes = resourcePolicy<MaxNodesConfig>({
  name: "gke-node-pool-max-nodes",
  description: "Checks that no node pool can grow beyond the maximum node count.",
  area: "GKE",
  severity: "medium",
  remediationSteps:
    "Lower `autoscaling.totalMaxNodeCount` (or `maxNodeCount` × zones, `nodeCount`), or raise this policy's `maxNodesPerPool` config after checking quota and budget.",
  sources: ["GKE docs: flexible Pod CIDR (the Pod range limits node count; https://cloud.google.com/kubernetes-engine/docs/how-to/flexible-pod-cidr)", "Compute Engine VM pricing (https://cloud.google.com/compute/vm-instance-pricing)"],
  types: CLUSTER_AND_POOLS,
  config: {
    maxNodesPerPool: { type: "integer", minimum: 1, description: "Largest node count any pool may reach, over all its zones.", default: MAX_NODES_PER_POOL },
  },
  check: (props, { type, config }) =>
    pools(type, props).flatMap(({ where, pool }) => {
      const max = poolMaximum(pool);
      if (max === UNKNOWN || max === undefined || max.nodes <= config.maxNodesPerPool) return [];
      return [
        `A node pool must not grow beyond ${config.maxNodesPerPool} nodes: lower ${where === "" ? max.path : `${where}.${max.path}`} so the pool stays at or under ${config.maxNodesPerPool} nodes over all its zones, or raise maxNodesPerPool (found: ${max.nodes} nodes).`,
      ];
    }),
});

interface PidLimitConfig {
  readonly maxPodPidsLimit: number;
}

/** Untrusted users can fork-bomb a node; a per-pod PID limit keeps the damage inside their pod. */
export const gkeUserNodePidLimit = resourcePolicy<PidLimitConfig>({
  name: "gke-user-node-pid-limit",
  description: "Checks that node pools for user pods cap the number of processes per pod.",
  area: "GKE",
  severity: "medium",
  remediationSteps: "Set `nodeConfig.kubeletConfig.podPidsLimit` (e.g. 4096) on the user pool, no higher than `maxPodPidsLimit`.",
  sources: ["Kubernetes docs: process ID limits and reservations", "CIS Kubernetes 4.2.13 (pod PID limits)"],
  types: CLUSTER_AND_POOLS,
  config: {
    maxPodPidsLimit: { type: "integer", minimum: 1024, maximum: 4194304, description: "Largest per-pod PID limit on user nodes.", default: 32768 },
  },
  check: (props, { type, config }) =>
    pools(type, props)
      .filter(({ pool }) => runsUserServers(pool))
      .flatMap(({ where, pool }) =>
        checkSettings(pool, [
          {
            path: "nodeConfig.kubeletConfig.podPidsLimit",
            ok: (v) => typeof v === "number" && v >= 1024 && v <= config.maxPodPidsLimit,
            fix: `a number from 1024 to ${config.maxPodPidsLimit} (e.g. 4096)`,
            requirement: "A user pod must not be able to exhaust the node's process IDs",
          },
        ], where),
      ),
});

/** CIS GKE 5.10.3: gVisor for untrusted code. Advisory: it constrains images and kernels users rely on. */
export const gkeUserNodeSandbox = resourcePolicy({
  name: "gke-user-node-sandbox",
  description: "Checks that node pools for user pods run GKE Sandbox (gVisor).",
  area: "GKE",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    'Set `nodeConfig.sandboxConfig.sandboxType: "gvisor"` on the user pool and give user pods `runtimeClassName: gvisor` (KubeSpawner `extra_pod_config`). Advisory by default: test notebooks and images under gVisor first.',
  sources: ["CIS GKE 1.9.0 5.10.3"],
  types: CLUSTER_AND_POOLS,
  check: (props, { type }) =>
    pools(type, props)
      .filter(({ pool }) => runsUserServers(pool))
      .flatMap(({ where, pool }) =>
        checkSettings(pool, [
          {
            path: "nodeConfig.sandboxConfig.sandboxType",
            ok: (v) => sameText(v, "gvisor"),
            fix: '"gvisor"',
            requirement: "Nodes that run untrusted user code should sandbox it",
          },
        ], where),
      ),
});

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
