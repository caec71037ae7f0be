// Node labels and taints shared by the node pools (cluster.ts) and the chart's scheduling values
// (chart/). The names are Z2JH's, and the policy pack checks them too, so they live in the pack's
// contract module (policy-pack/contracts/labels.ts) and the program imports them from there.

import { dedicatedTaintKey } from "../../policy-pack/contracts/labels";

export { dedicatedTaintKey, nodePurposeLabel, poolPurpose } from "../../policy-pack/contracts/labels";

/** The taint on user and GPU pools; Z2JH's user pods tolerate `hub.jupyter.org/dedicated=user`. */
export function dedicatedTaint(purpose: "user" | "gpu"): { key: string; value: string; effect: "NO_SCHEDULE" } {
  return { key: dedicatedTaintKey, value: purpose, effect: "NO_SCHEDULE" };
}
