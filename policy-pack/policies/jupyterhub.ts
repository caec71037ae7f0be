// The Zero to JupyterHub release's values (chart 4.4.0: jupyterhub/values.yaml and values.schema.yaml of
// https://github.com/jupyterhub/zero-to-jupyterhub-k8s/tree/4.4.0), for a hub whose users are untrusted.
// Sources: Z2JH docs administrator/security.md and administrator/optimization.md; JupyterHub 5.5
// explanation/websecurity.md ("not suitable for untrusted users in its default configuration").
//
// Each check reads `props.values` of a `helm.v3.Release` (or `helm.v4.Chart`) of the jupyterhub chart;
// other releases are not applicable. Chart defaults matter: where the chart's default is insecure
// (authenticator_class dummy, admin_access true, blockWithIptables true, proxy LoadBalancer) the secure
// value must be set explicitly.

import { admittedMetadataPaths, chartEgressDefaults, type EgressAllowRules, noEgressAllowRules } from "../contracts/chartNetpol";
import { reachesOtherUsers } from "../contracts/hubScopes";
import { METADATA_RANGE, PRIVATE_RANGES, contains, isWholeInternet, parseCidr, reaches, type Range } from "./cidr";
import {
  checkSettings,
  entries,
  get,
  isFalse,
  isRecord,
  isTrue,
  isUnknown,
  list,
  nonEmptyString,
  notFalse,
  notTrue,
  resourcePolicy,
  show,
  UNKNOWN,
  violation,
  type CheckContext,
  type HardeningResourcePolicy,
  type PolicyText,
  type Setting,
} from "./core";
import { MAX_IDLE_TIMEOUT_SECONDS, MOVING_IMAGE_TAGS } from "./thresholds";
import { HELM_TYPES } from "./types";
import { authenticatorSections, isJupyterHubRelease, trait, valuesOf } from "./z2jh";

const Z2JH_SECURITY = "Z2JH docs: administrator/security.md";
const JH_WEBSECURITY = "JupyterHub 5.5 docs: explanation/websecurity.md";

type ValuesCheck<C> = (values: Record<string, unknown>, context: CheckContext<C>, props: Record<string, unknown>) => Iterable<string>;

/** A policy over the values of jupyterhub chart releases; other Helm releases are not applicable. */
function valuesPolicy<C extends object = Record<string, never>>(
  spec: Omit<PolicyText, "area"> & { readonly check: ValuesCheck<C> },
): HardeningResourcePolicy {
  return resourcePolicy<C>({
    ...spec,
    area: "JupyterHub",
    types: HELM_TYPES,
    check: (props, context) => {
      if (!isJupyterHubRelease(context.type, props)) context.notApplicable("Not a release of the jupyterhub chart");
      return spec.check(valuesOf(props), context, props);
    },
  });
}

/** A values policy that is only a table of settings. */
function valuesSettings(spec: Omit<PolicyText, "area"> & { readonly settings: readonly Setting[] }): HardeningResourcePolicy {
  return valuesPolicy({ ...spec, check: (values) => checkSettings(values, spec.settings, "values") });
}

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

/** JupyterHub websecurity.md: "Subdomains are the only way to reliably isolate user servers". */
export const jupyterhubSubdomainHost = valuesSettings({
  name: "jupyterhub-subdomain-host",
  description: "Checks that every user server is served from its own subdomain (subdomain_host is set).",
  severity: "high",
  remediationSteps: 'Set `hub.config.JupyterHub.subdomain_host: "<hub domain>"` and serve `*.<hub domain>` with a wildcard certificate and DNS record.',
  sources: [JH_WEBSECURITY, `${Z2JH_SECURITY}#jupyterhub_subdomains`],
  settings: [
    {
      path: "hub.config.JupyterHub.subdomain_host",
      ok: nonEmptyString,
      fix: '"<hub domain>"',
      requirement: "User servers must be isolated on their own origins",
    },
  ],
});

/** JupyterHub websecurity.md: without it a user's ~/.jupyter config can change what the server runs. */
export const jupyterhubDisableUserConfig = valuesPolicy({
  name: "jupyterhub-disable-user-config",
  description: "Checks that single-user servers ignore configuration files in users' home directories.",
  severity: "high",
  remediationSteps: "Set `hub.config.KubeSpawner.disable_user_config: true` (or `Spawner.disable_user_config`).",
  sources: [JH_WEBSECURITY],
  check: (values) => {
    const value = trait(values, ["KubeSpawner", "Spawner"], "disable_user_config");
    if (isUnknown(value) || value === true) return [];
    return [violation("User servers must not load configuration from the user's home", "values.hub.config.KubeSpawner.disable_user_config", "true", value)];
  },
});

/** The chart's network policies for the pods every release runs: user servers, the hub and CHP. */
export const ALWAYS_DEPLOYED_NETWORK_POLICY_OWNERS: readonly string[] = ["singleuser", "hub", "proxy.chp"];

/**
 * The chart's four network policies: those above, and the autohttps (traefik) pod's, which only runs with
 * `proxy.https` on. Each defaults to enabled and must stay so.
 */
export const NETWORK_POLICY_OWNERS: readonly string[] = [...ALWAYS_DEPLOYED_NETWORK_POLICY_OWNERS, "proxy.traefik"];

export const jupyterhubNetworkPolicies = valuesSettings({
  name: "jupyterhub-network-policies",
  description: "Checks that the chart's NetworkPolicies for user, hub and proxy pods stay enabled.",
  severity: "high",
  remediationSteps: "Set `networkPolicy.enabled: true` (the chart default) under `singleuser`, `hub`, `proxy.chp` and `proxy.traefik`.",
  sources: [`${Z2JH_SECURITY}#netpol`, "CIS GKE 1.9.0 4.3.2"],
  settings: NETWORK_POLICY_OWNERS.map((owner) => ({
    path: `${owner}.networkPolicy.enabled`,
    ok: notFalse,
    fix: "true",
    requirement: `The ${owner} pods must be isolated by NetworkPolicy`,
  })),
});

/** Whether the chart deploys the autohttps (traefik) pod. */
function autohttpsDeployed(values: Record<string, unknown>): boolean {
  return get(values, "proxy.https.enabled") === true && get(values, "proxy.https.type") !== "offload";
}

const OWNER_NAMES: Readonly<Record<keyof typeof chartEgressDefaults, string>> = {
  singleuser: "User pods",
  hub: "The hub",
  "proxy.chp": "The proxy",
  "proxy.traefik": "The autohttps pod",
};

/**
 * Metadata paths other than the `cloudMetadataServer` switch (checked as a setting): the chart's
 * `nonPrivateIPs` (it excepts 169.254.169.254/32 but not the GKE metadata server's listener,
 * 169.254.169.252:988), `privateIPs` (every port of RFC 1918, node addresses included), and each custom
 * egress rule. Paths and their sources: infra/plan/netpol.ts (metadataPaths).
 */
function metadataPathProblems(values: Record<string, unknown>, owner: keyof typeof chartEgressDefaults): string[] {
  const base = `${owner}.networkPolicy`;
  const egress = list(get(values, `${base}.egress`));
  if (egress === UNKNOWN) return [];
  const switches: Partial<Record<keyof EgressAllowRules, boolean>> = {};
  for (const key of ["nonPrivateIPs", "privateIPs"] as const) {
    const value = get(values, `${base}.egressAllowRules.${key}`);
    if (isUnknown(value)) return [];
    switches[key] = value === undefined ? chartEgressDefaults[owner][key] : value === true;
  }
  const sources = [
    ...(["nonPrivateIPs", "privateIPs"] as const).map((key) => ({
      where: `values.${base}.egressAllowRules.${key}`,
      policy: { egressAllowRules: { ...noEgressAllowRules, [key]: switches[key] } },
      fix: "false (and write narrow egress rules instead)",
      found: get(values, `${base}.egressAllowRules.${key}`) ?? `${chartEgressDefaults[owner][key]} (chart default)`,
    })),
    ...egress.map((rule, i) => ({
      where: `values.${base}.egress[${i}]`,
      policy: { egressAllowRules: noEgressAllowRules, egress: [rule] },
      fix: "a rule whose ipBlocks except 169.254.0.0/16 and that opens no private range on port 988",
      found: rule,
    })),
  ];
  return sources.flatMap(({ where, policy, fix, found }) => {
    const paths = admittedMetadataPaths(policy, noEgressAllowRules);
    if (paths.length === 0) return [];
    const requirement = `${OWNER_NAMES[owner]} must not reach the GKE metadata server by any address it answers on (this admits ${paths.map((p) => p.label).join(", ")})`;
    return [violation(requirement, where, fix, found)];
  });
}

/** Z2JH security.md "Audit Cloud Metadata server access"; the chart lets hub and proxy reach it by default. */
export const jupyterhubMetadataEgress = valuesPolicy({
  name: "jupyterhub-metadata-egress",
  description: "Checks that no JupyterHub pod (user, hub or proxy) may connect to the cloud metadata server, at 169.254.169.254, at the GKE metadata server's own address 169.254.169.252:988, or on port 988 of private addresses.",
  severity: "critical",
  remediationSteps:
    "Set `networkPolicy.egressAllowRules.cloudMetadataServer: false` under `singleuser` (chart default), `hub` and `proxy.chp` (chart default true), and `proxy.traefik` when autohttps runs; set `nonPrivateIPs` and `privateIPs` to false there too (the first excepts only 169.254.169.254/32, the second opens every private port) and give each pod narrow `egress` rules that except 169.254.0.0/16.",
  sources: [
    `${Z2JH_SECURITY} (Audit Cloud Metadata server access)`,
    "Z2JH 4.4.0 templates/_helpers-netpol.tpl",
    "GKE docs: About Workload Identity Federation for GKE (GKE metadata server; https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity)",
    "CIS GKE 1.9.0 5.4.1",
  ],
  check: (values) => {
    const settings: Setting[] = [
      { path: "singleuser.networkPolicy.egressAllowRules.cloudMetadataServer", ok: notTrue, fix: "false", requirement: "User pods must not reach the metadata server" },
      { path: "hub.networkPolicy.egressAllowRules.cloudMetadataServer", ok: isFalse, fix: "false", requirement: "The hub must not reach the metadata server" },
      { path: "proxy.chp.networkPolicy.egressAllowRules.cloudMetadataServer", ok: isFalse, fix: "false", requirement: "The proxy must not reach the metadata server" },
    ];
    const owners: (keyof typeof chartEgressDefaults)[] = ["singleuser", "hub", "proxy.chp"];
    if (autohttpsDeployed(values)) {
      settings.push({ path: "proxy.traefik.networkPolicy.egressAllowRules.cloudMetadataServer", ok: isFalse, fix: "false", requirement: "The autohttps pod must not reach the metadata server" });
      owners.push("proxy.traefik");
    }
    return [...checkSettings(values, settings, "values"), ...owners.flatMap((owner) => metadataPathProblems(values, owner))];
  },
});

interface EgressConfig {
  readonly allowedEgressCidrs: readonly string[];
  readonly allowInternetEgress: boolean;
}

const FORBIDDEN: readonly { readonly name: string; readonly range: Range }[] = [
  { name: "the cloud metadata server", range: parseCidr(METADATA_RANGE) as Range },
  ...PRIVATE_RANGES.map((cidr) => ({ name: `private range ${cidr}`, range: parseCidr(cidr) as Range })),
];

/** Problems with one `to` peer of a user egress rule. */
function peerProblems(peer: unknown, allowed: readonly Range[], config: EgressConfig): string[] {
  const allowedText = config.allowedEgressCidrs;
  if (isUnknown(peer)) return [];
  const block = get(peer, "ipBlock");
  if (block === undefined) {
    const namespaces = get(peer, "namespaceSelector");
    const selectsAll = isRecord(namespaces) && Object.keys(namespaces).length === 0 && get(peer, "podSelector") === undefined;
    return selectsAll ? ["an empty namespaceSelector reaches every pod in the cluster"] : [];
  }
  const cidr = get(block, "cidr");
  const except = list(get(block, "except"));
  if (isUnknown(cidr) || except === UNKNOWN) return [];
  if (typeof cidr !== "string") return ["an ipBlock without a cidr"];
  const range = parseCidr(cidr);
  if (range === undefined) {
    return allowedText.includes(cidr) ? [] : [`${cidr} is not an allowed egress CIDR`];
  }
  const problems: string[] = [];
  if (range.prefix === 0 && !config.allowInternetEgress) problems.push(`${cidr} opens the whole internet (allowInternetEgress is false)`);
  if (!allowed.some((a) => contains(a, range))) problems.push(`${cidr} is not within the allowed egress CIDRs (${allowedText.join(", ")})`);
  const exceptRanges = except.flatMap((e) => (typeof e === "string" ? [parseCidr(e)].filter((r): r is Range => r !== undefined) : []));
  for (const forbidden of FORBIDDEN) {
    if (reaches(range, exceptRanges, forbidden.range)) problems.push(`${cidr} reaches ${forbidden.name}`);
  }
  return problems;
}

/** Z2JH security.md: keep `privateIPs: false` and add narrow `.egress` rules for what users need. */
export const jupyterhubUserEgress = valuesPolicy<EgressConfig>({
  name: "jupyterhub-user-egress",
  description: "Checks that user pods reach neither private address ranges nor the whole internet, only allowlisted public destinations.",
  severity: "critical",
  remediationSteps:
    "Set `singleuser.networkPolicy.egressAllowRules: { privateIPs: false, nonPrivateIPs: false }` and list what users need (a package mirror) as `singleuser.networkPolicy.egress` ipBlocks inside `allowedEgressCidrs`; to let users reach the internet anyway, set this policy's `allowInternetEgress: true`.",
  sources: [`${Z2JH_SECURITY}#netpol`, "Z2JH templates/_helpers-netpol.tpl"],
  config: {
    allowedEgressCidrs: {
      type: "array",
      items: { type: "string", minLength: 1 },
      description: "IPv4 CIDRs that user egress rules must stay inside (narrow it to your package mirrors); private ranges and the metadata server stay denied.",
      default: ["0.0.0.0/0"],
    },
    allowInternetEgress: {
      type: "boolean",
      description: "Whether user pods may reach the whole public internet (the chart's nonPrivateIPs, or a 0.0.0.0/0 rule); crypto-mining and exfiltration risk.",
      default: false,
    },
  },
  check: (values, { config }) => {
    const messages = checkSettings(values, [
      { path: "singleuser.networkPolicy.egressAllowRules.privateIPs", ok: notTrue, fix: "false", requirement: "User pods must not reach private address ranges" },
    ], "values");
    const allowed = config.allowedEgressCidrs.map(parseCidr).filter((r): r is Range => r !== undefined);
    // The chart's nonPrivateIPs (default true) opens 0.0.0.0/0 minus private ranges.
    if (!config.allowInternetEgress || !config.allowedEgressCidrs.some(isWholeInternet)) {
      messages.push(
        ...checkSettings(values, [
          {
            path: "singleuser.networkPolicy.egressAllowRules.nonPrivateIPs",
            ok: isFalse,
            fix: "false (and list the allowed destinations in singleuser.networkPolicy.egress)",
            requirement: "User pods must reach only allowlisted destinations, not the whole internet",
          },
        ], "values"),
      );
    }
    const rules = list(get(values, "singleuser.networkPolicy.egress"));
    if (rules === UNKNOWN) return messages;
    rules.forEach((rule, i) => {
      const where = `values.singleuser.networkPolicy.egress[${i}]`;
      const to = list(get(rule, "to"));
      if (to === UNKNOWN) return;
      if (to.length === 0) {
        messages.push(`User egress rules must name their destinations: set ${where}.to to ipBlocks within the allowed egress CIDRs (found: no "to", which allows every destination).`);
        return;
      }
      to.forEach((peer, j) => {
        for (const problem of peerProblems(peer, allowed, config)) {
          messages.push(`User egress must stay within the allowed public CIDRs: ${problem}; set ${where}.to[${j}].ipBlock to a CIDR inside ${config.allowedEgressCidrs.join(", ")} with except [${METADATA_RANGE}, ${PRIVATE_RANGES.join(", ")}] as needed (found: ${show(peer)}).`);
        }
      });
    });
    return messages;
  },
});

/** Z2JH: the iptables init container runs privileged as root with NET_ADMIN (JHC, issue #1408). */
export const jupyterhubNoIptablesInitContainer = valuesSettings({
  name: "jupyterhub-no-iptables-init-container",
  description: "Checks that user pods get no privileged iptables init container; the metadata server is blocked by NetworkPolicy instead.",
  severity: "high",
  remediationSteps:
    "Set `singleuser.cloudMetadata.blockWithIptables: false` (the chart's default is true) and rely on `cloudMetadataServer: false` with an enforcing dataplane.",
  sources: [`${Z2JH_SECURITY} (Audit Cloud Metadata server access)`, "zero-to-jupyterhub-k8s#1408", "Pod Security Standards: baseline (privileged)"],
  settings: [
    {
      path: "singleuser.cloudMetadata.blockWithIptables",
      ok: isFalse,
      fix: "false",
      requirement: "User pods must not run a privileged root init container",
    },
  ],
});

const NON_ROOT_CONTEXT: readonly Setting[] = [
  { path: "runAsUser", ok: (v) => v !== 0, fix: "a non-zero uid (e.g. 1000)", requirement: "Containers must not run as root" },
  { path: "runAsNonRoot", ok: notFalse, fix: "true", requirement: "Containers must refuse to run as root" },
  { path: "privileged", ok: notTrue, fix: "false", requirement: "Containers must not be privileged" },
  { path: "allowPrivilegeEscalation", ok: notTrue, fix: "false", requirement: "Containers must not gain privileges" },
];

const SPAWNER_OVERRIDES: readonly Setting[] = [
  { path: "uid", ok: (v) => v !== 0, fix: "a non-zero uid (e.g. 1000)", requirement: "User servers must not run as root" },
  { path: "privileged", ok: notTrue, fix: "false", requirement: "User servers must not be privileged" },
  { path: "allow_privilege_escalation", ok: notTrue, fix: "false", requirement: "User servers must not gain privileges" },
  ...NON_ROOT_CONTEXT.map((s) => ({ ...s, path: `container_security_context.${s.path}` })),
  ...NON_ROOT_CONTEXT.filter((s) => s.path === "runAsUser" || s.path === "runAsNonRoot").map((s) => ({ ...s, path: `pod_security_context.${s.path}` })),
];

/** The chart's containerSecurityContext keys for its own pods (values.yaml). */
export const CORE_SECURITY_CONTEXTS = [
  "hub.containerSecurityContext",
  "proxy.chp.containerSecurityContext",
  "proxy.traefik.containerSecurityContext",
  "proxy.secretSync.containerSecurityContext",
  "scheduling.userScheduler.containerSecurityContext",
  "scheduling.userPlaceholder.containerSecurityContext",
  "prePuller.containerSecurityContext",
  "prePuller.hook.containerSecurityContext",
  "prePuller.pause.containerSecurityContext",
];

/** The `kubespawner_override`s of a profile list, with their paths: profiles and their option choices. */
export function profileOverrides(values: Record<string, unknown>): { readonly where: string; readonly override: unknown }[] {
  const profiles = list(get(values, "singleuser.profileList"));
  if (profiles === UNKNOWN) return [];
  return profiles.flatMap((profile, i) => {
    const base = `values.singleuser.profileList[${i}]`;
    const found = [{ where: `${base}.kubespawner_override`, override: get(profile, "kubespawner_override") }];
    for (const [option, spec] of entries(get(profile, "profile_options"))) {
      for (const [choice, choiceSpec] of entries(get(spec, "choices"))) {
        found.push({ where: `${base}.profile_options.${option}.choices.${choice}.kubespawner_override`, override: get(choiceSpec, "kubespawner_override") });
      }
    }
    return found.filter((f) => f.override !== undefined);
  });
}

/** Pod Security Standards restricted: runAsNonRoot, no privilege escalation, not privileged. */
export const jupyterhubNonRoot = valuesPolicy({
  name: "jupyterhub-non-root",
  description: "Checks that user servers and the chart's own pods run as non-root without privilege escalation.",
  severity: "high",
  remediationSteps:
    "Keep `singleuser.uid: 1000` and `singleuser.allowPrivilegeEscalation: false`; never set uid 0, `privileged`, `allow_privilege_escalation` or `runAsUser: 0` in `hub.config.KubeSpawner`, profile overrides or any `containerSecurityContext`.",
  sources: ["Pod Security Standards: restricted", "Z2JH values.yaml (singleuser.uid, containerSecurityContext)", "kubespawner 7 objects.py"],
  check: (values) => [
    ...checkSettings(values, [
      { path: "singleuser.uid", ok: (v) => v !== 0 && v !== null, fix: "1000 (null lets the image run as root)", requirement: "User servers must not run as root" },
      { path: "singleuser.allowPrivilegeEscalation", ok: notTrue, fix: "false", requirement: "User servers must not gain privileges" },
      { path: "singleuser.extraPodConfig.securityContext.runAsUser", ok: (v) => v !== 0, fix: "a non-zero uid", requirement: "User pods must not run as root" },
    ], "values"),
    ...checkSettings(get(values, "hub.config.KubeSpawner"), SPAWNER_OVERRIDES, "values.hub.config.KubeSpawner"),
    ...profileOverrides(values).flatMap(({ where, override }) => checkSettings(override, SPAWNER_OVERRIDES, where)),
    ...CORE_SECURITY_CONTEXTS.flatMap((path) => checkSettings(get(values, path), NON_ROOT_CONTEXT, `values.${path}`)),
  ],
});

/** The seccomp profile types Pod Security Standards restricted accepts (anything but Unconfined). */
export const SECCOMP_TYPES: readonly string[] = ["RuntimeDefault", "Localhost"];

/** Pod-level places a user server's seccomp profile can come from instead of its container's. */
const USER_POD_SECCOMP_PATHS = [
  "hub.config.KubeSpawner.pod_security_context.seccompProfile.type",
  "singleuser.extraPodConfig.securityContext.seccompProfile.type",
];

/**
 * Pod Security Standards restricted asks what kubespawner 7 does not emit by itself: every capability
 * dropped and a seccomp profile (kubespawner 7.0.0 kubespawner/objects.py); without them user pods also
 * fail a restricted namespace.
 */
export const jupyterhubUserRestricted = valuesPolicy({
  name: "jupyterhub-user-restricted",
  description: "Checks that user servers drop every Linux capability and run with a seccomp profile (Pod Security Standards restricted).",
  severity: "high",
  remediationSteps:
    'Set `hub.config.KubeSpawner.container_security_context: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } }` (it also applies to profile overrides that do not replace it).',
  sources: ["Pod Security Standards: restricted (Capabilities, Seccomp)", "kubespawner 7 objects.py", "Z2JH docs: administrator/security.md"],
  check: (values) => {
    const contexts = [
      { where: "values.hub.config.KubeSpawner.container_security_context", context: get(values, "hub.config.KubeSpawner.container_security_context") },
      ...profileOverrides(values)
        .map(({ where, override }) => ({ where: `${where}.container_security_context`, context: get(override, "container_security_context") }))
        .filter(({ context }) => context !== undefined),
    ];
    const podSeccomp = USER_POD_SECCOMP_PATHS.map((path) => get(values, path));
    if (podSeccomp.some(isUnknown)) return [];
    const podHasSeccomp = podSeccomp.some((v) => typeof v === "string" && SECCOMP_TYPES.includes(v));
    return contexts.flatMap(({ where, context }) =>
      checkSettings(context, [
        {
          path: "capabilities.drop",
          ok: (v) => Array.isArray(v) && v.includes("ALL"),
          fix: '["ALL"]',
          requirement: "User servers must drop every Linux capability",
        },
        {
          path: "seccompProfile.type",
          ok: (v) => (v === undefined ? podHasSeccomp : typeof v === "string" && SECCOMP_TYPES.includes(v)),
          fix: '"RuntimeDefault"',
          requirement: "User servers must run with a seccomp profile",
        },
      ], where),
    );
  },
});

/** Z2JH security.md: users get no Kubernetes API credentials (no service account, no token). */
export const jupyterhubUserNoApiToken = valuesPolicy({
  name: "jupyterhub-user-no-api-token",
  description: "Checks that user servers get no Kubernetes service account and no API token.",
  severity: "high",
  remediationSteps:
    "Leave `singleuser.serviceAccountName` unset and set `hub.config.KubeSpawner.automount_service_account_token: false` (kubespawner's default without a service account).",
  sources: ["Z2JH docs: administrator/security.md (Kubernetes API access)", "CIS GKE 1.9.0 4.1.6"],
  check: (values) => [
    ...checkSettings(values, [
      { path: "singleuser.serviceAccountName", ok: (v) => v === undefined || v === null || v === "", fix: "null (no service account)", requirement: "User servers must not run as a Kubernetes service account" },
      { path: "hub.config.KubeSpawner.automount_service_account_token", ok: notTrue, fix: "false", requirement: "User servers must not carry a Kubernetes API token" },
      { path: "hub.config.KubeSpawner.service_account", ok: (v) => v === undefined || v === null || v === "", fix: "null", requirement: "User servers must not run as a Kubernetes service account" },
    ], "values"),
    ...profileOverrides(values).flatMap(({ where, override }) =>
      checkSettings(override, [
        { path: "automount_service_account_token", ok: notTrue, fix: "false", requirement: "User servers must not carry a Kubernetes API token" },
        { path: "service_account", ok: (v) => v === undefined || v === null || v === "", fix: "null", requirement: "User servers must not run as a Kubernetes service account" },
      ], where),
    ),
  ],
});

const isSetLimit = (v: unknown): boolean => (typeof v === "number" && v > 0) || (typeof v === "string" && v.trim() !== "");

/** Z2JH optimization.md: a user without limits can starve every other user on the node. */
export const jupyterhubUserResourceLimits = valuesSettings({
  name: "jupyterhub-user-resource-limits",
  description: "Checks that user servers have CPU and memory limits.",
  severity: "medium",
  remediationSteps: 'Set `singleuser.cpu.limit` (e.g. 2) and `singleuser.memory.limit` (e.g. "4G"); the chart leaves both unset.',
  sources: ["Z2JH docs: administrator/optimization.md", "Z2JH values.yaml (defaults: null)"],
  settings: [
    { path: "singleuser.cpu.limit", ok: isSetLimit, fix: "a CPU count (e.g. 2)", requirement: "User servers must have a CPU limit" },
    { path: "singleuser.memory.limit", ok: isSetLimit, fix: 'a size (e.g. "4G")', requirement: "User servers must have a memory limit" },
  ],
});

interface CullConfig {
  readonly maxIdleTimeoutSeconds: number;
}

/** Idle servers of an event hold nodes (and cost) until culled. */
export const jupyterhubCulling = valuesPolicy<CullConfig>({
  name: "jupyterhub-culling",
  description: "Checks that idle user servers are culled after a bounded idle timeout.",
  severity: "medium",
  remediationSteps: "Keep `cull.enabled: true` and set `cull.timeout` (seconds) to at most `maxIdleTimeoutSeconds` (the chart default is 3600).",
  sources: ["Z2JH docs: administrator/optimization.md (culling)", "Z2JH values.yaml (cull)"],
  config: {
    maxIdleTimeoutSeconds: { type: "integer", minimum: 60, description: "Longest idle time before a user server is culled.", default: MAX_IDLE_TIMEOUT_SECONDS },
  },
  check: (values, { config }) =>
    checkSettings(values, [
      { path: "cull.enabled", ok: notFalse, fix: "true", requirement: "Idle servers must be culled" },
      {
        path: "cull.timeout",
        ok: (v) => v === undefined || (typeof v === "number" && v > 0 && v <= config.maxIdleTimeoutSeconds),
        fix: `a number of seconds from 1 to ${config.maxIdleTimeoutSeconds}`,
        requirement: "The idle timeout must be bounded",
      },
    ], "values"),
});

/** The chart's image keys (values.yaml). */
export const CHART_IMAGES = [
  "hub.image",
  "proxy.chp.image",
  "proxy.traefik.image",
  "proxy.secretSync.image",
  "singleuser.image",
  "singleuser.networkTools.image",
  "scheduling.userScheduler.image",
  "scheduling.userPlaceholder.image",
  "prePuller.hook.image",
  "prePuller.pause.image",
];

/** Why an image reference (`name[:tag][@digest]`) is not pinned, or `undefined` when it is. */
export function unpinnedImage(reference: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(reference)) return undefined;
  const lastSegment = reference.split("/").pop() ?? "";
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return "has no tag";
  return unpinnedTag(lastSegment.slice(colon + 1));
}

/**
 * Why a tag does not pin an image, or `undefined` when it does. The pack's own definition (thresholds.ts),
 * not the program's config parser's: test/policy-pack/thresholds.test.ts checks that the parser refuses
 * every tag refused here, so loosening the parser cannot loosen this guard.
 */
export function unpinnedTag(tag: string): string | undefined {
  if (tag.trim() === "") return "has an empty tag";
  if (MOVING_IMAGE_TAGS.some((moving) => moving.toLowerCase() === tag.toLowerCase())) return `uses the moving tag "${tag}"`;
  return undefined;
}

/** Why a chart `image: {name, tag}` pair is not pinned (a digest in `name` pins it without a tag). */
export function imageKeyProblem(name: unknown, tag: unknown): string | undefined {
  if (typeof name === "string" && /@sha256:[0-9a-f]{64}$/.test(name)) return undefined;
  if (typeof tag === "string" || typeof tag === "number") return unpinnedTag(String(tag));
  return typeof name === "string" ? "overrides the image name without a tag" : undefined;
}

/** A chart version that names one release (no ranges, no "latest"). */
export function pinnedChartVersion(version: unknown): boolean {
  return typeof version === "string" && /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version.trim());
}

/** CKV_K8S_14/43, kube-score: reproducible images; JupyterHub websecurity: users must not pick images. */
export const jupyterhubPinnedVersions = valuesPolicy({
  name: "jupyterhub-pinned-versions",
  description: "Checks that the chart version and every image the release runs are pinned (no latest, no missing tag).",
  severity: "medium",
  remediationSteps:
    'Set the release\'s `version` to an exact chart version (e.g. "4.4.0") and give every `*.image` a `tag` (not "latest") or a `@sha256:` digest, including `hub.config.KubeSpawner.image` and profile overrides.',
  sources: ["CKV_K8S_14", "CKV_K8S_43", JH_WEBSECURITY],
  check: (values, _context, props) => {
    const messages: string[] = [];
    const version = get(props, "version");
    if (!isUnknown(version) && !pinnedChartVersion(version)) {
      messages.push(violation("The chart version must be pinned", "version", 'an exact version such as "4.4.0"', version));
    }
    for (const path of CHART_IMAGES) {
      const name = get(values, `${path}.name`);
      const tag = get(values, `${path}.tag`);
      if (isUnknown(name) || isUnknown(tag) || (name === undefined && tag === undefined)) continue;
      const reason = imageKeyProblem(name, tag);
      if (reason !== undefined) {
        messages.push(violation(`Images must be pinned; values.${path} ${reason}`, `values.${path}.tag`, "an exact version tag or a @sha256 digest", tag));
      }
    }
    const spawnerImages = [
      { where: "values.hub.config.KubeSpawner.image", image: get(values, "hub.config.KubeSpawner.image") },
      ...profileOverrides(values).map(({ where, override }) => ({ where: `${where}.image`, image: get(override, "image") })),
    ];
    for (const { where, image } of spawnerImages) {
      if (typeof image !== "string" || isUnknown(image)) continue;
      const reason = unpinnedImage(image);
      if (reason !== undefined) messages.push(violation(`Images must be pinned; ${where} ${reason}`, where, '"<name>:<version>" or "<name>@sha256:<digest>"', image));
    }
    return messages;
  },
});

/**
 * Literal secret values in Helm values end up in the release record and the chart's ConfigMaps. The pack
 * keeps its own list on purpose: the program's `hub.existingSecret` keys (infra/plan/chartValues.ts
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

/** Whether a Service spec exposes a load balancer to the whole internet. */
export function publicLoadBalancer(type: unknown, sourceRanges: unknown, annotations: unknown): boolean {
  if (type !== "LoadBalancer") return false;
  const internal = get(annotations, ["networking.gke.io/load-balancer-type"]);
  if (internal === "Internal") return false;
  const ranges = list(sourceRanges);
  if (ranges === UNKNOWN) return false;
  return ranges.length === 0 || ranges.some((r) => typeof r === "string" && isWholeInternet(r));
}

/** Z2JH values.yaml: proxy-public defaults to a LoadBalancer with no source ranges. */
export const jupyterhubProxyServicePrivate = valuesPolicy({
  name: "jupyterhub-proxy-service-private",
  description: "Checks that the proxy-public Service is not a load balancer open to the world.",
  severity: "high",
  remediationSteps:
    'Set `proxy.service.type: "ClusterIP"` and expose the hub through the Gateway (TLS, Cloud Armor-ready), or restrict `proxy.service.loadBalancerSourceRanges`.',
  sources: ["Z2JH values.yaml (proxy.service)", Z2JH_SECURITY],
  check: (values) => {
    const type = get(values, "proxy.service.type");
    const ranges = get(values, "proxy.service.loadBalancerSourceRanges");
    const annotations = get(values, "proxy.service.annotations");
    if (isUnknown(type)) return [];
    // The chart's default type is LoadBalancer.
    if (!publicLoadBalancer(type ?? "LoadBalancer", ranges, annotations)) return [];
    return [violation("The proxy must not be a load balancer open to the world", "values.proxy.service.type", '"ClusterIP" (behind the Gateway)', type)];
  },
});

export const jupyterhubPolicies: readonly HardeningResourcePolicy[] = [
  jupyterhubAuthenticator,
  jupyterhubAllowlist,
  jupyterhubAdminAccessOff,
  jupyterhubSubdomainHost,
  jupyterhubDisableUserConfig,
  jupyterhubNetworkPolicies,
  jupyterhubMetadataEgress,
  jupyterhubUserEgress,
  jupyterhubNoIptablesInitContainer,
  jupyterhubNonRoot,
  jupyterhubUserRestricted,
  jupyterhubUserNoApiToken,
  jupyterhubUserResourceLimits,
  jupyterhubCulling,
  jupyterhubPinnedVersions,
  jupyterhubNoLiteralSecrets,
  jupyterhubProxyServicePrivate,
];
