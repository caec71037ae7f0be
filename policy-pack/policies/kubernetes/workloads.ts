// Workload rules beyond the Pod Security Standards: CPU and memory limits on every container, no default
// service-account token, pinned images. Sources: CIS GKE Benchmark 1.9.0 4.1.6; Checkov CKV_K8S_11, 13,
// 14, 38, 41, 43; kube-score container-resources and container-image-tag; Polaris.

import { checkSettings, get, isUnknown, violation } from "../core";
import { unpinnedImage } from "../kubernetesFacts";
import { containerAt, podPolicy } from "./shared";

export const k8sResourceLimits = podPolicy({
  name: "k8s-resource-limits",
  description: "Checks that every container has CPU and memory limits.",
  severity: "medium",
  remediationSteps: "Set `resources.limits.cpu` and `resources.limits.memory` (and requests) on every container and init container.",
  sources: ["CKV_K8S_11", "CKV_K8S_13", "kube-score container-resources", "Polaris cpuLimitsMissing/memoryLimitsMissing"],
  check: (pod) =>
    pod.containers
      .filter((c) => c.path[0] !== "ephemeralContainers")
      .flatMap((c) =>
        checkSettings(c.container, ["cpu", "memory"].map((r) => ({
          path: `resources.limits.${r}`,
          ok: (v) => v !== undefined && v !== null && v !== "",
          fix: r === "cpu" ? '"500m" (for example)' : '"512Mi" (for example)',
          requirement: `Containers must have a ${r} limit`,
        })), (path) => containerAt(pod, c, path)),
      ),
});

export const k8sServiceAccountToken = podPolicy({
  name: "k8s-service-account-token",
  description: "Checks that pods do not mount the default service account's API token.",
  severity: "medium",
  remediationSteps: "Set `automountServiceAccountToken: false` on the pod, or run it as a dedicated ServiceAccount with only the RBAC it needs.",
  sources: ["CIS GKE 1.9.0 4.1.6", "CKV_K8S_38", "CKV_K8S_41"],
  check: (pod) => {
    const automount = get(pod.spec, "automountServiceAccountToken");
    const account = get(pod.spec, "serviceAccountName");
    if (isUnknown(automount) || isUnknown(account)) return [];
    const defaultAccount = account === undefined || account === "" || account === "default";
    if (!defaultAccount || automount === false) return [];
    return [violation("Pods must not carry the default service account's token", pod.locate(["automountServiceAccountToken"]), "false", automount)];
  },
});

export const k8sPinnedImages = podPolicy({
  name: "k8s-pinned-images",
  description: "Checks that every container image is pinned by tag or digest (no latest, no missing tag).",
  severity: "medium",
  remediationSteps: 'Set every `image` to "<name>:<version>" or "<name>@sha256:<digest>".',
  sources: ["CKV_K8S_14", "CKV_K8S_43", "kube-score container-image-tag"],
  check: (pod) =>
    pod.containers.flatMap((c) => {
      const image = get(c.container, "image");
      if (typeof image !== "string" || isUnknown(image)) return [];
      const reason = unpinnedImage(image);
      return reason === undefined ? [] : [violation(`Images must be pinned; ${image} ${reason}`, containerAt(pod, c, ["image"]), '"<name>:<version>" or a digest', image)];
    }),
});
