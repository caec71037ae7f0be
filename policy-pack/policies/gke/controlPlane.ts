// The GKE control plane: who can reach its endpoint, how requests to it authenticate and are authorised,
// which images it admits and how it stores Secrets.
// Sources: CIS GKE Benchmark 1.9.0 4.1.9, 4.1.10, 5.1.4, 5.3.1, 5.6.3, 5.8.1, 5.8.3 (and 2.0.0 5.6.4);
// Google's "Harden your cluster's security" guide
// (https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster), "Restrict anonymous
// access to cluster endpoints". Secrets encryption and Binary Authorization need a KMS key or an attestor
// policy this program does not create, so they start advisory.

import { isWholeInternet } from "../cidr";
import { checkSettings, get, isRecord, isUnknown, list, nonEmptyString, notTrue, resourcePolicy, UNKNOWN, violation } from "../core";
import { GCP } from "../types";
import { clusterSettings } from "./shared";

/** CIS GKE 5.6.3 (authorised networks) and 5.6.4 (DNS-based or private control-plane endpoint). */
export const gkeControlPlaneAccess = resourcePolicy({
  name: "gke-control-plane-access",
  description:
    "Checks that the control plane's public IP endpoint is either disabled or restricted to authorised networks that are not open to the world.",
  area: "GKE",
  severity: "critical",
  remediationSteps:
    "Use the IAM-protected DNS endpoint (`controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic: true`) and either disable the IP endpoint (`controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false`) or set `masterAuthorizedNetworksConfig` with specific `cidrBlocks` (never 0.0.0.0/0) and `gcpPublicCidrsAccessEnabled: false`.",
  sources: ["CIS GKE 1.9.0 5.6.3", "CIS GKE 2.0.0 5.6.4", "CKV_GCP_18", "CKV_GCP_20"],
  types: [GCP.cluster],
  check: (props) => {
    const ipEnabled = get(props, "controlPlaneEndpointsConfig.ipEndpointsConfig.enabled");
    const privateEndpoint = get(props, "privateClusterConfig.enablePrivateEndpoint");
    const authorised = get(props, "masterAuthorizedNetworksConfig");
    if (isUnknown(ipEnabled) || isUnknown(privateEndpoint) || isUnknown(authorised)) return [];
    const messages: string[] = [];
    const publicIpEndpoint = ipEnabled !== false && privateEndpoint !== true;
    if (publicIpEndpoint && !isRecord(authorised)) {
      messages.push(
        violation(
          "The control plane's public IP endpoint must be restricted to authorised networks",
          "masterAuthorizedNetworksConfig",
          "{ cidrBlocks: [<admin CIDRs>], gcpPublicCidrsAccessEnabled: false } (or disable the IP endpoint with controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false)",
          authorised,
        ),
      );
    }
    const blocks = list(get(authorised, "cidrBlocks"));
    if (blocks !== UNKNOWN) {
      blocks.forEach((block, i) => {
        const cidr = get(block, "cidrBlock");
        if (typeof cidr === "string" && isWholeInternet(cidr)) {
          messages.push(
            violation(
              "Authorised networks must not include the whole internet",
              `masterAuthorizedNetworksConfig.cidrBlocks[${i}].cidrBlock`,
              "the specific CIDR of your operators or CI runners",
              cidr,
            ),
          );
        }
      });
    }
    messages.push(
      ...checkSettings(props, [
        {
          path: "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled",
          ok: notTrue,
          fix: "false",
          requirement: "Google Cloud's public IP ranges must not reach the control plane",
        },
      ]),
    );
    return messages;
  },
});

/** CIS GKE 5.8.3. */
export const gkeNoLegacyAbac = clusterSettings({
  name: "gke-no-legacy-abac",
  description: "Checks that legacy attribute-based access control is disabled.",
  severity: "high",
  remediationSteps: "Set `enableLegacyAbac: false` on the Cluster, or leave it unset.",
  sources: ["CIS GKE 1.9.0 5.8.3", "CKV_GCP_7"],
  settings: [{ path: "enableLegacyAbac", ok: notTrue, fix: "false", requirement: "Legacy ABAC must be off so RBAC alone grants access" }],
});

/** CIS GKE 5.8.1. */
export const gkeNoClientCertificate = clusterSettings({
  name: "gke-no-client-certificate",
  description: "Checks that the cluster does not issue a client certificate.",
  severity: "high",
  remediationSteps: "Set `masterAuth.clientCertificateConfig.issueClientCertificate: false`, or leave `masterAuth` unset.",
  sources: ["CIS GKE 1.9.0 5.8.1", "CKV_GCP_13"],
  settings: [
    {
      path: "masterAuth.clientCertificateConfig.issueClientCertificate",
      ok: notTrue,
      fix: "false",
      requirement: "The cluster must not issue a long-lived client certificate",
    },
  ],
});

/** CIS GKE 1.9.0 4.1.x (bindings to system:anonymous and system:authenticated). */
export const gkeNoInsecureRbacBindings = clusterSettings({
  name: "gke-no-insecure-rbac-bindings",
  description: "Checks that the cluster does not allow RBAC bindings to system:anonymous, system:unauthenticated or system:authenticated.",
  severity: "high",
  remediationSteps:
    "Set `rbacBindingConfig.enableInsecureBindingSystemUnauthenticated: false` and `enableInsecureBindingSystemAuthenticated: false`, or leave them unset.",
  sources: ["CIS GKE 1.9.0 4.1.9", "CIS GKE 1.9.0 4.1.10"],
  settings: [
    {
      path: "rbacBindingConfig.enableInsecureBindingSystemUnauthenticated",
      ok: notTrue,
      fix: "false",
      requirement: "Unauthenticated users must not be bindable to roles",
    },
    {
      path: "rbacBindingConfig.enableInsecureBindingSystemAuthenticated",
      ok: notTrue,
      fix: "false",
      requirement: "Every Google account must not be bindable to roles",
    },
  ],
});

/** GKE hardening guide: "Restrict anonymous access to cluster endpoints" (health checks only). */
export const gkeAnonymousAuthLimited = clusterSettings({
  name: "gke-anonymous-auth-limited",
  description: "Checks that anonymous requests to the control plane are limited to health-check endpoints.",
  severity: "medium",
  remediationSteps: 'Set `anonymousAuthenticationConfig.mode: "LIMITED"` on the Cluster (the default is ENABLED).',
  sources: ["GKE docs: restrict anonymous access to cluster endpoints"],
  settings: [
    { path: "anonymousAuthenticationConfig.mode", ok: (v) => v === "LIMITED", fix: '"LIMITED"', requirement: "Anonymous users must reach only the health-check endpoints" },
  ],
});

/** CIS GKE 5.3.1: needs a Cloud KMS key the program does not create, so it starts advisory. */
export const gkeSecretsEncryption = clusterSettings({
  name: "gke-secrets-encryption",
  description: "Checks that Kubernetes Secrets are encrypted at the application layer with a Cloud KMS key.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    'Create a Cloud KMS key, grant the GKE service agent `roles/cloudkms.cryptoKeyEncrypterDecrypter`, and set `databaseEncryption: { state: "ENCRYPTED", keyName }`. Advisory by default because the key lives outside this program.',
  sources: ["CIS GKE 1.9.0 5.3.1"],
  settings: [
    { path: "databaseEncryption.state", ok: (v) => v === "ENCRYPTED", fix: '"ENCRYPTED"', requirement: "Secrets must be encrypted with a customer-managed key" },
    { path: "databaseEncryption.keyName", ok: nonEmptyString, fix: "the KMS key's id", requirement: "Secrets encryption needs a KMS key" },
  ],
});

/** CIS GKE 5.1.4 / 5.10.5: needs an attestor policy outside this program, so it starts advisory. */
export const gkeBinaryAuthorization = clusterSettings({
  name: "gke-binary-authorization",
  description: "Checks that Binary Authorization enforces the project's image policy.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    'Write a Binary Authorization policy that allows only your registries and set `binaryAuthorization.evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE"`. Advisory by default because the policy lives outside this program.',
  sources: ["CIS GKE 1.9.0 5.1.4", "CKV_GCP_66"],
  settings: [
    {
      path: "binaryAuthorization.evaluationMode",
      ok: (v) => v === "PROJECT_SINGLETON_POLICY_ENFORCE",
      fix: '"PROJECT_SINGLETON_POLICY_ENFORCE"',
      requirement: "Only approved images must be deployable",
    },
  ],
});
