// The chart this program installs, and the names its values share with resources declared outside them:
// the proxy Service the Gateway routes to, and the keys of the Secret the hub reads (the component creates
// it, the policy pack checks the values only name it). Keys and defaults cited are from Z2JH 4.4.0.

/** A Helm chart pinned to one version in one repository. */
export interface ChartPin {
  readonly name: string;
  readonly version: string;
  readonly repo: string;
}

/** The chart this program installs. Tests validate the values against this version's schema. */
export const z2jhChart = {
  name: "jupyterhub",
  version: "4.4.0",
  repo: "https://hub.jupyter.org/helm-chart/",
} as const satisfies ChartPin;

/**
 * The pinned chart's hub image (Z2JH 4.4.0 values.yaml hub.image; chartpress tags it with the chart's
 * version): Python 3.12, uid 1000 (images/hub/Dockerfile). The chart runs it anyway, so the placeholder
 * calendar and the package proxy, which need python3 and nothing else, run it too.
 */
export const z2jhHubImage = `quay.io/jupyterhub/k8s-hub:${z2jhChart.version}`;
/** The user z2jhHubImage runs as (images/hub/Dockerfile: `jovyan`, uid 1000), as the chart runs it (values.yaml hub.containerSecurityContext.runAsUser). */
export const z2jhHubImageUid = 1000;

/** The chart's public proxy Service (fullnameOverride ""), which the Gateway routes to. */
export const proxyService = { name: "proxy-public", port: 80 } as const;

/**
 * Keys of the Secret named by `hub.existingSecret`. The chart mounts it at
 * /usr/local/etc/jupyterhub/existing-secret/ and its `get_secret_value(key)` reads a key there before the
 * chart's own Secret, so these two names must mirror the chart's (templates/hub/secret.yaml, z2jh.py).
 * The OIDC client secret key is ours: it only feeds an env var. The policy pack refuses a literal value at
 * the two `hub.config` paths in chart values (test/policy-pack/contracts.test.ts checks the two agree).
 */
export const hubSecretKeys = {
  cookieSecret: "hub.config.JupyterHub.cookie_secret",
  /** CryptKeeper.keys, `;`-joined; one 32-byte hex key here. */
  authStateCryptKeys: "hub.config.CryptKeeper.keys",
  oidcClientSecret: "oidc-client-secret",
} as const;

/** oauthenticator's `client_secret` defaults to this env var (oauthenticator/oauth2.py). */
export const oidcClientSecretEnv = "OAUTH_CLIENT_SECRET";

/** What the values need to know about resources created outside them. */
export interface ChartSecretRefs {
  /** Name of the Kubernetes Secret holding `hubSecretKeys`, in the hub's namespace. */
  readonly secretName: string;
}
