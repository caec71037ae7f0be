// SLOW: runs the whole program under Pulumi's mock runtime.
import * as assert from "assert";
import { stackRun } from "./support/runs";
import { stackNames } from "./support/stacks";

// URNs of the resources whose replacement would hurt during an event. Pulumi identifies a resource by its
// URN (stack, project, parent chain of component types, type token, logical name): a refactor that moves a
// resource into another component, renames a component type or changes a logical name makes `pulumi up`
// delete the old resource and create a new one (Pulumi docs, "Resource names" and "aliases"). For these
// that means a new cluster or node pool (every user server stops), a new DNS zone (new name servers: the
// delegation must be redone), a new static address (DNS points at the old one), a new namespace or release
// (every home disk is deleted with its PVC), or a certificate that must be issued again.
//
// The list is written out by hand on purpose: a change that alters one of these URNs must either add
// `aliases` to the resource (then update the list here and say why in the commit) or not happen.

const pinned = (stack: string): string[] => {
  const urn = (parents: string, type: string, name: string) =>
    `urn:pulumi:${stack}::jupyterhub-gke::${parents}$${type}::${name}`;
  const cluster = "jupyterhub-gke:cluster:HardenedCluster";
  const edge = "jupyterhub-gke:edge:HubEdge";
  const network = "jupyterhub-gke:network:HubNetwork";
  const hub = "jupyterhub-gke:hub:JupyterHub";
  const gateway = "jupyterhub-gke:edge:HubGateway";
  const homeExport = "jupyterhub-gke:lifecycle:HomeExport";
  return [
    urn(network, "gcp:compute/network:Network", "network-vpc"),
    urn(network, "gcp:compute/subnetwork:Subnetwork", "network-nodes"),
    urn(cluster, "gcp:serviceaccount/account:Account", "cluster-nodes"),
    urn(cluster, "gcp:container/cluster:Cluster", "cluster"),
    urn(cluster, "gcp:container/nodePool:NodePool", "cluster-core"),
    urn(cluster, "gcp:container/nodePool:NodePool", "cluster-user"),
    urn(edge, "gcp:dns/managedZone:ManagedZone", "edge-zone"),
    urn(edge, "gcp:compute/globalAddress:GlobalAddress", "edge-ip"),
    urn(edge, "gcp:certificatemanager/dnsAuthorization:DnsAuthorization", "edge-dns-auth"),
    urn(edge, "gcp:certificatemanager/certificate:Certificate", "edge-cert"),
    urn(edge, "gcp:certificatemanager/certificateMap:CertificateMap", "edge-certmap"),
    urn(edge, "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry", "edge-certmap-hub"),
    urn(edge, "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry", "edge-certmap-wildcard"),
    urn(hub, "kubernetes:core/v1:Namespace", "hub-namespace"),
    urn(hub, "kubernetes:helm.sh/v3:Release", "hub-release"),
    // A new Gateway is a new load balancer; a new route leaves the hub unrouted until it is programmed.
    urn(gateway, "kubernetes:gateway.networking.k8s.io/v1:Gateway", "hub-gateway-gateway"),
    urn(gateway, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "hub-gateway-https-route"),
    urn(gateway, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "hub-gateway-http-redirect"),
    // The export bucket is kept at destroy (retainOnDelete): under a new URN the next `pulumi up` would
    // create a second bucket and leave the first, with its archives, out of the stack.
    urn(homeExport, "gcp:storage/bucket:Bucket", `${stack}-home-export`),
    urn(homeExport, "gcp:serviceaccount/account:Account", "home-export-writer"),
    // The writer's grants: under a new URN Pulumi creates the new member before deleting the old one, and
    // that delete removes the grant both stand for (pulumi/pulumi-gcp#2463, reported for project and
    // service-account IAMMembers; a bucket's member has no identity of its own either), so the export
    // would lose its access until the next `pulumi up`.
    urn(homeExport, "gcp:storage/bucketIAMMember:BucketIAMMember", "home-export-objectCreator"),
    urn(homeExport, "gcp:storage/bucketIAMMember:BucketIAMMember", "home-export-objectViewer"),
    urn(homeExport, "gcp:serviceaccount/iAMMember:IAMMember", "home-export-workload-identity"),
  ];
};

for (const stack of stackNames) {
  describe(`the ${stack} stack's event-critical URNs`, function () {
    this.timeout(120_000);
    it("are unchanged, so no refactor silently replaces the cluster, a pool, the zone, the address, the hub or the certificate", async () => {
      const declared = new Set((await stackRun(stack)).resources.map((r) => r.urn));
      const missing = pinned(stack).filter((urn) => !declared.has(urn));
      assert.deepStrictEqual(missing, [], `these URNs changed (add aliases, or the resource is replaced on the next pulumi up):\n${missing.join("\n")}`);
    });
  });
}
