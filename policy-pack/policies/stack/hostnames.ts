// Every hostname the hub serves (its subdomain_host and that name's wildcard, HTTPRoute and Gateway
// listener hostnames) has a Google-managed certificate, a certificate-map entry and a DNS record, and
// every Gateway serves the stack's certificate map. Sources: Certificate Manager docs (domain
// authorization, map entries); RFC 6125 through ../../contracts/hostnames.ts; Z2JH docs
// administrator/security.md#jupyterhub_subdomains.

import { isCoveredByCertificate } from "../../contracts/hostnames";
import { get, isUnknown, list, show, stackPolicy, UNKNOWN, type StackResource } from "../core";
import { GCP, K8S } from "../types";
import { valuesOf } from "../z2jh";
import { jupyterHubReleases, knownStrings, ofType } from "./shared";

/** `hub.example.com` from `https://hub.example.com:443/`. */
export function hostOf(value: string): string {
  return value.replace(/^[a-z]+:\/\//i, "").replace(/[:/].*$/, "").replace(/\.$/, "").toLowerCase();
}

/**
 * Whether a certificate/DNS name (possibly `*.x`) covers a host (possibly `*.x` itself). Hosts are matched
 * the way the program checks its own certificate (RFC 6125: a `*` stands for one whole left-most label;
 * ../../contracts/hostnames.ts, which the program imports too); a served wildcard `*.x` stands for every
 * user's host, which only `*.x` covers.
 */
export function covers(pattern: string, host: string): boolean {
  const p = hostOf(pattern);
  const h = hostOf(host);
  return h.startsWith("*.") ? p === h : isCoveredByCertificate(h, [p]);
}

interface ServedHost {
  readonly host: string;
  readonly urn: string;
  readonly why: string;
}

/** Hostnames the stack serves: the hub's subdomain_host and its wildcard, route and listener hostnames. */
export function servedHosts(resources: readonly StackResource[]): ServedHost[] {
  const hosts: ServedHost[] = [];
  for (const release of jupyterHubReleases(resources)) {
    const subdomainHost = get(valuesOf(release.props), "hub.config.JupyterHub.subdomain_host");
    if (typeof subdomainHost === "string" && !isUnknown(subdomainHost) && subdomainHost.trim() !== "") {
      const host = hostOf(subdomainHost);
      hosts.push({ host, urn: release.urn, why: "the hub's subdomain_host" });
      hosts.push({ host: `*.${host}`, urn: release.urn, why: "user servers under subdomain_host" });
    }
  }
  for (const route of ofType(resources, K8S.httpRoute)) {
    const names = list(get(route.props, "spec.hostnames"));
    if (names === UNKNOWN) continue;
    for (const name of names) {
      if (typeof name === "string" && !isUnknown(name)) hosts.push({ host: hostOf(name), urn: route.urn, why: `HTTPRoute ${route.name}` });
    }
  }
  for (const gateway of ofType(resources, K8S.gateway)) {
    const listeners = list(get(gateway.props, "spec.listeners"));
    if (listeners === UNKNOWN) continue;
    for (const listener of listeners) {
      const name = get(listener, "hostname");
      if (typeof name === "string" && !isUnknown(name)) hosts.push({ host: hostOf(name), urn: gateway.urn, why: `Gateway ${gateway.name}` });
    }
  }
  const seen = new Set<string>();
  return hosts.filter((h) => (seen.has(h.host) ? false : (seen.add(h.host), true)));
}

const ADDRESS_RECORDS = ["A", "AAAA", "CNAME"];

export const stackHostnamesCovered = stackPolicy({
  name: "stack-hostnames-covered",
  description:
    "Checks that every hostname the hub serves (subdomain_host, its wildcard, routes and listeners) has a Google-managed certificate, a certificate-map entry and a DNS record, and that the Gateway uses the certificate map.",
  area: "Stack",
  severity: "high",
  remediationSteps:
    'For the hub domain H: a managed Certificate with domains [H, "*.H"] (DNS authorization), CertificateMapEntry resources for H and "*.H", A records for H and "*.H" pointing at the Gateway address, and the annotation `networking.gke.io/certmap: <map name>` on the Gateway.',
  sources: ["Certificate Manager docs: domain authorization (wildcards; https://cloud.google.com/certificate-manager/docs/domain-authorization)", "Certificate Manager docs: map entries, one per hostname (https://cloud.google.com/certificate-manager/docs/map-entries)", "Z2JH docs: administrator/security.md#jupyterhub_subdomains"],
  types: [K8S.helmRelease, K8S.httpRoute, K8S.gateway, GCP.certificate, GCP.certificateMapEntry, GCP.certificateMap, GCP.recordSet],
  check: function* (resources, { notApplicable }) {
    const hosts = servedHosts(resources);
    if (hosts.length === 0) notApplicable("The stack serves no hostname");
    const certDomains = knownStrings(
      ofType(resources, GCP.certificate).flatMap((c) => {
        const domains = list(get(c.props, "managed.domains"));
        return domains === UNKNOWN ? [UNKNOWN] : domains;
      }),
    );
    const entries = ofType(resources, GCP.certificateMapEntry);
    // A PRIMARY entry is the fallback for clients that send no SNI or a name without an entry; it does
    // not stand in for a host's own entry, since which names its certificate covers is not in the entry.
    const entryHosts = knownStrings(entries.flatMap((e) => (get(e.props, "matcher") === "PRIMARY" ? [] : [get(e.props, "hostname")])));
    const records = ofType(resources, GCP.recordSet).filter((r) => {
      const type = get(r.props, "type");
      return isUnknown(type) || (typeof type === "string" && ADDRESS_RECORDS.includes(type.toUpperCase()));
    });
    const recordNames = knownStrings(records.map((r) => get(r.props, "name")));
    for (const { host, urn, why } of hosts) {
      if (certDomains !== UNKNOWN && !certDomains.some((d) => covers(d, host))) {
        yield { urn, message: `${host} (${why}) must be covered by a Google-managed certificate: add it to a Certificate's managed.domains (found: ${show(certDomains)}).` };
      }
      if (entryHosts !== UNKNOWN && !entryHosts.some((e) => covers(e, host))) {
        yield { urn, message: `${host} (${why}) must have a certificate-map entry: add a CertificateMapEntry with hostname "${host}" (found: ${show(entryHosts)}).` };
      }
      if (recordNames !== UNKNOWN && !recordNames.some((n) => covers(n, host))) {
        yield { urn, message: `${host} (${why}) must resolve: add a DNS RecordSet named "${host}." of type A (found: ${show(recordNames)}).` };
      }
    }
    const mapNames = knownStrings(ofType(resources, GCP.certificateMap).map((m) => get(m.props, "name")));
    for (const gateway of ofType(resources, K8S.gateway)) {
      const annotation = get(gateway.props, ["metadata", "annotations", "networking.gke.io/certmap"]);
      if (isUnknown(annotation) || mapNames === UNKNOWN) continue;
      if (typeof annotation !== "string" || !mapNames.includes(annotation)) {
        yield {
          urn: gateway.urn,
          message: `The Gateway must serve the stack's certificate map: set metadata.annotations["networking.gke.io/certmap"] to ${mapNames.length > 0 ? mapNames.map((n) => `"${n}"`).join(" or ") : "a declared CertificateMap's name"} (found: ${show(annotation)}).`,
        };
      }
    }
  },
});
