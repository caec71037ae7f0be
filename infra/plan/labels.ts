// Node labels and taints shared by the node pools (cluster.ts) and the chart's scheduling values
// (chart/). The names are Z2JH's, and the policy pack checks them too, so they live in the pack's
// contract module (policy-pack/contracts/labels.ts) and the program imports them from there.

import { dedicatedTaintKey } from "../../policy-pack/contracts/labels";

export { dedicatedTaintKey, nodePurposeLabel, poolPurpose } from "../../policy-pack/contracts/labels";

/** A pool's dedicated taint, whose value is the pool's purpose. */
export interface DedicatedTaint<P extends "user" | "gpu"> {
  readonly key: typeof dedicatedTaintKey;
  readonly value: P;
  readonly effect: "NO_SCHEDULE";
}

/** The taint on user and GPU pools; Z2JH's user pods tolerate `hub.jupyter.org/dedicated=user`. */
export function dedicatedTaint<P extends "user" | "gpu">(purpose: P): DedicatedTaint<P> {
  return { key: dedicatedTaintKey, value: purpose, effect: "NO_SCHEDULE" };
}
