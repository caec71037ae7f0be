// Gateway wiring (area Edge): every Service an HTTPRoute sends traffic to has its GCPBackendPolicy
// (timeout) and HealthCheckPolicy, plain HTTP only redirects to HTTPS, and every Gateway uses a declared
// SSL policy. The single-resource edge checks are ../edge.ts. Sources: GKE docs "configure Gateway
// resources" and "secure a Gateway"; Gateway API HTTP-to-HTTPS redirect; Checkov CKV_GCP_4.

import { get, isUnknown, list, show, stackPolicy, UNKNOWN, type StackResource } from "../core";
import { GCP, K8S } from "../types";
import { knownStrings, namespaceOf, ofType } from "./shared";

/** Whether a GKE policy CRD in `namespace` targets the object `kind`/`name`. */
export function targets(policy: StackResource, namespace: string, kind: string, name: string): boolean {
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
