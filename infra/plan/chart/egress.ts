// NetworkPolicy egress: where the hub, the proxy and user servers may open connections besides the
// chart's fixed rules (netpol.ts holds the rule shapes and what the chart admits by itself).
import { EgressRule, StackConfig } from "../../config/types";
import { clusterDns, dnsEgressRule } from "../clusterDns";
import { hubInternetEgressRule, kubernetesApiEgressRule, NetworkPolicyEgressRule } from "../netpol";

/**
 * Each component's egress besides the chart's fixed podSelector rules (netpol.ts lists them), with every
 * chart switch off (`noEgressAllowRules`):
 * - user servers: DNS, the registry proxy and the organiser's allowlist; no internet, no VPC, no metadata server (Z2JH docs
 *   administrator/security.md#netpol);
 * - the hub: DNS, the Kubernetes API on 443, and the IdP on its ports at public addresses;
 * - the proxy: DNS only (it forwards to the hub and user servers, which its fixed rules cover).
 * DNS is the one path the cluster's DNS choice implies (clusterDns.ts). None of these admits the GKE
 * metadata server by any address it answers on (netpol.ts, metadataPaths); the chart's defaults for the
 * hub and proxy admitted it through `nonPrivateIPs`, which excepts 169.254.169.254 but not its listener.
 */
export function componentEgress(
  config: StackConfig,
  packageEgress: readonly NetworkPolicyEgressRule[] = [],
): { hub: NetworkPolicyEgressRule[]; proxy: NetworkPolicyEgressRule[]; singleuser: NetworkPolicyEgressRule[] } {
  const dns = dnsEgressRule(clusterDns);
  const { oidc } = config.hub;
  return {
    hub: [dns, kubernetesApiEgressRule(), hubInternetEgressRule([oidc.tokenUrl, oidc.userdataUrl])],
    proxy: [dns],
    // `packageEgress`: the registry proxy's pods on its port, when packages come from Artifact Registry
    // (plan/packages.ts); never a Google address, never the metadata server.
    singleuser: [dns, ...packageEgress, ...allowlistEgressRules(config.hub.egressAllowlist)],
  };
}

/** One NetworkPolicy egress rule per allowlist entry (parse.ts already refuses non-public ranges). */
export function allowlistEgressRules(allowlist: readonly EgressRule[]): NetworkPolicyEgressRule[] {
  return allowlist.map((rule) => ({
    to: [{ ipBlock: { cidr: rule.cidr } }],
    ports: rule.ports.map((port) => ({ protocol: "TCP" as const, port })),
  }));
}
