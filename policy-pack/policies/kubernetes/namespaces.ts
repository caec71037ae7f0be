// Namespaces the program creates enforce a Pod Security Standards level through Pod Security Admission.
// Sources: CIS GKE Benchmark 1.9.0 4.2.1; Pod Security Standards (Pod Security Admission). That each
// workload's namespace has a NetworkPolicy is a stack policy (../stack/namespaces.ts).

import { checkSettings, resourcePolicy } from "../core";
import { K8S } from "../types";
import { PSS } from "./shared";

interface PodSecurityConfig {
  readonly allowedLevels: readonly string[];
}

const PSA_ENFORCE = "pod-security.kubernetes.io/enforce";

/** CIS GKE 1.9.0 4.2.1: Pod Security Admission turns the standards above into admission control. */
export const k8sNamespacePodSecurity = resourcePolicy<PodSecurityConfig>({
  name: "k8s-namespace-pod-security",
  description: "Checks that every namespace the program creates enforces a Pod Security Standards level through Pod Security Admission.",
  area: "Kubernetes",
  severity: "high",
  remediationSteps: `Set \`metadata.labels["${PSA_ENFORCE}"]: "restricted"\` on the Namespace (and the same level for warn and audit).`,
  sources: ["CIS GKE 1.9.0 4.2.1", `${PSS}: Pod Security Admission`],
  types: [K8S.namespace],
  config: {
    allowedLevels: {
      type: "array",
      items: { type: "string", enum: ["privileged", "baseline", "restricted"] },
      description: "Pod Security Admission levels a namespace may enforce.",
      default: ["restricted"],
    },
  },
  check: (props, { config }) =>
    checkSettings(props, [
      {
        path: ["metadata", "labels", PSA_ENFORCE],
        ok: (v) => typeof v === "string" && config.allowedLevels.includes(v),
        fix: config.allowedLevels.map((l) => `"${l}"`).join(" or "),
        requirement: "Namespaces must reject pods that break the Pod Security Standards",
      },
    ]),
});
