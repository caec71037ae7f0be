// The chart's pods on the network: the chart's NetworkPolicies stay on; no pod (user, hub, proxy,
// autohttps) reaches the cloud metadata server or the GKE metadata server's own address, and user pods
// are kept from it by NetworkPolicy rather than the chart's privileged iptables init container; the
// proxy is not a load balancer open to the world. Where user pods may go otherwise is ./userEgress.ts.
// Sources: Z2JH 4.4.0 docs administrator/security.md (#netpol, "Audit Cloud Metadata server access"),
// templates/_helpers-netpol.tpl and values.yaml (proxy.service); zero-to-jupyterhub-k8s#1408; GKE docs
// "About Workload Identity Federation for GKE"; CIS GKE Benchmark 1.9.0 4.3.2, 5.4.1.

import { admittedMetadataPaths, chartEgressDefaults, type EgressAllowRules, noEgressAllowRules } from "../../contracts/chartNetpol";
import { checkSettings, get, isFalse, isUnknown, list, notFalse, notTrue, UNKNOWN, violation, type Setting } from "../core";
import { publicLoadBalancer } from "../kubernetesFacts";
import { NETWORK_POLICY_OWNERS } from "../z2jh";
import { valuesPolicy, valuesSettings, Z2JH_SECURITY } from "./shared";

export const jupyterhubNetworkPolicies = valuesSettings({
  name: "jupyterhub-network-policies",
  description: "Checks that the chart's NetworkPolicies for user, hub and proxy pods stay enabled.",
  severity: "high",
  remediationSteps: "Set `networkPolicy.enabled: true` (the chart default) under `singleuser`, `hub`, `proxy.chp` and `proxy.traefik`.",
  sources: [`${Z2JH_SECURITY}#netpol`, "CIS GKE 1.9.0 4.3.2"],
  settings: NETWORK_POLICY_OWNERS.map((owner) => ({
    path: `${owner}.networkPolicy.enabled`,
    ok: notFalse,
    fix: "true",
    requirement: `The ${owner} pods must be isolated by NetworkPolicy`,
  })),
});

/**
 * Whether the chart deploys the autohttps (traefik) pod: Z2JH 4.4.0 templates/proxy/autohttps/deployment.yaml
 * and netpol.yaml, `proxy.https.enabled` with `type: letsencrypt` (the chart's default type) and hosts.
 */
function autohttpsDeployed(values: Record<string, unknown>): boolean {
  const hosts = get(values, "proxy.https.hosts");
  const type = get(values, "proxy.https.type") ?? "letsencrypt";
  return get(values, "proxy.https.enabled") === true && type === "letsencrypt" && (isUnknown(hosts) || (Array.isArray(hosts) && hosts.length > 0));
}

const OWNER_NAMES: Readonly<Record<keyof typeof chartEgressDefaults, string>> = {
  singleuser: "User pods",
  hub: "The hub",
  "proxy.chp": "The proxy",
  "proxy.traefik": "The autohttps pod",
};

/**
 * Metadata paths other than the `cloudMetadataServer` switch (checked as a setting): the chart's
 * `nonPrivateIPs` (it excepts 169.254.169.254/32 but not the GKE metadata server's listener,
 * 169.254.169.252:988), `privateIPs` (every port of RFC 1918, node addresses included), and each custom
 * egress rule. Paths and their sources: infra/plan/netpol.ts (metadataPaths).
 */
function metadataPathProblems(values: Record<string, unknown>, owner: keyof typeof chartEgressDefaults): string[] {
  const base = `${owner}.networkPolicy`;
  const egress = list(get(values, `${base}.egress`));
  if (egress === UNKNOWN) return [];
  const switches: Partial<Record<keyof EgressAllowRules, boolean>> = {};
  for (const key of ["nonPrivateIPs", "privateIPs"] as const) {
    const value = get(values, `${base}.egressAllowRules.${key}`);
    if (isUnknown(value)) return [];
    switches[key] = value === undefined ? chartEgressDefaults[owner][key] : value === true;
  }
  const sources = [
    ...(["nonPrivateIPs", "privateIPs"] as const).map((key) => ({
      where: `values.${base}.egressAllowRules.${key}`,
      policy: { egressAllowRules: { ...noEgressAllowRules, [key]: switches[key] } },
      fix: "false (and write narrow egress rules instead)",
      found: get(values, `${base}.egressAllowRules.${key}`) ?? `${chartEgressDefaults[owner][key]} (chart default)`,
    })),
    ...egress.map((rule, i) => ({
      where: `values.${base}.egress[${i}]`,
      policy: { egressAllowRules: noEgressAllowRules, egress: [rule] },
      fix: "a rule whose ipBlocks except 169.254.0.0/16 and that opens no private range on port 988",
      found: rule,
    })),
  ];
  return sources.flatMap(({ where, policy, fix, found }) => {
    const paths = admittedMetadataPaths(policy, noEgressAllowRules);
    if (paths.length === 0) return [];
    const requirement = `${OWNER_NAMES[owner]} must not reach the GKE metadata server by any address it answers on (this admits ${paths.map((p) => p.label).join(", ")})`;
    return [violation(requirement, where, fix, found)];
  });
}

/** Z2JH security.md "Audit Cloud Metadata server access"; the chart lets hub and proxy reach it by default. */
export const jupyterhubMetadataEgress = valuesPolicy({
  name: "jupyterhub-metadata-egress",
  description: "Checks that no JupyterHub pod (user, hub or proxy) may connect to the cloud metadata server, at 169.254.169.254, at the GKE metadata server's own address 169.254.169.252:988, or on port 988 of private addresses.",
  severity: "critical",
  remediationSteps:
    "Set `networkPolicy.egressAllowRules.cloudMetadataServer: false` under `singleuser` (chart default), `hub` and `proxy.chp` (chart default true), and `proxy.traefik` when autohttps runs; set `nonPrivateIPs` and `privateIPs` to false there too (the first excepts only 169.254.169.254/32, the second opens every private port) and give each pod narrow `egress` rules that except 169.254.0.0/16.",
  sources: [
    `${Z2JH_SECURITY} (Audit Cloud Metadata server access)`,
    "Z2JH 4.4.0 templates/_helpers-netpol.tpl",
    "GKE docs: About Workload Identity Federation for GKE (GKE metadata server; https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity)",
    "CIS GKE 1.9.0 5.4.1",
  ],
  check: (values) => {
    const settings: Setting[] = [
      { path: "singleuser.networkPolicy.egressAllowRules.cloudMetadataServer", ok: notTrue, fix: "false", requirement: "User pods must not reach the metadata server" },
      { path: "hub.networkPolicy.egressAllowRules.cloudMetadataServer", ok: isFalse, fix: "false", requirement: "The hub must not reach the metadata server" },
      { path: "proxy.chp.networkPolicy.egressAllowRules.cloudMetadataServer", ok: isFalse, fix: "false", requirement: "The proxy must not reach the metadata server" },
    ];
    const owners: (keyof typeof chartEgressDefaults)[] = ["singleuser", "hub", "proxy.chp"];
    if (autohttpsDeployed(values)) {
      settings.push({ path: "proxy.traefik.networkPolicy.egressAllowRules.cloudMetadataServer", ok: isFalse, fix: "false", requirement: "The autohttps pod must not reach the metadata server" });
      owners.push("proxy.traefik");
    }
    return [...checkSettings(values, settings, "values"), ...owners.flatMap((owner) => metadataPathProblems(values, owner))];
  },
});

/** Z2JH: the iptables init container runs privileged as root with NET_ADMIN (JHC, issue #1408). */
export const jupyterhubNoIptablesInitContainer = valuesSettings({
  name: "jupyterhub-no-iptables-init-container",
  description: "Checks that user pods get no privileged iptables init container; the metadata server is blocked by NetworkPolicy instead.",
  severity: "high",
  remediationSteps:
    "Set `singleuser.cloudMetadata.blockWithIptables: false` (the chart's default is true) and rely on `cloudMetadataServer: false` with an enforcing dataplane.",
  sources: [`${Z2JH_SECURITY} (Audit Cloud Metadata server access)`, "zero-to-jupyterhub-k8s#1408", "Pod Security Standards: baseline (privileged)"],
  settings: [
    {
      path: "singleuser.cloudMetadata.blockWithIptables",
      ok: isFalse,
      fix: "false",
      requirement: "User pods must not run a privileged root init container",
    },
  ],
});

/** Z2JH values.yaml: proxy-public defaults to a LoadBalancer with no source ranges. */
export const jupyterhubProxyServicePrivate = valuesPolicy({
  name: "jupyterhub-proxy-service-private",
  description: "Checks that the proxy-public Service is not a load balancer open to the world.",
  severity: "high",
  remediationSteps:
    'Set `proxy.service.type: "ClusterIP"` and expose the hub through the Gateway (TLS, Cloud Armor-ready), or restrict `proxy.service.loadBalancerSourceRanges`.',
  sources: ["Z2JH values.yaml (proxy.service)", Z2JH_SECURITY],
  check: (values) => {
    const type = get(values, "proxy.service.type");
    const ranges = get(values, "proxy.service.loadBalancerSourceRanges");
    const annotations = get(values, "proxy.service.annotations");
    if (isUnknown(type)) return [];
    // The chart's default type is LoadBalancer.
    if (!publicLoadBalancer(type ?? "LoadBalancer", ranges, annotations)) return [];
    return [violation("The proxy must not be a load balancer open to the world", "values.proxy.service.type", '"ClusterIP" (behind the Gateway)', type)];
  },
});
