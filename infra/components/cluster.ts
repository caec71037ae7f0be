import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AuthorizedNetwork, ClusterLocation, ReleaseChannel } from "../config/types";
import { MaintenanceExclusion, NodePoolSpec, NodePoolSpecs, PoolPurpose } from "../plan/cluster";
import { clusterDns, clusterDnsSettings } from "../plan/clusterDns";
import { nodePurposeLabel, poolPurpose } from "../plan/labels";
import { serviceAccountId } from "../plan/serviceAccounts";
import { podRangeName, serviceRangeName } from "./network";

export interface HardenedClusterArgs {
  /** The project id from `ProjectApis.project`, so every resource here waits for the APIs. Required. */
  readonly project: pulumi.Input<string>;
  /**
   * `<project>.svc.id.goog` (`workloadIdentityPool` in plan/cluster.ts), as plain data so it is known at
   * preview, before `project` resolves. Required.
   */
  readonly workloadIdentityPool: string;
  /** The project's region (`gcp:region`): the cluster's location when `location` is regional. Required. */
  readonly region: string;
  /** A zonal cluster in one zone, or a regional one over the given zones (none: GKE's default). Required. */
  readonly location: ClusterLocation;
  /** GKE release channel; the cluster and its pools auto-upgrade on it. Required. */
  readonly releaseChannel: ReleaseChannel;
  /** Networks allowed to reach the control plane's IP endpoint (CIS GKE 5.6.3); may be empty. Required. */
  readonly authorizedNetworks: readonly AuthorizedNetwork[];
  /** GKE's deletion protection on the cluster, and Pulumi's `protect` on it. Required. */
  readonly deletionProtection: boolean;
  /** The VPC (`HubNetwork.network.id`). Required. */
  readonly network: pulumi.Input<string>;
  /**
   * The nodes' subnet (`HubNetwork.subnetwork.id`), with secondary ranges named `podRangeName` and
   * `serviceRangeName`. Required.
   */
  readonly subnetwork: pulumi.Input<string>;
  /**
   * The node pools (`Plan.nodePools`): each becomes `<name>-<purpose>`, with the hardened node settings
   * every pool gets, the `hub.jupyter.org/node-purpose=<purpose>` label, and the spec's sizes, taints,
   * kubelet settings and accelerator. Required.
   */
  readonly nodePools: NodePoolSpecs;
  /** Periods without GKE upgrades (`Plan.maintenanceExclusion`). Default: none. */
  readonly maintenanceExclusions?: readonly MaintenanceExclusion[];
  /** A short DNS-safe prefix of the node service account's id (the stack name). Required. */
  readonly namePrefix: string;
}

// Google's least-privilege role for node service accounts, replacing the old logging/monitoring set
// (GKE hardening guide, "Use least privilege Google service accounts"; CIS GKE 5.2.1), and the one image
// streaming needs: with a custom node service account, GKE's image-streaming requirements name Service
// Usage Consumer (serviceusage.services.use), which roles/container.defaultNodeServiceAccount lacks
// (terraform-google-kubernetes-engine #2251: pods failed to start on gcfs nodes without it; #2262 adds it).
// It lets the nodes use the project's enabled APIs as the project's consumer, and reads no data; being
// about the project's services, it exists only at project level. Reading the user image is
// `roles/artifactregistry.reader` on the image repositories only, granted by PackageRegistry.
export const nodeServiceAccountRoles = ["roles/container.defaultNodeServiceAccount", "roles/serviceusage.serviceUsageConsumer"];

// With a least-privilege service account Google advises the cloud-platform scope and IAM to restrict it
// (GKE docs, "Service accounts and access scopes").
const nodeOauthScopes = ["https://www.googleapis.com/auth/cloud-platform"];

// A daily 4-hour window (see the cluster's maintenancePolicy).
const dailyMaintenanceStart = "03:00";

/**
 * A GKE Standard cluster hardened as Google's hardening guide and the CIS GKE Benchmark advise, with the
 * node pools it is given (a core pool for the hub and system pods, a tainted user pool, an optional GPU
 * pool), maintenance from 03:00 UTC daily outside the given exclusions, and a Kubernetes provider that
 * reaches the control plane through its DNS endpoint.
 */
export class HardenedCluster extends pulumi.ComponentResource {
  readonly cluster: gcp.container.Cluster;
  readonly nodeServiceAccount: gcp.serviceaccount.Account;
  /** The node pools by purpose. */
  readonly pools: Readonly<Partial<Record<PoolPurpose, gcp.container.NodePool>>>;
  readonly kubernetesProvider: k8s.Provider;
  readonly kubeconfig: pulumi.Output<string>;

  constructor(name: string, args: HardenedClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:cluster:HardenedCluster", name, {}, opts);
    const child = { parent: this };
    const location = args.location.type === "zonal" ? args.location.zone : args.region;
    const dns = clusterDnsSettings(clusterDns);

    this.nodeServiceAccount = new gcp.serviceaccount.Account(`${name}-nodes`, {
      project: args.project,
      accountId: serviceAccountId(args.namePrefix, "gke-nodes"),
      displayName: "GKE nodes (least privilege)",
    }, child);
    const nodeSaMember = pulumi.interpolate`serviceAccount:${this.nodeServiceAccount.email}`;
    const roleBindings = nodeServiceAccountRoles.map((role) =>
      new gcp.projects.IAMMember(`${name}-nodes-${role.split("/")[1].replace(/\./g, "-")}`, {
        project: args.project,
        role,
        member: nodeSaMember,
      }, child),
    );

    this.cluster = new gcp.container.Cluster(name, {
      project: args.project,
      location,
      nodeLocations: args.location.type === "regional" && args.location.nodeZones.length > 0 ? [...args.location.nodeZones] : undefined,
      description: "JupyterHub for a short event with untrusted users",
      deletionProtection: args.deletionProtection,
      // Pools are declared separately; the default pool would run with the default compute SA.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      // The default pool lives only while the cluster is created, but it still gets the hardened node
      // settings so no node ever runs with the default compute service account (CIS GKE 5.2.1).
      nodeConfig: {
        serviceAccount: this.nodeServiceAccount.email,
        oauthScopes: nodeOauthScopes,
        imageType: "COS_CONTAINERD",
        workloadMetadataConfig: { mode: "GKE_METADATA" },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      },
      network: args.network,
      subnetwork: args.subnetwork,
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: { clusterSecondaryRangeName: podRangeName, servicesSecondaryRangeName: serviceRangeName },
      // Private nodes: no node has a public IP (CIS GKE 5.6.5).
      privateClusterConfig: { enablePrivateNodes: true },
      // The IP endpoint answers only configured networks (CIS GKE 5.6.3); the DNS endpoint is guarded by
      // IAM, so `pulumi up` from a laptop or CI needs no IP allowlist (CIS GKE 5.6.4).
      masterAuthorizedNetworksConfig: {
        cidrBlocks: args.authorizedNetworks.map((n) => ({ cidrBlock: n.cidrBlock, displayName: n.displayName })),
        gcpPublicCidrsAccessEnabled: false,
      },
      controlPlaneEndpointsConfig: {
        dnsEndpointConfig: { allowExternalTraffic: true },
        ipEndpointsConfig: { enabled: true },
      },
      // Workload Identity, so pods never see node credentials (CIS GKE 5.2.2).
      workloadIdentityConfig: { workloadPool: args.workloadIdentityPool },
      // Dataplane V2 enforces NetworkPolicy with eBPF; the chart's user egress rules rely on it (CIS GKE 5.6.7).
      datapathProvider: "ADVANCED_DATAPATH",
      enableShieldedNodes: true,
      releaseChannel: { channel: args.releaseChannel },
      gatewayApiConfig: { channel: "CHANNEL_STANDARD" },
      // kube-dns, and NodeLocal DNSCache explicitly off (GKE Standard turns it on by default from
      // 1.34.1-gke.3720000): the chart's NetworkPolicies allow exactly this DNS path (plan/clusterDns.ts).
      dnsConfig: dns.dnsConfig,
      addonsConfig: { httpLoadBalancing: { disabled: false }, dnsCacheConfig: dns.dnsCacheConfig },
      loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
      monitoringConfig: { enableComponents: ["SYSTEM_COMPONENTS"] },
      enableLegacyAbac: false,
      enableKubernetesAlpha: false,
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      // No bindings of system:authenticated / system:unauthenticated to non-default roles (CIS GKE 4.1.9-10).
      rbacBindingConfig: { enableInsecureBindingSystemAuthenticated: false, enableInsecureBindingSystemUnauthenticated: false },
      anonymousAuthenticationConfig: { mode: "LIMITED" },
      serviceExternalIpsConfig: { enabled: false },
      // Configuration auditing; the standard vulnerability-scanning tier was retired in 2025 and can no
      // longer be enabled (GKE docs, "Workload vulnerability scanning deprecations").
      securityPostureConfig: { mode: "BASIC" },
      nodePoolDefaults: { nodeConfigDefaults: { insecureKubeletReadonlyPortEnabled: "FALSE" } },
      // Packs users tightly and gives nodes back quickly after the peak; user pods are bare pods, which the
      // autoscaler never evicts, so a running server is never moved.
      clusterAutoscaling: { autoscalingProfile: "OPTIMIZE_UTILIZATION" },
      // GKE needs 48 hours of maintenance availability in any 32 days, in windows of at least 4 hours
      // (GKE docs, "Maintenance windows and exclusions"); a daily 4-hour window meets that, and the
      // exclusion keeps upgrades away from the event itself.
      maintenancePolicy: {
        dailyMaintenanceWindow: { startTime: dailyMaintenanceStart },
        maintenanceExclusions: (args.maintenanceExclusions ?? []).map((e) => ({
          exclusionName: e.name,
          startTime: e.startTime,
          endTime: e.endTime,
          exclusionOptions: { scope: e.scope },
        })),
      },
      resourceLabels: { app: "jupyterhub", "managed-by": "pulumi" },
    }, {
      ...child,
      protect: args.deletionProtection,
      dependsOn: roleBindings,
      // Once the default pool is gone GKE reports no nodeConfig, and the diff would replace the cluster
      // (GoogleCloudPlatform/k8s-config-connector#8651; Google's cloud-foundation-fabric ignores it too).
      ignoreChanges: ["nodeConfig"],
    });

    const pool = (spec: NodePoolSpec) =>
      new gcp.container.NodePool(`${name}-${spec.purpose}`, {
        project: args.project,
        location,
        cluster: this.cluster.name,
        initialNodeCount: spec.initialNodesPerZone,
        autoscaling: {
          totalMinNodeCount: spec.minNodes,
          totalMaxNodeCount: spec.maxNodes,
          // ANY fills whichever zone has capacity first: a class arriving at once cannot wait for balance.
          locationPolicy: "ANY",
        },
        maxPodsPerNode: spec.maxPodsPerNode,
        management: { autoRepair: true, autoUpgrade: true },
        upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
        nodeConfig: {
          machineType: spec.machineType,
          diskType: "pd-balanced",
          diskSizeGb: spec.bootDiskGiB,
          imageType: "COS_CONTAINERD",
          serviceAccount: this.nodeServiceAccount.email,
          oauthScopes: nodeOauthScopes,
          // The GKE metadata server hides node credentials and the legacy metadata API (CIS GKE 5.4.1).
          workloadMetadataConfig: { mode: "GKE_METADATA" },
          shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
          // Image streaming starts large notebook images before they are fully pulled; only images in
          // Artifact Registry stream (GKE docs, "Use Image streaming to pull container images"), which is
          // where the user image comes from (plan/packages.ts). The chart's own quay.io images are pulled whole.
          gcfsConfig: { enabled: true },
          metadata: { "disable-legacy-endpoints": "true" },
          labels: { [nodePurposeLabel]: poolPurpose[spec.purpose] },
          taints: spec.taints && [...spec.taints],
          // The kubelet's read-only port answers without authentication (GKE docs, "Disable the kubelet
          // read-only port"; CIS Kubernetes 4.2.4): closed on every pool, whatever the spec carries.
          kubeletConfig: { ...spec.kubelet, insecureKubeletReadonlyPortEnabled: "FALSE" },
          // GKE Sandbox (plan/sandbox.ts). GKE adds the `sandbox.gke.io/runtime` label and taint itself and
          // refuses a pool that names that taint; the provider manages only the taints it was given at
          // creation and suppresses GKE's sandbox labels (terraform-provider-google 5.0 upgrade guide, "taint
          // field change"; google-beta services/container/node_config.go `containerNodePoolLabelsSuppress`),
          // so neither shows as drift.
          sandboxConfig: spec.sandbox && { type: spec.sandbox.type },
          guestAccelerators: spec.accelerator && [{
            type: spec.accelerator.type,
            count: spec.accelerator.count,
            gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" },
          }],
        },
      }, {
        ...child,
        dependsOn: roleBindings,
        // initialNodeCount only seeds the pool (the autoscaler owns its size) but changing it would
        // recreate the pool, killing every user's server: ignore later changes.
        ignoreChanges: ["initialNodeCount"],
      });

    const pools: Partial<Record<PoolPurpose, gcp.container.NodePool>> = {};
    for (const spec of args.nodePools) pools[spec.purpose] = pool(spec);
    this.pools = pools;

    this.kubeconfig = pulumi.secret(
      this.cluster.controlPlaneEndpointsConfig.apply((c) => dnsEndpointKubeconfig(c?.dnsEndpointConfig?.endpoint ?? "")),
    );
    this.kubernetesProvider = new k8s.Provider(`${name}-k8s`, {
      kubeconfig: this.kubeconfig,
      enableServerSideApply: true,
    }, { ...child, dependsOn: Object.values(pools) });

    this.registerOutputs({ clusterName: this.cluster.name, kubeconfig: this.kubeconfig });
  }
}

/**
 * A kubeconfig for the control plane's DNS endpoint: TLS with a publicly trusted certificate, and
 * Google credentials through gke-gcloud-auth-plugin, so no CA bundle or client certificate is needed.
 */
export function dnsEndpointKubeconfig(endpoint: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "gke", cluster: { server: `https://${endpoint}` } }],
    contexts: [{ name: "gke", context: { cluster: "gke", user: "gke" } }],
    "current-context": "gke",
    users: [{
      name: "gke",
      user: {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1beta1",
          command: "gke-gcloud-auth-plugin",
          provideClusterInfo: true,
          // Use the same Application Default Credentials as the Google provider (a laptop's
          // `gcloud auth application-default login` or CI's workload identity federation); without the
          // flag the plugin asks gcloud's own login (kubernetes/cloud-provider-gcp#264).
          args: ["--use_application_default_credentials"],
          installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
        },
      },
    }],
  });
}
