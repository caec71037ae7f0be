import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HardenedCluster, HardenedClusterArgs } from "../../infra/components/cluster";
import { HubEdge } from "../../infra/components/edge";
import { gatewayArgsFor, HubGateway } from "../../infra/components/gateway";
import { StackConfig } from "../../infra/config/types";
import { planAll } from "../../infra/plan";
import { NodePoolSpecs, workloadIdentityPool } from "../../infra/plan/cluster";
import { OfflineRun, runOffline } from "../../infra/tools/offline";
import { inputs, ofType } from "./resources";
import { TYPES } from "./types";

// The program's components declared alone under Pulumi's mock runtime, wired from a stack's config the way
// infra/program.ts wires them, for the component tests (test/components/).

/** HardenedCluster's arguments for a stack's platform, with these pools, on a stand-in network. */
export function clusterArgs(config: StackConfig, nodePools: NodePoolSpecs, overrides: Partial<HardenedClusterArgs> = {}): HardenedClusterArgs {
  return {
    project: config.platform.project,
    workloadIdentityPool: workloadIdentityPool(config.platform.project),
    region: config.platform.region,
    location: config.platform.location,
    releaseChannel: config.platform.releaseChannel,
    authorizedNetworks: config.platform.authorizedNetworks,
    deletionProtection: false,
    network: "vpc",
    subnetwork: "subnet",
    nodePools,
    namePrefix: "event",
    ...overrides,
  };
}

/** HardenedCluster "cluster" alone, in preview mode; `exported.kubeconfig` is the component's, unresolved. */
export function declareCluster(args: HardenedClusterArgs): Promise<OfflineRun<{ clusterName: pulumi.Output<string>; kubeconfig: pulumi.Output<string> }>> {
  return runOffline("event", {}, [], () => {
    const cluster = new HardenedCluster("cluster", args);
    return { clusterName: cluster.cluster.name, kubeconfig: cluster.kubeconfig };
  });
}

/** The node pools a run declared, by logical name, with their inputs. */
export const poolInputs = (run: OfflineRun): Map<string, any> => new Map(ofType(run, TYPES.nodePool).map((p) => [p.name, inputs(p)]));

export interface EdgeOptions {
  /** HubEdge's protectZone (the program passes deletionProtection); left out, HubEdge's own default. */
  readonly protectZone?: boolean;
  /** Resource options for HubEdge (e.g. a transformation that records what it declares). */
  readonly edgeOptions?: pulumi.ComponentResourceOptions;
}

/**
 * HubEdge "edge" and HubGateway "hub-gateway" for a stack's config, with the plan's Cloud Armor policy, as
 * the program declares them: the Gateway on a stand-in Kubernetes provider "k8s", after a Helm release
 * "hub" standing in for the hub. Call inside a `runOffline` program.
 */
export function declareEdge(stack: string, config: StackConfig, options: EdgeOptions = {}): HubEdge {
  const { securityPolicy } = planAll(config);
  const edge = new HubEdge("edge", {
    project: config.platform.project,
    hubDomain: config.edge.hubDomain,
    existingZoneName: config.edge.existingZone?.name,
    namePrefix: stack,
    protectZone: options.protectZone,
    securityPolicy,
  }, options.edgeOptions);
  const provider = new k8s.Provider("k8s", { kubeconfig: "dummy" });
  const hub = new k8s.helm.v3.Release("hub", { chart: "jupyterhub", namespace: config.hub.namespace }, { provider });
  const hubBehind = { namespace: config.hub.namespace, hubDomain: config.edge.hubDomain, backendTimeoutSeconds: config.edge.backendTimeoutSeconds, logSampleRate: securityPolicy.logSampleRate };
  new HubGateway("hub-gateway", gatewayArgsFor(edge, hubBehind), { provider, dependsOn: [hub] });
  return edge;
}
