// Kubernetes workloads the program declares itself (Pods and the controllers that template them): the
// Pod Security Standards "restricted" profile, which includes "baseline"
// (https://kubernetes.io/docs/concepts/security/pod-security-standards/, Kubernetes 1.33), plus resource
// limits, service-account tokens and pinned images. Workloads rendered by the JupyterHub chart are
// covered through its values (jupyterhub.ts); the namespace/NetworkPolicy rule is a stack policy.

import {
  entries,
  get,
  isUnknown,
  list,
  notTrue,
  resourcePolicy,
  UNKNOWN,
  violation,
  checkSettings,
  type HardeningResourcePolicy,
  type PolicyText,
  type Setting,
} from "./core";
import { SECCOMP_TYPES, unpinnedImage, publicLoadBalancer } from "./jupyterhub";
import { admittedMetadataPaths, noEgressAllowRules } from "../contracts/chartNetpol";
import { K8S, WORKLOADS, WORKLOAD_TYPES } from "./types";

export interface ContainerView {
  readonly where: string;
  readonly container: unknown;
}

/** A workload's pod template, located: spec, annotations and every container with its input path. */
export interface PodView {
  readonly where: string;
  readonly spec: unknown;
  readonly annotations: unknown;
  /** Input path of the pod template's annotations. */
  readonly annotationsWhere: string;
  readonly containers: readonly ContainerView[];
}

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"];

export function podView(type: string, props: Record<string, unknown>): PodView | undefined {
  const path = WORKLOADS[type];
  if (path === undefined) return undefined;
  const where = path.join(".");
  const spec = get(props, path);
  const annotationsPath = [...path.slice(0, -1), "metadata", "annotations"];
  const annotations = get(props, annotationsPath);
  const containers: ContainerView[] = [];
  for (const key of CONTAINER_LISTS) {
    const items = list(get(spec, key));
    if (items === UNKNOWN) continue;
    items.forEach((container, i) => containers.push({ where: `${where}.${key}[${i}]`, container }));
  }
  return { where, spec, annotations, annotationsWhere: annotationsPath.join("."), containers };
}

type PodCheck = (pod: PodView) => string[];

/** A policy over every workload's pod template. */
function podPolicy(spec: Omit<PolicyText, "area"> & { readonly check: PodCheck }): HardeningResourcePolicy {
  return resourcePolicy({
    ...spec,
    area: "Kubernetes",
    types: WORKLOAD_TYPES,
    check: (props, { type }) => {
      const pod = podView(type, props);
      return pod === undefined || isUnknown(pod.spec) ? [] : spec.check(pod);
    },
  });
}

/** The same settings on the pod's securityContext and on every container's. */
function podAndContainers(pod: PodView, settings: readonly Setting[]): string[] {
  return [
    ...checkSettings(get(pod.spec, "securityContext"), settings, `${pod.where}.securityContext`),
    ...pod.containers.flatMap(({ where, container }) => checkSettings(get(container, "securityContext"), settings, `${where}.securityContext`)),
  ];
}

function containersOnly(pod: PodView, settings: readonly Setting[]): string[] {
  return pod.containers.flatMap(({ where, container }) => checkSettings(get(container, "securityContext"), settings, `${where}.securityContext`));
}

const PSS = "Pod Security Standards";

// --- baseline -------------------------------------------------------------------------------------

export const k8sPssHostProcess = podPolicy({
  name: "k8s-pss-host-process",
  description: "Checks that no pod runs Windows HostProcess containers.",
  severity: "critical",
  remediationSteps: "Remove `securityContext.windowsOptions.hostProcess` (or set it to false) on the pod and its containers.",
  sources: [`${PSS}: baseline (HostProcess)`],
  check: (pod) => podAndContainers(pod, [
    { path: "windowsOptions.hostProcess", ok: notTrue, fix: "false", requirement: "Pods must not run with host access" },
  ]),
});

export const k8sPssHostNamespaces = podPolicy({
  name: "k8s-pss-host-namespaces",
  description: "Checks that no pod shares the node's network, PID or IPC namespace.",
  severity: "critical",
  remediationSteps: "Remove `hostNetwork`, `hostPID` and `hostIPC` from the pod spec (or set them to false).",
  sources: [`${PSS}: baseline (Host Namespaces)`, "CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19"],
  check: (pod) => checkSettings(pod.spec, ["hostNetwork", "hostPID", "hostIPC"].map((path) => ({
    path,
    ok: notTrue,
    fix: "false",
    requirement: "Pods must not share the node's namespaces",
  })), pod.where),
});

export const k8sPssPrivileged = podPolicy({
  name: "k8s-pss-privileged",
  description: "Checks that no container runs privileged.",
  severity: "critical",
  remediationSteps: "Remove `securityContext.privileged` from every container (or set it to false).",
  sources: [`${PSS}: baseline (Privileged Containers)`, "CKV_K8S_16"],
  check: (pod) => containersOnly(pod, [{ path: "privileged", ok: notTrue, fix: "false", requirement: "Containers must not be privileged" }]),
});

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

export const k8sPssHostPorts = podPolicy({
  name: "k8s-pss-host-ports",
  description: "Checks that no container binds a port on the node (hostPort).",
  severity: "high",
  remediationSteps: "Remove `ports[].hostPort` and expose the port with a Service instead.",
  sources: [`${PSS}: baseline (Host Ports)`, "CKV_K8S_26"],
  check: (pod) =>
    pod.containers.flatMap(({ where, container }) => {
      const ports = list(get(container, "ports"));
      if (ports === UNKNOWN) return [];
      return ports.flatMap((port, i) =>
        checkSettings(port, [{ path: "hostPort", ok: (v) => v === undefined || v === 0, fix: "nothing (remove it)", requirement: "Containers must not bind node ports" }], `${where}.ports[${i}]`),
      );
    }),
});

const APPARMOR_TYPES = ["RuntimeDefault", "Localhost"];
const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

export const k8sPssAppArmor = podPolicy({
  name: "k8s-pss-apparmor",
  description: "Checks that no pod or container disables its AppArmor profile.",
  severity: "high",
  remediationSteps: 'Leave `securityContext.appArmorProfile` unset or set `type: "RuntimeDefault"`; do not annotate containers with `unconfined`.',
  sources: [`${PSS}: baseline (AppArmor)`],
  check: (pod) => {
    const messages = podAndContainers(pod, [
      { path: "appArmorProfile.type", ok: (v) => v === undefined || (typeof v === "string" && APPARMOR_TYPES.includes(v)), fix: '"RuntimeDefault"', requirement: "AppArmor must confine containers" },
    ]);
    for (const [key, value] of entries(pod.annotations)) {
      if (key.startsWith(APPARMOR_ANNOTATION) && typeof value === "string" && value !== "runtime/default" && !value.startsWith("localhost/")) {
        messages.push(violation("AppArmor must confine containers", `${pod.annotationsWhere}["${key}"]`, '"runtime/default"', value));
      }
    }
    return messages;
  },
});

const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

export const k8sPssSelinux = podPolicy({
  name: "k8s-pss-selinux",
  description: "Checks that no pod or container sets a custom SELinux user, role or a privileged type.",
  severity: "high",
  remediationSteps: "Remove `seLinuxOptions.user` and `.role`, and leave `.type` unset or one of container_t, container_init_t, container_kvm_t.",
  sources: [`${PSS}: baseline (SELinux)`],
  check: (pod) => podAndContainers(pod, [
    { path: "seLinuxOptions.type", ok: (v) => v === undefined || (typeof v === "string" && SELINUX_TYPES.includes(v)), fix: '"container_t"', requirement: "SELinux must keep the container type" },
    { path: "seLinuxOptions.user", ok: (v) => v === undefined, fix: "nothing (remove it)", requirement: "SELinux user must not be overridden" },
    { path: "seLinuxOptions.role", ok: (v) => v === undefined, fix: "nothing (remove it)", requirement: "SELinux role must not be overridden" },
  ]),
});

export const k8sPssProcMount = podPolicy({
  name: "k8s-pss-proc-mount",
  description: "Checks that no container unmasks /proc.",
  severity: "high",
  remediationSteps: 'Remove `securityContext.procMount` or set it to "Default".',
  sources: [`${PSS}: baseline (/proc Mount Type)`],
  check: (pod) => containersOnly(pod, [
    { path: "procMount", ok: (v) => v === undefined || v === "Default", fix: '"Default"', requirement: "/proc must stay masked" },
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
      messages.push(violation("Pods must not run unconfined by seccomp", `${pod.where}.securityContext.seccompProfile.type`, '"RuntimeDefault"', podType));
    }
    for (const { where, container } of pod.containers) {
      const type = get(container, "securityContext.seccompProfile.type");
      if (isUnknown(type)) continue;
      if (type === undefined ? !allowed(podType) : !allowed(type)) {
        messages.push(violation("Every container must run with a seccomp profile", `${where}.securityContext.seccompProfile.type (or the pod's)`, '"RuntimeDefault"', type));
      }
    }
    return messages;
  },
});

/** The sysctls the baseline profile allows (Kubernetes 1.33). */
export const SAFE_SYSCTLS = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
];

export const k8sPssSysctls = podPolicy({
  name: "k8s-pss-sysctls",
  description: "Checks that pods set only the sysctls the baseline profile allows.",
  severity: "medium",
  remediationSteps: `Remove \`securityContext.sysctls\` other than ${SAFE_SYSCTLS.join(", ")}.`,
  sources: [`${PSS}: baseline (Sysctls)`],
  check: (pod) => {
    const sysctls = list(get(pod.spec, "securityContext.sysctls"));
    if (sysctls === UNKNOWN) return [];
    return sysctls.flatMap((sysctl, i) => {
      const name = get(sysctl, "name");
      return isUnknown(name) || (typeof name === "string" && SAFE_SYSCTLS.includes(name))
        ? []
        : [violation("Pods must not change unsafe kernel parameters", `${pod.where}.securityContext.sysctls[${i}]`, "nothing (remove it)", name)];
    });
  },
});

// --- restricted -----------------------------------------------------------------------------------

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
      return bad.length === 0 ? [] : [violation("Pods must not mount node or network volumes", `${pod.where}.volumes[${i}]`, `one of ${ALLOWED_VOLUME_TYPES.join(", ")}`, bad.join(", "))];
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
    for (const { where, container } of pod.containers) {
      const value = get(container, "securityContext.runAsNonRoot");
      if (isUnknown(value)) continue;
      if (value === false || (value === undefined && podValue !== true)) {
        messages.push(violation("Containers must be required to run as non-root", `${where}.securityContext.runAsNonRoot (or the pod's)`, "true", value));
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

// --- beyond PSS -----------------------------------------------------------------------------------

export const k8sResourceLimits = podPolicy({
  name: "k8s-resource-limits",
  description: "Checks that every container has CPU and memory limits.",
  severity: "medium",
  remediationSteps: "Set `resources.limits.cpu` and `resources.limits.memory` (and requests) on every container and init container.",
  sources: ["CKV_K8S_11", "CKV_K8S_13", "kube-score container-resources", "Polaris cpuLimitsMissing/memoryLimitsMissing"],
  check: (pod) =>
    pod.containers
      .filter(({ where }) => !where.includes(".ephemeralContainers["))
      .flatMap(({ where, container }) =>
        checkSettings(container, ["cpu", "memory"].map((r) => ({
          path: `resources.limits.${r}`,
          ok: (v) => v !== undefined && v !== null && v !== "",
          fix: r === "cpu" ? '"500m" (for example)' : '"512Mi" (for example)',
          requirement: `Containers must have a ${r} limit`,
        })), where),
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
    return [violation("Pods must not carry the default service account's token", `${pod.where}.automountServiceAccountToken`, "false", automount)];
  },
});

export const k8sPinnedImages = podPolicy({
  name: "k8s-pinned-images",
  description: "Checks that every container image is pinned by tag or digest (no latest, no missing tag).",
  severity: "medium",
  remediationSteps: 'Set every `image` to "<name>:<version>" or "<name>@sha256:<digest>".',
  sources: ["CKV_K8S_14", "CKV_K8S_43", "kube-score container-image-tag"],
  check: (pod) =>
    pod.containers.flatMap(({ where, container }) => {
      const image = get(container, "image");
      if (typeof image !== "string" || isUnknown(image)) return [];
      const reason = unpinnedImage(image);
      return reason === undefined ? [] : [violation(`Images must be pinned; ${image} ${reason}`, `${where}.image`, '"<name>:<version>" or a digest', image)];
    }),
});

export const k8sNoPublicLoadBalancer = resourcePolicy({
  name: "k8s-no-public-load-balancer",
  description: "Checks that no Service is a load balancer open to the whole internet.",
  area: "Kubernetes",
  severity: "high",
  remediationSteps:
    'Use `type: "ClusterIP"` behind the Gateway, or set `spec.loadBalancerSourceRanges` to specific CIDRs (or the internal LB annotation `networking.gke.io/load-balancer-type: "Internal"`).',
  sources: ["kube-score service-type", "Z2JH docs: administrator/security.md"],
  types: [K8S.service],
  check: (props) => {
    const type = get(props, "spec.type");
    if (isUnknown(type) || !publicLoadBalancer(type, get(props, "spec.loadBalancerSourceRanges"), get(props, "metadata.annotations"))) return [];
    return [violation("Services must not be load balancers open to the world", "spec.loadBalancerSourceRanges", "specific CIDRs (or use ClusterIP behind the Gateway)", get(props, "spec.loadBalancerSourceRanges"))];
  },
});

/**
 * The program's own NetworkPolicies (those not rendered by the chart) must restrict egress and keep the
 * GKE metadata server out of it, by the same reading of egress rules the chart's policies get
 * (contracts/chartNetpol.ts `admittedMetadataPaths`).
 */
export const k8sNetworkPolicyMetadataEgress = resourcePolicy({
  name: "k8s-network-policy-metadata-egress",
  description: "Checks that every NetworkPolicy the program declares restricts egress and admits no path to the GKE metadata server.",
  area: "Kubernetes",
  severity: "critical",
  remediationSteps:
    'Set `spec.policyTypes` to include "Egress" and give `spec.egress` only the destinations the pods need, as ipBlocks that exclude 169.254.0.0/16 and port 988.',
  sources: ["GKE docs: About Workload Identity Federation for GKE (GKE metadata server)", "CIS GKE 1.9.0 5.4.1", "CIS GKE 1.9.0 4.3.2"],
  types: [K8S.networkPolicy],
  check: (props) => {
    const types = get(props, "spec.policyTypes");
    const egress = get(props, "spec.egress");
    if (isUnknown(types) || isUnknown(egress)) return [];
    if (!Array.isArray(types) || !types.includes("Egress")) {
      return [violation("NetworkPolicies must restrict egress", "spec.policyTypes", '["Ingress", "Egress"]', types)];
    }
    const paths = admittedMetadataPaths({ egress: Array.isArray(egress) ? egress : [] }, noEgressAllowRules);
    return paths.length === 0
      ? []
      : [violation(`Pods must not reach the GKE metadata server (this admits ${paths.map((p) => p.label).join(", ")})`, "spec.egress", "ipBlocks that exclude 169.254.0.0/16 and port 988", egress)];
  },
});

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

export const kubernetesPolicies: readonly HardeningResourcePolicy[] = [
  k8sPssHostProcess,
  k8sPssHostNamespaces,
  k8sPssPrivileged,
  k8sPssCapabilities,
  k8sPssHostPorts,
  k8sPssAppArmor,
  k8sPssSelinux,
  k8sPssProcMount,
  k8sPssSeccomp,
  k8sPssSysctls,
  k8sPssVolumeTypes,
  k8sPssPrivilegeEscalation,
  k8sPssRunAsNonRoot,
  k8sPssRunAsUser,
  k8sResourceLimits,
  k8sServiceAccountToken,
  k8sPinnedImages,
  k8sNoPublicLoadBalancer,
  k8sNetworkPolicyMetadataEgress,
  k8sNamespacePodSecurity,
];
