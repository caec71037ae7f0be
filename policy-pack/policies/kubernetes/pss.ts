// The Pod Security Standards controls, baseline then restricted, in the pack's order: one list for the
// workload checks (kubernetes/index.ts) and for the chart's derived pods (jupyterhub/podSecurity.ts).

import { k8sPssAppArmor, k8sPssHostNamespaces, k8sPssHostPorts, k8sPssHostProcess, k8sPssPrivileged, k8sPssProcMount, k8sPssSelinux, k8sPssSysctls } from "./baseline";
import { k8sPssCapabilities, k8sPssPrivilegeEscalation, k8sPssRunAsNonRoot, k8sPssRunAsUser, k8sPssSeccomp, k8sPssVolumeTypes } from "./restricted";
import type { PodPolicy } from "./shared";

export const pssPolicies: readonly PodPolicy[] = [
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
];
