// Rules that span resources. A stack policy sees every resource of the stack at the end of a preview or
// update (their outputs in a real run; the offline checker approximates them with inputs when a
// preview has no outputs yet).

import { isCoveredByCertificate } from "../contracts/hostnames";
import { dedicatedTaintKey, nodePurposeLabel, poolPurpose } from "../contracts/labels";
import {
  get,
  isUnknown,
  list,
  show,
  stackPolicy,
  UNKNOWN,
  type HardeningStackPolicy,
  type StackResource,
} from "./core";
import { enforcesNetworkPolicy, nodeConfigs, pools } from "./gke";
import { GCP, K8S, WORKLOAD_TYPES, HELM_TYPES } from "./types";
import { ALWAYS_DEPLOYED_NETWORK_POLICY_OWNERS } from "./jupyterhub";
import { isJupyterHubRelease, poolPurposeOf, releaseNamespace, runsUserServers, USER_TAINT_KEYS, valuesOf } from "./z2jh";

const ofType = (resources: readonly StackResource[], ...types: string[]) => resources.filter((r) => types.includes(r.type));

const jupyterHubReleases = (resources: readonly StackResource[]) => resources.filter((r) => isJupyterHubRelease(r.type, r.props));

// ---------------------------------------------------------------------------------------------------
// The chart's NetworkPolicies are only as good as the dataplane that enforces them
// ---------------------------------------------------------------------------------------------------

export const stackNetworkPolicyEnforced = stackPolicy({
  name: "stack-network-policy-enforced",
  description: "Checks that every cluster the JupyterHub release's isolation relies on enforces NetworkPolicy.",
  area: "Stack",
  severity: "critical",
  remediationSteps:
    'Set `datapathProvider: "ADVANCED_DATAPATH"` on the Cluster. Without an enforcing dataplane the chart\'s NetworkPolicies (user isolation, metadata blocking with `blockWithIptables: false`) are silently ignored.',
  sources: ["Z2JH docs: administrator/security.md#netpol", "CIS GKE 1.9.0 4.3.1"],
  types: [K8S.helmRelease, K8S.helmChart, GCP.cluster],
  check: function* (resources, { notApplicable }) {
    const releases = jupyterHubReleases(resources);
    const clusters = ofType(resources, GCP.cluster);
    if (releases.length === 0 || clusters.length === 0) notApplicable("Needs a jupyterhub release and a GKE cluster in the stack");
    for (const cluster of clusters) {
      if (enforcesNetworkPolicy(cluster.props) !== false) continue;
      for (const release of releases) {
        yield {
          urn: release.urn,
          message: `The chart's NetworkPolicies are trusted only when the cluster enforces them: set datapathProvider to "ADVANCED_DATAPATH" on ${cluster.name} (found: ${show(get(cluster.props, "datapathProvider"))}).`,
        };
      }
    }
  },
});

// ---------------------------------------------------------------------------------------------------
// Every hostname the hub serves has a certificate, a certificate-map entry and a DNS record
// ---------------------------------------------------------------------------------------------------

/** `hub.example.com` from `https://hub.example.com:443/`. */
export function hostOf(value: string): string {
  return value.replace(/^[a-z]+:\/\//i, "").replace(/[:/].*$/, "").replace(/\.$/, "").toLowerCase();
}

/**
 * Whether a certificate/DNS name (possibly `*.x`) covers a host (possibly `*.x` itself). Hosts are matched
 * the way the program checks its own certificate (RFC 6125: a `*` stands for one whole left-most label;
 * ../contracts/hostnames.ts, which the program imports too); a served wildcard `*.x` stands for every
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

/** Known names from a list of resources' property; `UNKNOWN` if any is not known yet. */
function knownStrings(values: readonly unknown[]): string[] | typeof UNKNOWN {
  if (values.some(isUnknown)) return UNKNOWN;
  return values.filter((v): v is string => typeof v === "string");
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

// ---------------------------------------------------------------------------------------------------
// User pods only land on tainted user nodes that run the GKE metadata server
// ---------------------------------------------------------------------------------------------------

/** Whether a pool's taints include Z2JH's dedicated taint for `purpose` with NoSchedule. */
export function hasDedicatedTaint(pool: unknown, purpose: string): boolean | typeof UNKNOWN {
  const taints = list(get(pool, "nodeConfig.taints"));
  if (taints === UNKNOWN) return UNKNOWN;
  return taints.some(
    (t) =>
      USER_TAINT_KEYS.includes(String(get(t, "key"))) &&
      get(t, "value") === purpose &&
      ["NO_SCHEDULE", "NoSchedule"].includes(String(get(t, "effect"))),
  );
}

export const stackUserPodsOnUserNodes = stackPolicy({
  name: "stack-user-pods-on-user-nodes",
  description:
    "Checks that user pods are required onto node pools labelled for users, and that every pool that runs user servers (any node purpose but core) is tainted for its purpose and runs the GKE metadata server.",
  area: "Stack",
  severity: "high",
  remediationSteps:
    `Set \`scheduling.userPods.nodeAffinity.matchNodePurpose: "require"\` in the chart values, and give the user pool \`nodeConfig.labels: { "${nodePurposeLabel}": "${poolPurpose.user}" }\`, \`nodeConfig.taints: [{ key: "${dedicatedTaintKey}", value: "${poolPurpose.user}", effect: "NO_SCHEDULE" }]\` and \`workloadMetadataConfig.mode: "GKE_METADATA"\`.`,
  sources: ["Z2JH docs: administrator/optimization.md (dedicated user nodes)", "CIS GKE 1.9.0 5.4.1"],
  types: [K8S.helmRelease, K8S.helmChart, GCP.cluster, GCP.nodePool],
  check: function* (resources, { notApplicable }) {
    const releases = jupyterHubReleases(resources);
    if (releases.length === 0) notApplicable("No jupyterhub release in the stack");
    for (const release of releases) {
      const match = get(valuesOf(release.props), "scheduling.userPods.nodeAffinity.matchNodePurpose");
      if (!isUnknown(match) && match !== "require") {
        yield {
          urn: release.urn,
          message: `User pods must only be scheduled on user nodes: set values.scheduling.userPods.nodeAffinity.matchNodePurpose to "require" (found: ${show(match)}).`,
        };
      }
    }
    const userPools: { readonly resource: StackResource; readonly where: string; readonly pool: unknown; readonly purpose: string }[] = [];
    let unknownLabels = false;
    for (const resource of ofType(resources, GCP.nodePool, GCP.cluster)) {
      for (const { where, pool } of pools(resource.type, resource.props)) {
        const purpose = poolPurposeOf(pool);
        if (isUnknown(purpose)) unknownLabels = true;
        if (runsUserServers(pool)) userPools.push({ resource, where, pool, purpose: String(purpose) });
      }
    }
    if (!userPools.some((p) => p.purpose === poolPurpose.user) && !unknownLabels) {
      yield {
        urn: releases[0]!.urn,
        message: `User pods need a dedicated node pool: add a NodePool with nodeConfig.labels["${nodePurposeLabel}"] = "${poolPurpose.user}" and the user taint (found: no pool labelled for users).`,
      };
    }
    for (const { resource, where, pool, purpose } of userPools) {
      const at = where === "" ? "nodeConfig" : `${where}.nodeConfig`;
      if (hasDedicatedTaint(pool, purpose) === false) {
        yield {
          urn: resource.urn,
          message: `A node pool for user servers must be tainted so only user pods land there: add { key: "${dedicatedTaintKey}", value: "${purpose}", effect: "NO_SCHEDULE" } to ${at}.taints on ${resource.name} (found: ${show(get(pool, "nodeConfig.taints"))}).`,
        };
      }
      const mode = get(pool, "nodeConfig.workloadMetadataConfig.mode");
      if (!isUnknown(mode) && mode !== "GKE_METADATA") {
        yield {
          urn: resource.urn,
          message: `A node pool for user servers must run the GKE metadata server: set ${at}.workloadMetadataConfig.mode to "GKE_METADATA" on ${resource.name} (found: ${show(mode)}).`,
        };
      }
    }
  },
});

// ---------------------------------------------------------------------------------------------------
// Least privilege for the node service account (CIS GKE 5.2.1)
// ---------------------------------------------------------------------------------------------------

interface RolesConfig {
  readonly allowedRoles: readonly string[];
}

/** Node service account emails the stack's node pools use (known ones only). */
export function nodeServiceAccounts(resources: readonly StackResource[]): Set<string> {
  const emails = new Set<string>();
  for (const resource of ofType(resources, GCP.cluster, GCP.nodePool)) {
    for (const { config } of nodeConfigs(resource.type, resource.props)) {
      const email = get(config, "serviceAccount");
      if (typeof email === "string" && !isUnknown(email)) emails.add(email.toLowerCase());
    }
  }
  return emails;
}

export const gkeNodeServiceAccountRoles = stackPolicy<RolesConfig>({
  name: "gke-node-service-account-roles",
  description: "Checks that the node service account is granted only the roles nodes need at the project level.",
  area: "GKE",
  severity: "high",
  remediationSteps:
    "Grant the node service account only the logging and monitoring roles nodes need (see `allowedRoles`); grant Artifact Registry read on the repository images come from, never on the project; give workloads their own Workload Identity service accounts instead of widening the node's.",
  sources: ["CIS GKE 1.9.0 5.2.1", "GKE hardening guide: least-privilege node service account"],
  types: [GCP.projectIamMember, GCP.projectIamBinding, GCP.cluster, GCP.nodePool],
  config: {
    allowedRoles: {
      type: "array",
      items: { type: "string", pattern: "^roles/" },
      description: "Project roles the node service account may hold.",
      default: [
        "roles/container.defaultNodeServiceAccount",
        "roles/logging.logWriter",
        "roles/monitoring.metricWriter",
        "roles/monitoring.viewer",
        "roles/stackdriver.resourceMetadata.writer",
        "roles/autoscaling.metricsWriter",
      ],
    },
  },
  check: function* (resources, { config, notApplicable }) {
    const emails = nodeServiceAccounts(resources);
    if (emails.size === 0) notApplicable("No known node service account in the stack");
    for (const grant of ofType(resources, GCP.projectIamMember, GCP.projectIamBinding)) {
      const role = get(grant.props, "role");
      const members = grant.type === GCP.projectIamMember ? [get(grant.props, "member")] : list(get(grant.props, "members"));
      if (isUnknown(role) || members === UNKNOWN || typeof role !== "string") continue;
      const nodeMember = members.find((m) => typeof m === "string" && !isUnknown(m) && emails.has(m.replace(/^serviceAccount:/i, "").toLowerCase()));
      if (nodeMember !== undefined && !config.allowedRoles.includes(role)) {
        yield {
          urn: grant.urn,
          message: `The node service account must hold only the roles nodes need: grant one of ${config.allowedRoles.join(", ")} instead of ${role} to ${String(nodeMember)} (or add it to allowedRoles).`,
        };
      }
    }
  },
});

// ---------------------------------------------------------------------------------------------------
// Gateway wiring: every backend has its timeout and health check, every Gateway its SSL policy
// ---------------------------------------------------------------------------------------------------

function namespaceOf(resource: StackResource): string | typeof UNKNOWN {
  const ns = get(resource.props, "metadata.namespace");
  if (isUnknown(ns)) return UNKNOWN;
  return typeof ns === "string" && ns !== "" ? ns : "default";
}

/** Whether a GKE policy CRD in `namespace` targets the object `kind`/`name`. */
function targets(policy: StackResource, namespace: string, kind: string, name: string): boolean {
  const ref = get(policy.props, "spec.targetRef");
  return namespaceOf(policy) === namespace && get(ref, "kind") === kind && get(ref, "name") === name;
}

/** Service backends of HTTPRoutes, with their namespace. */
export function routeBackends(route: StackResource): { readonly namespace: string; readonly name: string }[] {
  const routeNamespace = namespaceOf(route);
  const rules = list(get(route.props, "spec.rules"));
  if (routeNamespace === UNKNOWN || rules === UNKNOWN) return [];
  const found: { namespace: string; name: string }[] = [];
  for (const rule of rules) {
    const refs = list(get(rule, "backendRefs"));
    if (refs === UNKNOWN) continue;
    for (const ref of refs) {
      const kind = get(ref, "kind") ?? "Service";
      const name = get(ref, "name");
      const namespace = get(ref, "namespace") ?? routeNamespace;
      if (kind === "Service" && typeof name === "string" && typeof namespace === "string" && !isUnknown(name) && !isUnknown(namespace)) {
        found.push({ namespace, name });
      }
    }
  }
  return found;
}

export const edgeBackendPoliciesAttached = stackPolicy({
  name: "edge-backend-policies-attached",
  description: "Checks that every Service an HTTPRoute sends traffic to has a GCPBackendPolicy (timeout) and a HealthCheckPolicy targeting it.",
  area: "Edge",
  severity: "high",
  remediationSteps:
    "For each backend Service (e.g. proxy-public) declare, in its namespace, a GCPBackendPolicy and a HealthCheckPolicy with `spec.targetRef: { group: \"\", kind: \"Service\", name: <service> }`.",
  sources: ["GKE docs: configure Gateway resources (GCPBackendPolicy, HealthCheckPolicy; https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources)"],
  types: [K8S.httpRoute, K8S.backendPolicy, K8S.healthCheckPolicy],
  check: function* (resources, { notApplicable }) {
    const routes = ofType(resources, K8S.httpRoute);
    if (routes.length === 0) notApplicable("No HTTPRoute in the stack");
    const required = [
      { type: K8S.backendPolicy, kind: "GCPBackendPolicy", why: "a websocket-friendly timeout" },
      { type: K8S.healthCheckPolicy, kind: "HealthCheckPolicy", why: "a health check that does not follow the proxy's redirect" },
    ];
    for (const route of routes) {
      for (const { namespace, name } of routeBackends(route)) {
        for (const { type, kind, why } of required) {
          if (!ofType(resources, type).some((p) => targets(p, namespace, "Service", name))) {
            yield {
              urn: route.urn,
              message: `Backend Service ${namespace}/${name} needs ${why}: declare a ${kind} in namespace ${namespace} with spec.targetRef { kind: "Service", name: "${name}" } (found: none).`,
            };
          }
        }
      }
    }
  },
});

interface Listener {
  readonly name: unknown;
  readonly protocol: unknown;
  readonly port: unknown;
}

/** The listeners an HTTPRoute parentRef attaches to, or `UNKNOWN`/[] when that cannot be told. */
function attachedListeners(ref: unknown, routeNamespace: string, gateways: readonly StackResource[]): readonly Listener[] | typeof UNKNOWN {
  const name = get(ref, "name");
  const namespace = get(ref, "namespace") ?? routeNamespace;
  const section = get(ref, "sectionName");
  const port = get(ref, "port");
  if ([name, namespace, section, port].some(isUnknown)) return UNKNOWN;
  const gateway = gateways.find((g) => get(g.props, "metadata.name") === name && namespaceOf(g) === namespace);
  if (gateway === undefined) return [];
  const listeners = list(get(gateway.props, "spec.listeners"));
  if (listeners === UNKNOWN) return UNKNOWN;
  return listeners
    .map((l) => ({ name: get(l, "name"), protocol: get(l, "protocol"), port: get(l, "port") }))
    .filter((l) => (section === undefined || l.name === section) && (port === undefined || l.port === port));
}

/** Whether a route rule only redirects to HTTPS (no backend). */
function redirectsToHttps(rule: unknown): boolean {
  const backends = list(get(rule, "backendRefs"));
  const filters = list(get(rule, "filters"));
  if (backends === UNKNOWN || filters === UNKNOWN) return true;
  return backends.length === 0 && filters.some((f) => get(f, "type") === "RequestRedirect" && get(f, "requestRedirect.scheme") === "https");
}

export const edgeHttpRedirectsOnly = stackPolicy({
  name: "edge-http-redirects-only",
  description: "Checks that every HTTPRoute attached to a plain-HTTP Gateway listener only redirects to HTTPS, so nothing is served without TLS.",
  area: "Edge",
  severity: "high",
  remediationSteps:
    'Set `parentRefs[].sectionName: "https"` on every route with backends, and give the HTTP listener a route whose rules have a `RequestRedirect` filter with `scheme: "https"` and no `backendRefs`.',
  sources: ["Gateway API: HTTP-to-HTTPS redirect", "GKE docs: secure a Gateway (redirect HTTP traffic)"],
  types: [K8S.gateway, K8S.httpRoute],
  check: function* (resources, { notApplicable }) {
    const gateways = ofType(resources, K8S.gateway);
    const routes = ofType(resources, K8S.httpRoute);
    if (gateways.length === 0 || routes.length === 0) notApplicable("Needs a Gateway and an HTTPRoute in the stack");
    for (const route of routes) {
      const namespace = namespaceOf(route);
      const refs = list(get(route.props, "spec.parentRefs"));
      const rules = list(get(route.props, "spec.rules"));
      if (namespace === UNKNOWN || refs === UNKNOWN || rules === UNKNOWN) continue;
      for (const [i, ref] of refs.entries()) {
        const listeners = attachedListeners(ref, namespace, gateways);
        if (listeners === UNKNOWN) continue;
        const plain = listeners.filter((l) => l.protocol === "HTTP");
        const serving = rules.findIndex((rule) => !redirectsToHttps(rule));
        if (plain.length > 0 && serving >= 0) {
          yield {
            urn: route.urn,
            message: `Plain HTTP must only redirect to HTTPS: route ${route.name} attaches to HTTP listener ${String(plain[0]?.name)} through spec.parentRefs[${i}] and spec.rules[${serving}] serves it; set spec.parentRefs[${i}].sectionName to the HTTPS listener, or make that rule a RequestRedirect with scheme "https" and no backendRefs (found: ${show(rules[serving])}).`,
          };
        }
      }
    }
  },
});

export const edgeGatewaySslPolicy = stackPolicy({
  name: "edge-gateway-ssl-policy",
  description: "Checks that every Gateway is targeted by a GCPGatewayPolicy that names an SSL policy declared in the stack.",
  area: "Edge",
  severity: "high",
  remediationSteps:
    'Declare a GCPGatewayPolicy in the Gateway\'s namespace with `spec.targetRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name }` and `spec.default.sslPolicy: <SSLPolicy name>` (the SSLPolicy requires TLS 1.2+).',
  sources: ["GKE docs: configure Gateway resources (GCPGatewayPolicy sslPolicy; https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources)", "CKV_GCP_4"],
  types: [K8S.gateway, K8S.gatewayPolicy, GCP.sslPolicy],
  check: function* (resources, { notApplicable }) {
    const gateways = ofType(resources, K8S.gateway);
    if (gateways.length === 0) notApplicable("No Gateway in the stack");
    const sslNames = knownStrings(ofType(resources, GCP.sslPolicy).map((p) => get(p.props, "name")));
    for (const gateway of gateways) {
      const namespace = namespaceOf(gateway);
      const name = get(gateway.props, "metadata.name");
      if (namespace === UNKNOWN || isUnknown(name) || typeof name !== "string") continue;
      const policies = ofType(resources, K8S.gatewayPolicy).filter((p) => targets(p, namespace, "Gateway", name));
      const named = policies.map((p) => get(p.props, "spec.default.sslPolicy"));
      if (named.some(isUnknown) || sslNames === UNKNOWN) continue;
      if (!named.some((n) => typeof n === "string" && sslNames.includes(n))) {
        yield {
          urn: gateway.urn,
          message: `Gateway ${namespace}/${name} must use a TLS 1.2+ SSL policy: declare a GCPGatewayPolicy targeting it with spec.default.sslPolicy set to ${sslNames.length > 0 ? sslNames.map((n) => `"${n}"`).join(" or ") : "a declared SSLPolicy's name"} (found: ${show(named)}).`,
        };
      }
    }
  },
});

// ---------------------------------------------------------------------------------------------------
// Workloads live in a namespace that has a NetworkPolicy (CIS GKE 1.9.0 4.3.2)
// ---------------------------------------------------------------------------------------------------

/** Whether a jupyterhub release installs its NetworkPolicies (all default to enabled). */
function chartInstallsNetworkPolicies(release: StackResource): boolean {
  const values = valuesOf(release.props);
  return ALWAYS_DEPLOYED_NETWORK_POLICY_OWNERS.every((owner) => get(values, `${owner}.networkPolicy.enabled`) !== false);
}

export const k8sNamespaceNetworkPolicy = stackPolicy({
  name: "k8s-namespace-network-policy",
  description: "Checks that every workload and Helm release the program declares lives in a non-default namespace that has a NetworkPolicy.",
  area: "Kubernetes",
  severity: "medium",
  remediationSteps:
    "Give workloads a dedicated Namespace and declare a NetworkPolicy there (default-deny plus the flows needed); the jupyterhub chart provides its own when its network policies are enabled.",
  sources: ["CIS GKE 1.9.0 4.3.2", "CKV2_K8S_6", "kube-score pod-networkpolicy"],
  types: [...WORKLOAD_TYPES, ...HELM_TYPES, K8S.networkPolicy],
  check: function* (resources, { notApplicable }) {
    type Placed = { readonly resource: StackResource; readonly namespace: string | typeof UNKNOWN };
    const workloads: Placed[] = [
      ...resources.filter((r) => WORKLOAD_TYPES.includes(r.type)).map((resource): Placed => ({ resource, namespace: namespaceOf(resource) })),
      ...ofType(resources, ...HELM_TYPES).map((resource): Placed => ({ resource, namespace: releaseNamespace(resource.props) ?? UNKNOWN })),
    ];
    if (workloads.length === 0) notApplicable("No Kubernetes workload in the stack");
    const protectedNamespaces = new Set<string>();
    for (const policy of ofType(resources, K8S.networkPolicy)) {
      const ns = namespaceOf(policy);
      if (ns !== UNKNOWN) protectedNamespaces.add(ns);
    }
    for (const release of jupyterHubReleases(resources)) {
      const ns = releaseNamespace(release.props);
      if (ns !== undefined && chartInstallsNetworkPolicies(release)) protectedNamespaces.add(ns);
    }
    for (const { resource, namespace } of workloads) {
      if (namespace === UNKNOWN) continue;
      if (namespace === "default" || namespace === "kube-system") {
        yield { urn: resource.urn, message: `Workloads must live in a dedicated namespace: set the namespace of ${resource.name} to one the program creates (found: ${namespace}).` };
      } else if (!protectedNamespaces.has(namespace)) {
        yield { urn: resource.urn, message: `Namespace ${namespace} must have a NetworkPolicy: declare one there for ${resource.name} (found: none).` };
      }
    }
  },
});

export const stackPolicies: readonly HardeningStackPolicy[] = [
  stackNetworkPolicyEnforced,
  stackHostnamesCovered,
  stackUserPodsOnUserNodes,
  gkeNodeServiceAccountRoles,
  edgeBackendPoliciesAttached,
  edgeGatewaySslPolicy,
  edgeHttpRedirectsOnly,
  k8sNamespaceNetworkPolicy,
];
