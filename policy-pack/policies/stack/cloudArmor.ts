// Cloud Armor on every backend the Gateway serves: each Service an HTTPRoute sends traffic to is targeted
// by a GCPBackendPolicy that names a Cloud Armor backend security policy declared in the same stack, and
// logs its requests, since Cloud Armor writes its decisions only into the load balancer's request log, at
// the backend's sample rate. Sources: GKE docs "Configure Gateway resources" (GCPBackendPolicy
// `securityPolicy`, `logging`); Cloud Armor docs "Security policy overview" (backend policies, type
// CLOUD_ARMOR) and "Use request logging" ("Logging for new backend services is disabled by default").

import { get, isUnknown, show, stackPolicy, UNKNOWN } from "../core";
import { GCP, K8S } from "../types";
import { routeBackends, targets } from "./gateway";
import { knownStrings, ofType } from "./shared";

/** Backend security policies: type CLOUD_ARMOR, the API's default when unset. Edge and internal ones attach elsewhere. */
const BACKEND_POLICY_TYPES: readonly unknown[] = ["CLOUD_ARMOR", undefined];

export const edgeBackendSecurityPolicy = stackPolicy({
  name: "edge-backend-security-policy",
  description:
    "Checks that every Service an HTTPRoute sends traffic to has a GCPBackendPolicy naming a Cloud Armor backend security policy declared in the stack, with request logging on.",
  area: "Edge",
  severity: "high",
  remediationSteps:
    'Declare a `gcp.compute.SecurityPolicy` (`type: "CLOUD_ARMOR"`) and set `spec.default.securityPolicy: <its name>` and `spec.default.logging: { enabled: true, sampleRate: 1000000 }` on the GCPBackendPolicy that targets each backend Service (e.g. proxy-public).',
  sources: [
    "GKE docs: configure Gateway resources (GCPBackendPolicy securityPolicy and logging; https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources)",
    "Cloud Armor docs: use request logging (https://cloud.google.com/armor/docs/request-logging)",
  ],
  types: [K8S.httpRoute, K8S.backendPolicy, GCP.securityPolicy],
  check: function* (resources, { notApplicable }) {
    const routes = ofType(resources, K8S.httpRoute);
    if (routes.length === 0) notApplicable("No HTTPRoute in the stack");
    const armor = ofType(resources, GCP.securityPolicy);
    const types = armor.map((p) => get(p.props, "type"));
    const declared = knownStrings(armor.filter((p) => BACKEND_POLICY_TYPES.includes(get(p.props, "type"))).map((p) => get(p.props, "name")));
    for (const route of routes) {
      for (const { namespace, name } of routeBackends(route)) {
        const policies = ofType(resources, K8S.backendPolicy).filter((p) => targets(p, namespace, "Service", name));
        const named = policies.map((p) => get(p.props, "spec.default.securityPolicy"));
        if (!named.some(isUnknown) && declared !== UNKNOWN && !types.some(isUnknown) && !named.some((n) => typeof n === "string" && declared.includes(n))) {
          yield {
            urn: route.urn,
            message: `Backend Service ${namespace}/${name} must be behind Cloud Armor: set spec.default.securityPolicy on its GCPBackendPolicy to ${declared.length > 0 ? declared.map((n) => `"${n}"`).join(" or ") : "the name of a CLOUD_ARMOR SecurityPolicy declared in the stack"} (found: ${policies.length === 0 ? "no GCPBackendPolicy" : show(named)}).`,
          };
        }
        const logging = policies.map((p) => get(p.props, "spec.default.logging.enabled"));
        if (!logging.some(isUnknown) && !logging.some((l) => l === true)) {
          yield {
            urn: route.urn,
            message: `Cloud Armor's decisions for ${namespace}/${name} are only recorded in the load balancer's request log: set spec.default.logging.enabled to true on its GCPBackendPolicy (found: ${show(logging)}).`,
          };
        }
      }
    }
  },
});
