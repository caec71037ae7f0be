import { NetworkPolicyEgressRule } from "./netpol";

// The cluster's DNS, decided once: the cluster component configures GKE from `clusterDns` and the chart
// values allow exactly the path it implies (`dnsEgressRule`), so the two cannot drift.
//
// The choice is kube-dns with NodeLocal DNSCache off, set explicitly:
// - GKE Standard turns NodeLocal DNSCache on by default from 1.34.1-gke.3720000 (GKE docs, "Set up
//   NodeLocal DNSCache"; some translations say 1.33.1). Pods then resolve through a per-node cache. Which
//   address and which pod identity that cache presents to Dataplane V2's policy is not in the pages we
//   could read, and public reports disagree (an ipBlock for 169.254.20.10, or kube-system pods). A rule
//   we cannot derive from a source could fail every spawn, and "any address on port 53" would be wider
//   than DNS needs.
// - Without the cache the path is documented: kubelet writes the kube-dns Service's ClusterIP into each
//   pod's resolv.conf, and that Service is backed by kube-dns pods in kube-system (GKE docs, "About
//   kube-dns for GKE"), labelled k8s-app=kube-dns (the Service's selector) and answering on port 53
//   (kubernetes/kubernetes cluster/addons/dns/kube-dns/kube-dns.yaml.in). Dataplane V2 applies policy to
//   the pods behind a Service, which is how Z2JH's own `dnsPortsKubeSystemNamespace` rule works on GKE
//   (values.schema.yaml 4.4.0).
// - The cache would cut lookup latency and kube-dns load. Here lookups are few: a user server resolves the
//   hub and proxy at start and, beyond them, only allowlisted hosts; the hub and proxy resolve a handful of
//   names. kube-dns-autoscaler adds replicas as the cluster adds nodes (About kube-dns for GKE).
// - Provider pinned to KUBE_DNS rather than GKE's default, so a change of default (Cloud DNS, reached at
//   the metadata address on port 53: Z2JH values.schema.yaml, dnsPortsCloudMetadataServer) cannot move the
//   path from under the policy.
// Turning the cache on for a running cluster recreates its nodes (Set up NodeLocal DNSCache), so the
// choice is no stack option to flip near an event, and only one choice has a rule written for it.

export interface ClusterDns {
  /** GKE's DNSConfig.Provider (container v1 API). */
  readonly provider: "KUBE_DNS";
  /** `addonsConfig.dnsCacheConfig.enabled`. Only `false` has a policy path written for it. */
  readonly nodeLocalDnsCache: false;
}

export const clusterDns: ClusterDns = { provider: "KUBE_DNS", nodeLocalDnsCache: false };

/** The pods that answer DNS for this choice. */
export const kubeDnsPods = {
  namespace: "kube-system",
  labels: { "k8s-app": "kube-dns" },
} as const;

/** The gcp.container.Cluster inputs that make the choice (container v1 Cluster.dnsConfig / addonsConfig). */
export function clusterDnsSettings(dns: ClusterDns) {
  return {
    dnsConfig: { clusterDns: dns.provider },
    dnsCacheConfig: { enabled: dns.nodeLocalDnsCache },
  };
}

/**
 * UDP and TCP 53 to the kube-dns pods, and nowhere else: the one DNS rule of every chart component with a
 * NetworkPolicy (hub, proxy, user servers). The namespace is matched by the label Kubernetes sets on every
 * namespace, `kubernetes.io/metadata.name`, as Z2JH's own rule does.
 */
export function dnsEgressRule(dns: ClusterDns): NetworkPolicyEgressRule {
  // Written for kube-dns without the cache; a cache-on or Cloud DNS choice needs its own, sourced rule.
  if (dns.provider !== "KUBE_DNS" || dns.nodeLocalDnsCache !== false) {
    throw new RangeError(`no DNS egress rule is written for ${JSON.stringify(dns)}`);
  }
  return {
    to: [{
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": kubeDnsPods.namespace } },
      podSelector: { matchLabels: { ...kubeDnsPods.labels } },
    }],
    ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
  };
}
