// GKE Sandbox's names: a contract between the program (which turns the sandbox on for the user and GPU
// pools and asks for it in the chart's user pod values) and the pack (which checks both sides agree).
//
// Shared, not duplicated: these are GKE's names, not limits. Sources:
// - the RuntimeClass GKE creates in a cluster with a sandboxed pool is `gvisor`, and a sandboxed pod sets
//   `runtimeClassName: gvisor` (GKE docs, "Harden workload isolation with GKE Sandbox",
//   https://cloud.google.com/kubernetes-engine/docs/how-to/sandbox-pods);
// - GKE labels and taints sandboxed nodes `sandbox.gke.io/runtime=gvisor` (NoSchedule), the RuntimeClass
//   carries the matching node selector and toleration, and the taint is GKE's alone: a node pool that
//   names it is refused with "Node taints with key "sandbox.gke.io/runtime" are managed by GKE and must
//   not be manually specified" (crossplane-contrib/provider-gcp#491);
// - @pulumi/gcp 9.37 `NodePoolNodeConfigSandboxConfig.type` takes "GVISOR"; `sandboxType: "gvisor"` is
//   its deprecated predecessor (types/input.d.ts).
// A module inside the pack, so `npm pack` ships it; the program reaches it through infra/plan/sandbox.ts.

export const gvisorRuntimeClass = "gvisor";

/** The node label and taint key GKE puts on sandboxed nodes, and their value. */
export const sandboxNodeKey = "sandbox.gke.io/runtime";
export const sandboxNodeValue = "gvisor";

/** `nodeConfig.sandboxConfig.type` of a sandboxed pool (@pulumi/gcp 9.37). */
export const gkeSandboxType = "GVISOR";
