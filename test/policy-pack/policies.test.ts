// Every policy of the pack against the hand-built hardened stack: it leaves the secure stack alone, and
// each case below makes one setting insecure and expects that policy to block it. Cases run each policy
// alone, through the offline engine (config defaults, levels, unknown-checking proxy).

import * as assert from "assert";
import { allPolicies } from "../../policy-pack/policies";
import { areaOf } from "../../policy-pack/policies/core";
import { itRunsCases, policyNamed } from "./caseRunner";
import { HUB, NODE_SA, NS, secureStack, TYPES as T } from "./fixtures";
import { VALUES_POD_CASES, VALUES_POD_PASSES } from "./valuesPodCases";
import { add, all, pod, remove, set, values, type Case, type Pass, type Stack } from "./mutations";
import { AR, AR_IAM, DNS_RULE, pipConf, proxyAccount, proxyDeployment, proxyIndex, proxyNetpol, registry, WI_RULES, withRegistry } from "./registryFixtures";
import { assertNoViolation, assertViolation, check, clone, find, getPath, setPath, UNKNOWN_STRING } from "./support";

const inputs = (stack: Stack, type: string, name?: string) => find(stack, type, name).inputs;
const cluster = (path: string | readonly (string | number)[], value: unknown) => set(T.cluster, undefined, path, value);

const userPool = (path: string | readonly (string | number)[], value: unknown) => set(T.nodePool, "cluster-user", path, value);

/** Each policy blocked by at least one insecure input. */
export const CASES: readonly Case[] = [
  ...VALUES_POD_CASES,
  // GKE
  { policy: "gke-private-nodes", title: "public nodes", mutate: cluster("privateClusterConfig.enablePrivateNodes", false), expect: "external IP" },
  { policy: "gke-private-nodes", title: "a pool opting out", mutate: userPool("networkConfig.enablePrivateNodes", false), expect: "opt out" },
  { policy: "gke-control-plane-access", title: "no authorised networks", mutate: cluster("masterAuthorizedNetworksConfig", undefined), expect: "restricted to authorised networks" },
  { policy: "gke-control-plane-access", title: "0.0.0.0/0 authorised", mutate: cluster("masterAuthorizedNetworksConfig.cidrBlocks", [{ cidrBlock: "0.0.0.0/0" }]), expect: "whole internet" },
  { policy: "gke-control-plane-access", title: "all Google Cloud IPs", mutate: cluster("masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", true), expect: "public IP ranges must not reach" },
  { policy: "gke-workload-identity", title: "no workload pool", mutate: cluster("workloadIdentityConfig", undefined), expect: "Workload Identity" },
  { policy: "gke-network-policy-enforced", title: "legacy dataplane", mutate: cluster("datapathProvider", "LEGACY_DATAPATH"), expect: "ADVANCED_DATAPATH" },
  { policy: "gke-shielded-nodes", title: "shielded nodes off", mutate: cluster("enableShieldedNodes", false), expect: "Shielded" },
  { policy: "gke-no-legacy-abac", title: "ABAC on", mutate: cluster("enableLegacyAbac", true), expect: "Legacy ABAC" },
  { policy: "gke-no-client-certificate", title: "client certificate", mutate: cluster("masterAuth.clientCertificateConfig.issueClientCertificate", true), expect: "client certificate" },
  { policy: "gke-release-channel", title: "no channel", mutate: cluster("releaseChannel.channel", "UNSPECIFIED"), expect: "release channel" },
  { policy: "gke-logging-monitoring", title: "logging off", mutate: cluster("loggingService", "none"), expect: "Cloud Logging" },
  { policy: "gke-logging-monitoring", title: "no workload logs", mutate: cluster("loggingConfig.enableComponents", ["SYSTEM_COMPONENTS"]), expect: "workload logs" },
  { policy: "gke-no-alpha-features", title: "alpha cluster", mutate: cluster("enableKubernetesAlpha", true), expect: "Alpha" },
  { policy: "gke-vpc-native", title: "routes-based", mutate: all(cluster("ipAllocationPolicy", undefined), cluster("networkingMode", "ROUTES")), expect: "VPC-native" },
  { policy: "gke-no-insecure-rbac-bindings", title: "unauthenticated bindings", mutate: cluster("rbacBindingConfig.enableInsecureBindingSystemUnauthenticated", true), expect: "Unauthenticated" },
  { policy: "gke-security-posture", title: "posture disabled", mutate: cluster("securityPostureConfig.mode", "DISABLED"), expect: "posture" },
  { policy: "gke-anonymous-auth-limited", title: "anonymous enabled", mutate: cluster("anonymousAuthenticationConfig.mode", "ENABLED"), expect: "Anonymous" },
  { policy: "gke-no-service-external-ips", title: "external IPs allowed", mutate: cluster("serviceExternalIpsConfig.enabled", true), expect: "external IPs" },
  { policy: "gke-node-metadata-server", title: "GCE metadata on a pool", mutate: userPool("nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA"), expect: "GKE metadata server" },
  { policy: "gke-node-metadata-server", title: "default pool without the metadata server", mutate: cluster("nodeConfig.workloadMetadataConfig", undefined), expect: "nodeConfig.workloadMetadataConfig.mode" },
  { policy: "gke-node-metadata-server", title: "legacy endpoints", mutate: userPool(["nodeConfig", "metadata", "disable-legacy-endpoints"], "false"), expect: "legacy" },
  { policy: "gke-node-secure-boot", title: "no secure boot", mutate: userPool("nodeConfig.shieldedInstanceConfig.enableSecureBoot", false), expect: "secure boot" },
  { policy: "gke-node-secure-boot", title: "no integrity monitoring", mutate: userPool("nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", false), expect: "integrity monitoring" },
  { policy: "gke-node-service-account", title: "default SA", mutate: userPool("nodeConfig.serviceAccount", "123456789012-compute@developer.gserviceaccount.com"), expect: "Compute Engine default" },
  { policy: "gke-node-service-account", title: "no SA", mutate: userPool("nodeConfig.serviceAccount", undefined), expect: "Compute Engine default" },
  { policy: "gke-node-image-cos", title: "Ubuntu nodes", mutate: userPool("nodeConfig.imageType", "UBUNTU_CONTAINERD"), expect: "Container-Optimized OS" },
  { policy: "gke-node-kubelet-readonly-port", title: "read-only port on a pool", mutate: userPool("nodeConfig.kubeletConfig.insecureKubeletReadonlyPortEnabled", "TRUE"), expect: "read-only port" },
  { policy: "gke-node-kubelet-readonly-port", title: "read-only port by default", mutate: cluster("nodePoolDefaults.nodeConfigDefaults.insecureKubeletReadonlyPortEnabled", "TRUE"), expect: "New node pools" },
  { policy: "gke-node-auto-repair", title: "auto-repair off", mutate: userPool("management.autoRepair", false), expect: "repaired automatically" },
  { policy: "gke-node-machine-type", title: "shared-core type", mutate: userPool("nodeConfig.machineType", "e2-medium"), expect: "e2-medium is not allowed" },
  { policy: "gke-node-machine-type", title: "no type (e2-medium)", mutate: userPool("nodeConfig.machineType", undefined), expect: "e2-medium is not allowed" },
  { policy: "gke-node-pool-max-nodes", title: "501 nodes", mutate: userPool("autoscaling.totalMaxNodeCount", 501), expect: "beyond 500 nodes" },
  {
    policy: "gke-node-pool-max-nodes",
    title: "per-zone maximum times zones",
    mutate: all(userPool("autoscaling", { maxNodeCount: 200 }), userPool("nodeLocations", ["europe-west1-b", "europe-west1-c", "europe-west1-d"])),
    expect: "found: 600 nodes",
  },
  { policy: "gke-user-node-pid-limit", title: "no PID limit", mutate: userPool("nodeConfig.kubeletConfig.podPidsLimit", undefined), expect: "process IDs" },
  { policy: "gke-secrets-encryption", title: "no KMS (advisory)", mutate: () => undefined, expect: "customer-managed key", level: "advisory" },
  { policy: "gke-binary-authorization", title: "no Binary Authorization (advisory)", mutate: () => undefined, expect: "approved images", level: "advisory" },
  { policy: "gke-user-node-sandbox", title: "no gVisor (advisory)", mutate: userPool("nodeConfig.sandboxConfig", undefined), expect: "sandbox", level: "advisory" },
  {
    policy: "gke-secrets-encryption",
    title: "raised to mandatory by config",
    mutate: () => undefined,
    expect: "customer-managed key",
    config: { "gke-secrets-encryption": "mandatory" },
  },
  {
    policy: "gke-node-service-account-roles",
    title: "editor on the node SA",
    mutate: add({ type: T.iamMember, name: "nodes-editor", inputs: { member: `serviceAccount:${NODE_SA}`, project: "p", role: "roles/editor" } }),
    expect: "instead of roles/editor",
  },
  {
    policy: "gke-node-service-account-roles",
    title: "Artifact Registry read on the whole project",
    mutate: add({ type: T.iamMember, name: "nodes-ar", inputs: { member: `serviceAccount:${NODE_SA}`, project: "p", role: "roles/artifactregistry.reader" } }),
    expect: "instead of roles/artifactregistry.reader",
  },
  // Network
  {
    policy: "network-firewall-admin-ports",
    title: "SSH from anywhere",
    mutate: add({ type: T.firewall, name: "ssh", inputs: { network: "n", sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["22"] }] } }),
    expect: "22 (SSH)",
  },
  {
    policy: "network-firewall-admin-ports",
    title: "all protocols, no source",
    mutate: add({ type: T.firewall, name: "any", inputs: { network: "n", allows: [{ protocol: "all" }] } }),
    expect: "3389 (RDP)",
  },
  {
    policy: "network-firewall-admin-ports",
    title: "a port range covering the kubelet",
    mutate: add({ type: T.firewall, name: "range", inputs: { network: "n", sourceRanges: ["::/0"], allows: [{ protocol: "tcp", ports: ["10000-11000"] }] } }),
    expect: "10250 (kubelet)",
  },
  { policy: "network-subnet-private-google-access", title: "PGA off", mutate: set(T.subnetwork, "network-nodes", "privateIpGoogleAccess", false), expect: "Google APIs" },
  { policy: "network-subnet-flow-logs", title: "no flow logs", mutate: set(T.subnetwork, "network-nodes", "logConfig", undefined), expect: "Flow logs" },
  { policy: "network-nat-logging", title: "NAT logs off", mutate: set(T.nat, undefined, "logConfig.enable", false), expect: "NAT logging" },
  { policy: "network-dns-dnssec", title: "DNSSEC off", mutate: set(T.zone, undefined, "dnssecConfig.state", "off"), expect: "signed" },
  { policy: "network-dns-dnssec", title: "RSASHA1 keys", mutate: set(T.zone, undefined, "dnssecConfig.defaultKeySpecs", [{ algorithm: "rsasha1", keyType: "keySigning" }]), expect: "RSASHA1" },
  // Edge
  { policy: "edge-ssl-policy-tls", title: "TLS 1.0", mutate: set(T.sslPolicy, undefined, "minTlsVersion", "TLS_1_0"), expect: "TLS 1.2" },
  // each side of the threshold, and the setting absent (Google's default then is TLS 1.0: compute/sslpolicy.d.ts)
  { policy: "edge-ssl-policy-tls", title: "TLS 1.1", mutate: set(T.sslPolicy, undefined, "minTlsVersion", "TLS_1_1"), expect: "TLS 1.2" },
  { policy: "edge-ssl-policy-tls", title: "minTlsVersion absent", mutate: set(T.sslPolicy, undefined, "minTlsVersion", undefined), expect: "TLS 1.2" },
  { policy: "edge-ssl-policy-tls", title: "COMPATIBLE profile", mutate: set(T.sslPolicy, undefined, "profile", undefined), expect: "weak ciphers" },
  {
    policy: "edge-managed-certificate",
    title: "uploaded key",
    mutate: all(set(T.certificate, undefined, "managed", undefined), set(T.certificate, undefined, "selfManaged", { pemCertificate: "x", pemPrivateKey: "y" })),
    expect: "Private keys",
  },
  { policy: "edge-backend-timeout", title: "default 30 s", mutate: set(T.backendPolicy, undefined, "spec.default.timeoutSec", undefined), expect: "websockets" },
  { policy: "edge-backend-timeout", title: "beyond a day", mutate: set(T.backendPolicy, undefined, "spec.default.timeoutSec", 172800), expect: "from 3600 to 86400" },
  { policy: "edge-health-check-path", title: "path /", mutate: set(T.healthCheck, undefined, "spec.default.config.httpHealthCheck.requestPath", "/"), expect: "without a redirect" },
  { policy: "edge-health-check-path", title: "wrong port", mutate: set(T.healthCheck, undefined, "spec.default.config.httpHealthCheck.port", 80), expect: "port to 8000" },
  { policy: "edge-health-check-path", title: "TCP check", mutate: set(T.healthCheck, undefined, "spec.default.config", { type: "TCP", tcpHealthCheck: { port: 8000 } }), expect: "HTTP path" },
  { policy: "edge-backend-policies-attached", title: "no health check policy", mutate: remove(T.healthCheck), expect: "HealthCheckPolicy in namespace jupyterhub" },
  { policy: "edge-http-redirects-only", title: "a backend route on every listener", mutate: set(T.route, "edge-route", "spec.parentRefs", [{ name: "hub" }]), expect: "HTTP listener http" },
  {
    policy: "edge-http-redirects-only",
    title: "the HTTP route serving the proxy",
    mutate: set(T.route, "edge-redirect", "spec.rules", [{ backendRefs: [{ name: "proxy-public", port: 80 }] }]),
    expect: "only redirect to HTTPS",
  },
  { policy: "edge-gateway-ssl-policy", title: "unknown SSL policy", mutate: set(T.gatewayPolicy, undefined, "spec.default.sslPolicy", "gcloud-default"), expect: '"test-hub-tls"' },
  { policy: "edge-gateway-ssl-policy", title: "no gateway policy", mutate: remove(T.gatewayPolicy), expect: "TLS 1.2+ SSL policy" },
  // JupyterHub
  { policy: "jupyterhub-authenticator", title: "chart default (dummy)", mutate: values("hub.config.JupyterHub.authenticator_class", undefined), expect: "real identity provider" },
  { policy: "jupyterhub-authenticator", title: "shared password", mutate: values("hub.config.JupyterHub.authenticator_class", "shared-password"), expect: "real identity provider" },
  { policy: "jupyterhub-authenticator", title: "dummy in extraConfig", mutate: values("hub.extraConfig.auth", "c.JupyterHub.authenticator_class = 'jupyterhub.auth.DummyAuthenticator'"), expect: "extraConfig" },
  { policy: "jupyterhub-allowlist", title: "allow_all", mutate: values("hub.config.GenericOAuthenticator.allow_all", true), expect: "allow_all" },
  { policy: "jupyterhub-allowlist", title: "no allow rule", mutate: values("hub.config.GenericOAuthenticator.allowed_groups", []), expect: "allowlist" },
  { policy: "jupyterhub-admin-access-off", title: "chart default (true)", mutate: values("hub.config.JupyterHub.admin_access", undefined), expect: "Admins" },
  { policy: "jupyterhub-admin-access-off", title: "staff as OAuthenticator admin_groups (the admin role)", mutate: values("hub.config.GenericOAuthenticator.admin_groups", ["workshop-admins"]), expect: "GenericOAuthenticator.admin_groups" },
  { policy: "jupyterhub-admin-access-off", title: "an admin by name", mutate: values("hub.config.Authenticator.admin_users", ["alice"]), expect: "Authenticator.admin_users" },
  { policy: "jupyterhub-admin-access-off", title: "a group in the admin role", mutate: values("hub.loadRoles.admin.groups", ["workshop-admins"]), expect: "loadRoles.admin.groups" },
  { policy: "jupyterhub-admin-access-off", title: "a role opening some users' servers", mutate: values(["hub", "loadRoles", "hub-staff", "scopes"], ["admin-ui", "access:servers!group=students"]), expect: "Role hub-staff must not let" },
  { policy: "jupyterhub-admin-access-off", title: "a role making tokens for users", mutate: values(["hub", "loadRoles", "hub-staff", "scopes"], ["admin-ui", "tokens"]), expect: "(tokens)" },
  { policy: "jupyterhub-admin-access-off", title: "a role reading auth state", mutate: values(["hub", "loadRoles", "hub-staff", "scopes"], ["admin:users"]), expect: "admin:users" },
  { policy: "jupyterhub-subdomain-host", title: "no subdomains", mutate: values("hub.config.JupyterHub.subdomain_host", ""), expect: 'User servers must be isolated on their own origins: set values.hub.config.JupyterHub.subdomain_host to "<hub domain>" (found: "").' },
  { policy: "jupyterhub-disable-user-config", title: "user config loaded", mutate: values("hub.config.KubeSpawner.disable_user_config", false), expect: "User servers must not load configuration from the user's home: set values.hub.config.KubeSpawner.disable_user_config to true (found: false)." },
  { policy: "jupyterhub-network-policies", title: "user netpol off", mutate: values("singleuser.networkPolicy.enabled", false), expect: "singleuser pods" },
  { policy: "jupyterhub-network-policies", title: "proxy netpol off", mutate: values("proxy.chp.networkPolicy.enabled", false), expect: "proxy.chp pods" },
  { policy: "jupyterhub-metadata-egress", title: "hub reaches metadata (chart default)", mutate: values("hub.networkPolicy.egressAllowRules", undefined), expect: "The hub must not reach" },
  { policy: "jupyterhub-metadata-egress", title: "users reach metadata", mutate: values("singleuser.networkPolicy.egressAllowRules.cloudMetadataServer", true), expect: "User pods must not reach" },
  {
    policy: "jupyterhub-metadata-egress",
    title: "hub nonPrivateIPs (excepts 169.254.169.254 only)",
    mutate: values("hub.networkPolicy.egressAllowRules.nonPrivateIPs", true),
    expect: "The hub must not reach the GKE metadata server by any address it answers on (this admits 169.254.169.252:988)",
  },
  {
    policy: "jupyterhub-metadata-egress",
    title: "proxy privateIPs (node addresses on 988)",
    mutate: values("proxy.chp.networkPolicy.egressAllowRules.privateIPs", undefined),
    expect: "values.proxy.chp.networkPolicy.egressAllowRules.privateIPs",
  },
  {
    policy: "jupyterhub-metadata-egress",
    title: "a user egress rule into link-local space",
    mutate: values("singleuser.networkPolicy.egress", [{ to: [{ ipBlock: { cidr: "169.254.0.0/16" } }], ports: [{ port: 988 }] }]),
    expect: "User pods must not reach the GKE metadata server by any address it answers on (this admits 169.254.169.252:988)",
  },
  {
    policy: "jupyterhub-metadata-egress",
    title: "autohttps reaches metadata",
    mutate: values("proxy.https", { enabled: true, type: "letsencrypt", hosts: [HUB] }),
    expect: "autohttps",
  },
  { policy: "jupyterhub-user-egress", title: "the internet (chart default nonPrivateIPs)", mutate: values("singleuser.networkPolicy.egressAllowRules.nonPrivateIPs", undefined), expect: "not the whole internet" },
  { policy: "jupyterhub-user-egress", title: "private IPs", mutate: values("singleuser.networkPolicy.egressAllowRules.privateIPs", true), expect: "private address ranges" },
  {
    policy: "jupyterhub-user-egress",
    title: "0.0.0.0/0 without excepts",
    mutate: values("singleuser.networkPolicy.egress", [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }]),
    expect: "reaches the cloud metadata server",
  },
  {
    policy: "jupyterhub-user-egress",
    title: "0.0.0.0/0 when internet egress is allowed but metadata is not excepted",
    mutate: values("singleuser.networkPolicy.egress", [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }] }]),
    config: { "jupyterhub-user-egress": { allowInternetEgress: true } },
    expect: "0.0.0.0/0 reaches the cloud metadata server",
  },
  {
    policy: "jupyterhub-user-egress",
    title: "a rule without destinations",
    mutate: values("singleuser.networkPolicy.egress", [{ ports: [{ port: 443 }] }]),
    expect: "name their destinations",
  },
  {
    policy: "jupyterhub-user-egress",
    title: "outside the allowed CIDRs",
    mutate: () => undefined,
    config: { "jupyterhub-user-egress": { allowedEgressCidrs: ["198.51.100.0/24"] } },
    expect: "not within the allowed egress CIDRs",
  },
  {
    policy: "jupyterhub-user-egress",
    title: "internet egress when only a mirror is allowed",
    mutate: values("singleuser.networkPolicy.egressAllowRules.nonPrivateIPs", true),
    config: { "jupyterhub-user-egress": { allowedEgressCidrs: ["203.0.113.0/24"] } },
    expect: "not the whole internet",
  },
  { policy: "jupyterhub-no-iptables-init-container", title: "chart default (iptables)", mutate: values("singleuser.cloudMetadata", undefined), expect: "privileged root init container" },
  { policy: "jupyterhub-non-root", title: "uid 0", mutate: values("singleuser.uid", 0), expect: "must not run as root" },
  { policy: "jupyterhub-non-root", title: "image's user (null)", mutate: values("singleuser.uid", null), expect: "null lets the image run as root" },
  { policy: "jupyterhub-non-root", title: "privileged spawner", mutate: values("hub.config.KubeSpawner.privileged", true), expect: "must not be privileged" },
  { policy: "jupyterhub-non-root", title: "root hub container", mutate: values("hub.containerSecurityContext.runAsUser", 0), expect: "values.hub.containerSecurityContext.runAsUser" },
  {
    policy: "jupyterhub-non-root",
    title: "a profile option overriding uid",
    mutate: values("singleuser.profileList", [{ display_name: "x", profile_options: { img: { choices: { a: { kubespawner_override: { uid: 0 } } } } } }]),
    expect: "choices.a.kubespawner_override.uid",
  },
  { policy: "jupyterhub-user-no-api-token", title: "a user service account", mutate: values("singleuser.serviceAccountName", "hub"), expect: "service account" },
  { policy: "jupyterhub-user-no-api-token", title: "an API token", mutate: values("hub.config.KubeSpawner.automount_service_account_token", true), expect: "API token" },
  { policy: "jupyterhub-user-resource-limits", title: "no memory limit", mutate: values("singleuser.memory.limit", null), expect: "memory limit" },
  { policy: "jupyterhub-culling", title: "culling off", mutate: values("cull.enabled", false), expect: "culled" },
  { policy: "jupyterhub-culling", title: "more than a day of idling", mutate: values("cull.timeout", 86401), expect: "from 1 to 86400" },
  { policy: "jupyterhub-pinned-versions", title: "latest tag", mutate: values("singleuser.image.tag", "latest"), expect: 'moving tag "latest"' },
  { policy: "jupyterhub-pinned-versions", title: "name without tag", mutate: values("hub.image", { name: "example.com/hub" }), expect: "without a tag" },
  { policy: "jupyterhub-pinned-versions", title: "chart version range", mutate: set(T.release, undefined, "version", "^4.0.0"), expect: "chart version" },
  { policy: "jupyterhub-pinned-versions", title: "spawner image unpinned", mutate: values("hub.config.KubeSpawner.image", "jupyter/scipy-notebook"), expect: "has no tag" },
  { policy: "jupyterhub-no-literal-secrets", title: "cookie secret", mutate: values("hub.cookieSecret", "0123abcd"), expect: "values.hub.cookieSecret" },
  { policy: "jupyterhub-no-literal-secrets", title: "OAuth client secret", mutate: values("hub.config.GenericOAuthenticator.client_secret", "s3cret"), expect: "client_secret" },
  { policy: "jupyterhub-no-literal-secrets", title: "secret env var", mutate: values("hub.extraEnv", { OAUTH_CLIENT_SECRET: "s3cret" }), expect: "hub.extraEnv.OAUTH_CLIENT_SECRET" },
  { policy: "jupyterhub-no-literal-secrets", title: "a secret not known yet", mutate: values("proxy.secretToken", UNKNOWN_STRING), expect: "proxy.secretToken" },
  { policy: "jupyterhub-proxy-service-private", title: "chart default (open LoadBalancer)", mutate: values("proxy.service", undefined), expect: "open to the world" },
  // Kubernetes
  { policy: "k8s-pss-host-process", title: "HostProcess", mutate: pod("securityContext.windowsOptions.hostProcess", true), expect: "host access" },
  { policy: "k8s-pss-host-namespaces", title: "hostNetwork", mutate: pod("hostNetwork", true), expect: "spec.template.spec.hostNetwork" },
  { policy: "k8s-pss-privileged", title: "privileged", mutate: pod("containers.0.securityContext.privileged", true), expect: "privileged" },
  { policy: "k8s-pss-capabilities", title: "no drop ALL", mutate: pod("containers.0.securityContext.capabilities.drop", undefined), expect: "drop every capability" },
  { policy: "k8s-pss-capabilities", title: "SYS_ADMIN added", mutate: pod("containers.0.securityContext.capabilities.add", ["SYS_ADMIN"]), expect: "NET_BIND_SERVICE" },
  { policy: "k8s-pss-host-ports", title: "hostPort", mutate: pod("containers.0.ports.0.hostPort", 8080), expect: "node ports" },
  { policy: "k8s-pss-apparmor", title: "unconfined profile", mutate: pod("securityContext.appArmorProfile.type", "Unconfined"), expect: "AppArmor" },
  {
    policy: "k8s-pss-apparmor",
    title: "unconfined annotation",
    mutate: set(T.deployment, undefined, ["spec", "template", "metadata", "annotations", "container.apparmor.security.beta.kubernetes.io/audit"], "unconfined"),
    expect: "spec.template.metadata.annotations",
  },
  { policy: "k8s-pss-selinux", title: "spc_t", mutate: pod("containers.0.securityContext.seLinuxOptions.type", "spc_t"), expect: "SELinux" },
  { policy: "k8s-pss-proc-mount", title: "unmasked /proc", mutate: pod("containers.0.securityContext.procMount", "Unmasked"), expect: "/proc" },
  { policy: "k8s-pss-seccomp", title: "unconfined pod", mutate: pod("securityContext.seccompProfile.type", "Unconfined"), expect: "unconfined by seccomp" },
  { policy: "k8s-pss-seccomp", title: "no profile", mutate: pod("securityContext.seccompProfile", undefined), expect: "seccomp profile" },
  { policy: "k8s-pss-sysctls", title: "unsafe sysctl", mutate: pod("securityContext.sysctls", [{ name: "kernel.msgmax", value: "1" }]), expect: "unsafe kernel" },
  { policy: "k8s-pss-volume-types", title: "hostPath", mutate: pod("volumes", [{ name: "root", hostPath: { path: "/" } }]), expect: "hostPath" },
  { policy: "k8s-pss-privilege-escalation", title: "escalation allowed", mutate: pod("containers.0.securityContext.allowPrivilegeEscalation", undefined), expect: "gain privileges" },
  { policy: "k8s-pss-run-as-non-root", title: "no runAsNonRoot", mutate: pod("securityContext.runAsNonRoot", undefined), expect: "non-root" },
  { policy: "k8s-pss-run-as-user", title: "uid 0", mutate: pod("containers.0.securityContext.runAsUser", 0), expect: "root" },
  { policy: "k8s-resource-limits", title: "no CPU limit", mutate: pod("containers.0.resources.limits.cpu", undefined), expect: "cpu limit" },
  { policy: "k8s-service-account-token", title: "default token", mutate: pod("automountServiceAccountToken", undefined), expect: "default service account" },
  { policy: "k8s-pinned-images", title: "latest", mutate: pod("containers.0.image", "registry.example.com/audit:latest"), expect: "moving tag" },
  { policy: "k8s-pinned-images", title: "no tag", mutate: pod("containers.0.image", "registry.example.com:5000/audit"), expect: "has no tag" },
  {
    policy: "k8s-no-public-load-balancer",
    title: "open LoadBalancer",
    mutate: add({ type: T.service, name: "lb", inputs: { metadata: { namespace: "tools" }, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } } }),
    expect: "open to the world",
  },
  {
    policy: "k8s-namespace-pod-security",
    title: "privileged namespace",
    mutate: set(T.namespace, "hub-namespace", ["metadata", "labels", "pod-security.kubernetes.io/enforce"], "privileged"),
    expect: '"restricted"',
  },
  { policy: "k8s-namespace-pod-security", title: "no label", mutate: set(T.namespace, "tools-namespace", "metadata.labels", undefined), expect: "Pod Security Standards" },
  { policy: "k8s-namespace-network-policy", title: "no NetworkPolicy", mutate: remove(T.networkPolicy), expect: "Namespace tools must have a NetworkPolicy" },
  { policy: "k8s-network-policy-metadata-egress", title: "egress to the whole internet", mutate: set(T.networkPolicy, undefined, "spec.egress", [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }]), expect: "169.254.169.254:80" },
  { policy: "k8s-network-policy-metadata-egress", title: "every private address on every port", mutate: set(T.networkPolicy, undefined, "spec.egress", [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }]), expect: "10.0.0.0/8:988" },
  { policy: "k8s-network-policy-metadata-egress", title: "ingress-only policy", mutate: set(T.networkPolicy, undefined, "spec.policyTypes", ["Ingress"]), expect: "must restrict egress" },
  // The registry proxy's exception (contracts/packages.ts) is exactly its policy and exactly GKE's two
  // Workload Identity rules ("About Workload Identity Federation for GKE"); anything wider still fails.
  { policy: "k8s-network-policy-metadata-egress", title: "the proxy's policy admitting all link-local space on 80", mutate: add(proxyNetpol([{ to: [{ ipBlock: { cidr: "169.254.0.0/16" } }], ports: [{ protocol: "TCP", port: 80 }] }])), expect: "169.254.169.254:80" },
  { policy: "k8s-network-policy-metadata-egress", title: "the proxy's policy admitting node addresses on 988", mutate: add(proxyNetpol([...WI_RULES, { to: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ protocol: "TCP", port: 988 }] }])), expect: "10.0.0.0/8:988" },
  { policy: "k8s-network-policy-metadata-egress", title: "the proxy's policy admitting the metadata address on every port", mutate: add(proxyNetpol([{ to: [{ ipBlock: { cidr: "169.254.169.254/32" } }] }])), expect: "169.254.169.254:80" },
  { policy: "k8s-network-policy-metadata-egress", title: "the Workload Identity rules on another workload's policy", mutate: add(proxyNetpol(WI_RULES, { "app.kubernetes.io/name": "notebook-helper" })), expect: "169.254.169.252:988" },
  { policy: "k8s-network-policy-metadata-egress", title: "the Workload Identity rules on a policy selecting every pod", mutate: add(proxyNetpol(WI_RULES, {})), expect: "169.254.169.254:80" },
  { policy: "k8s-network-policy-metadata-egress", title: "the Workload Identity rules under another policy name", mutate: add(proxyNetpol(WI_RULES, undefined, "metadata-access")), expect: "169.254.169.254:80" },
  { policy: "k8s-namespace-network-policy", title: "default namespace", mutate: set(T.deployment, undefined, "metadata.namespace", undefined), expect: "dedicated namespace" },
  // Stack
  { policy: "stack-network-policy-enforced", title: "legacy dataplane under the chart", mutate: cluster("datapathProvider", "LEGACY_DATAPATH"), expect: "trusted only when the cluster enforces" },
  { policy: "stack-hostnames-covered", title: "certificate without the wildcard", mutate: set(T.certificate, undefined, "managed.domains", [HUB]), expect: `*.${HUB} (user servers under subdomain_host) must be covered` },
  { policy: "stack-hostnames-covered", title: "no wildcard record", mutate: remove(T.record, "dns-wildcard"), expect: "must resolve" },
  // The fixture has a PRIMARY entry too, as the program does: it does not stand in for the wildcard's entry.
  { policy: "stack-hostnames-covered", title: "no wildcard map entry", mutate: remove(T.certMapEntry, "edge-certmap-wildcard"), expect: "certificate-map entry" },
  { policy: "stack-hostnames-covered", title: "Gateway without the map", mutate: set(T.gateway, undefined, "metadata.annotations", {}), expect: "certmap" },
  { policy: "stack-user-pods-on-user-nodes", title: "preferred, not required", mutate: values("scheduling.userPods.nodeAffinity.matchNodePurpose", "prefer"), expect: '"require"' },
  { policy: "stack-user-pods-on-user-nodes", title: "untainted user pool", mutate: userPool("nodeConfig.taints", []), expect: "tainted" },
  {
    policy: "stack-user-pods-on-user-nodes",
    title: "a GPU pool for user servers with the user taint instead of its own",
    mutate: (stack) => {
      const gpu = clone(find(stack, T.nodePool, "cluster-user"));
      stack.push({ ...gpu, name: "cluster-gpu" });
      setPath(gpu.inputs, ["nodeConfig", "labels", "hub.jupyter.org/node-purpose"], "gpu");
    },
    expect: 'value: "gpu"',
  },
  { policy: "stack-user-pods-on-user-nodes", title: "no user pool", mutate: userPool(["nodeConfig", "labels", "hub.jupyter.org/node-purpose"], "core"), expect: "dedicated node pool" },
  { policy: "stack-packages-through-registry", title: "pip pointed at PyPI beside a mirror", mutate: registry(values(["singleuser", "extraFiles", "pip-config", "stringData"], pipConf("https://pypi.org/simple"))), expect: "https://pypi.org/simple is neither Artifact Registry" },
  { policy: "stack-packages-through-registry", title: "an extra index in an [install] section", mutate: registry(values(["singleuser", "extraFiles", "pip-config", "stringData"], `${pipConf(proxyIndex)}[install]\nextra-index-url =\n    https://download.pytorch.org/whl/cpu\n`)), expect: "extra-index-url in /etc/pip.conf: https://download.pytorch.org/whl/cpu" },
  {
    policy: "stack-packages-through-registry",
    title: "PyPI itself beside the user image's repository alone",
    mutate: all(withRegistry, remove(AR, "registry-python"), values(["singleuser", "extraFiles", "pip-config", "stringData"], "[global]\nindex-url = https://pypi.org/simple\n")),
    expect: "https://pypi.org/simple is PyPI itself",
  },
  { policy: "stack-packages-through-registry", title: "PIP_INDEX_URL naming PyPI", mutate: registry(values(["singleuser", "extraEnv", "PIP_INDEX_URL"], "https://pypi.org/simple")), expect: "PIP_INDEX_URL: https://pypi.org/simple" },
  { policy: "stack-packages-through-registry", title: "a profile's PIP_FIND_LINKS", mutate: registry(values("singleuser.profileList", [{ slug: "x", kubespawner_override: { environment: { PIP_FIND_LINKS: "https://example.org/wheels" } } }])), expect: "PIP_FIND_LINKS" },
  { policy: "stack-packages-through-registry", title: "a Python repository without a pip configuration", mutate: registry(values("singleuser.extraFiles", {})), expect: "so pip would use PyPI" },
  { policy: "stack-packages-through-registry", title: "pip's configuration file not named", mutate: registry(values("singleuser.extraEnv", {})), expect: "PIP_CONFIG_FILE" },
  { policy: "stack-packages-through-registry", title: "an index on a Service the stack does not declare", mutate: registry(values(["singleuser", "extraFiles", "pip-config", "stringData"], pipConf("http://pypi-cache.other.svc.cluster.local/simple/"))), expect: "nor a Service of this stack" },
  { policy: "stack-packages-through-registry", title: "the user image still from quay.io", mutate: registry(values("singleuser.image.name", "quay.io/jupyterhub/k8s-singleuser-sample")), expect: "not a public registry" },
  { policy: "stack-packages-through-registry", title: "a GPU profile image from Docker Hub", mutate: registry(values("singleuser.profileList", [{ slug: "gpu", kubespawner_override: { image: "jupyter/pytorch-notebook:cuda12-2025-11-03" } }])), expect: "kubespawner_override.image" },
  { policy: "stack-packages-through-registry", title: "user egress to Google's private VIP", mutate: registry((stack) => (inputs(stack, T.release) as any).values.singleuser.networkPolicy.egress.push({ to: [{ ipBlock: { cidr: "199.36.153.8/30" } }], ports: [{ port: 443, protocol: "TCP" }] })), expect: "Google's API front ends" },
  { policy: "stack-packages-through-registry", title: "user egress to the whole internet", mutate: registry(values("singleuser.networkPolicy.egressAllowRules.nonPrivateIPs", true)), expect: "nonPrivateIPs to false" },
  { policy: "stack-packages-through-registry", title: "a repository readable by anyone", mutate: registry(add({ type: AR_IAM, name: "public", inputs: { repository: "test-pypi", role: "roles/artifactregistry.reader", member: "allUsers" } })), expect: "must not be public" },
  { policy: "stack-packages-through-registry", title: "an upstream over plain HTTP", mutate: registry(set(AR, "registry-quay-io", "remoteRepositoryConfig.commonRepository.uri", "http://quay.io")), expect: "over HTTPS" },
  { policy: "stack-packages-through-registry", title: "a NetworkPolicy that leaves egress open", mutate: registry(set(T.networkPolicy, undefined, "spec.policyTypes", ["Ingress"])), expect: 'add "Egress"' },
  // Pods labelled as the registry proxy get the metadata server (k8s-network-policy-metadata-egress's
  // one exception), so they must be the proxy: a Workload Identity account (GKE docs, "Authenticate to
  // Google Cloud APIs from GKE workloads": the iam.gke.io/gcp-service-account annotation) and no API token.
  { policy: "stack-packages-through-registry", title: "pods labelled as the proxy under the default service account", mutate: registry(add(proxyDeployment({ serviceAccountName: "default" }))), expect: "must run as the proxy's own Workload Identity service account" },
  { policy: "stack-packages-through-registry", title: "pods labelled as the proxy under an account without Workload Identity", mutate: registry(add(proxyAccount(false)), add(proxyDeployment({}))), expect: "not annotated" },
  { policy: "stack-packages-through-registry", title: "pods labelled as the proxy with an API token", mutate: registry(add(proxyAccount()), add(proxyDeployment({ automountServiceAccountToken: true }))), expect: "must not hold a Kubernetes API token" },
  { policy: "stack-packages-through-registry", title: "the proxy's account handing out API tokens", mutate: registry(add({ ...proxyAccount(), inputs: { ...proxyAccount().inputs, automountServiceAccountToken: true } }), add(proxyDeployment({}))), expect: "must not hand out a Kubernetes API token" },
  { policy: "stack-packages-through-registry", title: "a NetworkPolicy to the whole internet", mutate: registry(set(T.networkPolicy, undefined, "spec.egress", [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 443 }] }])), expect: "whole internet" },
  // GKE Sandbox: mandatory once the stack asks for it anywhere (the fixture asks on both sides).
  { policy: "stack-user-sandbox", title: "user pods asking for gVisor on an unsandboxed user pool", mutate: userPool("nodeConfig.sandboxConfig", undefined), expect: 'sandboxConfig.type to "GVISOR"' },
  { policy: "stack-user-sandbox", title: "a sandboxed pool under user pods that do not ask", mutate: values("singleuser.extraPodConfig", undefined), expect: "a user-server pool is sandboxed" },
  { policy: "stack-user-sandbox", title: "a hub.config override dropping the RuntimeClass", mutate: values("hub.config.KubeSpawner.extra_pod_config", { priorityClassName: "x" }), expect: "hub.config.KubeSpawner.extra_pod_config.runtimeClassName" },
  {
    policy: "stack-user-sandbox",
    title: "a profile replacing extra_pod_config without it",
    mutate: values("singleuser.profileList", [{ slug: "big", kubespawner_override: { extra_pod_config: { hostname: "x" } } }]),
    expect: "profileList[0].kubespawner_override.extra_pod_config.runtimeClassName",
  },
  { policy: "stack-user-sandbox", title: "placeholders outside the sandbox", mutate: values("scheduling.userPlaceholder.extraPodSpec", undefined), expect: "Placeholders must run where" },
  {
    policy: "stack-user-sandbox",
    title: "no sandbox anywhere when the pack config requires it",
    mutate: all(userPool("nodeConfig.sandboxConfig", undefined), values("singleuser.extraPodConfig", undefined), values("scheduling.userPlaceholder.extraPodSpec", undefined)),
    expect: "requireUserSandbox is set",
    config: { "stack-user-sandbox": { requireUserSandbox: true } },
  },
  // Cloud Armor on the backend.
  { policy: "edge-backend-security-policy", title: "a backend without a security policy", mutate: set(T.backendPolicy, undefined, "spec.default.securityPolicy", undefined), expect: "must be behind Cloud Armor" },
  { policy: "edge-backend-security-policy", title: "a policy not declared in the stack", mutate: set(T.backendPolicy, undefined, "spec.default.securityPolicy", "someone-elses-policy"), expect: '"test-hub-armor"' },
  { policy: "edge-backend-security-policy", title: "an edge policy where a backend policy belongs", mutate: set(T.securityPolicy, undefined, "type", "CLOUD_ARMOR_EDGE"), expect: "must be behind Cloud Armor" },
  { policy: "edge-backend-security-policy", title: "request logging off", mutate: set(T.backendPolicy, undefined, "spec.default.logging", { enabled: false }), expect: "only recorded in the load balancer's request log" },
];

/** Inputs each policy must leave alone (besides the secure stack itself). */
export const PASSES: readonly Pass[] = [
  { policy: "stack-packages-through-registry", title: "pip, the user image and egress through the registry and its proxy", mutate: withRegistry },
  {
    policy: "stack-packages-through-registry",
    title: "the registry proxy as the program declares it: Workload Identity account, no token, its metadata rules",
    mutate: registry(add(proxyAccount()), add(proxyDeployment({})), add(proxyNetpol([DNS_RULE, ...WI_RULES, { to: [{ ipBlock: { cidr: "199.36.153.4/30" } }], ports: [{ protocol: "TCP", port: 443 }] }]))),
  },
  { policy: "stack-packages-through-registry", title: "an index on Artifact Registry itself", mutate: registry(values(["singleuser", "extraFiles", "pip-config", "stringData"], "[global]\nindex-url = https://europe-west1-python.pkg.dev/p/r/simple/\n")) },
  {
    policy: "stack-packages-through-registry",
    title: "only the user image's repository, and pip on the organisation's own index",
    mutate: all(withRegistry, remove(AR, "registry-python"), values(["singleuser", "extraFiles", "pip-config", "stringData"], "[global]\nindex-url = https://pypi-mirror.example.edu/simple\n")),
  },
  {
    policy: "stack-packages-through-registry",
    title: "only the user image's repository, and pip with no index",
    mutate: all(withRegistry, remove(AR, "registry-python"), values(["singleuser", "extraFiles", "pip-config", "stringData"], "[global]\nno-index = true\n")),
  },
  {
    policy: "gke-node-service-account-roles",
    title: "Service Usage Consumer, which image streaming needs",
    mutate: add({ type: T.iamMember, name: "nodes-serviceusage", inputs: { member: `serviceAccount:${NODE_SA}`, project: "p", role: "roles/serviceusage.serviceUsageConsumer" } }),
  },
  ...VALUES_POD_PASSES,
  // The placeholder calendar's rule: the Kubernetes API's private endpoint, on 443 only.
  { policy: "k8s-network-policy-metadata-egress", title: "egress to private addresses on 443", mutate: set(T.networkPolicy, undefined, "spec.egress", [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ protocol: "TCP", port: 443 }] }]) },
  { policy: "k8s-network-policy-metadata-egress", title: "the registry proxy's policy with exactly the Workload Identity rules", mutate: add(proxyNetpol([DNS_RULE, ...WI_RULES, { to: [{ ipBlock: { cidr: "199.36.153.4/30" } }], ports: [{ protocol: "TCP", port: 443 }] }])) },
  { policy: "edge-ssl-policy-tls", title: "TLS 1.3 (above the threshold)", mutate: set(T.sslPolicy, undefined, "minTlsVersion", "TLS_1_3") },
  { policy: "jupyterhub-admin-access-off", title: "full admins the pack is told to allow", mutate: values("hub.config.GenericOAuthenticator.admin_groups", ["hub-operators"]), config: { "jupyterhub-admin-access-off": { allowFullAdmins: true } } },
  { policy: "jupyterhub-admin-access-off", title: "a role reaching only its bearer's own server", mutate: values(["hub", "loadRoles", "hub-staff", "scopes"], ["admin-ui", "access:servers!server"]) },
  { policy: "gke-control-plane-access", title: "IP endpoint disabled, no authorised networks", mutate: all(cluster("controlPlaneEndpointsConfig.ipEndpointsConfig.enabled", false), cluster("masterAuthorizedNetworksConfig", undefined)) },
  { policy: "gke-network-policy-enforced", title: "Calico network policy", mutate: all(cluster("datapathProvider", undefined), cluster("networkPolicy", { enabled: true, provider: "CALICO" })) },
  { policy: "gke-node-machine-type", title: "a type allowed by config", mutate: userPool("nodeConfig.machineType", "e2-medium"), config: { "gke-node-machine-type": { allowedMachineTypes: ["e2-*"] } } },
  { policy: "gke-node-pool-max-nodes", title: "a limit raised by config", mutate: userPool("autoscaling.totalMaxNodeCount", 1000), config: { "gke-node-pool-max-nodes": { maxNodesPerPool: 1000 } } },
  { policy: "gke-node-service-account", title: "an email not known yet", mutate: userPool("nodeConfig.serviceAccount", UNKNOWN_STRING) },
  { policy: "gke-node-metadata-server", title: "a node config not known yet", mutate: userPool("nodeConfig", UNKNOWN_STRING) },
  { policy: "gke-secrets-encryption", title: "KMS-encrypted secrets", mutate: cluster("databaseEncryption", { state: "ENCRYPTED", keyName: "projects/p/locations/l/keyRings/r/cryptoKeys/k" }) },
  { policy: "gke-binary-authorization", title: "enforced policy", mutate: cluster("binaryAuthorization.evaluationMode", "PROJECT_SINGLETON_POLICY_ENFORCE") },
  { policy: "gke-user-node-sandbox", title: "the deprecated sandboxType spelling", mutate: userPool("nodeConfig.sandboxConfig", { sandboxType: "gvisor" }) },
  {
    policy: "stack-user-sandbox",
    title: "a stack that asks for the sandbox nowhere (the advisory gke-user-node-sandbox speaks)",
    mutate: all(userPool("nodeConfig.sandboxConfig", undefined), values("singleuser.extraPodConfig", undefined), values("scheduling.userPlaceholder.extraPodSpec", undefined)),
  },
  { policy: "stack-user-sandbox", title: "placeholders turned off", mutate: all(values("scheduling.userPlaceholder", { enabled: false })) },
  { policy: "stack-user-sandbox", title: "a pool's sandbox not known yet", mutate: userPool("nodeConfig.sandboxConfig", UNKNOWN_STRING) },
  { policy: "edge-backend-security-policy", title: "a policy name not known yet", mutate: set(T.backendPolicy, undefined, "spec.default.securityPolicy", UNKNOWN_STRING) },
  {
    policy: "gke-node-service-account-roles",
    title: "editor on another account",
    mutate: add({ type: T.iamMember, name: "ci-editor", inputs: { member: "serviceAccount:ci@p.iam.gserviceaccount.com", project: "p", role: "roles/editor" } }),
  },
  {
    policy: "network-firewall-admin-ports",
    title: "HTTPS from anywhere",
    mutate: add({ type: T.firewall, name: "https", inputs: { network: "n", sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["443"] }] } }),
  },
  {
    policy: "network-firewall-admin-ports",
    title: "SSH from IAP only",
    mutate: add({ type: T.firewall, name: "iap", inputs: { network: "n", sourceRanges: ["35.235.240.0/20"], allows: [{ protocol: "tcp", ports: ["22"] }] } }),
  },
  {
    policy: "network-subnet-flow-logs",
    title: "a proxy-only subnet",
    mutate: add({ type: T.subnetwork, name: "proxy-only", inputs: { purpose: "REGIONAL_MANAGED_PROXY", role: "ACTIVE", ipCidrRange: "10.9.0.0/23" } }),
  },
  { policy: "network-dns-dnssec", title: "a private zone", mutate: all(set(T.zone, undefined, "visibility", "private"), set(T.zone, undefined, "dnssecConfig", undefined)) },
  { policy: "jupyterhub-allowlist", title: "users allowlisted on the base class", mutate: all(values("hub.config.GenericOAuthenticator.allowed_groups", undefined), values("hub.config.Authenticator.allowed_users", ["alice"])) },
  { policy: "jupyterhub-disable-user-config", title: "set on Spawner", mutate: all(values("hub.config.KubeSpawner", undefined), values("hub.config.Spawner.disable_user_config", true)) },
  {
    policy: "jupyterhub-proxy-service-private",
    title: "a LoadBalancer restricted to one network",
    mutate: values("proxy.service", { type: "LoadBalancer", loadBalancerSourceRanges: ["203.0.113.0/24"] }),
  },
  {
    policy: "jupyterhub-user-egress",
    title: "the internet minus private ranges and metadata, when allowed",
    mutate: all(
      values("singleuser.networkPolicy.egress", [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.169.254/32"] } }] }]),
      values("singleuser.networkPolicy.egressAllowRules.nonPrivateIPs", true),
    ),
    config: { "jupyterhub-user-egress": { allowInternetEgress: true } },
  },
  { policy: "jupyterhub-pinned-versions", title: "a digest-pinned image", mutate: values("singleuser.image", { name: `quay.io/jupyterhub/k8s-singleuser-sample@sha256:${"a".repeat(64)}` }) },
  {
    policy: "k8s-no-public-load-balancer",
    title: "an internal LoadBalancer",
    mutate: add({
      type: T.service,
      name: "ilb",
      inputs: { metadata: { namespace: "tools", annotations: { "networking.gke.io/load-balancer-type": "Internal" } }, spec: { type: "LoadBalancer" } },
    }),
  },
  { policy: "k8s-pss-seccomp", title: "profile on every container instead of the pod", mutate: all(pod("securityContext.seccompProfile", undefined), pod("containers.0.securityContext.seccompProfile.type", "RuntimeDefault")) },
  { policy: "k8s-service-account-token", title: "a dedicated service account", mutate: all(pod("automountServiceAccountToken", undefined), pod("serviceAccountName", "audit")) },
  {
    policy: "k8s-namespace-pod-security",
    title: "baseline allowed by config",
    mutate: set(T.namespace, "tools-namespace", ["metadata", "labels", "pod-security.kubernetes.io/enforce"], "baseline"),
    config: { "k8s-namespace-pod-security": { allowedLevels: ["baseline", "restricted"] } },
  },
  { policy: "stack-hostnames-covered", title: "certificate domains not known yet", mutate: set(T.certificate, undefined, "managed.domains", UNKNOWN_STRING) },
];

describe("policy pack: each policy on the hardened stack", () => {
  it("the hardened stack has no mandatory violation", async () => {
    const result = await check(secureStack());
    assert.deepStrictEqual(result.failures, []);
    assert.deepStrictEqual(result.findings.filter((f) => f.level === "mandatory"), []);
    // Only the policies that need something outside the program start advisory.
    assert.deepStrictEqual(
      [...new Set(result.findings.map((f) => f.policy))].sort(),
      ["gke-binary-authorization", "gke-secrets-encryption"],
    );
  });

  it("every policy has a case that blocks an insecure input", () => {
    const covered = new Set(CASES.map((c) => c.policy));
    assert.deepStrictEqual(allPolicies.map((p) => p.name).filter((n) => !covered.has(n)), []);
  });

  itRunsCases(CASES, PASSES);
});

describe("policy pack: applicability", () => {
  it("JupyterHub policies ignore other Helm releases", async () => {
    const stack = secureStack();
    stack.push({ type: T.release, name: "other", inputs: { chart: "ingress-nginx", version: "4.10.0", namespace: "ingress", values: {} } });
    const jupyterhub = allPolicies.filter((p) => areaOf(p) === "JupyterHub");
    const result = await check(stack, { policies: jupyterhub });
    assertNoViolation(result.findings);
  });

  it("recognises the chart by name or by its repository", async () => {
    const stack = secureStack();
    const release = find(stack, T.release).inputs;
    setPath(release, "values.hub.config.JupyterHub.admin_access", true);
    const run = async () => (await check(stack, { policies: [policyNamed("jupyterhub-admin-access-off")] })).findings;
    setPath(release, "chart", "jupyterhub/jupyterhub");
    setPath(release, "repositoryOpts", undefined);
    assertViolation(await run(), "jupyterhub-admin-access-off");
    setPath(release, "chart", "hub");
    assertNoViolation(await run());
    setPath(release, "repositoryOpts.repo", "https://hub.jupyter.org/helm-chart/");
    assertViolation(await run(), "jupyterhub-admin-access-off");
  });

  it("reports a cluster's inline node pools with their index", async () => {
    const stack = secureStack();
    const pool = getPath(find(stack, T.nodePool, "cluster-user").inputs, "nodeConfig") as Record<string, unknown>;
    setPath(find(stack, T.cluster).inputs, "nodePools", [{ nodeConfig: { ...pool, workloadMetadataConfig: { mode: "GCE_METADATA" } } }]);
    const result = await check(stack, { policies: [policyNamed("gke-node-metadata-server")] });
    assertViolation(result.findings, "gke-node-metadata-server", "nodePools[0].nodeConfig.workloadMetadataConfig.mode");
  });

  it("reports stack findings on the resource to fix", async () => {
    const stack = secureStack();
    setPath(find(stack, T.nodePool, "cluster-user").inputs, "nodeConfig.taints", []);
    const result = await check(stack, { policies: [policyNamed("stack-user-pods-on-user-nodes")] });
    assert.deepStrictEqual(result.findings.map((f) => f.urn.split("::").pop()), ["cluster-user"]);
  });

  it("a namespace is served by the hub's namespace and the chart's policies", async () => {
    const stack = secureStack();
    setPath(find(stack, T.deployment).inputs, "metadata.namespace", NS);
    assertNoViolation((await check(stack, { policies: [policyNamed("k8s-namespace-network-policy")] })).findings);
  });
});
