// Secrets in chart values. Anything written into the values lands in the Helm release record and the
// chart's own Secrets and ConfigMaps, readable by whoever can read those; anything that reaches a user
// pod is readable by every user. So:
// - jupyterhub-no-literal-secrets: no secret-looking material anywhere in the values (a key named like a
//   password, secret, token or private key with a literal value; a PEM private key; credentials in a
//   URL; a well-known token format); hub secrets come from hub.existingSecret or a secretKeyRef, and the
//   chart generates its own cookie secret and proxy token.
// - jupyterhub-user-pod-secrets: nothing secret reaches user pods, whether written literally under the
//   keys that build them (singleuser.*, hub.config.KubeSpawner/Spawner) or referenced from a Kubernetes
//   Secret (env valueFrom/envFrom, secret volumes): every user can read what their pod is given.
// Sources: Z2JH 4.4.0 values.schema.yaml (hub.existingSecret), jupyterhub_config.py (what hub.config and
// singleuser.* become: `ConfigurableHTTPProxy.auth_token` is dropped from hub.config but still written to
// the values) and templates/singleuser/secret.yaml (extraFiles); CIS Kubernetes 5.4.1.

import { appendPath, entries, get, isRecord, isUnknown, list, UNKNOWN } from "../core";
import type { Segments } from "../z2jh/origins";
import { userPods } from "../z2jh/pods";
import { KUBESPAWNER, onPods, valuesPolicy } from "./shared";

/** Chart keys that hold secrets whatever they are named. */
const SECRET_PATHS: readonly string[][] = [["hub", "cookieSecret"], ["proxy", "secretToken"], ["hub", "db", "password"], ["imagePullSecret", "password"], ["proxy", "https", "manual", "key"]];

/** Traits of any `hub.config` class that hold secrets (CryptKeeper.keys is a list; LTI consumers a map of key → secret). */
const SECRET_TRAITS = ["client_secret", "password", "admin_password", "user_password", "cookie_secret", "keys", "api_token", "auth_token", "consumers"];

/**
 * Words that name a secret, matched against each word of a key and each pair of adjacent words
 * (`PGPASSWORD`, `cookieSecret`, `private_key`), so that `TOKENIZERS_PARALLELISM` is not one.
 */
const SECRET_WORDS = ["password", "passwd", "passphrase", "secret", "token", "credential", "privatekey", "apikey", "accesskey", "authkey", "signingkey", "encryptionkey", "cryptkey"];

const namesSecret = (word: string): boolean => SECRET_WORDS.some((w) => word === w || word === `${w}s` || word.endsWith(w));

/**
 * Last words of keys that name a secret's name, location or metadata rather than hold it (`token_url`,
 * `client_secret_env`, `userdata_token_method`, `token_expiry_seconds`).
 */
const NOT_A_SECRET_LAST = new Set([
  "url", "uri", "urls", "endpoint", "name", "names", "file", "files", "path", "dir", "env", "header", "claim", "field", "type", "ttl",
  "expiry", "expires", "lifetime", "length", "method", "scope", "scopes", "mode", "enabled", "ref", "template", "policy", "rotation",
  "limit", "timeout", "seconds", "age", "count", "size", "format", "prefix", "suffix", "key", "keys", "id", "sync",
]);

/** Whole keys that hold names of Secrets, not secrets (`hub.existingSecret`, `image.pullSecrets`). */
const SECRET_NAME_KEYS = /^(existing_?secret|(image_?)?pull_?secrets?|secret_?name|secret_?key_?ref|secret_?ref|secret_?sync)$/i;

/** A key's words, lower-case: `OAUTH_CLIENT_SECRET`, `clientSecret` and `client-secret` give client, secret. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => w.toLowerCase());
}

function isSecretKey(key: string): boolean {
  if (SECRET_NAME_KEYS.test(key)) return false;
  const parts = words(key);
  const last = parts[parts.length - 1];
  const pairs = parts.slice(1).map((w, i) => `${parts[i] ?? ""}${w}`);
  if (![...parts, ...pairs].some(namesSecret)) return false;
  if (last === undefined) return false;
  // "private key", "api key" and the like are two words; a trailing "key" alone names a lookup key.
  if (last === "key" || last === "keys") return ["private", "api", "access", "auth", "signing", "encryption", "secret", "crypt"].includes(parts[parts.length - 2] ?? "");
  return !NOT_A_SECRET_LAST.has(last);
}

const PRIVATE_KEY = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/;
/** scheme://user:password@host (a `$(VAR)` or `${VAR}` password is a reference, not a secret). */
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:(?!\$[({])[^\s/@]+@/i;
/** Token formats whose shape alone says what they are (GitHub, AWS access key ids, Google API keys, Slack). */
const KNOWN_TOKENS = /\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|xox[abprs]-[0-9A-Za-z-]{10,})\b/;

/**
 * A literal secret: not empty, not a reference to an environment variable (`$(VAR)`, `${VAR}`), not a
 * file path (`GOOGLE_APPLICATION_CREDENTIALS: /secrets/key.json` names where the secret is mounted).
 */
function literal(text: string): boolean {
  const trimmed = text.trim();
  return trimmed !== "" && !/^\$[({][^)}]+[)}]$/.test(trimmed) && !/^(\/|~\/)\S*$/.test(trimmed);
}

export interface SecretFinding {
  /** The values path, without the leading `values.`. */
  readonly path: string;
  readonly segments: Segments;
  readonly why: string;
}

/** What makes a string secret-looking by its content alone. */
function contentProblem(text: string): string | undefined {
  if (PRIVATE_KEY.test(text)) return "a PEM private key";
  if (URL_CREDENTIALS.test(text)) return "credentials in a URL";
  if (KNOWN_TOKENS.test(text)) return "an access token";
  return undefined;
}

/**
 * Every secret written literally in the values: the chart's secret keys, secret traits of any hub.config
 * class, any key named like a secret (in maps, or as the `name` of a `{name, value}` environment entry),
 * and any string whose content is a private key, URL credentials or a known token format.
 */
export function secretFindings(values: Record<string, unknown>): SecretFinding[] {
  const found = new Map<string, SecretFinding>();
  const add = (segments: Segments, why: string) => {
    const path = appendPath("", segments);
    if (!found.has(path)) found.set(path, { path, segments, why });
  };
  for (const path of SECRET_PATHS) {
    const value = get(values, path);
    if (value !== undefined && value !== null && value !== "") add(path, "a secret the chart generates or reads from hub.existingSecret");
  }
  for (const [section, traits] of entries(get(values, "hub.config"))) {
    for (const key of SECRET_TRAITS) {
      const value = get(traits, key);
      if (value !== undefined && value !== null && value !== "") add(["hub", "config", section, key], `a secret trait of ${section}`);
    }
  }
  // A file named like a key or credentials (`github-app-private-key.pem`), whatever its content says in
  // the values: the content may be a placeholder filled in from another values file.
  for (const owner of ["hub", "singleuser"]) {
    for (const [key, file] of entries(get(values, [owner, "extraFiles"]))) {
      const mountPath = get(file, "mountPath");
      const name = typeof mountPath === "string" ? (mountPath.split("/").pop() ?? "") : "";
      if (isSecretKey(key) || isSecretKey(name.replace(/\.[A-Za-z0-9]+$/, ""))) add([owner, "extraFiles", key], "a file named like a secret");
    }
  }
  const walk = (node: unknown, segments: Segments, secretKey: boolean): void => {
    if (isUnknown(node)) {
      if (secretKey) add(segments, "a value named like a secret");
      return;
    }
    if (typeof node === "string") {
      const problem = contentProblem(node);
      if (problem !== undefined) add(segments, problem);
      else if (secretKey && literal(node)) add(segments, "a value named like a secret");
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...segments, i], secretKey));
      return;
    }
    if (!isRecord(node)) return;
    // A `{name: X, value: Y}` environment entry: the secret's name is X.
    const envName = get(node, "name");
    const envSecret = typeof envName === "string" && "value" in node && isSecretKey(envName);
    for (const [key, child] of Object.entries(node)) {
      if (key === "valueFrom" || key === "secretKeyRef") continue;
      walk(child, [...segments, key], key === "value" ? envSecret : isSecretKey(key));
    }
  };
  walk(values, [], false);
  return [...found.values()];
}

/** Paths in the values that hold a secret written literally (for the program ↔ pack contract test). */
export function literalSecrets(values: Record<string, unknown>): string[] {
  return secretFindings(values).map((f) => f.path);
}

/** Values keys whose content ends up in user pods (jupyterhub_config.py: singleuser.* → KubeSpawner). */
function reachesUserPods(segments: Segments): boolean {
  const [first, second, third] = segments;
  return first === "singleuser" || (first === "hub" && second === "config" && (third === "KubeSpawner" || third === "Spawner"));
}

/** Z2JH schema: the chart generates cookieSecret/secretToken; others belong in hub.existingSecret. */
export const jupyterhubNoLiteralSecrets = valuesPolicy({
  name: "jupyterhub-no-literal-secrets",
  description:
    "Checks that no secret (OAuth client secret, tokens, passwords, private keys, credentials in URLs) is written literally anywhere in the chart values.",
  severity: "high",
  remediationSteps:
    "Put secrets in a Kubernetes Secret (from a Pulumi secret) and reference it with `hub.existingSecret` (keys `hub.config.<Class>.<trait>`) or `hub.extraEnv[].valueFrom.secretKeyRef`; leave `hub.cookieSecret`, `proxy.secretToken` and `hub.config.ConfigurableHTTPProxy.auth_token` unset so the chart generates them.",
  sources: ["Z2JH values.schema.yaml (hub.existingSecret)", "Z2JH 4.4.0 jupyterhub_config.py", "CIS Kubernetes 5.4.1"],
  check: (values) =>
    secretFindings(values)
      .filter((f) => !reachesUserPods(f.segments))
      .map(
        (f) =>
          `Secrets must not be written into chart values (${f.why}, stored in the Helm release and the chart's Secrets): remove values.${f.path} and provide it through hub.existingSecret or a secretKeyRef, or leave it unset where the chart generates it.`,
      ),
});

const USER_POD_FIX =
  "keep it out of user pods: give it to the hub (hub.existingSecret) or to a hub service users call, or give each user their own credential (e.g. from auth state); a shared credential in user pods is every user's";

/** Kubernetes Secrets a user pod reads: env valueFrom.secretKeyRef, envFrom.secretRef, secret volumes. */
function secretReferences(pod: ReturnType<typeof userPods>[number]): string[] {
  const messages: string[] = [];
  for (const c of pod.containers) {
    const env = list(get(c.container, "env"));
    (env === UNKNOWN ? [] : env).forEach((entry, i) => {
      const ref = get(entry, "valueFrom.secretKeyRef.name");
      if (ref !== undefined) messages.push(`User pods must not be given Kubernetes Secrets (every user can read them): ${pod.locate([...c.path, "env", i])} reads Secret ${String(ref)}; ${USER_POD_FIX}.`);
    });
    const envFrom = list(get(c.container, "envFrom"));
    (envFrom === UNKNOWN ? [] : envFrom).forEach((entry, i) => {
      const ref = get(entry, "secretRef.name");
      if (ref !== undefined) messages.push(`User pods must not be given Kubernetes Secrets (every user can read them): ${pod.locate([...c.path, "envFrom", i])} reads Secret ${String(ref)}; ${USER_POD_FIX}.`);
    });
  }
  const volumes = list(get(pod.spec, "volumes"));
  (volumes === UNKNOWN ? [] : volumes).forEach((volume, i) => {
    const where = pod.locate(["volumes", i]);
    // The chart's own `files` volume carries singleuser.extraFiles, whose content is judged as values.
    if (where === "values.singleuser.extraFiles") return;
    const projected = list(get(volume, "projected.sources"));
    const names = [get(volume, "secret.secretName"), ...(projected === UNKNOWN ? [] : projected.map((s) => get(s, "secret.name")))].filter((n) => n !== undefined);
    if (names.length > 0) messages.push(`User pods must not be given Kubernetes Secrets (every user can read them): ${where} mounts Secret ${names.map(String).join(", ")}; ${USER_POD_FIX}.`);
  });
  return messages;
}

/** What reaches a user pod is readable by every user: a shared secret there is a published secret. */
export const jupyterhubUserPodSecrets = valuesPolicy({
  name: "jupyterhub-user-pod-secrets",
  description:
    "Checks that no secret reaches user pods: none written into the keys that build them (singleuser.*, hub.config.KubeSpawner and Spawner: environment, files, init and extra containers, profiles) and no Kubernetes Secret given to them as environment or volume.",
  severity: "critical",
  remediationSteps:
    "Remove the secret from `singleuser.*` and the spawner's config; keep shared credentials with the hub (`hub.existingSecret`) or a hub service users call, or issue per-user credentials. Never mount a shared Kubernetes Secret into user pods.",
  sources: ["Z2JH 4.4.0 jupyterhub_config.py (singleuser.* → KubeSpawner)", "Z2JH 4.4.0 templates/singleuser/secret.yaml (extraFiles)", KUBESPAWNER, "CIS Kubernetes 5.4.1"],
  check: (values) => [
    ...secretFindings(values)
      .filter((f) => reachesUserPods(f.segments))
      .map((f) => `Secrets must not reach user pods (found ${f.why} at values.${f.path}, which every user can read): remove it and ${USER_POD_FIX}.`),
    ...onPods(userPods(values), secretReferences),
  ],
});
