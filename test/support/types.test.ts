import * as assert from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { Gateway, HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";
import { GCPBackendPolicy, GCPGatewayPolicy, HealthCheckPolicy } from "@kubernetes-models/gke/networking.gke.io/v1";
import { TYPES, TypeName } from "./types";

// The tests' type tokens against the SDKs that declare the resources. A class's token is internal, but
// its `isInstance` compares an object's `__pulumiType` with it (@pulumi/gcp, @pulumi/kubernetes and
// @pulumi/random generated classes). A custom resource's token is `kubernetes:<apiVersion>:<kind>`
// (@pulumi/kubernetes apiextensions/customResource.ts), with the apiVersion and kind of the CRD's model.

type Token = (typeof TYPES)[TypeName];
const declares = (cls: { isInstance(obj: unknown): boolean }) => (token: Token) => cls.isInstance({ __pulumiType: token });
// A component's token is the first argument of its constructor's `super` call.
const component = (file: string) => (token: Token) =>
  readFileSync(path.join(__dirname, "../../infra/components", file), "utf8").includes(`super(${JSON.stringify(token)}, name`);
const customResource = (model: { apiVersion: string; kind: string }) => (token: Token) => token === `kubernetes:${model.apiVersion}:${model.kind}`;

const checks: Record<TypeName, (token: Token) => boolean> = {
  cluster: declares(gcp.container.Cluster),
  nodePool: declares(gcp.container.NodePool),
  firewall: declares(gcp.compute.Firewall),
  subnetwork: declares(gcp.compute.Subnetwork),
  routerNat: declares(gcp.compute.RouterNat),
  sslPolicy: declares(gcp.compute.SSLPolicy),
  securityPolicy: declares(gcp.compute.SecurityPolicy),
  managedZone: declares(gcp.dns.ManagedZone),
  recordSet: declares(gcp.dns.RecordSet),
  certificate: declares(gcp.certificatemanager.Certificate),
  certificateMap: declares(gcp.certificatemanager.CertificateMap),
  certificateMapEntry: declares(gcp.certificatemanager.CertificateMapEntry),
  serviceAccount: declares(gcp.serviceaccount.Account),
  projectIamMember: declares(gcp.projects.IAMMember),
  projectIamBinding: declares(gcp.projects.IAMBinding),
  artifactRegistryRepository: declares(gcp.artifactregistry.Repository),
  artifactRegistryIamMember: declares(gcp.artifactregistry.RepositoryIamMember),
  serviceAccountIamMember: declares(gcp.serviceaccount.IAMMember),
  bucket: declares(gcp.storage.Bucket),
  bucketIamMember: declares(gcp.storage.BucketIAMMember),
  budget: declares(gcp.billing.Budget),
  notificationChannel: declares(gcp.monitoring.NotificationChannel),
  uptimeCheck: declares(gcp.monitoring.UptimeCheckConfig),
  alertPolicy: declares(gcp.monitoring.AlertPolicy),
  dashboard: declares(gcp.monitoring.Dashboard),
  network: declares(gcp.compute.Network),
  router: declares(gcp.compute.Router),
  globalAddress: declares(gcp.compute.GlobalAddress),
  dnsAuthorization: declares(gcp.certificatemanager.DnsAuthorization),
  projectService: declares(gcp.projects.Service),
  namespace: declares(k8s.core.v1.Namespace),
  service: declares(k8s.core.v1.Service),
  networkPolicy: declares(k8s.networking.v1.NetworkPolicy),
  helmRelease: declares(k8s.helm.v3.Release),
  helmChart: declares(k8s.helm.v4.Chart),
  gateway: customResource(Gateway),
  httpRoute: customResource(HTTPRoute),
  backendPolicy: customResource(GCPBackendPolicy),
  healthCheckPolicy: customResource(HealthCheckPolicy),
  gatewayPolicy: customResource(GCPGatewayPolicy),
  secret: declares(k8s.core.v1.Secret),
  deployment: declares(k8s.apps.v1.Deployment),
  k8sServiceAccount: declares(k8s.core.v1.ServiceAccount),
  k8sRole: declares(k8s.rbac.v1.Role),
  k8sRoleBinding: declares(k8s.rbac.v1.RoleBinding),
  configMap: declares(k8s.core.v1.ConfigMap),
  randomBytes: declares(random.RandomBytes),
  k8sProvider: declares(k8s.Provider), // a provider's isInstance adds the "pulumi:providers:" prefix
  // No class to ask: @pulumi/pulumi 3.248 dynamic/index.ts builds `pulumi-nodejs:dynamic${module ? `/${module}` : ""}:${type}`
  // with no module and the type "Resource" by default (the apis component test finds the one declared).
  dynamicResource: (token) => token === "pulumi-nodejs:dynamic:Resource",
  clusterComponent: component("cluster.ts"),
  hubComponent: component("jupyterhub.ts"),
  gatewayComponent: component("gateway.ts"),
};

describe("the tests' resource type tokens", () => {
  for (const [name, check] of Object.entries(checks) as [TypeName, (token: Token) => boolean][]) {
    it(`${name} is the SDK's own token`, () => assert.ok(check(TYPES[name]), `${name}: ${TYPES[name]} is not the SDK's token`));
  }

  it("can tell a wrong token", () => {
    assert.strictEqual(declares(gcp.container.Cluster)(TYPES.nodePool), false);
    assert.strictEqual(customResource(Gateway)(TYPES.httpRoute), false);
    assert.strictEqual(declares(k8s.Provider)("kubernetes" as Token), false);
    assert.strictEqual(component("gateway.ts")(TYPES.hubComponent), false);
  });
});
