import { GCP, K8S } from "../../policy-pack/policies/types";

// The resource type tokens the tests find declared resources by: the policy pack's tables (the tokens its
// policies match on) and the others the program declares. test/support/types.test.ts checks every one
// against the SDK class's own token, so a misspelt token fails there instead of finding nothing.
export const TYPES = {
  ...GCP,
  network: "gcp:compute/network:Network",
  router: "gcp:compute/router:Router",
  globalAddress: "gcp:compute/globalAddress:GlobalAddress",
  dnsAuthorization: "gcp:certificatemanager/dnsAuthorization:DnsAuthorization",
  projectService: "gcp:projects/service:Service",
  /** Who may act as a service account (Workload Identity bindings). */
  serviceAccountIamMember: "gcp:serviceaccount/iAMMember:IAMMember",
  bucket: "gcp:storage/bucket:Bucket",
  bucketIamMember: "gcp:storage/bucketIAMMember:BucketIAMMember",
  budget: "gcp:billing/budget:Budget",
  notificationChannel: "gcp:monitoring/notificationChannel:NotificationChannel",
  uptimeCheck: "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig",
  alertPolicy: "gcp:monitoring/alertPolicy:AlertPolicy",
  dashboard: "gcp:monitoring/dashboard:Dashboard",
  ...K8S,
  secret: "kubernetes:core/v1:Secret",
  deployment: "kubernetes:apps/v1:Deployment",
  k8sServiceAccount: "kubernetes:core/v1:ServiceAccount",
  k8sRole: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  k8sRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  configMap: "kubernetes:core/v1:ConfigMap",
  randomBytes: "random:index/randomBytes:RandomBytes",
  /** The explicit Kubernetes provider the cluster component makes (providers are `pulumi:providers:<package>`). */
  k8sProvider: "pulumi:providers:kubernetes",
  /** A dynamic provider's resource (@pulumi/pulumi dynamic), such as the wait for the Google APIs. */
  dynamicResource: "pulumi-nodejs:dynamic:Resource",
  // The program's own components (infra/components/*.ts), each the token its constructor passes to
  // ComponentResource.
  clusterComponent: "jupyterhub-gke:cluster:HardenedCluster",
  hubComponent: "jupyterhub-gke:hub:JupyterHub",
  gatewayComponent: "jupyterhub-gke:edge:HubGateway",
} as const;

export type TypeName = keyof typeof TYPES;
