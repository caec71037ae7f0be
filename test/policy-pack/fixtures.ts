// A hardened stack built by hand in the shape the program declares (SDK input names, type tokens, the
// Z2JH values the program sets), for policy tests that must not depend on the program. Each call returns
// a fresh copy, so a test can make one setting insecure without affecting others.

import { clone, type FixtureResource } from "./support";

export const HUB = "hub.example.com";
export const NODE_SA = "test-gke-nodes@jupyterhub-test.iam.gserviceaccount.com";
export const NS = "jupyterhub";

const T = {
  network: "gcp:compute/network:Network",
  subnetwork: "gcp:compute/subnetwork:Subnetwork",
  router: "gcp:compute/router:Router",
  nat: "gcp:compute/routerNat:RouterNat",
  firewall: "gcp:compute/firewall:Firewall",
  account: "gcp:serviceaccount/account:Account",
  iamMember: "gcp:projects/iAMMember:IAMMember",
  cluster: "gcp:container/cluster:Cluster",
  nodePool: "gcp:container/nodePool:NodePool",
  zone: "gcp:dns/managedZone:ManagedZone",
  record: "gcp:dns/recordSet:RecordSet",
  address: "gcp:compute/globalAddress:GlobalAddress",
  dnsAuth: "gcp:certificatemanager/dnsAuthorization:DnsAuthorization",
  certificate: "gcp:certificatemanager/certificate:Certificate",
  certMap: "gcp:certificatemanager/certificateMap:CertificateMap",
  certMapEntry: "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry",
  sslPolicy: "gcp:compute/sSLPolicy:SSLPolicy",
  securityPolicy: "gcp:compute/securityPolicy:SecurityPolicy",
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  release: "kubernetes:helm.sh/v3:Release",
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  route: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  backendPolicy: "kubernetes:networking.gke.io/v1:GCPBackendPolicy",
  healthCheck: "kubernetes:networking.gke.io/v1:HealthCheckPolicy",
  gatewayPolicy: "kubernetes:networking.gke.io/v1:GCPGatewayPolicy",
  deployment: "kubernetes:apps/v1:Deployment",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  service: "kubernetes:core/v1:Service",
} as const;

export { T as TYPES };

const hardenedNodeConfig = () => ({
  imageType: "COS_CONTAINERD",
  oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
  serviceAccount: NODE_SA,
  shieldedInstanceConfig: { enableIntegrityMonitoring: true, enableSecureBoot: true },
  workloadMetadataConfig: { mode: "GKE_METADATA" },
  metadata: { "disable-legacy-endpoints": "true" },
});

function pool(purpose: "core" | "user", machineType: string, maxNodes: number) {
  return {
    autoscaling: { locationPolicy: "ANY", totalMaxNodeCount: maxNodes, totalMinNodeCount: 1 },
    cluster: "cluster",
    initialNodeCount: 1,
    location: "europe-west1-b",
    management: { autoRepair: true, autoUpgrade: true },
    nodeConfig: {
      ...hardenedNodeConfig(),
      machineType,
      diskType: "pd-balanced",
      kubeletConfig: { insecureKubeletReadonlyPortEnabled: "FALSE", ...(purpose === "user" ? { podPidsLimit: 4096 } : {}) },
      labels: { "hub.jupyter.org/node-purpose": purpose },
      ...(purpose === "user" ? { taints: [{ effect: "NO_SCHEDULE", key: "hub.jupyter.org/dedicated", value: "user" }] } : {}),
      ...(purpose === "user" ? { sandboxConfig: { type: "GVISOR" } } : {}),
    },
  };
}

/** The chart values the program sets for untrusted users (Z2JH 4.4.0 keys). */
export function secureValues(): Record<string, unknown> {
  return {
    hub: {
      config: {
        JupyterHub: { authenticator_class: "generic-oauth", admin_access: false, subdomain_host: HUB },
        GenericOAuthenticator: {
          client_id: "jupyterhub-test",
          oauth_callback_url: `https://${HUB}/hub/oauth_callback`,
          authorize_url: "https://login.example.com/oauth2/v1/authorize",
          token_url: "https://login.example.com/oauth2/v1/token",
          userdata_url: "https://login.example.com/oauth2/v1/userinfo",
          allowed_groups: ["workshop-staff", "workshop-admins"],
          admin_groups: [],
          admin_users: [],
        },
        KubeSpawner: {
          disable_user_config: true,
          automount_service_account_token: false,
          container_security_context: {
            runAsNonRoot: true,
            runAsUser: 1000,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
          },
        },
      },
      existingSecret: "hub-secret",
      activeServerLimit: 1000,
      concurrentSpawnLimit: 120,
      networkPolicy: {
        enabled: true,
        egressAllowRules: { cloudMetadataServer: false, nonPrivateIPs: false, privateIPs: false },
        egress: [
          { to: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ port: 443, protocol: "TCP" }] },
          { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"] } }], ports: [{ port: 443, protocol: "TCP" }] },
        ],
      },
      loadRoles: {
        "hub-staff": { scopes: ["admin-ui", "list:users", "read:users", "servers"], groups: ["workshop-admins"] },
        admin: { users: [], groups: [] },
      },
    },
    proxy: {
      service: { type: "ClusterIP" },
      chp: { networkPolicy: { enabled: true, egressAllowRules: { cloudMetadataServer: false, nonPrivateIPs: false, privateIPs: false } } },
    },
    singleuser: {
      image: { name: "quay.io/jupyterhub/k8s-singleuser-sample", tag: "4.4.0" },
      cpu: { limit: 1, guarantee: 0.25 },
      memory: { limit: "2G", guarantee: "1G" },
      cloudMetadata: { blockWithIptables: false },
      networkPolicy: {
        enabled: true,
        egressAllowRules: { cloudMetadataServer: false, privateIPs: false, nonPrivateIPs: false },
        egress: [{ to: [{ ipBlock: { cidr: "203.0.113.16/28" } }], ports: [{ port: 443, protocol: "TCP" }] }],
      },
      extraPodConfig: { runtimeClassName: "gvisor" },
    },
    scheduling: {
      userPods: { nodeAffinity: { matchNodePurpose: "require" } },
      userPlaceholder: { enabled: true, replicas: 2, extraPodSpec: { runtimeClassName: "gvisor" } },
    },
    cull: { enabled: true, timeout: 3600, every: 600 },
  };
}

/** A Deployment that meets the Pod Security Standards restricted profile. */
export function secureDeployment(): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "audit", namespace: "tools" },
    spec: {
      selector: { matchLabels: { app: "audit" } },
      template: {
        metadata: { labels: { app: "audit" } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: "audit",
              image: "registry.example.com/audit:1.2.3",
              ports: [{ containerPort: 8080 }],
              resources: { limits: { cpu: "200m", memory: "128Mi" }, requests: { cpu: "100m", memory: "64Mi" } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
            },
          ],
          volumes: [{ name: "tmp", emptyDir: {} }],
        },
      },
    },
  };
}

const restrictedNamespace = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/audit": "restricted",
};

const policyTarget = (name: string) => ({ group: "", kind: "Service", name });

export function secureStack(): FixtureResource[] {
  // A deep copy, so no two stacks (or two resources) share an object a test might change.
  return clone<FixtureResource[]>([
    { type: T.network, name: "network-vpc", inputs: { autoCreateSubnetworks: false } },
    {
      type: T.subnetwork,
      name: "network-nodes",
      inputs: {
        ipCidrRange: "10.0.0.0/26",
        logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
        network: "network-vpc-id",
        privateIpGoogleAccess: true,
        region: "europe-west1",
      },
    },
    { type: T.router, name: "network-router", inputs: { network: "network-vpc-id", region: "europe-west1" } },
    {
      type: T.nat,
      name: "network-nat",
      inputs: { logConfig: { enable: true, filter: "ALL" }, router: "network-router", sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS" },
    },
    {
      type: T.firewall,
      name: "network-allow-health-checks",
      inputs: { network: "network-vpc-id", sourceRanges: ["35.191.0.0/16", "130.211.0.0/22"], allows: [{ protocol: "tcp", ports: ["8000", "8081"] }] },
    },
    { type: T.account, name: "cluster-nodes", inputs: { accountId: "test-gke-nodes", project: "jupyterhub-test" } },
    ...["roles/container.defaultNodeServiceAccount"].map((role) => ({
      type: T.iamMember,
      name: `cluster-nodes-${role.split("/")[1]}`,
      inputs: { member: `serviceAccount:${NODE_SA}`, project: "jupyterhub-test", role },
    })),
    {
      type: T.cluster,
      name: "cluster",
      inputs: {
        anonymousAuthenticationConfig: { mode: "LIMITED" },
        controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: true }, ipEndpointsConfig: { enabled: true } },
        datapathProvider: "ADVANCED_DATAPATH",
        enableKubernetesAlpha: false,
        enableLegacyAbac: false,
        enableShieldedNodes: true,
        gatewayApiConfig: { channel: "CHANNEL_STANDARD" },
        ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
        location: "europe-west1-b",
        loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
        masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
        masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "203.0.113.0/28", displayName: "organiser-office" }], gcpPublicCidrsAccessEnabled: false },
        monitoringConfig: { enableComponents: ["SYSTEM_COMPONENTS"] },
        networkingMode: "VPC_NATIVE",
        nodeConfig: hardenedNodeConfig(),
        nodePoolDefaults: { nodeConfigDefaults: { insecureKubeletReadonlyPortEnabled: "FALSE" } },
        privateClusterConfig: { enablePrivateNodes: true },
        rbacBindingConfig: { enableInsecureBindingSystemAuthenticated: false, enableInsecureBindingSystemUnauthenticated: false },
        releaseChannel: { channel: "REGULAR" },
        removeDefaultNodePool: true,
        securityPostureConfig: { mode: "BASIC", vulnerabilityMode: "VULNERABILITY_BASIC" },
        serviceExternalIpsConfig: { enabled: false },
        workloadIdentityConfig: { workloadPool: "jupyterhub-test.svc.id.goog" },
      },
    },
    { type: T.nodePool, name: "cluster-core", inputs: pool("core", "e2-standard-2", 2) },
    { type: T.nodePool, name: "cluster-user", inputs: pool("user", "e2-standard-4", 4) },
    { type: T.zone, name: "dns-zone", inputs: { dnsName: `${HUB}.`, dnssecConfig: { state: "on" }, visibility: "public" } },
    { type: T.address, name: "edge-address", inputs: { name: "test-hub", addressType: "EXTERNAL" } },
    ...[HUB, `*.${HUB}`].map((host, i) => ({
      type: T.record,
      name: `dns-${i === 0 ? "hub" : "wildcard"}`,
      inputs: { managedZone: "dns-zone", name: `${host}.`, type: "A", ttl: 300, rrdatas: ["203.0.113.10"] },
    })),
    { type: T.dnsAuth, name: "edge-dns-auth", inputs: { domain: HUB, location: "global" } },
    {
      type: T.record,
      name: "dns-acme",
      inputs: { managedZone: "dns-zone", name: `_acme-challenge.${HUB}.`, type: "CNAME", ttl: 300, rrdatas: ["x.authorize.certificatemanager.goog."] },
    },
    { type: T.certificate, name: "edge-cert", inputs: { scope: "DEFAULT", managed: { domains: [HUB, `*.${HUB}`], dnsAuthorizations: ["edge-dns-auth-id"] } } },
    { type: T.certMap, name: "edge-certmap", inputs: { name: "test-hub-certmap" } },
    ...[HUB, `*.${HUB}`].map((host, i) => ({
      type: T.certMapEntry,
      name: `edge-certmap-${i === 0 ? "hub" : "wildcard"}`,
      inputs: { map: "test-hub-certmap", certificates: ["edge-cert-id"], hostname: host },
    })),
    { type: T.certMapEntry, name: "edge-certmap-primary", inputs: { map: "test-hub-certmap", certificates: ["edge-cert-id"], matcher: "PRIMARY" } },
    { type: T.sslPolicy, name: "edge-tls", inputs: { name: "test-hub-tls", minTlsVersion: "TLS_1_2", profile: "MODERN" } },
    {
      type: T.securityPolicy,
      name: "edge-armor",
      inputs: {
        name: "test-hub-armor",
        type: "CLOUD_ARMOR",
        rules: [{ priority: 2147483647, action: "allow", match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } } }],
        adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true } },
      },
    },
    { type: T.namespace, name: "hub-namespace", inputs: { apiVersion: "v1", kind: "Namespace", metadata: { name: NS, labels: restrictedNamespace } } },
    {
      type: T.secret,
      name: "hub-secret",
      inputs: { apiVersion: "v1", kind: "Secret", metadata: { name: "hub-secret", namespace: NS }, stringData: { "hub.config.GenericOAuthenticator.client_secret": "[secret]" } },
    },
    {
      type: T.release,
      name: "hub",
      inputs: {
        chart: "jupyterhub",
        version: "4.4.0",
        namespace: NS,
        repositoryOpts: { repo: "https://hub.jupyter.org/helm-chart/" },
        values: secureValues(),
      },
    },
    {
      type: T.gateway,
      name: "edge-gateway",
      inputs: {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: { name: "hub", namespace: NS, annotations: { "networking.gke.io/certmap": "test-hub-certmap" } },
        spec: {
          gatewayClassName: "gke-l7-global-external-managed",
          addresses: [{ type: "NamedAddress", value: "test-hub" }],
          listeners: [
            { name: "https", protocol: "HTTPS", port: 443 },
            { name: "http", protocol: "HTTP", port: 80 },
          ],
        },
      },
    },
    {
      type: T.route,
      name: "edge-route",
      inputs: {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "hub", namespace: NS },
        spec: { parentRefs: [{ name: "hub", sectionName: "https" }], hostnames: [HUB, `*.${HUB}`], rules: [{ backendRefs: [{ name: "proxy-public", port: 80 }] }] },
      },
    },
    {
      type: T.route,
      name: "edge-redirect",
      inputs: {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "hub-http-redirect", namespace: NS },
        spec: {
          parentRefs: [{ name: "hub", sectionName: "http" }],
          hostnames: [HUB, `*.${HUB}`],
          rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
        },
      },
    },
    {
      type: T.backendPolicy,
      name: "edge-backend",
      inputs: { apiVersion: "networking.gke.io/v1", kind: "GCPBackendPolicy", metadata: { name: "proxy-public", namespace: NS }, spec: { targetRef: policyTarget("proxy-public"), default: { timeoutSec: 86400, securityPolicy: "test-hub-armor", logging: { enabled: true, sampleRate: 1000000 } } } },
    },
    {
      type: T.healthCheck,
      name: "edge-health",
      inputs: {
        apiVersion: "networking.gke.io/v1",
        kind: "HealthCheckPolicy",
        metadata: { name: "proxy-public", namespace: NS },
        spec: {
          targetRef: policyTarget("proxy-public"),
          default: { config: { type: "HTTP", httpHealthCheck: { portSpecification: "USE_FIXED_PORT", port: 8000, requestPath: "/_chp_healthz" } } },
        },
      },
    },
    {
      type: T.gatewayPolicy,
      name: "edge-gateway-tls",
      inputs: {
        apiVersion: "networking.gke.io/v1",
        kind: "GCPGatewayPolicy",
        metadata: { name: "hub", namespace: NS },
        spec: { targetRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "hub" }, default: { sslPolicy: "test-hub-tls" } },
      },
    },
    { type: T.namespace, name: "tools-namespace", inputs: { apiVersion: "v1", kind: "Namespace", metadata: { name: "tools", labels: restrictedNamespace } } },
    {
      type: T.networkPolicy,
      name: "tools-default-deny",
      inputs: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: "tools" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    },
    { type: T.deployment, name: "tools-audit", inputs: secureDeployment() },
  ]);
}
