import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { SecurityPolicyPlan } from "../plan/cloudArmor";
import { HubHostnames, hubHostnames } from "../plan/hostnames";

// The Google side of per-user subdomains: a zone (or records in an existing one), a global static IP,
// A records for the hub and *.hub, a Google-managed wildcard certificate authorised by DNS, a certificate
// map the Gateway names, the SSL policy that keeps TLS at 1.2 or later, and the Cloud Armor policy the
// Gateway's backend policy attaches (plan/cloudArmor.ts). Sources:
// - wildcards need DNS authorization; one authorization of hub.example.com covers *.hub.example.com:
//   https://cloud.google.com/certificate-manager/docs/domain-authorization ,
//   https://cloud.google.com/certificate-manager/docs/dns-authorizations
// - one certificate map entry per hostname: https://cloud.google.com/certificate-manager/docs/map-entries
// - field names: @pulumi/gcp 9.37 `dns/managedZone.d.ts`, `dns/recordSet.d.ts`, `compute/globalAddress.d.ts`,
//   `compute/sslpolicy.d.ts`, `compute/securityPolicy.d.ts`, `certificatemanager/*.d.ts`.

/** The map's entries: one per hostname, and the PRIMARY one for clients that send no SNI. */
export type MapEntryRole = keyof HubHostnames | "primary";

/**
 * GCP names of the edge's resources, fixed by a prefix so people can find them. The certificate has none:
 * it is autonamed, so a replacement is created under a new name before the old one goes (see below).
 */
export interface EdgeResourceNames {
  readonly zone: string;
  readonly address: string;
  readonly dnsAuthorization: string;
  readonly certificateMap: string;
  readonly mapEntries: Readonly<Record<MapEntryRole, string>>;
  readonly sslPolicy: string;
  readonly securityPolicy: string;
}

const nameSuffixes = {
  zone: "hub-zone",
  address: "hub-ip",
  dnsAuthorization: "hub-dns-auth",
  certificateMap: "hub-certmap",
  mapEntries: { hub: "hub-certmap-hub", wildcard: "hub-certmap-wildcard", primary: "hub-certmap-primary" },
  sslPolicy: "hub-tls",
  securityPolicy: "hub-armor",
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
    certificateMap: named(nameSuffixes.certificateMap),
    mapEntries: {
      hub: named(nameSuffixes.mapEntries.hub),
      wildcard: named(nameSuffixes.mapEntries.wildcard),
      primary: named(nameSuffixes.mapEntries.primary),
    },
    sslPolicy: named(nameSuffixes.sslPolicy),
    securityPolicy: named(nameSuffixes.securityPolicy),
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
  /** The project id from `ProjectApis.project`, so every resource here waits for the APIs. Required. */
  readonly project: pulumi.Input<string>;
  /**
   * The hub's domain, e.g. hub.example.com (`hubDomain`, validated by `parseConfig`): the certificate
   * covers it and its wildcard, and both get an A record. Required.
   */
  readonly hubDomain: string;
  /**
   * The Cloud DNS zone (its GCP name) the records go into, when the domain's zone already exists
   * (`dnsZone.name`); only referred to, never managed. Default: none, and the component creates and owns
   * a zone for `hubDomain`.
   */
  readonly existingZoneName?: string;
  /** Prefix of every GCP name (see `edgeResourceNames`), e.g. the stack name. Required. */
  readonly namePrefix: string;
  /**
   * Protects the zone the component creates from `pulumi destroy` (`platform.deletionProtection`): a new
   * zone gets new name servers, and the delegation at the registrar would have to be redone. Ignored with
   * `existingZoneName`. Default: false.
   */
  readonly protectZone?: boolean;
  /**
   * The Cloud Armor policy's rules, limits and adaptive protection (`Plan.securityPolicy`, built by
   * plan/cloudArmor.ts from the edge config and the arrival rate). Required.
   */
  readonly securityPolicy: SecurityPolicyPlan;
  /** GCP labels for the resources that take them. Default: none. */
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
  /**
   * The DS records of the zone's active key-signing keys, for the parent zone or registrar; only when the
   * program owns the zone (it always signs it).
   */
  readonly dsRecords?: pulumi.Output<string[]>;
  /** The certificate's GCP name (autonamed), for `gcloud certificate-manager certificates describe`. */
  readonly certificateName: pulumi.Output<string>;
  /** For the Gateway's `networking.gke.io/certmap` annotation. */
  readonly certificateMapName: pulumi.Output<string>;
  /** For the Gateway's `NamedAddress`. */
  readonly addressName: pulumi.Output<string>;
  /** For the GCPGatewayPolicy's `sslPolicy`. */
  readonly sslPolicyName: pulumi.Output<string>;
  /** For the GCPBackendPolicy's `securityPolicy`. */
  readonly securityPolicyName: pulumi.Output<string>;
  /**
   * Everything the Gateway's load balancer uses: GKE's controller builds a target HTTPS proxy that names
   * the certificate map (and through its entries the certificate) and the SSL policy, a backend service
   * that names the Cloud Armor policy, and a forwarding rule on the address. The Gateway must depend on
   * all of them, so `pulumi destroy` deletes it, and the load
   * balancer with it, before any of them (Compute refuses to delete what a proxy or forwarding rule still
   * uses: `resourceInUseByAnotherResource`). GKE puts the finalizer `gateway.finalizer.networking.gke.io` on
   * the Gateway (seen in `kubectl describe gateway` output; not in Google's reference), so the object, and
   * Pulumi's delete that waits for it, lasts until the controller has removed the load balancer.
   */
  readonly loadBalancerResources: readonly pulumi.Resource[];

  constructor(name: string, args: HubEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:edge:HubEdge", name, {}, opts);
    const names = edgeResourceNames(args.namePrefix);
    const hostnames = hubHostnames(args.hubDomain);
    const labels = args.labels;
    const project = args.project;
    const child = { parent: this };

    // Records go into the existing zone named in config, or into a zone for the hub domain made here.
    let zoneName: pulumi.Input<string>;
    let nameServers: pulumi.Output<string[]> | undefined;
    let dsRecords: pulumi.Output<string[]> | undefined;
    if (args.existingZoneName) {
      zoneName = args.existingZoneName;
    } else {
      const zone = new gcp.dns.ManagedZone(`${name}-zone`, {
        project,
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
      // What the registrar needs to complete the chain of trust. Only active keys: during a key rollover
      // Cloud DNS lists the next key too (dns/getKeys.d.ts, `isActive`; Cloud DNS "Registrar setup").
      dsRecords = gcp.dns
        .getKeysOutput({ managedZone: zone.name, project }, { parent: this })
        .keySigningKeys.apply((keys) => keys.filter((key) => key.isActive).map((key) => key.dsRecord));
    }
    const record = (role: string, recordArgs: Omit<gcp.dns.RecordSetArgs, "managedZone" | "ttl">) =>
      new gcp.dns.RecordSet(`${name}-${role}`, { project, managedZone: zoneName, ttl: recordTtlSeconds, ...recordArgs }, child);

    // Global addresses are always Premium tier (the API has no tier field for them), which Certificate
    // Manager requires (https://cloud.google.com/certificate-manager/docs/overview).
    const address = new gcp.compute.GlobalAddress(`${name}-ip`, {
      project,
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
      project,
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

    // No `name`: the provider autonames it (`<logical name>-<7 random characters>`; pulumi-gcp
    // provider/resources.go, `prov.SetAutonaming(255, "-")`), and a replacement gets a fresh one, so Pulumi
    // creates the new certificate, moves the map entries to it (their `certificates` updates in place:
    // terraform-provider-google certificatemanager/resource_certificate_manager_certificate_map_entry.go)
    // and only then deletes the old one. An explicit name makes the bridge replace delete-first
    // (pulumi-terraform-bridge pkg/tfbridge/schema.go, `nameRequiresDeleteBeforeReplace`), which fails
    // or leaves the map without its certificate: the README's recovery step is such a replacement.
    const certificate = new gcp.certificatemanager.Certificate(`${name}-cert`, {
      project,
      location: "global",
      scope: "DEFAULT",
      description: `Google-managed certificate for ${hostnames.hub} and ${hostnames.wildcard}`,
      managed: { domains: hostnameRoles.map((role) => hostnames[role]), dnsAuthorizations: [authorization.id] },
      labels,
    }, { ...child, dependsOn: [challengeRecord] }); // authorised as soon as it exists, not after retries

    const certificateMap = new gcp.certificatemanager.CertificateMap(`${name}-certmap`, {
      project,
      name: names.certificateMap,
      description: `Serves the certificate of ${hostnames.hub} by SNI`,
      labels,
    }, child);
    const mapEntry = (role: MapEntryRole, match: { hostname: string } | { matcher: "PRIMARY" }) =>
      new gcp.certificatemanager.CertificateMapEntry(`${name}-certmap-${role}`, {
        project,
        name: names.mapEntries[role],
        map: certificateMap.name,
        ...match,
        certificates: [certificate.id],
        labels,
      }, child);
    const mapEntries = [
      ...hostnameRoles.map((role) => mapEntry(role, { hostname: hostnames[role] })),
      // "A primary certificate that is served when SNI wasn't specified in the request or SNI couldn't be
      // found in the map" (Certificate Manager API, CertificateMapEntry.Matcher); without it such a client
      // gets no certificate at all (`hostname` and `matcher` are a one-of: certificateMapEntry.d.ts).
      mapEntry("primary", { matcher: "PRIMARY" }),
    ];

    // TLS 1.2 or later with the narrowest predefined cipher profile; without a policy the load balancer
    // uses COMPATIBLE and TLS 1.0 (compute/sslpolicy.d.ts; profiles:
    // https://cloud.google.com/compute/docs/load-balancing/ssl-policies#profilefeaturesupport).
    // Every browser an event's users bring speaks TLS 1.2 with AES-GCM or ChaCha20.
    const sslPolicy = new gcp.compute.SSLPolicy(`${name}-tls`, {
      project,
      name: names.sslPolicy,
      profile: "RESTRICTED",
      minTlsVersion: "TLS_1_2",
      description: `TLS policy of ${hostnames.hub}`,
    }, child);

    // Cloud Armor for the proxy's backend (plan/cloudArmor.ts has the rules and why). A backend policy
    // (CLOUD_ARMOR) filters requests before they reach the backend; GKE attaches it to the backend service
    // it builds for the Gateway, through the GCPBackendPolicy (gateway.ts). Adaptive Protection's layer 7
    // DDoS detection learns the traffic and alerts; without Cloud Armor Enterprise its alerts are basic and
    // it suggests no rules (Cloud Armor docs, "Adaptive Protection overview").
    const securityPolicy = new gcp.compute.SecurityPolicy(`${name}-armor`, {
      project,
      name: names.securityPolicy,
      type: "CLOUD_ARMOR",
      description: `Cloud Armor for ${hostnames.hub} and its users' servers`,
      rules: args.securityPolicy.rules.map((rule) => ({
        ...rule,
        match: "expr" in rule.match
          ? { expr: { ...rule.match.expr } }
          : { versionedExpr: rule.match.versionedExpr, config: { srcIpRanges: [...rule.match.config.srcIpRanges] } },
      })),
      adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: args.securityPolicy.adaptiveProtection } },
      labels,
    }, child);

    this.hubUrl = pulumi.output(`https://${hostnames.hub}/`);
    this.staticIp = address.address;
    this.nameServers = nameServers;
    this.dsRecords = dsRecords;
    this.certificateName = certificate.name;
    this.certificateMapName = certificateMap.name;
    this.addressName = address.name;
    this.sslPolicyName = sslPolicy.name;
    this.securityPolicyName = securityPolicy.name;
    this.loadBalancerResources = [address, sslPolicy, certificateMap, ...mapEntries, certificate, securityPolicy];
    this.registerOutputs({
      hubUrl: this.hubUrl,
      staticIp: this.staticIp,
      nameServers: this.nameServers,
      dsRecords: this.dsRecords,
      certificateName: this.certificateName,
      certificateMapName: this.certificateMapName,
      addressName: this.addressName,
      sslPolicyName: this.sslPolicyName,
      securityPolicyName: this.securityPolicyName,
    });
  }
}
