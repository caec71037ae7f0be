// Node labels and taints shared by the node pools (cluster.ts) and the chart's scheduling values
// (chartValues.ts), so the two can never disagree. Names from Z2JH's optimisation guide.

export const nodePurposeLabel = "hub.jupyter.org/node-purpose";
export const dedicatedTaintKey = "hub.jupyter.org/dedicated";

export const poolPurpose = { core: "core", user: "user", gpu: "gpu" } as const;

/** The taint on user and GPU pools; Z2JH's user pods tolerate `hub.jupyter.org/dedicated=user`. */
export function dedicatedTaint(purpose: "user" | "gpu"): { key: string; value: string; effect: "NO_SCHEDULE" } {
  return { key: dedicatedTaintKey, value: purpose, effect: "NO_SCHEDULE" };
}
