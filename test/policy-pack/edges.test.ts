// Each threshold of the pack on both sides, and each insecure-by-default setting left out entirely (issue
// 10: a policy tested only with an explicit `false` lets through a missing block or a threshold moved by
// one). The numbers are written here, not imported from policy-pack/policies/thresholds.ts: moving a
// threshold must be a change a test notices. A refusal is compared as the WHOLE message: it tells the
// organiser which field to set and to what, and a fragment would let a wrong field or value through.

import * as assert from "assert";
import { policyNamed } from "./caseRunner";
import { secureStack, TYPES as T } from "./fixtures";
import { add, all, set, values, type Mutation } from "./mutations";
import { assertNoViolation, check, UNKNOWN_STRING } from "./support";

interface Edge {
  readonly policy: string;
  readonly title: string;
  readonly mutate: Mutation;
  /** The policy's whole message; undefined: the policy must pass. */
  readonly refused?: string;
}

const userPool = (path: string | readonly (string | number)[], value: unknown) => set(T.nodePool, "cluster-user", path, value);
const timeout = (seconds: number | string | undefined) => set(T.backendPolicy, undefined, "spec.default.timeoutSec", seconds);
const tls = (path: string, value: unknown) => set(T.sslPolicy, undefined, path, value);
const healthCheck = (path: string, value: unknown) => set(T.healthCheck, undefined, `spec.default.config.${path}`, value);

const TIMEOUT = (found: string) =>
  `The backend timeout must keep websockets open for a working session: set spec.default.timeoutSec to a number of seconds from 3600 to 86400 (found: ${found}).`;
const CULL = (found: string) => `The idle timeout must be bounded: set values.cull.timeout to a number of seconds from 1 to 86400 (found: ${found}).`;
const TLS = (found: string) => `Clients must negotiate TLS 1.2 or later: set minTlsVersion to "TLS_1_2" (found: ${found}).`;
const HEALTH_CHECKS = "/_chp_healthz on port 8000 or /hub/health on port 8081";
const ADMIN = (opened: string, found: string) =>
  `Administrative ports must not be open to the internet; this rule opens ${opened}: set sourceRanges to specific CIDRs (35.235.240.0/20 for IAP SSH), or remove those ports from allows (found: ${found}).`;
const AUTHORISED =
  "The control plane's public IP endpoint must be restricted to authorised networks: set masterAuthorizedNetworksConfig to { cidrBlocks: [<admin CIDRs>], gcpPublicCidrsAccessEnabled: false } (or disable the IP endpoint with controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false) (found: not set).";
const WORKLOAD = (found: string) => `Workload Identity must be enabled so pods never see node credentials: set workloadIdentityConfig.workloadPool to "<project>.svc.id.goog" (found: ${found}).`;
const NODE_SA_MESSAGE = (found: string) => `Nodes must not run as the Compute Engine default service account: set nodeConfig.serviceAccount to the email of a dedicated least-privilege service account (found: ${found}).`;
const KUBELET = (where: string, found: string) => `The kubelet read-only port must be closed: set ${where}.kubeletConfig.insecureKubeletReadonlyPortEnabled to "FALSE" (found: ${found}).`;
const cluster = (path: string | readonly (string | number)[], value: unknown) => set(T.cluster, undefined, path, value);
const firewall = (inputs: Record<string, unknown>) => add({ type: T.firewall, name: "probe", inputs: { network: "network-vpc-id", ...inputs } });

const EDGES: readonly Edge[] = [
  // 500 nodes per pool (thresholds.ts MAX_NODES_PER_POOL), over all its zones.
  { policy: "gke-node-pool-max-nodes", title: "exactly 500 nodes", mutate: userPool("autoscaling.totalMaxNodeCount", 500) },
  { policy: "gke-node-pool-max-nodes", title: "501 nodes", mutate: userPool("autoscaling.totalMaxNodeCount", 501), refused: "A node pool must not grow beyond 500 nodes: lower autoscaling.totalMaxNodeCount so the pool stays at or under 500 nodes over all its zones, or raise maxNodesPerPool (found: 501 nodes)." },
  // The backend timeout is a websocket's whole life on GCP: one hour to one day.
  { policy: "edge-backend-timeout", title: "3599 s", mutate: timeout(3599), refused: TIMEOUT("3599") },
  { policy: "edge-backend-timeout", title: "exactly 3600 s", mutate: timeout(3600) },
  { policy: "edge-backend-timeout", title: "exactly 86400 s", mutate: timeout(86400) },
  { policy: "edge-backend-timeout", title: "86401 s", mutate: timeout(86401), refused: TIMEOUT("86401") },
  { policy: "edge-backend-timeout", title: "a day written as a string", mutate: timeout("86400"), refused: TIMEOUT('"86400"') },
  // Idle culling: at most a day; left out, the chart's own default (cull.timeout 3600, Z2JH 4.4.0 values.yaml).
  { policy: "jupyterhub-culling", title: "an idle timeout of exactly a day", mutate: values("cull.timeout", 86400) },
  { policy: "jupyterhub-culling", title: "a day and a second", mutate: values("cull.timeout", 86401), refused: CULL("86401") },
  { policy: "jupyterhub-culling", title: "an idle timeout of 0", mutate: values("cull.timeout", 0), refused: CULL("0") },
  { policy: "jupyterhub-culling", title: "no idle timeout (the chart's 3600)", mutate: values("cull.timeout", undefined) },
  // TLS: 1.2 and 1.3 only; the API's default when unset is TLS 1.0 (gcloud defaults, compute SSLPolicy).
  { policy: "edge-ssl-policy-tls", title: "TLS 1.1", mutate: tls("minTlsVersion", "TLS_1_1"), refused: TLS('"TLS_1_1"') },
  { policy: "edge-ssl-policy-tls", title: "no minimum TLS version (TLS 1.0)", mutate: tls("minTlsVersion", undefined), refused: TLS("not set") },
  { policy: "edge-ssl-policy-tls", title: "TLS 1.3", mutate: tls("minTlsVersion", "TLS_1_3") },
  { policy: "edge-ssl-policy-tls", title: "the COMPATIBLE profile named", mutate: tls("profile", "COMPATIBLE"), refused: 'The COMPATIBLE profile (the default) allows weak ciphers: set profile to "MODERN" (found: "COMPATIBLE").' },
  { policy: "edge-ssl-policy-tls", title: "the RESTRICTED profile", mutate: tls("profile", "RESTRICTED") },
  // A private cluster: the block left out is as public as `enablePrivateNodes: false`.
  { policy: "gke-private-nodes", title: "no privateClusterConfig at all", mutate: set(T.cluster, undefined, "privateClusterConfig", undefined), refused: "GKE nodes must not have external IP addresses: set privateClusterConfig.enablePrivateNodes to true (found: not set)." },
  { policy: "gke-control-plane-access", title: "no masterAuthorizedNetworksConfig", mutate: set(T.cluster, undefined, "masterAuthorizedNetworksConfig", undefined), refused: "The control plane's public IP endpoint must be restricted to authorised networks: set masterAuthorizedNetworksConfig to { cidrBlocks: [<admin CIDRs>], gcpPublicCidrsAccessEnabled: false } (or disable the IP endpoint with controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false) (found: not set)." },
  // Health checks: the chart's own probe paths, each on the port that serves it (Z2JH 4.4.0
  // templates/proxy/deployment.yaml, templates/hub/deployment.yaml); left unknown at preview, no verdict.
  {
    policy: "edge-health-check-path", title: "path /", mutate: healthCheck("httpHealthCheck.requestPath", "/"),
    refused: `The health-check path must answer 200 without a redirect: set spec.default.config.httpHealthCheck.requestPath to ${HEALTH_CHECKS} (found: "/").`,
  },
  {
    policy: "edge-health-check-path", title: "the proxy's path on port 80", mutate: healthCheck("httpHealthCheck.port", 80),
    refused: "The health check for /_chp_healthz must probe the port that serves it: set spec.default.config.httpHealthCheck.port to 8000 (found: 80).",
  },
  {
    policy: "edge-health-check-path", title: "a TCP check", mutate: set(T.healthCheck, undefined, "spec.default.config", { type: "TCP", tcpHealthCheck: { port: 8000 } }),
    refused: `The load balancer must probe an HTTP path: set spec.default.config.httpHealthCheck to { requestPath, port } with ${HEALTH_CHECKS} (found: "TCP").`,
  },
  { policy: "edge-health-check-path", title: "the hub's path on its port", mutate: all(healthCheck("httpHealthCheck.requestPath", "/hub/health"), healthCheck("httpHealthCheck.port", 8081)) },
  { policy: "edge-health-check-path", title: "no port (the serving port)", mutate: healthCheck("httpHealthCheck.port", undefined) },
  { policy: "edge-health-check-path", title: "a config not known yet", mutate: set(T.healthCheck, undefined, "spec.default.config", UNKNOWN_STRING) },
  { policy: "edge-health-check-path", title: "a path not known yet", mutate: healthCheck("httpHealthCheck.requestPath", UNKNOWN_STRING) },
  { policy: "edge-health-check-path", title: "a port not known yet", mutate: healthCheck("httpHealthCheck.port", UNKNOWN_STRING) },
  {
    policy: "edge-managed-certificate", title: "no managed block", mutate: set(T.certificate, undefined, "managed", undefined),
    refused: "Certificates must be Google-managed so keys never leave Google and renewal is automatic: set managed to { domains, dnsAuthorizations } (found: not set).",
  },
  {
    policy: "edge-managed-certificate", title: "an uploaded key", mutate: set(T.certificate, undefined, "selfManaged", { pemCertificate: "x", pemPrivateKey: "y" }),
    refused: 'Private keys must not be uploaded: set selfManaged to nothing (remove it) (found: {"pemCertificate":"x","pemPrivateKey":"y"}).',
  },
  // Firewalls (network.ts): an ingress rule open to the world is refused for the admin ports it opens, each
  // named, in order; a range is inclusive at both ends; no source at all is GCP's 0.0.0.0/0.
  { policy: "network-firewall-admin-ports", title: "SSH open to the world", mutate: firewall({ sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["22"] }] }), refused: ADMIN("22 (SSH)", '"0.0.0.0/0"') },
  { policy: "network-firewall-admin-ports", title: "a range 20-23 (both ends inclusive)", mutate: firewall({ sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["20-23"] }] }), refused: ADMIN("21 (FTP), 22 (SSH), 23 (Telnet)", '"0.0.0.0/0"') },
  { policy: "network-firewall-admin-ports", title: "a range 24-1432 between two admin ports", mutate: firewall({ sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["24-1432"] }] }) },
  { policy: "network-firewall-admin-ports", title: "a range ending on 1433 and a numeric port", mutate: firewall({ sourceRanges: ["::/0"], allows: [{ protocol: "UDP", ports: ["1000-1433", 6443] }] }), refused: ADMIN("1433 (SQL Server), 6443 (Kubernetes API)", '"::/0"') },
  {
    policy: "network-firewall-admin-ports", title: "every protocol with no source at all", mutate: firewall({ allows: [{ protocol: "all" }] }),
    refused: ADMIN("21 (FTP), 22 (SSH), 23 (Telnet), 1433 (SQL Server), 2379 (etcd), 2380 (etcd peer), 3306 (MySQL), 3389 (RDP), 5432 (PostgreSQL), 5900 (VNC), 6379 (Redis), 6443 (Kubernetes API), 10250 (kubelet), 10255 (kubelet read-only), 27017 (MongoDB)", '"no source (0.0.0.0/0)"'),
  },
  { policy: "network-firewall-admin-ports", title: "protocol 6 (TCP) with no ports", mutate: firewall({ sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "6" }] }), refused: ADMIN("21 (FTP), 22 (SSH), 23 (Telnet), 1433 (SQL Server), 2379 (etcd), 2380 (etcd peer), 3306 (MySQL), 3389 (RDP), 5432 (PostgreSQL), 5900 (VNC), 6379 (Redis), 6443 (Kubernetes API), 10250 (kubelet), 10255 (kubelet read-only), 27017 (MongoDB)", '"0.0.0.0/0"') },
  { policy: "network-firewall-admin-ports", title: "ICMP only from the world", mutate: firewall({ sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "icmp" }] }) },
  { policy: "network-firewall-admin-ports", title: "SSH from source tags only", mutate: firewall({ sourceTags: ["bastion"], allows: [{ protocol: "tcp", ports: ["22"] }] }) },
  { policy: "network-firewall-admin-ports", title: "SSH from a service account only", mutate: firewall({ sourceServiceAccounts: ["a@p.iam.gserviceaccount.com"], allows: [{ protocol: "tcp", ports: ["22"] }] }) },
  { policy: "network-firewall-admin-ports", title: "SSH from a specific range", mutate: firewall({ sourceRanges: ["35.235.240.0/20"], allows: [{ protocol: "tcp", ports: ["22"] }] }) },
  { policy: "network-firewall-admin-ports", title: "an egress rule to the world", mutate: firewall({ direction: "EGRESS", sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["22"] }] }) },
  { policy: "network-firewall-admin-ports", title: "an ingress rule written in lower case", mutate: firewall({ direction: "ingress", sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["3389"] }] }), refused: ADMIN("3389 (RDP)", '"0.0.0.0/0"') },
  { policy: "network-firewall-admin-ports", title: "a disabled rule", mutate: firewall({ disabled: true, sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["22"] }] }) },
  { policy: "network-firewall-admin-ports", title: "a rule whose ports are not known yet", mutate: firewall({ sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: UNKNOWN_STRING }] }) },
  { policy: "network-firewall-admin-ports", title: "two rules, RDP before SSH (named in port order)", mutate: firewall({ sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["3389"] }, { protocol: "tcp", ports: ["22"] }] }), refused: ADMIN("22 (SSH), 3389 (RDP)", '"0.0.0.0/0"') },
  { policy: "network-firewall-admin-ports", title: "a ports entry that is not a port ([22] nested)", mutate: firewall({ sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: [[22]] }] }) },
  { policy: "network-firewall-admin-ports", title: "a protocol that is not a string", mutate: firewall({ sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: 6, ports: ["22"] }] }) },
  { policy: "network-firewall-admin-ports", title: "a source range that is not a string", mutate: firewall({ sourceRanges: [42, "10.0.0.0/8"], allows: [{ protocol: "tcp", ports: ["22"] }] }) },
  // Anything not known at preview: no verdict (the engine checks again at update), never a crash.
  { policy: "network-firewall-admin-ports", title: "allows not known yet", mutate: firewall({ sourceRanges: ["0.0.0.0/0"], allows: UNKNOWN_STRING }) },
  { policy: "network-firewall-admin-ports", title: "disabled not known yet", mutate: firewall({ disabled: UNKNOWN_STRING, sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["22"] }] }) },
  { policy: "network-firewall-admin-ports", title: "sourceRanges not known yet", mutate: firewall({ sourceRanges: UNKNOWN_STRING, allows: [{ protocol: "tcp", ports: ["22"] }] }) },
  { policy: "network-firewall-admin-ports", title: "sourceTags not known yet", mutate: firewall({ sourceRanges: ["0.0.0.0/0"], sourceTags: UNKNOWN_STRING, allows: [{ protocol: "tcp", ports: ["22"] }] }) },
  { policy: "network-firewall-admin-ports", title: "sourceServiceAccounts not known yet", mutate: firewall({ sourceRanges: ["0.0.0.0/0"], sourceServiceAccounts: UNKNOWN_STRING, allows: [{ protocol: "tcp", ports: ["22"] }] }) },
  // Subnets: Private Google Access and flow logs, on VM subnets only.
  { policy: "network-subnet-private-google-access", title: "privateIpGoogleAccess false", mutate: set(T.subnetwork, "network-nodes", "privateIpGoogleAccess", false), refused: "Private nodes must reach Google APIs privately: set privateIpGoogleAccess to true (found: false)." },
  { policy: "network-subnet-private-google-access", title: "privateIpGoogleAccess left out", mutate: set(T.subnetwork, "network-nodes", "privateIpGoogleAccess", undefined), refused: "Private nodes must reach Google APIs privately: set privateIpGoogleAccess to true (found: not set)." },
  { policy: "network-subnet-private-google-access", title: "a PRIVATE subnet without it", mutate: all(set(T.subnetwork, "network-nodes", "purpose", "PRIVATE"), set(T.subnetwork, "network-nodes", "privateIpGoogleAccess", false)), refused: "Private nodes must reach Google APIs privately: set privateIpGoogleAccess to true (found: false)." },
  { policy: "network-subnet-private-google-access", title: "a proxy-only subnet without it", mutate: all(set(T.subnetwork, "network-nodes", "purpose", "REGIONAL_MANAGED_PROXY"), set(T.subnetwork, "network-nodes", "privateIpGoogleAccess", false)) },
  { policy: "network-subnet-flow-logs", title: "no logConfig", mutate: set(T.subnetwork, "network-nodes", "logConfig", undefined), refused: "Flow logs must be on for forensics: set logConfig to { aggregationInterval, flowSampling, metadata } (found: not set)." },
  { policy: "network-subnet-flow-logs", title: "flowSampling 0", mutate: set(T.subnetwork, "network-nodes", "logConfig.flowSampling", 0), refused: "Flow logs must sample some flows: set logConfig.flowSampling to a value above 0 (e.g. 0.5) (found: 0)." },
  { policy: "network-subnet-flow-logs", title: "flowSampling 0.01", mutate: set(T.subnetwork, "network-nodes", "logConfig.flowSampling", 0.01) },
  { policy: "network-subnet-flow-logs", title: "flowSampling left out (the API's 0.5)", mutate: set(T.subnetwork, "network-nodes", "logConfig.flowSampling", undefined) },
  { policy: "network-subnet-flow-logs", title: "a PSC subnet without flow logs", mutate: all(set(T.subnetwork, "network-nodes", "purpose", "PRIVATE_SERVICE_CONNECT"), set(T.subnetwork, "network-nodes", "logConfig", undefined)) },
  { policy: "network-nat-logging", title: "NAT logging left out", mutate: set(T.nat, undefined, "logConfig", undefined), refused: "NAT logging must be on: set logConfig.enable to true (found: not set)." },
  { policy: "network-subnet-flow-logs", title: "flowSampling as a string", mutate: set(T.subnetwork, "network-nodes", "logConfig.flowSampling", "0.5"), refused: 'Flow logs must sample some flows: set logConfig.flowSampling to a value above 0 (e.g. 0.5) (found: "0.5").' },
  // DNSSEC: public zones signed, no RSASHA1 key (any case), private zones exempt.
  { policy: "network-dns-dnssec", title: "DNSSEC left out", mutate: set(T.zone, undefined, "dnssecConfig", undefined), refused: 'Public zones must be signed so resolvers can detect spoofed answers: set dnssecConfig.state to "on" (found: not set).' },
  { policy: "network-dns-dnssec", title: "DNSSEC in transfer", mutate: set(T.zone, undefined, "dnssecConfig.state", "transfer"), refused: 'Public zones must be signed so resolvers can detect spoofed answers: set dnssecConfig.state to "on" (found: "transfer").' },
  { policy: "network-dns-dnssec", title: "a private zone unsigned", mutate: all(set(T.zone, undefined, "visibility", "PRIVATE"), set(T.zone, undefined, "dnssecConfig", undefined)) },
  {
    policy: "network-dns-dnssec", title: "an RSASHA1 key second", mutate: set(T.zone, undefined, "dnssecConfig.defaultKeySpecs", [{ algorithm: "ecdsap256sha256" }, { algorithm: "RSASHA1" }]),
    refused: 'DNSSEC keys must not use RSASHA1: set dnssecConfig.defaultKeySpecs[1].algorithm to "rsasha256" or "ecdsap256sha256" (found: "RSASHA1").',
  },
  { policy: "network-dns-dnssec", title: "key specs not known yet", mutate: set(T.zone, undefined, "dnssecConfig.defaultKeySpecs", UNKNOWN_STRING) },
  // The control plane (gke/controlPlane.ts): no authorised networks is fine only without a public endpoint.
  { policy: "gke-control-plane-access", title: "the IP endpoint disabled, no authorised networks", mutate: all(set(T.cluster, undefined, "masterAuthorizedNetworksConfig", undefined), set(T.cluster, undefined, "controlPlaneEndpointsConfig.ipEndpointsConfig.enabled", false)) },
  { policy: "gke-control-plane-access", title: "a private endpoint, no authorised networks", mutate: all(set(T.cluster, undefined, "masterAuthorizedNetworksConfig", undefined), set(T.cluster, undefined, "privateClusterConfig.enablePrivateEndpoint", true)) },
  { policy: "gke-control-plane-access", title: "no IP endpoints block (on by default), no authorised networks", mutate: all(set(T.cluster, undefined, "masterAuthorizedNetworksConfig", undefined), set(T.cluster, undefined, "controlPlaneEndpointsConfig", undefined)), refused: AUTHORISED },
  {
    policy: "gke-control-plane-access", title: "the whole internet second among the authorised networks", mutate: set(T.cluster, undefined, "masterAuthorizedNetworksConfig.cidrBlocks", [{ cidrBlock: "203.0.113.0/28" }, { cidrBlock: "0.0.0.0/0" }]),
    refused: 'Authorised networks must not include the whole internet: set masterAuthorizedNetworksConfig.cidrBlocks[1].cidrBlock to the specific CIDR of your operators or CI runners (found: "0.0.0.0/0").',
  },
  {
    policy: "gke-control-plane-access", title: "Google Cloud's public ranges let in", mutate: set(T.cluster, undefined, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", true),
    refused: "Google Cloud's public IP ranges must not reach the control plane: set masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled to false (found: true).",
  },
  { policy: "gke-control-plane-access", title: "authorised networks not known yet", mutate: set(T.cluster, undefined, "masterAuthorizedNetworksConfig", UNKNOWN_STRING) },
  { policy: "gke-control-plane-access", title: "the IP endpoint not known yet, no authorised networks", mutate: all(set(T.cluster, undefined, "masterAuthorizedNetworksConfig", undefined), set(T.cluster, undefined, "controlPlaneEndpointsConfig.ipEndpointsConfig.enabled", UNKNOWN_STRING)) },
  { policy: "gke-control-plane-access", title: "the private endpoint not known yet, no authorised networks", mutate: all(set(T.cluster, undefined, "masterAuthorizedNetworksConfig", undefined), set(T.cluster, undefined, "privateClusterConfig.enablePrivateEndpoint", UNKNOWN_STRING)) },
  { policy: "gke-control-plane-access", title: "cidrBlocks not known yet", mutate: set(T.cluster, undefined, "masterAuthorizedNetworksConfig.cidrBlocks", UNKNOWN_STRING) },
  { policy: "gke-control-plane-access", title: "a cidrBlock that is not a string", mutate: set(T.cluster, undefined, "masterAuthorizedNetworksConfig.cidrBlocks", [{ cidrBlock: 42 }]) },
  // Workload Identity and node identity (gke/identity.ts).
  { policy: "gke-workload-identity", title: "a workload pool that only looks like one", mutate: cluster("workloadIdentityConfig.workloadPool", "p.svc.id.goog.example.com"), refused: WORKLOAD('"p.svc.id.goog.example.com"') },
  { policy: "gke-workload-identity", title: "a workload pool that is not a string", mutate: cluster("workloadIdentityConfig.workloadPool", ["p.svc.id.goog"]), refused: WORKLOAD('["p.svc.id.goog"]') },
  { policy: "gke-node-metadata-server", title: "disable-legacy-endpoints left out (disabled by default)", mutate: userPool(["nodeConfig", "metadata", "disable-legacy-endpoints"], undefined) },
  { policy: "gke-node-metadata-server", title: 'disable-legacy-endpoints "TRUE"', mutate: userPool(["nodeConfig", "metadata", "disable-legacy-endpoints"], "TRUE") },
  { policy: "gke-node-service-account", title: "an empty service account", mutate: userPool("nodeConfig.serviceAccount", ""), refused: NODE_SA_MESSAGE('""') },
  { policy: "gke-node-service-account", title: 'the service account "default"', mutate: userPool("nodeConfig.serviceAccount", "default"), refused: NODE_SA_MESSAGE('"default"') },
  // Networking (gke/networking.ts).
  { policy: "gke-private-nodes", title: "a pool opting out of private nodes", mutate: userPool("networkConfig.enablePrivateNodes", false), refused: "A node pool must not opt out of private nodes: set networkConfig.enablePrivateNodes to true (or leave it unset) (found: false)." },
  { policy: "gke-network-policy-enforced", title: "the legacy datapath", mutate: cluster("datapathProvider", "LEGACY_DATAPATH"), refused: `The cluster must enforce NetworkPolicy, or the chart's user isolation is silently ignored: set datapathProvider to "ADVANCED_DATAPATH" (found: "LEGACY_DATAPATH").` },
  { policy: "gke-vpc-native", title: "route-based networking alone", mutate: cluster("networkingMode", "ROUTES"), refused: 'Route-based networking must not be used: set networkingMode to "VPC_NATIVE" (found: "ROUTES").' },
  // Nodes (gke/nodes.ts): the kubelet read-only port, where a value left out inherits from the cluster's defaults.
  { policy: "gke-node-image-cos", title: "imageType left out (COS_CONTAINERD by default)", mutate: userPool("nodeConfig.imageType", undefined) },
  { policy: "gke-node-kubelet-readonly-port", title: "a pool that leaves the port to its default", mutate: userPool("nodeConfig.kubeletConfig.insecureKubeletReadonlyPortEnabled", undefined), refused: KUBELET("nodeConfig", "not set") },
  { policy: "gke-node-kubelet-readonly-port", title: "the cluster's nodeConfig left to nodePoolDefaults FALSE", mutate: cluster("nodeConfig.kubeletConfig.insecureKubeletReadonlyPortEnabled", undefined) },
  { policy: "gke-node-kubelet-readonly-port", title: "the cluster's nodeConfig TRUE despite nodePoolDefaults FALSE", mutate: cluster("nodeConfig.kubeletConfig.insecureKubeletReadonlyPortEnabled", "TRUE"), refused: KUBELET("nodeConfig", '"TRUE"') },
  { policy: "gke-node-kubelet-readonly-port", title: "the cluster's nodeConfig left out and nodePoolDefaults left out", mutate: all(cluster("nodeConfig.kubeletConfig.insecureKubeletReadonlyPortEnabled", undefined), cluster("nodePoolDefaults", undefined)), refused: KUBELET("nodeConfig", "not set") },
  // Only the cluster's own nodeConfig leans on nodePoolDefaults here; an inline pool must say it itself, like a NodePool.
  { policy: "gke-node-kubelet-readonly-port", title: "an inline pool that leaves the port to its default", mutate: cluster("nodePools", [{ name: "inline", nodeConfig: { kubeletConfig: {} } }]), refused: KUBELET("nodePools[0].nodeConfig", "not set") },
  { policy: "gke-node-kubelet-readonly-port", title: "nodePoolDefaults TRUE (the cluster's own nodeConfig saying FALSE)", mutate: all(cluster("nodeConfig.kubeletConfig.insecureKubeletReadonlyPortEnabled", "FALSE"), cluster("nodePoolDefaults.nodeConfigDefaults.insecureKubeletReadonlyPortEnabled", "TRUE")), refused: 'New node pools must not open the kubelet read-only port: set nodePoolDefaults.nodeConfigDefaults.insecureKubeletReadonlyPortEnabled to "FALSE" (found: "TRUE").' },
  { policy: "gke-node-kubelet-readonly-port", title: "nodePoolAutoConfig TRUE", mutate: cluster("nodePoolAutoConfig.nodeKubeletConfig.insecureKubeletReadonlyPortEnabled", "TRUE"), refused: 'Auto-provisioned nodes must not open the kubelet read-only port: set nodePoolAutoConfig.nodeKubeletConfig.insecureKubeletReadonlyPortEnabled to "FALSE" (found: "TRUE").' },
  { policy: "gke-anonymous-auth-limited", title: "anonymous auth left out (ENABLED)", mutate: set(T.cluster, undefined, "anonymousAuthenticationConfig", undefined), refused: 'Anonymous users must reach only the health-check endpoints: set anonymousAuthenticationConfig.mode to "LIMITED" (found: not set).' },
  { policy: "gke-no-insecure-rbac-bindings", title: "bindings to every Google account", mutate: set(T.cluster, undefined, "rbacBindingConfig.enableInsecureBindingSystemAuthenticated", true), refused: "Every Google account must not be bindable to roles: set rbacBindingConfig.enableInsecureBindingSystemAuthenticated to false (found: true)." },
  { policy: "gke-no-insecure-rbac-bindings", title: "rbacBindingConfig left out", mutate: set(T.cluster, undefined, "rbacBindingConfig", undefined) },
  { policy: "gke-no-client-certificate", title: "a client certificate", mutate: set(T.cluster, undefined, "masterAuth", { clientCertificateConfig: { issueClientCertificate: true } }), refused: "The cluster must not issue a long-lived client certificate: set masterAuth.clientCertificateConfig.issueClientCertificate to false (found: true)." },
  { policy: "gke-no-legacy-abac", title: "legacy ABAC on", mutate: set(T.cluster, undefined, "enableLegacyAbac", true), refused: "Legacy ABAC must be off so RBAC alone grants access: set enableLegacyAbac to false (found: true)." },
];

describe("policy pack: thresholds on both sides, insecure defaults left out", () => {
  for (const e of EDGES) {
    it(`${e.policy} ${e.refused === undefined ? "accepts" : "refuses"} ${e.title}`, async () => {
      const stack = secureStack();
      e.mutate(stack);
      const result = await check(stack, { policies: [policyNamed(e.policy)] });
      assert.deepStrictEqual(result.failures, []);
      if (e.refused === undefined) assertNoViolation(result.findings, e.policy);
      else {
        const messages = result.findings.filter((f) => f.policy === e.policy && f.level === "mandatory").map((f) => f.message);
        assert.deepStrictEqual(messages, [e.refused], `${e.policy}: the whole message for ${e.title}`);
      }
    });
  }
});
