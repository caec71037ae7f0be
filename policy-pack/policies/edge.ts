// The load balancer in front of the hub: TLS policy, Google-managed certificate, a backend timeout that
// keeps websockets (kernels, terminals) alive, and a health check the proxy answers without a redirect.
// Gateway-side objects are GKE's policy CRDs (networking.gke.io/v1), declared as CustomResources.

import {
  checkSettings,
  get,
  isRecord,
  isUnknown,
  resourcePolicy,
  show,
  violation,
  type HardeningResourcePolicy,
} from "./core";
import { ALLOWED_HEALTH_CHECKS, BACKEND_TIMEOUT_SECONDS } from "./thresholds";
import { GCP, K8S } from "./types";

// The proxy's health check, the first of the allowed ones (thresholds.ts), for the remediation text.
const PROXY_HEALTH_CHECK = ALLOWED_HEALTH_CHECKS[0]!;

const STRONG_TLS = ["TLS_1_2", "TLS_1_3"];
const STRONG_PROFILES = ["MODERN", "RESTRICTED", "CUSTOM"];

/** CKV_GCP_4; gcloud's defaults are TLS 1.0 and the COMPATIBLE profile. */
export const edgeSslPolicyTls = resourcePolicy({
  name: "edge-ssl-policy-tls",
  description: "Checks that SSL policies require TLS 1.2 or later with a modern cipher profile.",
  area: "Edge",
  severity: "high",
  remediationSteps: 'Set `minTlsVersion: "TLS_1_2"` and `profile: "MODERN"` (or "RESTRICTED") on the SSLPolicy.',
  sources: ["CKV_GCP_4", "Pulumi gcp.compute.SSLPolicy (gcloud defaults: TLS 1.0, COMPATIBLE; https://www.pulumi.com/registry/packages/gcp/api-docs/compute/sslpolicy/)"],
  types: [GCP.sslPolicy],
  check: (props) =>
    checkSettings(props, [
      { path: "minTlsVersion", ok: (v) => typeof v === "string" && STRONG_TLS.includes(v), fix: '"TLS_1_2"', requirement: "Clients must negotiate TLS 1.2 or later" },
      { path: "profile", ok: (v) => typeof v === "string" && STRONG_PROFILES.includes(v), fix: '"MODERN"', requirement: "The COMPATIBLE profile (the default) allows weak ciphers" },
    ]),
});

/** CIS GKE 1.9.0 5.6.7: Google-managed certificates. */
export const edgeManagedCertificate = resourcePolicy({
  name: "edge-managed-certificate",
  description: "Checks that Certificate Manager certificates are Google-managed, not uploaded key material.",
  area: "Edge",
  severity: "medium",
  remediationSteps:
    "Use `managed: { domains: [hub, \"*.\" + hub], dnsAuthorizations: [<DnsAuthorization id>] }` on the Certificate instead of `selfManaged`.",
  sources: ["CIS GKE 1.9.0 5.6.7", "Certificate Manager docs: domain authorization (wildcards need DNS authorization; https://cloud.google.com/certificate-manager/docs/domain-authorization)"],
  types: [GCP.certificate],
  check: (props) =>
    checkSettings(props, [
      { path: "managed", ok: isRecord, fix: "{ domains, dnsAuthorizations }", requirement: "Certificates must be Google-managed so keys never leave Google and renewal is automatic" },
      { path: "selfManaged", ok: (v) => v === undefined, fix: "nothing (remove it)", requirement: "Private keys must not be uploaded" },
    ]),
});

interface TimeoutConfig {
  readonly minTimeoutSeconds: number;
  readonly maxTimeoutSeconds: number;
}

/** The LB backend timeout caps a websocket's whole life (ingress-gce examples/websocket). */
export const edgeBackendTimeout = resourcePolicy<TimeoutConfig>({
  name: "edge-backend-timeout",
  description: "Checks that GCPBackendPolicy timeouts are long enough for websockets and no longer than Google's guidance.",
  area: "Edge",
  severity: "high",
  remediationSteps:
    "Set `spec.default.timeoutSec` on the GCPBackendPolicy between `minTimeoutSeconds` and `maxTimeoutSeconds` (e.g. 86400); the default of 30 s cuts every kernel connection after 30 s.",
  sources: ["kubernetes/ingress-gce examples/websocket (the backend timeout caps a connection's lifetime; https://github.com/kubernetes/ingress-gce/blob/master/examples/websocket/README.md)", "jupyterhub/jupyterhub#1161", "gcpdiag lb/BP/2025_002"],
  types: [K8S.backendPolicy],
  config: {
    minTimeoutSeconds: { type: "integer", minimum: 30, description: "Shortest acceptable backend timeout (websocket lifetime).", default: BACKEND_TIMEOUT_SECONDS.min },
    maxTimeoutSeconds: { type: "integer", minimum: 30, description: "Longest backend timeout (Google advises at most a day).", default: BACKEND_TIMEOUT_SECONDS.max },
  },
  check: (props, { config }) =>
    checkSettings(props, [
      {
        path: "spec.default.timeoutSec",
        ok: (v) => typeof v === "number" && v >= config.minTimeoutSeconds && v <= config.maxTimeoutSeconds,
        fix: `a number of seconds from ${config.minTimeoutSeconds} to ${config.maxTimeoutSeconds}`,
        requirement: "The backend timeout must keep websockets open for a working session",
      },
    ]),
});

interface HealthCheck {
  readonly requestPath: string;
  readonly port: number;
}

interface HealthCheckConfig {
  readonly allowedHealthChecks: readonly HealthCheck[];
}

const HTTP_CHECK_KEYS = ["httpHealthCheck", "httpsHealthCheck", "http2HealthCheck"];

/** Z2JH PR #1112: `/` through CHP answers 302, which fails a load-balancer health check. */
export const edgeHealthCheckPath = resourcePolicy<HealthCheckConfig>({
  name: "edge-health-check-path",
  description: "Checks that HealthCheckPolicy probes an HTTP path the proxy answers with 200, not a redirect.",
  area: "Edge",
  severity: "high",
  remediationSteps:
    `Set \`spec.default.config: { type: "HTTP", httpHealthCheck: { portSpecification: "USE_FIXED_PORT", port: ${PROXY_HEALTH_CHECK.port}, requestPath: "${PROXY_HEALTH_CHECK.requestPath}" } }\` for the proxy-public backend.`,
  sources: ["GKE docs: configure Gateway resources (HealthCheckPolicy; https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources)", "zero-to-jupyterhub-k8s PR #1112", "Z2JH templates/proxy/deployment.yaml"],
  types: [K8S.healthCheckPolicy],
  config: {
    allowedHealthChecks: {
      type: "array",
      description: "Health-check paths (with their container ports) that answer 200 without redirecting.",
      items: {
        type: "object",
        properties: { requestPath: { type: "string", pattern: "^/" }, port: { type: "integer", minimum: 1, maximum: 65535 } },
        required: ["requestPath", "port"],
      },
      default: ALLOWED_HEALTH_CHECKS.map((c) => ({ ...c })),
    },
  },
  check: (props, { config }) => {
    const checkConfig = get(props, "spec.default.config");
    if (isUnknown(checkConfig)) return [];
    const key = HTTP_CHECK_KEYS.find((k) => isRecord(get(checkConfig, k)));
    const allowed = config.allowedHealthChecks.map((c) => `${c.requestPath} on port ${c.port}`).join(" or ");
    if (key === undefined) {
      return [violation("The load balancer must probe an HTTP path", "spec.default.config.httpHealthCheck", `{ requestPath, port } with ${allowed}`, get(checkConfig, "type"))];
    }
    const path = get(checkConfig, [key, "requestPath"]);
    const port = get(checkConfig, [key, "port"]);
    if (isUnknown(path) || isUnknown(port)) return [];
    const match = config.allowedHealthChecks.find((c) => c.requestPath === (path ?? "/"));
    if (match === undefined) {
      return [violation("The health-check path must answer 200 without a redirect", `spec.default.config.${key}.requestPath`, allowed, path)];
    }
    if (port !== undefined && port !== match.port) {
      return [
        `The health check for ${match.requestPath} must probe the port that serves it: set spec.default.config.${key}.port to ${match.port} (found: ${show(port)}).`,
      ];
    }
    return [];
  },
});

export const edgePolicies: readonly HardeningResourcePolicy[] = [
  edgeSslPolicyTls,
  edgeManagedCertificate,
  edgeBackendTimeout,
  edgeHealthCheckPath,
];
