// The securityContext of the program's own small workloads (the registry proxy, the placeholder calendar):
// everything Pod Security Standards `restricted` asks (Kubernetes docs, "Pod Security Standards",
// Restricted: runAsNonRoot true, seccompProfile RuntimeDefault, allowPrivilegeEscalation false,
// capabilities drop ALL), plus a read-only root, which neither needs to write to. As plain data, so both
// components declare the same fields and a test can read them without the mock runtime.

/** The pod's: a fixed non-root uid and gid, the runtime's default seccomp profile. */
export function restrictedPodSecurityContext(uid: number) {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, seccompProfile: { type: "RuntimeDefault" } };
}

/** Each container's: no privilege escalation, no capabilities, a read-only root filesystem. */
export function restrictedContainerSecurityContext() {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}
