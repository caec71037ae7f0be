import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface HubNetworkArgs {
  /** The project id from `ProjectApis.project`, so every resource here waits for the APIs. Required. */
  readonly project: pulumi.Input<string>;
  /** The region of the subnet, the Cloud Router and Cloud NAT (`gcp:region`). Required. */
  readonly region: string;
  /** The subnet's primary range, for node IPs (from the address plan, `AddressPlan.nodeCidr`). Required. */
  readonly nodeCidr: string;
  /** The secondary range named `podRangeName`, for pod IPs (`AddressPlan.podCidr`). Required. */
  readonly podCidr: string;
  /** The secondary range named `serviceRangeName`, for ClusterIP services (`AddressPlan.serviceCidr`). Required. */
  readonly serviceCidr: string;
  /**
   * Ports Cloud NAT keeps for each node; no default here, the plan's is `NAT_MIN_PORTS_PER_VM`
   * (plan/index.ts), and Cloud NAT's own 64 runs out with a node's ~30 users.
   */
  readonly natMinPortsPerVm: number;
}

/** Secondary range names the cluster's VPC-native IP allocation refers to. */
export const podRangeName = "pods";
export const serviceRangeName = "services";

/**
 * A custom VPC for private nodes: one subnet whose secondary ranges come from the address plan, Private
 * Google Access so nodes reach Google APIs without public IPs, and Cloud NAT (logged) as the only way
 * out, which the user pods' network policy narrows further.
 */
export class HubNetwork extends pulumi.ComponentResource {
  readonly network: gcp.compute.Network;
  readonly subnetwork: gcp.compute.Subnetwork;
  readonly router: gcp.compute.Router;
  readonly nat: gcp.compute.RouterNat;

  constructor(name: string, args: HubNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:network:HubNetwork", name, {}, opts);
    const child = { parent: this };

    this.network = new gcp.compute.Network(`${name}-vpc`, {
      project: args.project,
      // Auto-mode subnets would claim 10.128.0.0/9 in every region; we plan our own ranges.
      autoCreateSubnetworks: false,
      routingMode: "REGIONAL",
      description: "JupyterHub event network (private GKE nodes)",
    }, child);

    this.subnetwork = new gcp.compute.Subnetwork(`${name}-nodes`, {
      project: args.project,
      region: args.region,
      network: this.network.id,
      ipCidrRange: args.nodeCidr,
      secondaryIpRanges: [
        { rangeName: podRangeName, ipCidrRange: args.podCidr },
        { rangeName: serviceRangeName, ipCidrRange: args.serviceCidr },
      ],
      // Private nodes pull images and write logs through Google APIs (CIS GCP 3.9 / Checkov CKV_GCP_74).
      privateIpGoogleAccess: true,
      // VPC flow logs, for investigating what a user's pod talked to (Checkov CKV_GCP_26).
      logConfig: {
        aggregationInterval: "INTERVAL_5_SEC",
        flowSampling: 0.5,
        metadata: "INCLUDE_ALL_METADATA",
      },
    }, child);

    this.router = new gcp.compute.Router(`${name}-router`, {
      project: args.project,
      region: args.region,
      network: this.network.id,
    }, child);

    this.nat = new gcp.compute.RouterNat(`${name}-nat`, {
      project: args.project,
      region: args.region,
      router: this.router.name,
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
      subnetworks: [{ name: this.subnetwork.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
      // Dynamic port allocation gives busy nodes more ports without reserving them on idle ones; it
      // requires endpoint-independent mapping off (Cloud NAT docs, "dynamic port allocation").
      enableDynamicPortAllocation: true,
      enableEndpointIndependentMapping: false,
      minPortsPerVm: args.natMinPortsPerVm,
      // A cap, so one busy node cannot take every port of the gateway's addresses from the others.
      maxPortsPerVm: 8_192,
      logConfig: { enable: true, filter: "ALL" },
    }, child);

    this.registerOutputs({ networkId: this.network.id, subnetworkId: this.subnetwork.id });
  }
}
