// The Pod Security Standards "baseline" profile for the workloads the program declares: no HostProcess,
// no host namespaces, no privileged containers, no host ports, AppArmor and SELinux left confining, /proc
// masked, only safe sysctls (https://kubernetes.io/docs/concepts/security/pod-security-standards/,
// Kubernetes 1.33). Baseline's capabilities, seccomp and hostPath controls are checked in their stricter
// restricted form (./restricted.ts).

import { checkSettings, entries, get, isUnknown, list, notTrue, UNKNOWN, violation } from "../core";
import { containerAt, containersOnly, podAndContainers, podPolicy, PSS } from "./shared";

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
  })), (path) => pod.locate(path)),
});

export const k8sPssPrivileged = podPolicy({
  name: "k8s-pss-privileged",
  description: "Checks that no container runs privileged.",
  severity: "critical",
  remediationSteps: "Remove `securityContext.privileged` from every container (or set it to false).",
  sources: [`${PSS}: baseline (Privileged Containers)`, "CKV_K8S_16"],
  check: (pod) => containersOnly(pod, [{ path: "privileged", ok: notTrue, fix: "false", requirement: "Containers must not be privileged" }]),
});

export const k8sPssHostPorts = podPolicy({
  name: "k8s-pss-host-ports",
  description: "Checks that no container binds a port on the node (hostPort).",
  severity: "high",
  remediationSteps: "Remove `ports[].hostPort` and expose the port with a Service instead.",
  sources: [`${PSS}: baseline (Host Ports)`, "CKV_K8S_26"],
  check: (pod) =>
    pod.containers.flatMap((c) => {
      const ports = list(get(c.container, "ports"));
      if (ports === UNKNOWN) return [];
      return ports.flatMap((port, i) =>
        checkSettings(port, [{ path: "hostPort", ok: (v) => v === undefined || v === 0, fix: "nothing (remove it)", requirement: "Containers must not bind node ports" }], (path) => containerAt(pod, c, ["ports", i, ...path])),
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
        : [violation("Pods must not change unsafe kernel parameters", pod.locate(["securityContext", "sysctls", i]), "nothing (remove it)", name)];
    });
  },
});
