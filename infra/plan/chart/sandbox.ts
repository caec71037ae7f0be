// The chart values that put user pods in GKE Sandbox (plan/sandbox.ts), and what follows from it for the
// other pods that must land on sandboxed nodes. Keys are Z2JH 4.4.0's (values.schema.yaml):
// - user pods: `singleuser.extraPodConfig` is KubeSpawner's `extra_pod_config` (files/hub/jupyterhub_config.py),
//   merged into the pod spec with camelCase keys mapped to the model's (kubespawner 7.0.0 objects.py
//   `make_pod`, utils.py `update_k8s_model`), so the pod gets `runtimeClassName: gvisor`. GKE's `gvisor`
//   RuntimeClass then adds the node selector and toleration for `sandbox.gke.io/runtime=gvisor`. The GPU
//   profile overrides no `extra_pod_config`, so GPU pods are sandboxed too, on the sandboxed GPU pool;
// - placeholders: `scheduling.userPlaceholder.extraPodSpec` is added to their pod spec as-is
//   (templates/scheduling/user-placeholder/statefulset.yaml). They must run where user pods run and reserve
//   what user pods request; without the RuntimeClass they would never tolerate GKE's taint and stay Pending;
// - image pullers: the chart offers them no pod spec, only `prePuller.extraTolerations`
//   (templates/image-puller/_helpers-daemonset.tpl). They tolerate GKE's taint and run as regular pods on
//   sandboxed nodes, which GKE allows ("you can run regular Pods on a node with GKE Sandbox enabled",
//   GKE Sandbox concepts page); they run only the organisers' images, and pull them into the node's
//   containerd store that sandboxed pods start from.
// The hub, proxy and chart services stay on the core pool, unsandboxed.
import { CapacityConfig, SandboxConfig } from "../../config/types";
import { userPodRequest } from "../capacity";
import { gvisorRuntimeClass, sandboxNodeKey, sandboxNodeValue, userPodOverhead } from "../sandbox";
import { Toleration } from "./types";

/** `runtimeClassName: gvisor`, for KubeSpawner's extra_pod_config and the placeholders' extraPodSpec. */
export interface SandboxRuntime {
  readonly runtimeClassName: typeof gvisorRuntimeClass;
}

/** The pod spec addition that sandboxes a pod, or nothing without the sandbox. */
export function sandboxRuntime(sandbox: SandboxConfig): SandboxRuntime | undefined {
  return sandbox.userSandbox === "gvisor" ? { runtimeClassName: gvisorRuntimeClass } : undefined;
}

/** The image pullers' extra toleration of GKE's sandbox taint, or none without the sandbox. */
export function prePullerTolerations(sandbox: SandboxConfig): Toleration[] {
  return sandbox.userSandbox === "gvisor" ? [{ key: sandboxNodeKey, operator: "Equal", value: sandboxNodeValue, effect: "NoSchedule" }] : [];
}

const BYTES_PER_MIB = 1024 ** 2;

/**
 * `singleuser.cpu` and `singleuser.memory`: each user's guarantee and limit plus what the sandbox adds.
 * gVisor's kernel runs inside the pod's cgroup, under the pod's limits (google/gvisor#10264), so both
 * grow by the allowance and the user keeps the share the config promises. Memory in bytes (`gibToBytes`);
 * CPU summed in millicores so 0.1 + 0.05 stays 0.15.
 */
export function userPodResources(capacity: CapacityConfig, sandbox: SandboxConfig) {
  const overhead = userPodOverhead(sandbox);
  const request = userPodRequest(capacity, overhead);
  const mib = (m: number) => Math.round(m * BYTES_PER_MIB);
  return {
    cpu: {
      guarantee: request.cpuMillicores / 1000,
      limit: (capacity.userCpuLimit * 1000 + overhead.cpuMillicores) / 1000,
    },
    memory: {
      guarantee: mib(request.memoryMiB),
      limit: mib(capacity.userMemoryLimitGiB * 1024 + overhead.memoryMiB),
    },
  };
}
