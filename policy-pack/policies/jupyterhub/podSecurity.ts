// The security context of user servers and the chart's own pods: non-root without privilege escalation
// (singleuser, hub.config.KubeSpawner, profile overrides, every containerSecurityContext), every Linux
// capability dropped and a seccomp profile for user servers, and no Kubernetes API credentials for users.
// Sources: Pod Security Standards (restricted); kubespawner 7.0.0 kubespawner/objects.py; Z2JH 4.4.0
// values.yaml and docs administrator/security.md; CIS GKE Benchmark 1.9.0 4.1.6.

import { checkSettings, get, isUnknown, notFalse, notTrue, type Setting } from "../core";
import { SECCOMP_TYPES } from "../kubernetesFacts";
import { profileOverrides, valuesPolicy } from "./shared";

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
