// No secret written literally into the chart values, where it would land in the release record and the
// chart's ConfigMaps: secrets come from hub.existingSecret or a secretKeyRef, and the chart generates its
// own cookie secret and proxy token. Sources: Z2JH 4.4.0 values.schema.yaml (hub.existingSecret); CIS
// Kubernetes 5.4.1.

import { entries, get, isRecord } from "../core";
import { valuesPolicy } from "./shared";

/**
 * Literal secret values in Helm values end up in the release record and the chart's ConfigMaps. The pack
 * keeps its own list on purpose: the program's `hub.existingSecret` keys (infra/plan/chart/release.ts
 * `hubSecretKeys`) are the same fact seen from the other side, and test/policy-pack/contracts.test.ts
 * checks that every one of them is refused here as a literal value.
 */
const SECRET_PATHS = ["hub.cookieSecret", "proxy.secretToken", "hub.db.password", "imagePullSecret.password", "proxy.https.manual.key"];
const SECRET_TRAITS = ["client_secret", "password", "admin_password", "user_password", "cookie_secret", "keys", "api_token"];
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY/i;

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

/** Paths in the values that hold a secret written literally. */
export function literalSecrets(values: Record<string, unknown>): string[] {
  const found = SECRET_PATHS.filter((path) => present(get(values, path)));
  for (const [service, spec] of entries(get(values, "hub.services"))) {
    for (const key of ["apiToken", "api_token"]) {
      if (present(get(spec, key))) found.push(`hub.services.${service}.${key}`);
    }
  }
  for (const [section, traits] of entries(get(values, "hub.config"))) {
    for (const key of SECRET_TRAITS) {
      if (present(get(traits, key))) found.push(`hub.config.${section}.${key}`);
    }
  }
  const extraEnv = get(values, "hub.extraEnv");
  if (Array.isArray(extraEnv)) {
    extraEnv.forEach((env, i) => {
      const name = get(env, "name");
      if (typeof name === "string" && SECRET_NAME.test(name) && present(get(env, "value"))) found.push(`hub.extraEnv[${i}].value`);
    });
  } else {
    for (const [name, value] of entries(extraEnv)) {
      if (SECRET_NAME.test(name) && present(value) && !isRecord(value)) found.push(`hub.extraEnv.${name}`);
    }
  }
  return found;
}

/** Z2JH schema: the chart generates cookieSecret/secretToken; others belong in hub.existingSecret. */
export const jupyterhubNoLiteralSecrets = valuesPolicy({
  name: "jupyterhub-no-literal-secrets",
  description: "Checks that no secret (OAuth client secret, tokens, passwords, keys) is written literally into the chart values.",
  severity: "high",
  remediationSteps:
    "Put secrets in a Kubernetes Secret (from a Pulumi secret) and reference it with `hub.existingSecret` (keys `hub.config.<Class>.<trait>`) or `hub.extraEnv[].valueFrom.secretKeyRef`; leave `hub.cookieSecret` and `proxy.secretToken` unset so the chart generates them.",
  sources: ["Z2JH values.schema.yaml (hub.existingSecret)", "CIS Kubernetes 5.4.1"],
  check: (values) =>
    literalSecrets(values).map((path) => `Secrets must not be written into chart values: remove values.${path} and provide it through hub.existingSecret or a secretKeyRef.`),
});
