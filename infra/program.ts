import * as pulumi from "@pulumi/pulumi";
import { ProgramConfig, readProgramConfig } from "./config/read";
import { capacityOutput, planAll } from "./plan";
import { HardenedCluster } from "./components/cluster";
import { HubNetwork } from "./components/network";

/**
 * The composition root: read and validate config, plan everything as plain data, then declare the
 * components from the plan. Nothing is declared until config and plan have both passed.
 */
export function deployHub(programConfig: ProgramConfig = readProgramConfig()) {
  const { config } = programConfig;
  const plan = planAll(config);
  const namePrefix = dnsSafePrefix(pulumi.getStack());

  const network = new HubNetwork("network", {
    project: config.platform.project,
    region: config.platform.region,
    addresses: plan.addresses,
    natMinPortsPerVm: plan.natMinPortsPerVm,
  });

  const cluster = new HardenedCluster("cluster", {
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

  return {
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
