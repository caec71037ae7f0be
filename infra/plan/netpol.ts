import { linkLocal, rfc1918 } from "../catalog/cidr";
import type { NetworkPolicyEgressRule, NetworkPolicyPeer } from "../../policy-pack/contracts/chartNetpol";

// The egress rules the program writes for the hub beyond the chart's fixed ones. The chart's model (its
// switches, their defaults and what they admit) is the contract in policy-pack/contracts/chartNetpol.ts.

export * from "../../policy-pack/contracts/chartNetpol";


/** Port of an https URL, as a client connects to it. */
export function httpsPort(url: string): number {
  const port = new URL(url).port;
  return port === "" ? 443 : Number(port);
}

/**
 * The Kubernetes API: the hub's KubeSpawner talks to the `kubernetes` Service, whose endpoint on a cluster
 * with private nodes is the control plane's private endpoint, on 443, in RFC 1918 space. Dataplane V2
 * evaluates policy on the address behind a Service, and an ipBlock matches it because the control plane is
 * no pod or node of the cluster (Cilium's CIDR rules skip only those: cilium/cilium#9209, cited by Z2JH's
 * schema for `privateIPs`). The chart's `privateIPs` reached it the same way, but on every port.
 */
export function kubernetesApiEgressRule(): NetworkPolicyEgressRule {
  return { to: rfc1918.map((r) => ({ ipBlock: { cidr: r.text } })), ports: [{ protocol: "TCP", port: 443 }] };
}

/**
 * The identity provider (the token and userinfo URLs the hub calls; the authorize URL is the browser's),
 * and the control plane's public endpoint if the Service ever points there: public addresses only, on the
 * IdP's ports. Unlike the chart's `nonPrivateIPs` it excepts all of link-local space, where the GKE
 * metadata server listens (169.254.169.252:988) besides the 169.254.169.254 the chart excepts.
 */
export function hubInternetEgressRule(oidcUrls: readonly string[]): NetworkPolicyEgressRule {
  const ports = [...new Set([443, ...oidcUrls.map(httpsPort)])].sort((a, b) => a - b);
  return {
    to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...rfc1918.map((r) => r.text), linkLocal.text] } }],
    ports: ports.map((port) => ({ protocol: "TCP", port })),
  };
}


/** A peer as a NetworkPolicy's spec takes it: an ipBlock (with its exceptions) or a namespace and pod selector. */
function peerSpec(peer: NetworkPolicyPeer) {
  return "ipBlock" in peer
    ? { ipBlock: { cidr: peer.ipBlock.cidr, ...(peer.ipBlock.except ? { except: [...peer.ipBlock.except] } : {}) } }
    : { namespaceSelector: { matchLabels: { ...peer.namespaceSelector.matchLabels } }, podSelector: { matchLabels: { ...peer.podSelector.matchLabels } } };
}

/**
 * An egress rule as a NetworkPolicy's spec takes it (fresh, mutable copies, as the Kubernetes SDK's input
 * types want), every peer and port kept: the one mapping for every NetworkPolicy the program declares
 * from the plan's rules.
 */
export function egressRuleSpec(rule: NetworkPolicyEgressRule) {
  return { to: rule.to.map(peerSpec), ports: rule.ports.map((p) => ({ protocol: p.protocol, port: p.port })) };
}
