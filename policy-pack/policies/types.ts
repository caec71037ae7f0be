// Resource type tokens, as the engine reports them (the SDK classes' `__pulumiType`). The pack matches
// on tokens instead of importing @pulumi/gcp and @pulumi/kubernetes, so it installs with only
// @pulumi/policy and @pulumi/pulumi.

export const GCP = {
  cluster: "gcp:container/cluster:Cluster",
  nodePool: "gcp:container/nodePool:NodePool",
  firewall: "gcp:compute/firewall:Firewall",
  subnetwork: "gcp:compute/subnetwork:Subnetwork",
  routerNat: "gcp:compute/routerNat:RouterNat",
  sslPolicy: "gcp:compute/sSLPolicy:SSLPolicy",
  securityPolicy: "gcp:compute/securityPolicy:SecurityPolicy",
  managedZone: "gcp:dns/managedZone:ManagedZone",
  recordSet: "gcp:dns/recordSet:RecordSet",
  certificate: "gcp:certificatemanager/certificate:Certificate",
  certificateMap: "gcp:certificatemanager/certificateMap:CertificateMap",
  certificateMapEntry: "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry",
  serviceAccount: "gcp:serviceaccount/account:Account",
  projectIamMember: "gcp:projects/iAMMember:IAMMember",
  projectIamBinding: "gcp:projects/iAMBinding:IAMBinding",
  artifactRegistryRepository: "gcp:artifactregistry/repository:Repository",
  artifactRegistryIamMember: "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
} as const;

export const K8S = {
  namespace: "kubernetes:core/v1:Namespace",
  service: "kubernetes:core/v1:Service",
  k8sServiceAccount: "kubernetes:core/v1:ServiceAccount",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  helmRelease: "kubernetes:helm.sh/v3:Release",
  helmChart: "kubernetes:helm.sh/v4:Chart",
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  backendPolicy: "kubernetes:networking.gke.io/v1:GCPBackendPolicy",
  healthCheckPolicy: "kubernetes:networking.gke.io/v1:HealthCheckPolicy",
  gatewayPolicy: "kubernetes:networking.gke.io/v1:GCPGatewayPolicy",
} as const;

/** Workload kinds and where each keeps its pod spec. */
export const WORKLOADS: Readonly<Record<string, readonly string[]>> = {
  "kubernetes:core/v1:Pod": ["spec"],
  "kubernetes:core/v1:ReplicationController": ["spec", "template", "spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

export const WORKLOAD_TYPES: readonly string[] = Object.keys(WORKLOADS);

/** Helm releases whose values the JupyterHub policies read. */
export const HELM_TYPES: readonly string[] = [K8S.helmRelease, K8S.helmChart];
