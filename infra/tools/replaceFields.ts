// Which input changes make Pulumi REPLACE a resource rather than update it in place, for the three
// resources whose replacement during an event is a disaster: a node pool (every server on it stops), the
// cluster (everything stops) and the DNS zone (new name servers: the delegation breaks until the registrar
// is changed).
//
// @pulumi/gcp 9.37.0 bridges terraform-provider-google-beta 7.46.1 (pulumi/pulumi-gcp#4019, "Release
// v9.37.0"); the bridge replaces a resource when a changed property is ForceNew in the Terraform schema.
// These lists are the ForceNew fields of that provider's 7.46 line (branch release-7.46.0, commit 848beed):
//   google-beta/services/container/resource_container_node_pool.go  (schemaNodePool, ForceNew: true)
//   google-beta/services/container/node_config.go                    (schemaNodeConfig, ForceNew: true)
//   google-beta/services/container/resource_container_cluster.go     (ResourceContainerCluster)
//   google-beta/services/dns/resource_dns_managed_zone.go            (ResourceDNSManagedZone)
// written with Pulumi's property names (camelCase; a repeated block is plural: guest_accelerator →
// guestAccelerators). test/infra/planDiff.test.ts checks every path names a property of @pulumi/gcp's
// own input types. A sub-block listed whole (a ForceNew block) replaces on a change anywhere inside it.
//
// Left out on purpose, because the program tells Pulumi to ignore them (infra/components/cluster.ts
// `ignoreChanges`): the node pool's `initialNodeCount` and the cluster's `nodeConfig` (the default pool's,
// removed at creation). The cluster's ForceNewIfChange fields (`enableL4IlbSubsetting`,
// `enableFqdnNetworkPolicy`: replace only when turned off) are listed under `replaceWhenTurnedOff`.

/** Paths (dot-separated, no list indices) whose change replaces the resource, by Pulumi type token. */
export const replaceOnChange: Readonly<Record<string, readonly string[]>> = {
  "gcp:container/nodePool:NodePool": [
    "project", "cluster", "location", "name", "namePrefix", "maxPodsPerNode",
    "placementPolicy", "queuedProvisioning",
    "networkConfig.acceleratorNetworkProfile", "networkConfig.createPodRange", "networkConfig.podRange",
    "networkConfig.podIpv4CidrBlock", "networkConfig.additionalNodeNetworkConfigs",
    "networkConfig.additionalPodNetworkConfigs", "networkConfig.podCidrOverprovisionConfig", "networkConfig.subnetwork",
    "nodeConfig.guestAccelerators", "nodeConfig.localSsdCount", "nodeConfig.ephemeralStorageConfig",
    "nodeConfig.ephemeralStorageLocalSsdConfig", "nodeConfig.localNvmeSsdBlockConfig", "nodeConfig.secondaryBootDisks",
    "nodeConfig.metadata", "nodeConfig.minCpuPlatform", "nodeConfig.oauthScopes", "nodeConfig.preemptible",
    "nodeConfig.reservationAffinity", "nodeConfig.spot", "nodeConfig.serviceAccount", "nodeConfig.shieldedInstanceConfig",
    "nodeConfig.sandboxConfig", "nodeConfig.bootDiskKmsKey", "nodeConfig.nodeGroup", "nodeConfig.advancedMachineFeatures",
    "nodeConfig.soleTenantConfig", "nodeConfig.hostMaintenancePolicy", "nodeConfig.confidentialNodes.confidentialInstanceType",
    "nodeConfig.enableConfidentialStorage", "nodeConfig.localSsdEncryptionMode", "nodeConfig.maxRunDuration",
    "nodeConfig.flexStart",
  ],
  "gcp:container/cluster:Cluster": [
    "project", "name", "location", "description", "network", "subnetwork", "networkingMode", "clusterIpv4Cidr",
    "ipAllocationPolicy", "defaultMaxPodsPerNode", "datapathProvider", "dataplaneOptimizationMode",
    "privateClusterConfig.masterIpv4CidrBlock", "privateClusterConfig.privateEndpointSubnetwork",
    "enableKubernetesAlpha", "enableTpu", "tpuConfig", "enableAutopilot", "initialNodeCount", "confidentialNodes",
    "masterAuth.clientCertificateConfig", "clusterAutoscaling.autoProvisioningDefaults.bootDiskKmsKey",
    "userManagedKeysConfig.clusterCa", "userManagedKeysConfig.etcdApiCa", "userManagedKeysConfig.etcdPeerCa",
    "userManagedKeysConfig.aggregationCa",
  ],
  "gcp:dns/managedZone:ManagedZone": [
    "project", "name", "dnsName", "visibility", "reverseLookup", "serviceDirectoryConfig",
  ],
};

/** Booleans whose change from true to false replaces the resource (customdiff.ForceNewIfChange, isBeenEnabled). */
export const replaceWhenTurnedOff: Readonly<Record<string, readonly string[]>> = {
  "gcp:container/cluster:Cluster": ["enableL4IlbSubsetting", "enableFqdnNetworkPolicy"],
};

/**
 * In-place node-pool changes that still move every node: GKE's UpdateNodePoolRequest says of
 * `machineType` (and the `diskType`/`diskSizeGb` fields added with it) that it "initiates an upgrade
 * operation that migrates the nodes in the node pool" (GKE API container/v1, UpdateNodePoolRequest). So
 * Pulumi updates, yet each node is drained and recreated with the pool's surge settings.
 */
export const migratesNodes: Readonly<Record<string, readonly string[]>> = {
  "gcp:container/nodePool:NodePool": ["nodeConfig.machineType", "nodeConfig.diskType", "nodeConfig.diskSizeGb"],
};

export const migrationHarm = "updates the node pool in place, but GKE migrates every node to the new shape: the servers on each node stop as it is drained";

/** The in-place change a path falls under that still migrates every node, if any. */
export function migratingPath(type: string, path: string): string | undefined {
  return (migratesNodes[type] ?? []).find((p) => path === p || path.startsWith(`${p}.`));
}

/** What replacing each guarded type does to a running event, for the warning. */
export const replacementHarm: Readonly<Record<string, string>> = {
  "gcp:container/nodePool:NodePool": "replaces the node pool: every server on it stops",
  "gcp:container/cluster:Cluster": "replaces the cluster: the hub and every server stop, and the cluster's data is lost",
  "gcp:dns/managedZone:ManagedZone": "replaces the DNS zone: new name servers, so the hub does not resolve until the registrar's delegation and DS record are changed",
};

/** The replace-on-change path a changed property path falls under, if any. */
export function replacingPath(type: string, path: string, before: unknown, after: unknown): string | undefined {
  const hit = (replaceOnChange[type] ?? []).find((p) => path === p || path.startsWith(`${p}.`));
  if (hit) return hit;
  return (replaceWhenTurnedOff[type] ?? []).find((p) => path === p && before === true && after !== true);
}
