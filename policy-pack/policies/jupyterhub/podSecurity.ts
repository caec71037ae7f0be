// The security of user servers and the chart's own pods: every pod the values produce meets the Pod
// Security Standards restricted profile (judged on the pods derived from the values, ../z2jh/pods.ts);
// the security-context keys themselves never ask for root or privilege (a key that a higher-priority one
// overrides is still refused: it is a mistake waiting for the override to go); and users get no
// Kubernetes API credentials. Sources: Pod Security Standards (baseline, restricted); kubespawner 7.0.0
// kubespawner/spawner.py and objects.py; Z2JH 4.4.0 values.yaml, jupyterhub_config.py, templates and docs
// administrator/security.md; CIS GKE Benchmark 1.9.0 4.1.6.

import { checkSettings, get, isUnknown, notFalse, notTrue, violation, type Setting } from "../core";
import { pssPolicies } from "../kubernetes/pss";
import type { PodPolicy } from "../kubernetes/shared";
import { derivePods, userPods } from "../z2jh/pods";
import { KUBESPAWNER, onPods, profileOverrides, valuesPolicy, Z2JH_TEMPLATES } from "./shared";

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

/** The Pod Security Standards controls (baseline and restricted), as the pack checks workloads. */
const PSS_CHECKS: readonly PodPolicy[] = pssPolicies;

/**
 * Pod Security Standards restricted (which includes baseline) on every pod the values produce: user
 * servers for each profile and option choice, and the chart's own pods with whatever values add to them
 * (init and extra containers, volumes, security contexts, extraPodSpec). A restricted namespace rejects
 * any pod that fails, so a failure here is also a user server that does not start on the day. The
 * chart's privileged iptables init container is jupyterhub-no-iptables-init-container's.
 */
export const jupyterhubPodSecurity = valuesPolicy({
  name: "jupyterhub-pod-security",
  description:
    "Checks that every pod the release creates from its values (user servers for each profile and option, the hub, the proxy and the chart's other pods, with their init and extra containers, volumes and security contexts) meets the Pod Security Standards restricted profile.",
  severity: "high",
  remediationSteps:
    'Set the values key each finding names: give user servers `hub.config.KubeSpawner.container_security_context: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } }` (profile overrides merge into it), give added init and extra containers the same securityContext, and mount only configMap, secret, emptyDir, PVC, projected, downwardAPI, CSI or ephemeral volumes.',
  sources: ["Pod Security Standards: restricted", "Pod Security Standards: baseline", KUBESPAWNER, Z2JH_TEMPLATES],
  check: (values) => onPods(derivePods(values), (pod) => PSS_CHECKS.flatMap((policy) => policy.checkPod(pod))),
});

/**
 * Z2JH security.md: users get no Kubernetes API credentials. Judged on every user-server pod, so a
 * profile or extraPodConfig that adds a service account or a token is seen too (kubespawner 7 objects.py:
 * without a service account the pod gets `automountServiceAccountToken: false`; with one, Kubernetes
 * mounts its token unless the trait says otherwise).
 */
export const jupyterhubUserNoApiToken = valuesPolicy({
  name: "jupyterhub-user-no-api-token",
  description: "Checks that user servers get no Kubernetes service account and no API token, in every profile.",
  severity: "high",
  remediationSteps:
    "Leave `singleuser.serviceAccountName` unset and set `hub.config.KubeSpawner.automount_service_account_token: false` (kubespawner's default without a service account); never set `service_account`, `automount_service_account_token` or `serviceAccountName` in profile overrides or `singleuser.extraPodConfig`.",
  sources: ["Z2JH docs: administrator/security.md (Kubernetes API access)", "CIS GKE 1.9.0 4.1.6", KUBESPAWNER],
  check: (values) =>
    onPods(userPods(values), (pod) => {
      const account = get(pod.spec, "serviceAccountName");
      const automount = get(pod.spec, "automountServiceAccountToken");
      const messages: string[] = [];
      if (!isUnknown(account) && account !== undefined && account !== null && account !== "") {
        messages.push(violation("User servers must not run as a Kubernetes service account", pod.locate(["serviceAccountName"]), "null (no service account)", account));
      }
      if (!isUnknown(automount) && automount !== false) {
        messages.push(violation("User servers must not carry a Kubernetes API token", pod.locate(["automountServiceAccountToken"]), "false", automount));
      }
      return messages;
    }),
});
