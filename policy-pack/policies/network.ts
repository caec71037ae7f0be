// VPC, NAT and DNS hardening: firewall exposure, subnet flow logs and Private Google Access, NAT
// logging, DNSSEC on zones the stack owns. Inputs are @pulumi/gcp 9.37 compute/dns args.

import { isWholeInternet } from "./cidr";
import {
  checkSettings,
  get,
  isRecord,
  isTrue,
  isUnknown,
  list,
  resourcePolicy,
  sameText,
  UNKNOWN,
  violation,
  type HardeningResourcePolicy,
} from "./core";
import { GCP } from "./types";

/** Ports an attacker on the internet must never reach: remote shells, databases, kubelet and etcd. */
export const ADMIN_PORTS: Readonly<Record<number, string>> = {
  21: "FTP",
  22: "SSH",
  23: "Telnet",
  1433: "SQL Server",
  2379: "etcd",
  2380: "etcd peer",
  3306: "MySQL",
  3389: "RDP",
  5432: "PostgreSQL",
  5900: "VNC",
  6379: "Redis",
  6443: "Kubernetes API",
  10250: "kubelet",
  10255: "kubelet read-only",
  27017: "MongoDB",
};

const PORT_PROTOCOLS = new Set(["tcp", "udp", "sctp", "6", "17", "132"]);

/** Whether a firewall `allows` entry's ports (`["22", "8000-9000"]`, or none = all) include `port`. */
export function coversPort(ports: readonly unknown[], port: number): boolean {
  if (ports.length === 0) return true;
  return ports.some((p) => {
    if (typeof p !== "string" && typeof p !== "number") return false;
    const [low, high] = String(p).split("-").map(Number);
    return low !== undefined && port >= low && port <= (high ?? low);
  });
}

/** The admin ports an `allows` list opens; `UNKNOWN` if any part is not known yet. */
export function openedAdminPorts(allows: unknown): number[] | typeof UNKNOWN {
  const rules = list(allows);
  if (rules === UNKNOWN) return UNKNOWN;
  const opened = new Set<number>();
  for (const rule of rules) {
    const protocol = get(rule, "protocol");
    const ports = list(get(rule, "ports"));
    if (isUnknown(protocol) || ports === UNKNOWN) return UNKNOWN;
    const all = sameText(protocol, "all");
    if (!all && !(typeof protocol === "string" && PORT_PROTOCOLS.has(protocol.toLowerCase()))) continue;
    for (const port of Object.keys(ADMIN_PORTS).map(Number)) {
      if (all || coversPort(ports, port)) opened.add(port);
    }
  }
  return [...opened].sort((a, b) => a - b);
}

/** CKV_GCP_2/3/106 and CIS GKE 5.6.6: no administrative port open to 0.0.0.0/0. */
export const networkFirewallAdminPorts = resourcePolicy({
  name: "network-firewall-admin-ports",
  description: "Checks that no ingress firewall rule opens an administrative port (SSH, RDP, kubelet, databases…) to the whole internet.",
  area: "Network",
  severity: "critical",
  remediationSteps:
    "Set `sourceRanges` to specific CIDRs (for SSH, Identity-Aware Proxy's 35.235.240.0/20) or narrow `allows` to the ports the load balancer needs.",
  sources: ["CIS GKE 1.9.0 5.6.6", "CKV_GCP_2", "CKV_GCP_3", "CKV_GCP_106"],
  types: [GCP.firewall],
  check: (props) => {
    const direction = get(props, "direction");
    const disabled = get(props, "disabled");
    const ranges = list(get(props, "sourceRanges"));
    const tags = list(get(props, "sourceTags"));
    const accounts = list(get(props, "sourceServiceAccounts"));
    if (isUnknown(direction) || isUnknown(disabled) || ranges === UNKNOWN || tags === UNKNOWN || accounts === UNKNOWN) return [];
    if ((direction !== undefined && !sameText(direction, "INGRESS")) || disabled === true) return [];
    // GCP applies an ingress rule with no source at all to 0.0.0.0/0.
    const world = ranges.find((r) => typeof r === "string" && isWholeInternet(r)) ??
      (ranges.length === 0 && tags.length === 0 && accounts.length === 0 ? "no source (0.0.0.0/0)" : undefined);
    if (world === undefined) return [];
    const opened = openedAdminPorts(get(props, "allows"));
    if (opened === UNKNOWN || opened.length === 0) return [];
    const named = opened.map((p) => `${p} (${ADMIN_PORTS[p]})`).join(", ");
    return [
      violation(
        `Administrative ports must not be open to the internet; this rule opens ${named}`,
        "sourceRanges",
        "specific CIDRs (35.235.240.0/20 for IAP SSH), or remove those ports from allows",
        world,
      ),
    ];
  },
});

/** Subnet purposes that carry VM traffic; proxy-only and PSC subnets support neither check. */
const VM_SUBNET_PURPOSES = new Set(["PRIVATE", "PRIVATE_RFC_1918"]);

function vmSubnetOnly(props: Record<string, unknown>, notApplicable: (reason?: string) => never): void {
  const purpose = get(props, "purpose");
  if (typeof purpose === "string" && !VM_SUBNET_PURPOSES.has(purpose)) {
    notApplicable(`Subnets with purpose ${purpose} carry no VM traffic`);
  }
}

/** Google's GKE hardening guide: private nodes reach Google APIs through Private Google Access. */
export const networkSubnetPrivateGoogleAccess = resourcePolicy({
  name: "network-subnet-private-google-access",
  description: "Checks that node subnets have Private Google Access, so private nodes reach Google APIs without public IPs.",
  area: "Network",
  severity: "medium",
  remediationSteps: "Set `privateIpGoogleAccess: true` on the Subnetwork.",
  sources: ["CKV_GCP_74", "GKE docs: private clusters need Private Google Access"],
  types: [GCP.subnetwork],
  check: (props, { notApplicable }) => {
    vmSubnetOnly(props, notApplicable);
    return checkSettings(props, [
      { path: "privateIpGoogleAccess", ok: isTrue, fix: "true", requirement: "Private nodes must reach Google APIs privately" },
    ]);
  },
});

/** CIS GKE 5.6.1 (VPC flow logs half). */
export const networkSubnetFlowLogs = resourcePolicy({
  name: "network-subnet-flow-logs",
  description: "Checks that node subnets record VPC flow logs.",
  area: "Network",
  severity: "medium",
  remediationSteps: 'Set `logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" }` on the Subnetwork.',
  sources: ["CIS GKE 1.9.0 5.6.1", "CKV_GCP_26"],
  types: [GCP.subnetwork],
  check: (props, { notApplicable }) => {
    vmSubnetOnly(props, notApplicable);
    return checkSettings(props, [
      { path: "logConfig", ok: isRecord, fix: "{ aggregationInterval, flowSampling, metadata }", requirement: "Flow logs must be on for forensics" },
      { path: "logConfig.flowSampling", ok: (v) => v === undefined || (typeof v === "number" && v > 0), fix: "a value above 0 (e.g. 0.5)", requirement: "Flow logs must sample some flows" },
    ]);
  },
});

/** Cloud NAT logging: the only record of which node talked to which external address. */
export const networkNatLogging = resourcePolicy({
  name: "network-nat-logging",
  description: "Checks that Cloud NAT gateways log translations or errors.",
  area: "Network",
  severity: "low",
  remediationSteps: 'Set `logConfig: { enable: true, filter: "ERRORS_ONLY" }` (or "ALL") on the RouterNat.',
  sources: ["Cloud NAT docs: logging (https://cloud.google.com/nat/docs/monitoring)"],
  types: [GCP.routerNat],
  check: (props) =>
    checkSettings(props, [{ path: "logConfig.enable", ok: isTrue, fix: "true", requirement: "NAT logging must be on" }]),
});

/** CKV_GCP_16 / CKV_GCP_17: DNSSEC on, no RSASHA1 keys. */
export const networkDnsDnssec = resourcePolicy({
  name: "network-dns-dnssec",
  description: "Checks that public Cloud DNS zones the stack owns are signed with DNSSEC and do not use RSASHA1.",
  area: "Network",
  severity: "medium",
  remediationSteps: 'Set `dnssecConfig: { state: "on" }` on the ManagedZone (then publish its DS record at the registrar) and do not choose `rsasha1` in `defaultKeySpecs`.',
  sources: ["CKV_GCP_16", "CKV_GCP_17"],
  types: [GCP.managedZone],
  check: (props, { notApplicable }) => {
    if (sameText(get(props, "visibility"), "private")) notApplicable("Private zones are not resolvable from the internet");
    const messages = checkSettings(props, [
      { path: "dnssecConfig.state", ok: (v) => v === "on", fix: '"on"', requirement: "Public zones must be signed so resolvers can detect spoofed answers" },
    ]);
    const specs = list(get(props, "dnssecConfig.defaultKeySpecs"));
    if (specs !== UNKNOWN) {
      specs.forEach((spec, i) => {
        const algorithm = get(spec, "algorithm");
        if (sameText(algorithm, "rsasha1")) {
          messages.push(violation("DNSSEC keys must not use RSASHA1", `dnssecConfig.defaultKeySpecs[${i}].algorithm`, '"rsasha256" or "ecdsap256sha256"', algorithm));
        }
      });
    }
    return messages;
  },
});

export const networkPolicies: readonly HardeningResourcePolicy[] = [
  networkFirewallAdminPorts,
  networkSubnetPrivateGoogleAccess,
  networkSubnetFlowLogs,
  networkNatLogging,
  networkDnsDnssec,
];
