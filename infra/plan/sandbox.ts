// GKE Sandbox (gVisor) for user pods, as plain data: which pools carry it and what it adds to each user
// pod. The names are GKE's and the policy pack checks them too, so they live in the pack's contract module
// (policy-pack/contracts/sandbox.ts).
//
// What the sandbox changes, from GKE's own page (https://cloud.google.com/kubernetes-engine/docs/concepts/sandbox-pods,
// "Limitations"), and how this program stays true under it:
// - it needs a pool without the sandbox for GKE's system pods: the core pool never carries it;
// - GPUs are supported from GKE 1.29.2-gke.1108000, T4 among the GA models, with GKE's default or latest
//   driver (the GPU pool installs the default): the GPU pool carries it too, so GPU users are sandboxed;
// - "Nodes running sandboxed Pods are prevented from accessing cluster metadata" and Google recommends a
//   NetworkPolicy blocking 169.254.169.254 with Workload Identity: the chart's policies already do
//   (netpol.ts), and user pods hold no Kubernetes or Google credentials either way;
// - incompatible: hostPath, container-level memory metrics (pod-level work), privileged containers, and
//   "Linux kernel security modules such as Seccomp": gVisor does not load the pod's seccomp profile into
//   the sandbox (google/gvisor runsc/boot, `buildOCISeccompProgram`, unless runsc runs with
//   --oci-seccomp); its own kernel runs under gVisor's host seccomp filter instead. No-new-privileges is
//   always on inside the sandbox (runsc/specutils/specutils.go `ValidateSpec`). User pods keep both
//   fields, which Pod Security `restricted` asks for;
// - CPU and memory limits apply only when every container has them: a user pod has one container, with
//   both (chart/index.ts).

import { gkeSandboxType } from "../../policy-pack/contracts/sandbox";
import { SandboxConfig, SandboxPodOverhead } from "../config/types";

export { gkeSandboxType, gvisorRuntimeClass, sandboxNodeKey, sandboxNodeValue } from "../../policy-pack/contracts/sandbox";

/** A pool's GKE Sandbox, as `nodeConfig.sandboxConfig` takes it. */
export interface GkeSandbox {
  readonly type: typeof gkeSandboxType;
}

/** The sandbox of the pools that run user servers (user and GPU), or none. */
export function userPoolSandbox(sandbox: Pick<SandboxConfig, "userSandbox">): GkeSandbox | undefined {
  return sandbox.userSandbox === "gvisor" ? { type: gkeSandboxType } : undefined;
}

export const noPodOverhead: SandboxPodOverhead = { cpuMillicores: 0, memoryMiB: 0 };

/** What the sandbox adds to every user pod's request and limit: its allowance under gVisor, else nothing. */
export function userPodOverhead(sandbox: SandboxConfig): SandboxPodOverhead {
  return sandbox.userSandbox === "gvisor" ? sandbox.podOverhead : noPodOverhead;
}
