import * as pulumi from "@pulumi/pulumi";
import { ProgramConfig, readProgramConfig } from "./config/read";
import { capacityOutput, planAll, rushOutput } from "./plan";
import { HardenedCluster } from "./components/cluster";
import { ProjectApis, requiredApis } from "./components/apis";
import { HubEdge } from "./components/edge";
import { gatewayArgsFor, HubGateway } from "./components/gateway";
import { hubSecretName, JupyterHub } from "./components/jupyterhub";
import { HubNetwork } from "./components/network";
import { PlaceholderCalendar } from "./components/placeholderCalendar";
import { PackageProxy, PackageRegistry } from "./components/registry";
import { readCalendarScript, readShippedFiles } from "./files";
import { buildChartValues, summarizeHubSecurity, z2jhChart } from "./plan/chart";
import { edgeProtectionOutput } from "./plan/cloudArmor";
import { workloadIdentityPool } from "./plan/cluster";
import { missingApis, packageApis, packagesOutput, planPackages } from "./plan/packages";
import { EventBudget } from "./components/budget";
import { HomeExport } from "./components/homeExport";
import { EventMonitoring } from "./components/monitoring";
import { ClusterCleanupWait, NetworkFirewallSweep } from "./components/teardown";
import { planLifecycle, stackLabels } from "./plan/lifecycle";

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
  const missing = missingApis(packageApis(packages), requiredApis);
  if (missing.length > 0) {
    throw new Error(`packageMode ${packages.mode} needs Google APIs that infra/components/apis.ts does not turn on: ${missing.join(", ")}; add them to requiredApis`);
  }
  // Prices of another region, a class that misses its wait target: said where `pulumi up` shows it.
  for (const warning of plan.warnings) void pulumi.log.warn(warning);
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

  // ---- The event's life: deleted after the cluster and before the network, this removes the firewall rules
  // GKE leaves in the stack's VPC, which would stop the network's deletion (components/teardown.ts). -------
  const firewallSweep = new NetworkFirewallSweep("network-firewall-sweep", { project, network: network.network.name }, { dependsOn: [network] });

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
  }, { dependsOn: [firewallSweep] });

  // The edge needs no cluster, so the certificate starts provisioning while the cluster is created.
  const edge = new HubEdge("edge", {
    project,
    hubDomain: config.edge.hubDomain,
    existingZoneName: config.edge.existingZone?.name,
    namePrefix,
    protectZone: config.platform.deletionProtection,
    securityPolicy: plan.securityPolicy,
  });

  // ---- The event's life, before the hub (issue 12; docs/runbook.md) -------------------------------------
  // The destroy wait sits between the cluster and what runs in it: it depends on the cluster, its pools and
  // the network, and the hub (so the Gateway after it) depends on it, so `pulumi destroy` deletes the hub,
  // then waits here until GKE has deleted the home disks and load-balancer pieces, then deletes the cluster.
  const lifecycle = planLifecycle(config, plan.cost, plan.userPool.userPoolMaxNodes);
  const labels = stackLabels(namePrefix);
  const cleanupWait = new ClusterCleanupWait("cluster-cleanup-wait", {
    project,
    namePrefix,
    namespace: lifecycle.teardown.namespace,
    stackLabel: namePrefix,
    network: network.network.name,
    timeoutMinutes: lifecycle.teardown.timeoutMinutes,
    pollSeconds: lifecycle.teardown.pollSeconds,
  }, { dependsOn: [cluster, network, ...edge.loadBalancerResources] });
  // The wait also depends on what the load balancer uses (the Cloud Armor policy a backend service names,
  // the address a forwarding rule holds, the SSL policy and certificate map of the proxy), so `pulumi
  // destroy` deletes those only once GKE's backend services and forwarding rules are gone: Compute refuses
  // to delete what they still use (`resourceInUseByAnotherResource`).
  // The plan's pool specs always hold a user pool (NodePoolSpecs); the component's map is keyed by purpose.
  const userPool = cluster.pools.user;
  if (!userPool) throw new Error("the cluster declared no user pool");
  const monitoring = new EventMonitoring("monitoring", {
    project,
    plan: lifecycle.monitoring,
    notificationEmails: lifecycle.notificationEmails,
    clusterName: cluster.cluster.name,
    userPoolName: userPool.name,
    labels,
  });
  if (lifecycle.budget.create) {
    new EventBudget("budget", {
      project,
      budget: lifecycle.budget.budget,
      channelNames: monitoring.channelNames,
      // Cloud Billing allows 60 characters.
      displayName: `JupyterHub ${config.edge.hubDomain} (${pulumi.getStack()})`.slice(0, 60),
    });
  }
  // ---- end of the event's life, before the hub -------------------------------------------------------

  const registry = new PackageRegistry("registry", {
    project,
    plan: packages,
    network: network.network.id,
    nodeServiceAccountEmail: cluster.nodeServiceAccount.email,
    workloadIdentityPool: workloadIdentityPool(config.platform.project),
    // The stack label marks its repositories and zone for the leftover check (infra/tools/leftovers.ts).
    labels,
  });

  // Depends on the whole cluster component: user and core pods are *required* on their pools; on the
  // destroy wait (above); and on the registry, whose repositories, read grants and private DNS the image
  // pullers need for the user image. So `pulumi destroy` deletes the hub (and the package proxy, which sits
  // in the hub's namespace and depends on the registry) before the registry, and the registry before the
  // cluster and the network it reads (its node read grants and private zone name them).
  const hub = new JupyterHub("hub", {
    namespace: config.hub.namespace,
    chart: z2jhChart,
    values: hubValues,
    oidcClientSecret,
  }, {
    provider: cluster.kubernetesProvider,
    dependsOn: [cluster, cleanupWait, registry],
  });

  if (packages.proxy && registry.proxyServiceAccount) {
    new PackageProxy("package-proxy", {
      namespace: hub.namespace,
      plan: packages.proxy,
      googleServiceAccountEmail: registry.proxyServiceAccount.email,
      source: files.packageProxy,
    }, { provider: cluster.kubernetesProvider, dependsOn: [registry] });
  }

  // rush tuning: warm room before each class, from the plan's calendar. It scales the chart's
  // user-placeholder StatefulSet, so it comes after the release (which creates that StatefulSet empty).
  new PlaceholderCalendar("hub-placeholder-calendar", { namespace: hub.namespace, windows: plan.rush.calendar, script: readCalendarScript() }, {
    provider: cluster.kubernetesProvider,
    dependsOn: [hub.release],
  });

  // The Gateway's name is its Kubernetes name, so it stays a DNS label. It depends on the release, so
  // `pulumi destroy` removes the load balancer before the proxy Service it points at.
  const gatewayHub = { namespace: hub.namespace, hubDomain: config.edge.hubDomain, backendTimeoutSeconds: config.edge.backendTimeoutSeconds, logSampleRate: plan.securityPolicy.logSampleRate };
  new HubGateway("hub-gateway", gatewayArgsFor(edge, gatewayHub), { provider: cluster.kubernetesProvider, dependsOn: [hub.release] });

  // ---- The event's life, after the hub: where homes are exported to, and who may write there -----------
  const homeExport = new HomeExport("home-export", {
    project,
    region: config.platform.region,
    namePrefix,
    plan: lifecycle.export,
    namespace: hub.namespace,
    labels,
    kubernetesProvider: cluster.kubernetesProvider,
  });
  // ---- end of the event's life, after the hub --------------------------------------------------------

  return {
    hubUrl: edge.hubUrl,
    staticIp: edge.staticIp,
    nameServers: edge.nameServers,
    dsRecords: edge.dsRecords,
    certificateName: edge.certificateName,
    hubNamespace: hub.namespace,
    securitySummary: summarizeHubSecurity(hubValues),
    packages: packagesOutput(packages),
    edgeProtection: edgeProtectionOutput(plan.securityPolicy),
    capacity: capacityOutput(plan),
    costEstimate: plan.cost,
    rush: rushOutput(plan),
    quotas: plan.quotas,
    clusterName: cluster.cluster.name,
    kubeconfig: cluster.kubeconfig,
    lifecycle,
    exportBucket: homeExport.bucketName,
    exportServiceAccount: homeExport.kubernetesServiceAccount,
    exportWriter: homeExport.writerEmail,
    uptimeCheckId: monitoring.uptimeCheckId,
  };
}

/** GCP ids must start with a letter and hold only lower-case letters, digits and hyphens. */
export function dnsSafePrefix(stack: string): string {
  const cleaned = stack.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^[^a-z]+/, "");
  return (cleaned || "hub").slice(0, 12).replace(/-+$/, "");
}
