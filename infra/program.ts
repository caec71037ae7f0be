import * as pulumi from "@pulumi/pulumi";
import { ProgramConfig, readProgramConfig } from "./config/read";
import { capacityOutput, planAll, rushOutput } from "./plan";
import { HardenedCluster } from "./components/cluster";
import { ProjectApis } from "./components/apis";
import { HubEdge } from "./components/edge";
import { HubGateway } from "./components/gateway";
import { JupyterHub } from "./components/jupyterhub";
import { HubNetwork } from "./components/network";
import { hubHostnameList } from "./plan/hostnames";

/**
 * The composition root: read and validate config, plan everything as plain data, then declare the
 * components from the plan. Nothing is declared until config and plan have both passed.
 */
export function deployHub(programConfig: ProgramConfig = readProgramConfig()) {
  const { config, oidcClientSecret } = programConfig;
  const plan = planAll(config);
  // Prices of another region, a class that misses its wait target: said where `pulumi up` shows it.
  for (const warning of plan.warnings) void pulumi.log.warn(warning);
  const namePrefix = dnsSafePrefix(pulumi.getStack());

  // Every Google resource takes its project id from `apis.project`, which resolves only once the APIs are
  // on and usable, so nothing is created before that (one way to wait, carried by the value itself).
  const apis = new ProjectApis("apis", { project: config.platform.project });
  const project = apis.project;

  const network = new HubNetwork("network", {
    project,
    region: config.platform.region,
    addresses: plan.addresses,
    natMinPortsPerVm: plan.natMinPortsPerVm,
  });

  const cluster = new HardenedCluster("cluster", {
    project,
    platform: config.platform,
    event: config.event,
    network: network.network.id,
    subnetwork: network.subnetwork.id,
    corePool: plan.corePool,
    userPool: plan.userPoolSpec,
    gpuPool: plan.gpuPool,
    gpu: config.hub.gpu,
    namePrefix,
  });

  // The edge needs no cluster, so the certificate starts provisioning while the cluster is created.
  const edge = new HubEdge("edge", {
    project,
    edge: config.edge,
    namePrefix,
    protectZone: config.platform.deletionProtection,
  });

  // Depends on the whole cluster component: user and core pods are *required* on their pools.
  const hub = new JupyterHub("hub", { config, plan, oidcClientSecret }, {
    provider: cluster.kubernetesProvider,
    dependsOn: [cluster],
  });

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
    securitySummary: hub.securitySummary,
    capacity: capacityOutput(plan),
    costEstimate: plan.cost,
    rush: rushOutput(plan),
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
