import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { EdgeConfig } from "../config/types";
import { HubHostnames, hubHostnames } from "../plan/hostnames";

// The Google side of per-user subdomains: a zone (or records in an existing one), a global static IP,
// A records for the hub and *.hub, a Google-managed wildcard certificate authorised by DNS, a certificate
// map the Gateway names, and the SSL policy that keeps TLS at 1.2 or later. Sources:
// - wildcards need DNS authorization; one authorization of hub.example.com covers *.hub.example.com:
//   https://cloud.google.com/certificate-manager/docs/domain-authorization ,
//   https://cloud.google.com/certificate-manager/docs/dns-authorizations
// - one certificate map entry per hostname: https://cloud.google.com/certificate-manager/docs/map-entries
// - field names: @pulumi/gcp 9.37 `dns/managedZone.d.ts`, `dns/recordSet.d.ts`, `compute/globalAddress.d.ts`,
//   `compute/sslpolicy.d.ts`, `certificatemanager/*.d.ts`.

/** GCP names of the edge's resources, fixed by a prefix so the Gateway can name them. */
export interface EdgeResourceNames {
  readonly zone: string;
  readonly address: string;
  readonly dnsAuthorization: string;
  readonly certificate: string;
  readonly certificateMap: string;
  /** One certificate map entry per hostname. */
  readonly mapEntries: Readonly<Record<keyof HubHostnames, string>>;
  readonly sslPolicy: string;
}

const nameSuffixes = {
  zone: "hub-zone",
  address: "hub-ip",
  dnsAuthorization: "hub-dns-auth",
  certificate: "hub-cert",
  certificateMap: "hub-certmap",
  mapEntries: { hub: "hub-certmap-hub", wildcard: "hub-certmap-wildcard" },
  sslPolicy: "hub-tls",
} as const;

// Compute names (addresses, SSL policies) follow RFC 1035 within 63 characters, the strictest rule of the
// three services; Cloud DNS zone names and Certificate Manager names (64) accept every such name.
const gcpNamePattern = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
const gcpNameMaxLength = 63;
const longestSuffix = Math.max(
  ...Object.values(nameSuffixes).flatMap((s) => (typeof s === "string" ? [s] : Object.values(s))).map((s) => s.length),
);
/** The longest prefix `edgeResourceNames` accepts. */
export const edgeNamePrefixMaxLength = gcpNameMaxLength - longestSuffix - 1;

/** Deterministic GCP names from a prefix (e.g. the stack name); throws on a prefix GCP would refuse. */
export function edgeResourceNames(prefix: string): EdgeResourceNames {
  if (!gcpNamePattern.test(prefix) || prefix.length > edgeNamePrefixMaxLength) {
    throw new RangeError(
      `edge name prefix ${JSON.stringify(prefix)} must start with a lower-case letter, hold only lower-case ` +
        `letters, digits and hyphens, not end with a hyphen, and be at most ${edgeNamePrefixMaxLength} characters`,
    );
  }
  const named = (suffix: string) => `${prefix}-${suffix}`;
  return {
    zone: named(nameSuffixes.zone),
    address: named(nameSuffixes.address),
    dnsAuthorization: named(nameSuffixes.dnsAuthorization),
    certificate: named(nameSuffixes.certificate),
    certificateMap: named(nameSuffixes.certificateMap),
    mapEntries: { hub: named(nameSuffixes.mapEntries.hub), wildcard: named(nameSuffixes.mapEntries.wildcard) },
    sslPolicy: named(nameSuffixes.sslPolicy),
  };
}

/** Cloud DNS names are absolute: "hub.example.com." */
export function absoluteDnsName(name: string): string {
  return name.endsWith(".") ? name : `${name}.`;
}

// Short enough that a changed address or authorization record spreads within minutes.
const recordTtlSeconds = 300;
const hostnameRoles: readonly (keyof HubHostnames)[] = ["hub", "wildcard"];

export interface HubEdgeArgs {
  /** The hub domain and, when set, the existing zone its records go into; validated by `parseConfig`. */
  readonly edge: Pick<EdgeConfig, "hubDomain" | "existingZone">;
  /** Prefix of every GCP name (see `edgeResourceNames`), e.g. the stack name. */
  readonly namePrefix: string;
  /**
   * Protects the zone the program creates from `pulumi destroy` (`platform.deletionProtection`): a new zone
   * gets new name servers, and the delegation at the registrar would have to be redone. An existing zone
   * is only referred to by name, never managed, so it is never deleted.
   */
  readonly protectZone?: boolean;
  /** GCP labels for the resources that take them. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * DNS, certificate and static IP for `hub.example.com` and `*.hub.example.com`, so every user's server
 * (one label under the hub domain, see plan/hostnames.ts) is reachable over HTTPS on its own origin.
 */
export class HubEdge extends pulumi.ComponentResource {
  /** The hub's address for people: https://<hubDomain>/ */
  readonly hubUrl: pulumi.Output<string>;
  /** The global static IPv4 address both A records point at. */
  readonly staticIp: pulumi.Output<string>;
  /** The zone's name servers, to delegate to at the registrar; only when the program owns the zone. */
  readonly nameServers?: pulumi.Output<string[]>;
  /** For the Gateway's `networking.gke.io/certmap` annotation; resolves once the map has its entries. */
  readonly certificateMapName: pulumi.Output<string>;
  /** For the Gateway's `NamedAddress`. */
  readonly addressName: pulumi.Output<string>;
  /** For the GCPGatewayPolicy's `sslPolicy`. */
  readonly sslPolicyName: pulumi.Output<string>;

  constructor(name: string, args: HubEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:edge:HubEdge", name, {}, opts);
    const names = edgeResourceNames(args.namePrefix);
    const hostnames = hubHostnames(args.edge.hubDomain);
    const labels = args.labels;
    const child = { parent: this };

    // Records go into the existing zone named in config, or into a zone for the hub domain made here.
    const { existingZone } = args.edge;
    let zoneName: pulumi.Input<string>;
    let nameServers: pulumi.Output<string[]> | undefined;
    if (existingZone) {
      zoneName = existingZone.name;
    } else {
      const zone = new gcp.dns.ManagedZone(`${name}-zone`, {
        name: names.zone,
        dnsName: absoluteDnsName(hostnames.hub),
        description: "Hub domain with one subdomain per JupyterHub user",
        visibility: "public",
        // Signed answers, so a resolver that validates cannot be fed another address for a user's host.
        dnssecConfig: { state: "on" },
        labels,
      }, { ...child, protect: args.protectZone ?? false });
      zoneName = zone.name;
      nameServers = zone.nameServers;
    }
    const record = (role: string, recordArgs: Omit<gcp.dns.RecordSetArgs, "managedZone" | "ttl">) =>
      new gcp.dns.RecordSet(`${name}-${role}`, { managedZone: zoneName, ttl: recordTtlSeconds, ...recordArgs }, child);

    // Global addresses are always Premium tier (the API has no tier field for them), which Certificate
    // Manager requires (https://cloud.google.com/certificate-manager/docs/overview).
    const address = new gcp.compute.GlobalAddress(`${name}-ip`, {
      name: names.address,
      addressType: "EXTERNAL",
      ipVersion: "IPV4",
      description: `Static IP of ${hostnames.hub} and ${hostnames.wildcard}`,
      labels,
    }, child);
    for (const role of hostnameRoles) {
      record(`${role}-a`, { name: absoluteDnsName(hostnames[role]), type: "A", rrdatas: [address.address] });
    }

    // "If you're creating a DNS authorization for a wildcard certificate, such as *.myorg.example.com,
    // configure the DNS authorization for the parent domain" (Certificate Manager, DNS authorizations).
    const authorization = new gcp.certificatemanager.DnsAuthorization(`${name}-dns-auth`, {
      name: names.dnsAuthorization,
      location: "global",
      domain: hostnames.hub,
      type: "FIXED_RECORD",
      description: `Proves control of ${hostnames.hub} for its Google-managed wildcard certificate`,
      labels,
    }, child);
    const challenge = authorization.dnsResourceRecords.apply((records) => records[0]);
    const challengeRecord = record("dns-auth-cname", {
      name: challenge.name,
      type: challenge.type,
      rrdatas: [challenge.data],
    });

    const certificate = new gcp.certificatemanager.Certificate(`${name}-cert`, {
      name: names.certificate,
      location: "global",
      scope: "DEFAULT",
      description: `Google-managed certificate for ${hostnames.hub} and ${hostnames.wildcard}`,
      managed: { domains: hostnameRoles.map((role) => hostnames[role]), dnsAuthorizations: [authorization.id] },
      labels,
    }, { ...child, dependsOn: [challengeRecord] }); // authorised as soon as it exists, not after retries

    const certificateMap = new gcp.certificatemanager.CertificateMap(`${name}-certmap`, {
      name: names.certificateMap,
      description: `Serves the certificate of ${hostnames.hub} by SNI`,
      labels,
    }, child);
    const mapEntries = hostnameRoles.map((role) =>
      new gcp.certificatemanager.CertificateMapEntry(`${name}-certmap-${role}`, {
        name: names.mapEntries[role],
        map: certificateMap.name,
        hostname: hostnames[role],
        certificates: [certificate.id],
        labels,
      }, child),
    );

    // TLS 1.2 or later with the narrowest predefined cipher profile; without a policy the load balancer
    // uses COMPATIBLE and TLS 1.0 (compute/sslpolicy.d.ts; profiles:
    // https://cloud.google.com/compute/docs/load-balancing/ssl-policies#profilefeaturesupport).
    // Every browser an event's users bring speaks TLS 1.2 with AES-GCM or ChaCha20.
    const sslPolicy = new gcp.compute.SSLPolicy(`${name}-tls`, {
      name: names.sslPolicy,
      profile: "RESTRICTED",
      minTlsVersion: "TLS_1_2",
      description: `TLS policy of ${hostnames.hub}`,
    }, child);

    this.hubUrl = pulumi.output(`https://${hostnames.hub}/`);
    this.staticIp = address.address;
    this.nameServers = nameServers;
    // Carries the entries as dependencies: the Gateway that names the map waits for them and, on
    // destroy, is deleted (releasing the map from its target proxy) before the map and entries are.
    this.certificateMapName = pulumi
      .all([certificateMap.name, ...mapEntries.map((entry) => entry.id)])
      .apply(([mapName]) => mapName);
    this.addressName = address.name;
    this.sslPolicyName = sslPolicy.name;
    this.registerOutputs({
      hubUrl: this.hubUrl,
      staticIp: this.staticIp,
      nameServers: this.nameServers,
      certificateMapName: this.certificateMapName,
      addressName: this.addressName,
      sslPolicyName: this.sslPolicyName,
    });
  }
}
