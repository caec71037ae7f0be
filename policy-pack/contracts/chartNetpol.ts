import { contains, Ipv4Cidr, metadataServer, overlaps, parseIpv4Cidr, parseIpv4Range, rfc1918 } from "./cidr";

// NetworkPolicy egress for the chart's pods, and what a component's egress lets through to the cloud
// metadata server. Z2JH 4.4.0 renders a component's `networkPolicy.egressAllowRules` and `egress` into
// egress rules in jupyterhub/templates/_helpers-netpol.tpl (github.com/jupyterhub/zero-to-jupyterhub-k8s,
// tag 4.4.0), next to fixed podSelector rules per component (hub/netpol.yaml: proxy:8001 and user
// servers:8888; proxy/netpol.yaml: hub:8081 and user servers:8888; singleuser/netpol.yaml: hub:8081,
// proxy:8000, autohttps:8080/8443). Only the hub, proxy (chp), user servers and, with Let's Encrypt HTTPS
// on, autohttps have a NetworkPolicy in 4.4.0; the user scheduler, placeholders and image pullers have none.
// Pure: a contract shared by the chart values, their security summary and the policy pack, so the pack
// judges values by the same reading of the template the program writes them with.

export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
}

export type NetworkPolicyPeer =
  | { readonly ipBlock: { readonly cidr: string; readonly except?: readonly string[] } }
  | { readonly namespaceSelector: LabelSelector; readonly podSelector: LabelSelector };

export interface NetworkPolicyPort {
  readonly protocol: "TCP" | "UDP";
  readonly port: number;
}

export interface NetworkPolicyEgressRule {
  readonly to: readonly NetworkPolicyPeer[];
  readonly ports: readonly NetworkPolicyPort[];
}

/** The chart's egress switches (values.schema.yaml, `*.networkPolicy.egressAllowRules`). */
export interface EgressAllowRules {
  readonly cloudMetadataServer: boolean;
  readonly dnsPortsCloudMetadataServer: boolean;
  readonly dnsPortsKubeSystemNamespace: boolean;
  readonly dnsPortsPrivateIPs: boolean;
  readonly nonPrivateIPs: boolean;
  readonly privateIPs: boolean;
}

/**
 * Every switch off, so a component's egress is its fixed podSelector rules plus exactly the `egress`
 * rules we write. The switches' peers are too wide or wrong for this cluster: the DNS ones guess at three
 * resolvers (values.schema.yaml: "doesn't know how to identify the DNS server"), `privateIPs` opens every
 * port of the VPC, `nonPrivateIPs` every port of the internet and of link-local space but 169.254.169.254.
 */
export const noEgressAllowRules: EgressAllowRules = {
  cloudMetadataServer: false,
  dnsPortsCloudMetadataServer: false,
  dnsPortsKubeSystemNamespace: false,
  dnsPortsPrivateIPs: false,
  nonPrivateIPs: false,
  privateIPs: false,
};

/** The chart's defaults (values.yaml 4.4.0): every switch on but metadata for the hub and proxy. */
export const chartEgressDefaults = {
  singleuser: { ...allOn(), cloudMetadataServer: false, privateIPs: false },
  hub: allOn(),
  "proxy.chp": allOn(),
  "proxy.traefik": allOn(),
} as const satisfies Record<string, EgressAllowRules>;

function allOn(): EgressAllowRules {
  return {
    cloudMetadataServer: true,
    dnsPortsCloudMetadataServer: true,
    dnsPortsKubeSystemNamespace: true,
    dnsPortsPrivateIPs: true,
    nonPrivateIPs: true,
    privateIPs: true,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The metadata server

/** A way a pod's connection can reach the GKE metadata server, as a NetworkPolicy sees it. */
export interface MetadataPath {
  readonly range: Ipv4Cidr;
  readonly port: number;
  readonly label: string;
}

/**
 * Where the GKE metadata server can be met. GKE's docs ("About Workload Identity Federation for GKE",
 * GKE metadata server) tell strict network policies to allow 169.254.169.254/32:80 on Dataplane V2 and
 * 169.254.169.252/32:988 otherwise: the address pods call, and the metadata server's own listener that
 * traffic is translated to. A pod can also connect to the listener directly. Reports that Dataplane V2
 * translates to the node's own address on 988 before policy (not in GKE's docs) give the third path:
 * any private address on 988.
 */
export const metadataPaths: readonly MetadataPath[] = [
  { range: metadataServer, port: 80, label: "169.254.169.254:80" },
  { range: parseIpv4Cidr("169.254.169.252/32")!, port: 988, label: "169.254.169.252:988" },
  ...rfc1918.map((r) => ({ range: r, port: 988, label: `${r.text}:988 (node addresses)` })),
];

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Whether a rule's `ports` admit TCP to `port`; absent or empty ports admit every port. */
function admitsTcpPort(ports: unknown, port: number): boolean {
  if (!Array.isArray(ports) || ports.length === 0) return true;
  return ports.some((p) => {
    const entry = asRecord(p);
    if (!entry) return true;
    if (entry.protocol !== undefined && entry.protocol !== "TCP") return false;
    // A named port, or none, cannot be ruled out here.
    if (typeof entry.port !== "number") return true;
    const end = typeof entry.endPort === "number" ? entry.endPort : entry.port;
    return entry.port <= port && port <= end;
  });
}

/** Whether an ipBlock peer's addresses (minus its exceptions) meet `range`. Selectors never match the metadata server. */
function peerReaches(peer: unknown, range: Ipv4Cidr): boolean {
  const block = asRecord(asRecord(peer)?.ipBlock);
  if (!block) return false;
  const cidr = typeof block.cidr === "string" ? parseIpv4Range(block.cidr) : undefined;
  // An address we cannot read (IPv6, say) does not cover these IPv4 ranges.
  if (!cidr || !overlaps(cidr, range)) return false;
  const except = Array.isArray(block.except) ? block.except : [];
  return !except.some((e) => {
    const excepted = typeof e === "string" ? parseIpv4Range(e) : undefined;
    return excepted !== undefined && contains(excepted, range);
  });
}

/**
 * The egress rules Z2JH 4.4.0's _helpers-netpol.tpl renders for the switches that open ports other than
 * 53 (the DNS switches render UDP/TCP 53 only, so they never admit a metadata path). Our reading of the
 * template, written out: `nonPrivateIPs` is 0.0.0.0/0 except RFC 1918 and the metadata IP /32, every
 * port; `privateIPs` is RFC 1918, every port; `cloudMetadataServer` is the metadata IP /32, every port.
 */
function switchRules(rules: EgressAllowRules): { to: unknown[] }[] {
  const found: { to: unknown[] }[] = [];
  if (rules.nonPrivateIPs) {
    found.push({ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...rfc1918.map((r) => r.text), metadataServer.text] } }] });
  }
  if (rules.privateIPs) found.push({ to: rfc1918.map((r) => ({ ipBlock: { cidr: r.text } })) });
  if (rules.cloudMetadataServer) found.push({ to: [{ ipBlock: { cidr: metadataServer.text } }] });
  return found;
}

/**
 * The metadata paths a component's NetworkPolicy admits, from its `egressAllowRules` (unset switches take
 * the chart's `defaults`) and its `egress` rules. Empty means every path is denied.
 */
export function admittedMetadataPaths(
  networkPolicy: { readonly egressAllowRules?: Partial<EgressAllowRules>; readonly egress?: readonly unknown[] },
  defaults: EgressAllowRules,
): MetadataPath[] {
  const rules = [...switchRules({ ...defaults, ...networkPolicy.egressAllowRules }), ...(networkPolicy.egress ?? [])];
  return metadataPaths.filter((path) =>
    rules.some((rule) => {
      const r = asRecord(rule);
      if (!r || !admitsTcpPort(r.ports, path.port)) return false;
      // A rule without `to` admits every destination.
      if (!Array.isArray(r.to) || r.to.length === 0) return true;
      return r.to.some((peer) => peerReaches(peer, path.range));
    }),
  );
}
