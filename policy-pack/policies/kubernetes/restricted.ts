// The Pod Security Standards "restricted" profile, beyond baseline, for the workloads the program
// declares: every capability dropped, a seccomp profile, only the allowed volume types, no privilege
// escalation, non-root (https://kubernetes.io/docs/concepts/security/pod-security-standards/, Kubernetes
// 1.33). The seccomp profile types that confine are ../kubernetesFacts.ts, shared with the chart-values
// checks.

import { entries, get, isUnknown, list, UNKNOWN, violation } from "../core";
import { SECCOMP_TYPES } from "../kubernetesFacts";
import { containerAt, containersOnly, podAndContainers, podPolicy, PSS } from "./shared";

export const k8sPssCapabilities = podPolicy({
  name: "k8s-pss-capabilities",
  description: "Checks that every container drops ALL capabilities and adds back at most NET_BIND_SERVICE.",
  severity: "high",
  remediationSteps: 'Set `securityContext.capabilities: { drop: ["ALL"] }` on every container; add back only "NET_BIND_SERVICE" if a port below 1024 is needed.',
  sources: [`${PSS}: restricted (Capabilities)`, "CKV_K8S_28", "CKV_K8S_37"],
  check: (pod) => containersOnly(pod, [
    {
      path: "capabilities.drop",
      ok: (v) => Array.isArray(v) && v.some((c) => c === "ALL"),
      fix: '["ALL"]',
      requirement: "Containers must drop every capability",
    },
    {
      path: "capabilities.add",
      ok: (v) => v === undefined || (Array.isArray(v) && v.every((c) => c === "NET_BIND_SERVICE")),
      fix: '[] or ["NET_BIND_SERVICE"]',
      requirement: "Containers must add back no capability other than NET_BIND_SERVICE",
    },
  ]),
});

export const k8sPssSeccomp = podPolicy({
  name: "k8s-pss-seccomp",
  description: "Checks that every container runs with the RuntimeDefault (or a Localhost) seccomp profile.",
  severity: "high",
  remediationSteps: 'Set `securityContext.seccompProfile: { type: "RuntimeDefault" }` on the pod (or on every container).',
  sources: [`${PSS}: restricted (Seccomp)`, "CIS Kubernetes 4.6.2 (via CIS GKE 1.9.0 4.6.2)", "CKV_K8S_31"],
  check: (pod) => {
    const allowed = (v: unknown) => typeof v === "string" && SECCOMP_TYPES.includes(v);
    const podType = get(pod.spec, "securityContext.seccompProfile.type");
    if (isUnknown(podType)) return [];
    const messages: string[] = [];
    if (podType !== undefined && !allowed(podType)) {
      messages.push(violation("Pods must not run unconfined by seccomp", pod.locate(["securityContext", "seccompProfile", "type"]), '"RuntimeDefault"', podType));
    }
    for (const c of pod.containers) {
      const type = get(c.container, "securityContext.seccompProfile.type");
      if (isUnknown(type)) continue;
      if (type === undefined ? !allowed(podType) : !allowed(type)) {
        messages.push(violation("Every container must run with a seccomp profile", `${containerAt(pod, c, ["securityContext", "seccompProfile", "type"])} (or the pod's)`, '"RuntimeDefault"', type));
      }
    }
    return messages;
  },
});

export const ALLOWED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

export const k8sPssVolumeTypes = podPolicy({
  name: "k8s-pss-volume-types",
  description: "Checks that pods mount only the volume types the restricted profile allows (no hostPath).",
  severity: "high",
  remediationSteps: `Use only ${ALLOWED_VOLUME_TYPES.join(", ")} volumes; replace hostPath with a PersistentVolumeClaim or emptyDir.`,
  sources: [`${PSS}: restricted (Volume Types)`, `${PSS}: baseline (HostPath Volumes)`, "CKV_K8S_27"],
  check: (pod) => {
    const volumes = list(get(pod.spec, "volumes"));
    if (volumes === UNKNOWN) return [];
    return volumes.flatMap((volume, i) => {
      const kinds = entries(volume).map(([k]) => k).filter((k) => k !== "name");
      const bad = kinds.filter((k) => !ALLOWED_VOLUME_TYPES.includes(k));
      return bad.length === 0 ? [] : [violation("Pods must not mount node or network volumes", pod.locate(["volumes", i]), `one of ${ALLOWED_VOLUME_TYPES.join(", ")}`, bad.join(", "))];
    });
  },
});

export const k8sPssPrivilegeEscalation = podPolicy({
  name: "k8s-pss-privilege-escalation",
  description: "Checks that every container forbids privilege escalation.",
  severity: "high",
  remediationSteps: "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
  sources: [`${PSS}: restricted (Privilege Escalation)`, "CKV_K8S_20"],
  check: (pod) => containersOnly(pod, [
    { path: "allowPrivilegeEscalation", ok: (v) => v === false, fix: "false", requirement: "Containers must not gain privileges (setuid binaries)" },
  ]),
});

export const k8sPssRunAsNonRoot = podPolicy({
  name: "k8s-pss-run-as-non-root",
  description: "Checks that every container must run as a non-root user (runAsNonRoot).",
  severity: "high",
  remediationSteps: "Set `securityContext.runAsNonRoot: true` on the pod (and never false on a container).",
  sources: [`${PSS}: restricted (Running as Non-root)`, "CKV_K8S_23"],
  check: (pod) => {
    const podValue = get(pod.spec, "securityContext.runAsNonRoot");
    if (isUnknown(podValue)) return [];
    const messages: string[] = [];
    for (const c of pod.containers) {
      const value = get(c.container, "securityContext.runAsNonRoot");
      if (isUnknown(value)) continue;
      if (value === false || (value === undefined && podValue !== true)) {
        messages.push(violation("Containers must be required to run as non-root", `${containerAt(pod, c, ["securityContext", "runAsNonRoot"])} (or the pod's)`, "true", value));
      }
    }
    return messages;
  },
});

export const k8sPssRunAsUser = podPolicy({
  name: "k8s-pss-run-as-user",
  description: "Checks that no pod or container sets runAsUser to 0 (root).",
  severity: "high",
  remediationSteps: "Set `securityContext.runAsUser` to a non-zero uid (e.g. 1000) or leave it to the image's non-root USER.",
  sources: [`${PSS}: restricted (Running as Non-root user)`, "CKV_K8S_40"],
  check: (pod) => podAndContainers(pod, [{ path: "runAsUser", ok: (v) => v !== 0, fix: "a non-zero uid", requirement: "Containers must not run as root" }]),
});
