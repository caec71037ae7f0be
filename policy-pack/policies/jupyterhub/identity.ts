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

const INSECURE_AUTHENTICATOR = /dummy|shared-?password/i;

/** Dummy and shared-password authenticators let anyone who knows the URL (or one password) in. */
export const jupyterhubAuthenticator = valuesPolicy({
  name: "jupyterhub-authenticator",
  description: "Checks that the hub uses a real identity provider, not the chart's default dummy authenticator or a shared password.",
  severity: "critical",
  remediationSteps:
    'Set `hub.config.JupyterHub.authenticator_class: "generic-oauth"` (or another OAuthenticator) with its client settings, and keep Dummy/SharedPassword out of `hub.extraConfig`.',
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
      if (typeof snippet === "string" && /DummyAuthenticator|SharedPasswordAuthenticator/.test(snippet)) {
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
