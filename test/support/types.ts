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
  ...K8S,
  secret: "kubernetes:core/v1:Secret",
  deployment: "kubernetes:apps/v1:Deployment",
  k8sServiceAccount: "kubernetes:core/v1:ServiceAccount",
  randomBytes: "random:index/randomBytes:RandomBytes",
  /** The explicit Kubernetes provider the cluster component makes (providers are `pulumi:providers:<package>`). */
  k8sProvider: "pulumi:providers:kubernetes",
  /** A dynamic provider's resource (@pulumi/pulumi dynamic), such as the wait for the Google APIs. */
  dynamicResource: "pulumi-nodejs:dynamic:Resource",
} as const;

export type TypeName = keyof typeof TYPES;
