// Who gets in, and who can act as whom: a real identity provider (not the chart's default dummy
// authenticator or a shared password), an allowlist instead of every account of the provider, and no one
// able to open other users' servers (the built-in admin role, loaded roles' scopes, admin_access).
// Sources: JupyterHub 5.5 auth.py (Authenticator.allow_all), roles.py, docs rbac/scopes.md and
// explanation/websecurity.md; OAuthenticator 17 docs (allowing access); Z2JH 4.4.0 values.yaml and docs
// administrator/authentication.md.

import { reachesOtherUsers } from "../../contracts/hubScopes";
import { checkSettings, entries, get, isFalse, isRecord, isTrue, isUnknown, list, UNKNOWN, violation } from "../core";
import { authenticatorSections } from "../z2jh";
import { JH_WEBSECURITY, valuesPolicy } from "./shared";

/**
 * Authenticators that let anyone in, or one shared secret: the chart's default `dummy`, `shared-password`,
 * and two the hub image ships (Z2JH 4.4.0 images/hub/requirements.txt): tmpauthenticator (`tmp`, a fresh
 * account for anyone who asks) and firstuseauthenticator (`firstuse`, the first person to log in with a
 * name sets its password).
 */
const INSECURE_AUTHENTICATOR = /dummy|shared-?password|^tmp$|tmpauthenticator|^firstuse$|firstuseauthenticator/i;

/** Dummy and shared-password authenticators let anyone who knows the URL (or one password) in. */
export const jupyterhubAuthenticator = valuesPolicy({
  name: "jupyterhub-authenticator",
  description: "Checks that the hub uses a real identity provider, not the chart's default dummy authenticator, a shared password, temporary accounts or first-use passwords.",
  severity: "critical",
  remediationSteps:
    'Set `hub.config.JupyterHub.authenticator_class: "generic-oauth"` (or another OAuthenticator) with its client settings, and keep Dummy, SharedPassword, Tmp and FirstUse authenticators out of `hub.extraConfig`.',
  sources: ["Z2JH values.yaml (default: dummy)", "Z2JH docs: administrator/authentication.md", JH_WEBSECURITY],
  check: (values) => {
    const messages = checkSettings(values, [
      {
        path: "hub.config.JupyterHub.authenticator_class",
        ok: (v) => typeof v === "string" && v.trim() !== "" && !INSECURE_AUTHENTICATOR.test(v),
        fix: '"generic-oauth" (or another OAuthenticator)',
        requirement: "Users must log in through a real identity provider",
      },
    ], "values");
    for (const [key, snippet] of entries(get(values, "hub.extraConfig"))) {
      if (typeof snippet === "string" && /DummyAuthenticator|SharedPasswordAuthenticator|TmpAuthenticator|FirstUseAuthenticator/.test(snippet)) {
        messages.push(`hub.extraConfig must not configure a dummy or shared-password authenticator: remove it from values.hub.extraConfig.${key} and set hub.config.JupyterHub.authenticator_class instead.`);
      }
    }
    return messages;
  },
});

/** Allow-rule traits of JupyterHub 5 / OAuthenticator 17 authenticators. */
export const ALLOW_TRAITS = [
  "allowed_users",
  "allowed_groups",
  "allowed_organizations",
  "allowed_gitlab_groups",
  "allowed_project_ids",
  "allowed_google_groups",
  "allowed_bitbucket_teams",
  "allowed_idps",
  "allowed_scopes",
];

function hasEntries(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return typeof value === "string" && value.trim() !== "";
}

/** JupyterHub 5 auth.py: `allow_all` admits every authenticated account of the identity provider. */
export const jupyterhubAllowlist = valuesPolicy({
  name: "jupyterhub-allowlist",
  description: "Checks that the authenticator admits only an allowlist of users or groups and never sets allow_all.",
  severity: "critical",
  remediationSteps:
    "Set `hub.config.GenericOAuthenticator.allowed_groups` (or `Authenticator.allowed_users`) to the event's groups and set `allow_all: false` or leave it unset.",
  sources: ["JupyterHub 5.5 auth.py (Authenticator.allow_all)", "OAuthenticator 17 docs: allowing access"],
  check: (values) => {
    const sections = authenticatorSections(values);
    const messages: string[] = [];
    for (const [section, traits] of sections) {
      if (isTrue(traits.allow_all)) {
        messages.push(violation("The hub must not admit every account of the identity provider", `values.hub.config.${section}.allow_all`, "false", traits.allow_all));
      }
      // CILogonOAuthenticator (OAuthenticator 17.4.0 cilogon.py 190, 414): `allowed_idps.<idp>.allow_all` admits every
      // account of that identity provider.
      for (const [idp, spec] of entries(traits.allowed_idps)) {
        if (isTrue(get(spec, "allow_all"))) {
          messages.push(violation("The hub must not admit every account of an identity provider", `values.hub.config.${section}.allowed_idps["${idp}"].allow_all`, "false (and list allowed users or groups)", true));
        }
      }
    }
    const allowlisted = sections.some(([, traits]) => ALLOW_TRAITS.some((t) => hasEntries(traits[t])));
    if (!allowlisted) {
      messages.push(
        violation(
          "The hub must admit only an allowlist of users or groups",
          "values.hub.config.GenericOAuthenticator.allowed_groups",
          "the groups allowed in (or Authenticator.allowed_users)",
          undefined,
        ),
      );
    }
    return messages;
  },
});

interface AdminConfig {
  readonly allowFullAdmins: boolean;
}

/** Member lists that, on the built-in admin role or an authenticator, make someone a JupyterHub admin. */
function adminMembers(values: Record<string, unknown>): { readonly where: string; readonly value: unknown }[] {
  const found = authenticatorSections(values).flatMap(([section, traits]) =>
    ["admin_users", "admin_groups"].map((t) => ({ where: `values.hub.config.${section}.${t}`, value: traits[t] })),
  );
  // JupyterHub.admin_users: the deprecated alias the hub still copies to Authenticator.admin_users.
  found.push({ where: "values.hub.config.JupyterHub.admin_users", value: get(values, "hub.config.JupyterHub.admin_users") });
  for (const [key, role] of entries(get(values, "hub.loadRoles"))) {
    if ((get(role, "name") ?? key) !== "admin") continue;
    for (const kind of ["users", "groups", "services"]) found.push({ where: `values.hub.loadRoles.${key}.${kind}`, value: get(role, kind) });
  }
  return found;
}

/**
 * JupyterHub 5.5 roles.py: the built-in admin role always carries access:servers and tokens, and
 * `admin_access` (deprecated since 2.0, app.py) no longer narrows it; the chart still defaults it to true,
 * which passes JUPYTERHUB_ADMIN_ACCESS to user servers (spawner.py).
 */
export const jupyterhubAdminAccessOff = valuesPolicy<AdminConfig>({
  name: "jupyterhub-admin-access-off",
  description: "Checks that no one can open other users' servers: no one holds JupyterHub's built-in admin role, no loaded role grants access to servers or tokens, and admin_access is off.",
  severity: "high",
  remediationSteps:
    "Give organisers a role in `hub.loadRoles` with scopes such as `admin-ui`, `list:users` and `servers` (never `access:servers`, `shares`, `tokens` or `admin:users`) assigned to their groups; leave `admin_users` and `admin_groups` empty and declare `hub.loadRoles.admin: { users: [], groups: [] }`; set `hub.config.JupyterHub.admin_access: false` (the chart's default is true). Set `allowFullAdmins: true` only where admins may open users' servers.",
  sources: ["JupyterHub 5.5 roles.py (the admin role's scopes)", "JupyterHub 5.5 docs: rbac/scopes.md", "Z2JH values.yaml (default: admin_access true)", JH_WEBSECURITY],
  config: {
    allowFullAdmins: {
      type: "boolean",
      description: "Whether anyone may hold JupyterHub's built-in admin role, which can open every user's server and act as any user.",
      default: false,
    },
  },
  check: (values, { config }) => {
    const messages = checkSettings(values, [
      { path: "hub.config.JupyterHub.admin_access", ok: isFalse, fix: "false", requirement: "Admins must not be able to access other users' servers" },
    ], "values");
    if (!config.allowFullAdmins) {
      for (const { where, value } of adminMembers(values)) {
        if (!isUnknown(value) && hasEntries(value)) {
          messages.push(violation("No one may hold JupyterHub's built-in admin role, which can open every user's server (allowFullAdmins is false)", where, "[] (give organisers a narrower role in hub.loadRoles)", value));
        }
      }
    }
    for (const [key, role] of entries(get(values, "hub.loadRoles"))) {
      if ((get(role, "name") ?? key) === "admin") continue;
      const scopes = list(get(role, "scopes"));
      if (scopes === UNKNOWN) continue;
      const reaching = scopes.filter((s) => typeof s === "string" && !isUnknown(s) && reachesOtherUsers(s));
      if (reaching.length > 0) {
        messages.push(violation(`Role ${key} must not let its holders open other users' servers or act as them (${reaching.join(", ")})`, `values.hub.loadRoles.${key}.scopes`, "scopes without access:servers, shares, tokens, admin:users or admin:auth_state", scopes));
      }
    }
    return messages;
  },
});

/** OAuthenticator 17.4 traits (and deprecated aliases) that switch certificate checks off when false. */
const VERIFY_TRAITS = ["validate_server_cert", "tls_verify", "validate_cert"];
/** tornado HTTPRequest and requests kwargs that do the same in `http_request_kwargs`. */
const VERIFY_KWARGS = ["validate_cert", "verify"];
/** OAuth endpoints the hub itself calls with the user's code or token. */
const SERVER_SIDE_URLS = ["token_url", "userdata_url"];
/** Python's ssl.CERT_REQUIRED, the only ldap3 `Tls(validate=...)` that checks the directory's certificate. */
const CERT_REQUIRED = 2;

/** Entries of the hub's extraEnv as [name, value, where], map or list form. */
function hubEnv(values: Record<string, unknown>): [string, unknown, string][] {
  const env = get(values, "hub.extraEnv");
  if (Array.isArray(env)) return env.map((e, i) => [String(get(e, "name")), get(e, "value"), `values.hub.extraEnv[${i}].value`]);
  return entries(env).map(([name, v]) => [name, v, `values.hub.extraEnv.${name}`]);
}

function usesLdap(values: Record<string, unknown>): boolean {
  const cls = get(values, "hub.config.JupyterHub.authenticator_class");
  return (typeof cls === "string" && /ldap/i.test(cls)) || get(values, "hub.config.LDAPAuthenticator.server_address") !== undefined;
}

/**
 * The hub must know it talks to the real identity provider: OAuthenticator 17.4.0 oauth2.py
 * (`validate_server_cert`, default from OAUTH_TLS_VERIFY: "0" turns it off; `http_request_kwargs` passed to
 * every tornado HTTPRequest), generic.py (`tls_verify` alias) and openshift.py (`validate_cert` alias);
 * ldapauthenticator 2.0.2 (`tls_strategy: insecure` sends passwords in clear, and `tls_kwargs` builds the
 * ldap3 `Tls` object, whose default `validate=ssl.CERT_NONE` (ldap3 2.9.1 core/tls.py) accepts any
 * certificate, so the directory's certificate is checked only with `tls_kwargs.validate: 2`).
 */
export const jupyterhubIdpTlsVerified = valuesPolicy({
  name: "jupyterhub-idp-tls-verified",
  description: "Checks that the hub verifies the identity provider's TLS certificate (OAuth and LDAP, in any authenticator class) and never reaches it without TLS.",
  severity: "critical",
  remediationSteps:
    "Remove `validate_server_cert: false` (and `tls_verify`, `validate_cert`, `http_request_kwargs.validate_cert: false`) from every `hub.config` authenticator section and `OAUTH_TLS_VERIFY` from `hub.extraEnv`; use https:// token and userdata URLs; for LDAP set `tls_strategy` to before_bind or on_connect and `tls_kwargs: { validate: 2, ca_certs_file: <CA bundle> }`. Add a private CA with `http_request_kwargs.ca_certs` rather than turning checks off.",
  sources: ["OAuthenticator 17.4.0 oauthenticator/oauth2.py (validate_server_cert, http_request_kwargs)", "ldapauthenticator 2.0.2 ldapauthenticator.py (tls_strategy, tls_kwargs)", "ldap3 2.9.1 ldap3/core/tls.py (Tls validate=ssl.CERT_NONE)"],
  check: (values) => {
    const messages: string[] = [];
    for (const [section, traits] of entries(get(values, "hub.config"))) {
      const base = `values.hub.config.${section}`;
      for (const name of VERIFY_TRAITS) {
        if (get(traits, name) === false) messages.push(violation("The hub must verify the identity provider's certificate", `${base}.${name}`, "true (or remove it)", false));
      }
      for (const name of VERIFY_KWARGS) {
        if (get(traits, ["http_request_kwargs", name]) === false) messages.push(violation("The hub must verify the identity provider's certificate", `${base}.http_request_kwargs.${name}`, "true (or remove it)", false));
      }
      for (const name of SERVER_SIDE_URLS) {
        const url = get(traits, name);
        if (typeof url === "string" && /^http:\/\//i.test(url.trim())) messages.push(violation("The hub must reach the identity provider over TLS", `${base}.${name}`, "an https:// URL", url));
      }
      if (get(traits, "tls_strategy") === "insecure") messages.push(violation("The hub must not send LDAP passwords without TLS", `${base}.tls_strategy`, '"before_bind" or "on_connect"', "insecure"));
    }
    for (const [name, value, where] of hubEnv(values)) {
      if (name === "OAUTH_TLS_VERIFY" && String(value).trim() === "0") messages.push(violation("The hub must verify the identity provider's certificate", where, 'nothing (remove it; "0" turns verification off)', value));
    }
    if (usesLdap(values)) {
      const validate = get(values, "hub.config.LDAPAuthenticator.tls_kwargs.validate");
      if (!isUnknown(validate) && validate !== CERT_REQUIRED) {
        messages.push(violation("The hub must verify the LDAP server's certificate (ldap3 accepts any certificate by default)", "values.hub.config.LDAPAuthenticator.tls_kwargs.validate", "2 (ssl.CERT_REQUIRED), with ca_certs_file", validate));
      }
    }
    return messages;
  },
});
