import * as pulumi from "@pulumi/pulumi";
import { ProgramConfig, readProgramConfig } from "./config/read";
import { capacityOutput, planAll } from "./plan";
import { HardenedCluster } from "./components/cluster";
import { ProjectApis, requiredApis } from "./components/apis";
import { HubEdge } from "./components/edge";
import { HubGateway } from "./components/gateway";
import { hubSecretName, JupyterHub } from "./components/jupyterhub";
import { HubNetwork } from "./components/network";
import { PackageProxy, PackageRegistry } from "./components/registry";
import { readShippedFiles } from "./files";
import { buildChartValues, summarizeHubSecurity, z2jhChart } from "./plan/chart";
import { workloadIdentityPool } from "./plan/cluster";
import { hubHostnameList } from "./plan/hostnames";
import { missingApis, packagesOutput, planPackages } from "./plan/packages";

/**
 * The composition root: read and validate config, plan everything as plain data, then declare the
 * components from the plan. Nothing is declared until config and plan have both passed.
 */
export function deployHub(programConfig: ProgramConfig = readProgramConfig()) {
  const { config, oidcClientSecret } = programConfig;
  const plan = planAll(config);
  const namePrefix = dnsSafePrefix(pulumi.getStack());
  // Packages and the user image through Artifact Registry (plan/packages.ts), named with the stack's prefix.
  const packages = planPackages(config, namePrefix);
  const missing = missingApis(packages.apis, requiredApis);
  if (missing.length > 0) {
    throw new Error(`packageMode ${packages.mode} needs Google APIs that infra/components/apis.ts does not turn on: ${missing.join(", ")}; add them to requiredApis`);
  }
  // The hub's chart values are plan data too: built here, before anything is declared, from the shipped
  // Python read once from infra/files, and naming the Secret the JupyterHub component creates.
  const files = readShippedFiles();
  const hubValues = buildChartValues(config, plan, files, { secretName: hubSecretName }, packages);

  // Every Google resource takes its project id from `apis.project`, which resolves only once the APIs are
  // on and usable, so nothing is created before that (one way to wait, carried by the value itself).
  const apis = new ProjectApis("apis", { project: config.platform.project });
  const project = apis.project;

  const network = new HubNetwork("network", {
    project,
    region: config.platform.region,
    nodeCidr: plan.addresses.nodeCidr,
    podCidr: plan.addresses.podCidr,
    serviceCidr: plan.addresses.serviceCidr,
    natMinPortsPerVm: plan.natMinPortsPerVm,
  });

  const cluster = new HardenedCluster("cluster", {
    project,
    workloadIdentityPool: workloadIdentityPool(config.platform.project),
    region: config.platform.region,
    location: config.platform.location,
    releaseChannel: config.platform.releaseChannel,
    authorizedNetworks: config.platform.authorizedNetworks,
    deletionProtection: config.platform.deletionProtection,
    network: network.network.id,
    subnetwork: network.subnetwork.id,
    nodePools: plan.nodePools,
    maintenanceExclusions: [plan.maintenanceExclusion],
    namePrefix,
  });

  // The edge needs no cluster, so the certificate starts provisioning while the cluster is created.
  const edge = new HubEdge("edge", {
    project,
    hubDomain: config.edge.hubDomain,
    existingZoneName: config.edge.existingZone?.name,
    namePrefix,
    protectZone: config.platform.deletionProtection,
  });

  const registry = new PackageRegistry("registry", {
    project,
    plan: packages,
    network: network.network.id,
    nodeServiceAccountEmail: cluster.nodeServiceAccount.email,
    workloadIdentityPool: workloadIdentityPool(config.platform.project),
  });

  // Depends on the whole cluster component: user and core pods are *required* on their pools; and on the
  // registry, whose repositories, read grants and private DNS the image pullers need for the user image.
  const hub = new JupyterHub("hub", {
    namespace: config.hub.namespace,
    chart: z2jhChart,
    values: hubValues,
    oidcClientSecret,
  }, {
    provider: cluster.kubernetesProvider,
    dependsOn: [cluster, registry],
  });

  if (packages.proxy && registry.proxyServiceAccount) {
    new PackageProxy("package-proxy", {
      namespace: hub.namespace,
      plan: packages.proxy,
      googleServiceAccountEmail: registry.proxyServiceAccount.email,
      source: files.packageProxy,
    }, { provider: cluster.kubernetesProvider, dependsOn: [registry] });
  }

  // The Gateway's name is its Kubernetes name, so it stays a DNS label. It depends on the release, so
  // `pulumi destroy` removes the load balancer before the proxy Service it points at.
  new HubGateway("hub-gateway", {
    namespace: hub.namespace,
    hostnames: hubHostnameList(config.edge.hubDomain),
    certificateMapName: edge.certificateMapName,
    addressName: edge.addressName,
    sslPolicyName: edge.sslPolicyName,
    loadBalancerResources: edge.loadBalancerResources,
    backendTimeoutSeconds: config.edge.backendTimeoutSeconds,
  }, { provider: cluster.kubernetesProvider, dependsOn: [hub.release] });

  return {
    hubUrl: edge.hubUrl,
    staticIp: edge.staticIp,
    nameServers: edge.nameServers,
    dsRecords: edge.dsRecords,
    certificateName: edge.certificateName,
    hubNamespace: hub.namespace,
    securitySummary: summarizeHubSecurity(hubValues),
    packages: packagesOutput(packages),
    capacity: capacityOutput(plan),
    costEstimate: plan.cost,
    quotas: plan.quotas,
    clusterName: cluster.cluster.name,
    kubeconfig: cluster.kubeconfig,
  };
}

/** GCP ids must start with a letter and hold only lower-case letters, digits and hyphens. */
export function dnsSafePrefix(stack: string): string {
  const cleaned = stack.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^[^a-z]+/, "");
  return (cleaned || "hub").slice(0, 12).replace(/-+$/, "");
}
