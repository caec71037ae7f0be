// The hardening settings the program makes, each with an insecure value, for the mutation test
// (program.test.ts): flipping any of them in the offline plan must be caught by a mandatory policy.

import { getPath, setPath, clone, type PathLike } from "./support";

export interface PlanStep {
  urn: string;
  newState: { type: string; urn: string; inputs: Record<string, unknown> };
}
export type Plan = { readonly steps: readonly PlanStep[] };

/** A hardening setting the program makes, and the insecure value that must not get through. */
export interface Flip {
  readonly type: string;
  /** Matches the resource name (the URN's last part); all resources of the type when absent. */
  readonly name?: RegExp;
  readonly path: PathLike;
  readonly insecure: unknown;
  /** The secure state is the setting's absence (a secret the chart generates, say). */
  readonly secureWhenAbsent?: true;
}

const CLUSTER = "gcp:container/cluster:Cluster";
const POOL = "gcp:container/nodePool:NodePool";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const USER_POOL = /-user$/;

/** Chart values of the JupyterHub release. */
const values = (path: string | readonly string[], insecure: unknown, secureWhenAbsent?: true): Flip => ({
  type: RELEASE,
  path: typeof path === "string" ? `values.${path}` : ["values", ...path],
  insecure,
  ...(secureWhenAbsent ? { secureWhenAbsent } : {}),
});

/** Every hardening setting the program makes (infra/components), with an insecure value for it. */
export const FLIPS: readonly Flip[] = [
  // Cluster: control plane
  { type: CLUSTER, path: "privateClusterConfig.enablePrivateNodes", insecure: false },
  { type: CLUSTER, path: "masterAuthorizedNetworksConfig", insecure: undefined },
  { type: CLUSTER, path: "masterAuthorizedNetworksConfig.cidrBlocks", insecure: [{ cidrBlock: "0.0.0.0/0", displayName: "anyone" }] },
  { type: CLUSTER, path: "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", insecure: true },
  { type: CLUSTER, path: "workloadIdentityConfig.workloadPool", insecure: "" },
  { type: CLUSTER, path: "datapathProvider", insecure: "LEGACY_DATAPATH" },
  { type: CLUSTER, path: "enableShieldedNodes", insecure: false },
  { type: CLUSTER, path: "releaseChannel.channel", insecure: "UNSPECIFIED" },
  { type: CLUSTER, path: "enableLegacyAbac", insecure: true },
  { type: CLUSTER, path: "masterAuth.clientCertificateConfig.issueClientCertificate", insecure: true },
  { type: CLUSTER, path: "loggingConfig.enableComponents", insecure: ["SYSTEM_COMPONENTS"] },
  { type: CLUSTER, path: "monitoringConfig.enableComponents", insecure: [] },
  { type: CLUSTER, path: "enableKubernetesAlpha", insecure: true },
  { type: CLUSTER, path: "ipAllocationPolicy", insecure: undefined },
  { type: CLUSTER, path: "networkingMode", insecure: "ROUTES" },
  { type: CLUSTER, path: "rbacBindingConfig.enableInsecureBindingSystemAuthenticated", insecure: true },
  { type: CLUSTER, path: "rbacBindingConfig.enableInsecureBindingSystemUnauthenticated", insecure: true },
  { type: CLUSTER, path: "securityPostureConfig.mode", insecure: "DISABLED" },
  { type: CLUSTER, path: "anonymousAuthenticationConfig.mode", insecure: "ENABLED" },
  { type: CLUSTER, path: "serviceExternalIpsConfig.enabled", insecure: true },
  { type: CLUSTER, path: "nodePoolDefaults.nodeConfigDefaults.insecureKubeletReadonlyPortEnabled", insecure: "TRUE" },
  { type: CLUSTER, path: "removeDefaultNodePool", insecure: false },
  // Cluster: the default pool's node config (GKE creates it before removing it)
  { type: CLUSTER, path: "nodeConfig.workloadMetadataConfig.mode", insecure: "GCE_METADATA" },
  { type: CLUSTER, path: "nodeConfig.serviceAccount", insecure: "default" },
  { type: CLUSTER, path: "nodeConfig.shieldedInstanceConfig.enableSecureBoot", insecure: false },
  { type: CLUSTER, path: "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", insecure: false },
  { type: CLUSTER, path: "nodeConfig.imageType", insecure: "UBUNTU_CONTAINERD" },
  // Node pools
  { type: POOL, path: "management.autoRepair", insecure: false },
  { type: POOL, path: "management.autoUpgrade", insecure: false },
  { type: POOL, path: "nodeConfig.workloadMetadataConfig.mode", insecure: "GCE_METADATA" },
  { type: POOL, path: "nodeConfig.serviceAccount", insecure: "123456789012-compute@developer.gserviceaccount.com" },
  { type: POOL, path: "nodeConfig.shieldedInstanceConfig.enableSecureBoot", insecure: false },
  { type: POOL, path: "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", insecure: false },
  { type: POOL, path: "nodeConfig.imageType", insecure: "UBUNTU_CONTAINERD" },
  { type: POOL, path: "nodeConfig.kubeletConfig.insecureKubeletReadonlyPortEnabled", insecure: "TRUE" },
  { type: POOL, path: ["nodeConfig", "metadata", "disable-legacy-endpoints"], insecure: "false" },
  { type: POOL, path: "nodeConfig.machineType", insecure: "e2-medium" },
  { type: POOL, path: "autoscaling.totalMaxNodeCount", insecure: 1000 },
  { type: POOL, name: USER_POOL, path: "nodeConfig.kubeletConfig.podPidsLimit", insecure: undefined },
  { type: POOL, name: USER_POOL, path: "nodeConfig.sandboxConfig", insecure: undefined },
  // Network
  { type: "gcp:compute/subnetwork:Subnetwork", path: "privateIpGoogleAccess", insecure: false },
  { type: "gcp:compute/subnetwork:Subnetwork", path: "logConfig", insecure: undefined },
  { type: "gcp:compute/routerNat:RouterNat", path: "logConfig.enable", insecure: false },
  // Node service account grants
  { type: "gcp:projects/iAMMember:IAMMember", path: "role", insecure: "roles/editor" },
  // DNS, certificate, TLS
  { type: "gcp:dns/managedZone:ManagedZone", name: /^edge-zone$/, path: "dnssecConfig.state", insecure: "off" },
  // Artifact Registry and the package proxy
  { type: "gcp:artifactregistry/repository:Repository", name: /quay-io$/, path: "remoteRepositoryConfig.commonRepository.uri", insecure: "http://quay.io" },
  { type: "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", path: "member", insecure: "allUsers" },
  { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", path: "spec.policyTypes", insecure: ["Ingress"] },
  { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", path: "spec.egress", insecure: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] },
  { type: "kubernetes:core/v1:Service", name: /package-proxy/, path: "spec.type", insecure: "LoadBalancer" },
  // The proxy alone may reach the metadata server: exactly its policy, exactly GKE's Workload Identity
  // rules, and only for pods under its Workload Identity account without an API token.
  { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: /^package-proxy-netpol$/, path: "spec.egress.1.to.0.ipBlock.cidr", insecure: "169.254.0.0/16" },
  { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: /^package-proxy-netpol$/, path: "spec.podSelector", insecure: {} },
  { type: "kubernetes:core/v1:ServiceAccount", name: /^package-proxy-sa$/, path: ["metadata", "annotations", "iam.gke.io/gcp-service-account"], insecure: undefined },
  { type: "kubernetes:core/v1:ServiceAccount", name: /^package-proxy-sa$/, path: "automountServiceAccountToken", insecure: true },
  { type: DEPLOYMENT, name: /^package-proxy-deployment$/, path: "spec.template.spec.automountServiceAccountToken", insecure: true },
  { type: "kubernetes:apps/v1:Deployment", path: "spec.template.spec.containers.0.securityContext.allowPrivilegeEscalation", insecure: true },
  { type: "kubernetes:apps/v1:Deployment", path: "spec.template.spec.containers.0.securityContext.capabilities.drop", insecure: [] },
  { type: "kubernetes:apps/v1:Deployment", path: "spec.template.spec.containers.0.image", insecure: "quay.io/jupyterhub/k8s-hub:latest" },
  { type: "kubernetes:apps/v1:Deployment", path: "spec.template.spec.containers.0.resources.limits", insecure: undefined },
  { type: "gcp:dns/recordSet:RecordSet", name: /wildcard/, path: "name", insecure: "unrelated.example.org." },
  { type: "gcp:certificatemanager/certificate:Certificate", path: "managed", insecure: undefined },
  { type: "gcp:certificatemanager/certificate:Certificate", path: "managed.domains", insecure: ["hub.example.com"] },
  { type: "gcp:certificatemanager/certificateMap:CertificateMap", path: "name", insecure: "some-other-map" },
  { type: "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry", name: /wildcard/, path: "hostname", insecure: "unrelated.example.org" },
  { type: "gcp:compute/sSLPolicy:SSLPolicy", path: "minTlsVersion", insecure: "TLS_1_0" },
  { type: "gcp:compute/sSLPolicy:SSLPolicy", path: "profile", insecure: "COMPATIBLE" },
  // Gateway
  { type: "kubernetes:gateway.networking.k8s.io/v1:Gateway", path: ["metadata", "annotations", "networking.gke.io/certmap"], insecure: "some-other-map" },
  { type: ROUTE, name: /https/, path: "spec.parentRefs.0.sectionName", insecure: undefined },
  { type: ROUTE, name: /https/, path: "spec.hostnames", insecure: ["hub.example.com", "*.hub.example.com", "unrelated.example.org"] },
  { type: ROUTE, name: /redirect/, path: "spec.rules", insecure: [{ backendRefs: [{ name: "proxy-public", port: 80 }] }] },
  { type: "kubernetes:networking.gke.io/v1:GCPBackendPolicy", path: "spec.default.timeoutSec", insecure: 30 },
  { type: "kubernetes:networking.gke.io/v1:GCPBackendPolicy", path: "spec.default.securityPolicy", insecure: undefined },
  { type: "kubernetes:networking.gke.io/v1:GCPBackendPolicy", path: "spec.default.logging.enabled", insecure: false },
  // Cloud Armor: an edge policy cannot be the backend's security policy
  { type: "gcp:compute/securityPolicy:SecurityPolicy", path: "type", insecure: "CLOUD_ARMOR_EDGE" },
  { type: "kubernetes:networking.gke.io/v1:HealthCheckPolicy", path: "spec.default.config.httpHealthCheck.requestPath", insecure: "/" },
  { type: "kubernetes:networking.gke.io/v1:GCPGatewayPolicy", path: "spec.default.sslPolicy", insecure: "" },
  // The placeholder calendar (components/placeholderCalendar.ts)
  { type: DEPLOYMENT, path: "spec.template.spec.containers.0.securityContext.allowPrivilegeEscalation", insecure: true },
  { type: DEPLOYMENT, path: "spec.template.spec.containers.0.securityContext.runAsNonRoot", insecure: false },
  { type: DEPLOYMENT, path: "spec.template.spec.containers.0.securityContext.capabilities.drop", insecure: [] },
  { type: DEPLOYMENT, path: "spec.template.spec.containers.0.securityContext.seccompProfile.type", insecure: "Unconfined" },
  { type: DEPLOYMENT, path: "spec.template.spec.containers.0.image", insecure: "quay.io/jupyterhub/k8s-hub:latest" },
  { type: DEPLOYMENT, path: "spec.template.spec.containers.0.resources.limits", insecure: undefined },
  { type: DEPLOYMENT, path: "spec.template.spec.serviceAccountName", insecure: "default" },
  { type: DEPLOYMENT, path: "metadata.namespace", insecure: "default" },
  { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", path: "spec.egress", insecure: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] },
  { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", path: "spec.policyTypes", insecure: ["Ingress"] },
  // The hub's namespace
  { type: "kubernetes:core/v1:Namespace", path: ["metadata", "labels", "pod-security.kubernetes.io/enforce"], insecure: "privileged" },
  // The JupyterHub release
  { type: RELEASE, path: "version", insecure: ">=4.0.0" },
  values("hub.config.JupyterHub.authenticator_class", "dummy"),
  values("hub.config.GenericOAuthenticator.allow_all", true),
  values("hub.config.GenericOAuthenticator.allowed_groups", []),
  values("hub.config.JupyterHub.admin_access", true),
  values("hub.config.GenericOAuthenticator.admin_groups", ["course-2026-staff"]),
  values("hub.config.GenericOAuthenticator.admin_users", ["someone@example.com"]),
  values("hub.loadRoles.admin.users", ["someone@example.com"]),
  values(["hub", "loadRoles", "hub-staff", "scopes"], ["admin-ui", "access:servers"]),
  values("hub.config.JupyterHub.subdomain_host", ""),
  values("hub.config.KubeSpawner.disable_user_config", false),
  values("hub.config.KubeSpawner.automount_service_account_token", true),
  values("hub.config.KubeSpawner.container_security_context.runAsUser", 0),
  values("hub.config.KubeSpawner.container_security_context.runAsNonRoot", false),
  values("hub.config.KubeSpawner.container_security_context.allowPrivilegeEscalation", true),
  values("hub.config.KubeSpawner.container_security_context.capabilities.drop", []),
  values("hub.config.KubeSpawner.container_security_context.seccompProfile.type", "Unconfined"),
  values(["hub", "extraEnv", "OAUTH_CLIENT_SECRET"], "written-into-values"),
  values("hub.cookieSecret", "0123456789abcdef", true),
  values("proxy.secretToken", "0123456789abcdef", true),
  values("hub.config.GenericOAuthenticator.client_secret", "written-into-values", true),
  values("hub.networkPolicy.enabled", false),
  values("hub.networkPolicy.egressAllowRules.cloudMetadataServer", true),
  values("proxy.chp.networkPolicy.enabled", false),
  values("proxy.chp.networkPolicy.egressAllowRules.cloudMetadataServer", true),
  values("hub.networkPolicy.egressAllowRules.nonPrivateIPs", true),
  values("hub.networkPolicy.egressAllowRules.privateIPs", true),
  values("hub.networkPolicy.egress", [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }]),
  values("proxy.chp.networkPolicy.egressAllowRules.nonPrivateIPs", true),
  values("proxy.chp.networkPolicy.egressAllowRules.privateIPs", true),
  values("proxy.service.type", "LoadBalancer"),
  values("singleuser.uid", 0),
  values("singleuser.allowPrivilegeEscalation", true),
  values("singleuser.cloudMetadata.blockWithIptables", true),
  values("singleuser.networkPolicy.enabled", false),
  values("singleuser.networkPolicy.egressAllowRules.cloudMetadataServer", true),
  values("singleuser.networkPolicy.egressAllowRules.privateIPs", true),
  values("singleuser.networkPolicy.egressAllowRules.nonPrivateIPs", true),
  values("singleuser.networkPolicy.egress", [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }]),
  values("singleuser.cpu.limit", null),
  values("singleuser.memory.limit", null),
  values("singleuser.image.tag", "latest"),
  values("singleuser.image.name", "quay.io/jupyterhub/k8s-singleuser-sample"),
  values(["singleuser", "extraEnv", "PIP_CONFIG_FILE"], "/home/jovyan/.pip.conf"),
  values(["singleuser", "extraFiles", "pip-config", "stringData"], "[global]\nindex-url = https://pypi.org/simple\n"),
  values("singleuser.networkPolicy.egress", [{ to: [{ ipBlock: { cidr: "199.36.153.8/30" } }], ports: [{ protocol: "TCP", port: 443 }] }]),
  values("scheduling.userPods.nodeAffinity.matchNodePurpose", "prefer"),
  values("singleuser.extraPodConfig.runtimeClassName", undefined),
  values("scheduling.userPlaceholder.extraPodSpec.runtimeClassName", undefined),
  values("hub.activeServerLimit", 0),
  values("hub.concurrentSpawnLimit", 0),
  values(["hub", "extraConfig", "audit-log"], "c.KubeSpawner.privileged = True\n"),
  values("hub.config.KubeSpawner.container_security_context", { runAsUser: 0 }),
  values("cull.enabled", false),
  values("cull.timeout", 604800),
];

/** A short name for a flip, for test titles and messages. */
export function describeFlip(flip: Flip): string {
  const path = typeof flip.path === "string" ? flip.path : flip.path.join(".");
  return `${flip.type.split(":").pop()}${flip.name ? ` ${flip.name}` : ""} ${path} = ${JSON.stringify(flip.insecure) ?? "unset"}`;
}

export function matching(plan: Plan, flip: Flip): PlanStep[] {
  return plan.steps.filter((s) => s.newState.type === flip.type && (flip.name === undefined || flip.name.test(s.urn.split("::").pop() ?? "")));
}

/**
 * A copy of the plan with the flip applied to every matching resource, or `undefined` when the plan has
 * none. Throws when a matching resource does not make the setting (so the table cannot go stale).
 */
export function flipped(plan: Plan, flip: Flip): Plan | undefined {
  const copy = clone(plan);
  const targets = matching(copy, flip);
  if (targets.length === 0) return undefined;
  for (const step of targets) {
    const current = getPath(step.newState.inputs, flip.path);
    if (flip.secureWhenAbsent ? current !== undefined : current === undefined) {
      throw new Error(`${step.urn}: the program ${flip.secureWhenAbsent ? "sets" : "no longer sets"} ${describeFlip(flip)}`);
    }
    setPath(step.newState.inputs, flip.path, flip.insecure);
  }
  return copy;
}
