// Every policy of the pack, in the order the README lists them. `policy-pack/index.ts` serves this list;
// tests and tools import it (never the pack entry, which starts the policy server). The larger areas are
// folders (gke/, jupyterhub/, kubernetes/, and stack/ for the rules that span resources) with one module
// per concern; each folder's index.ts lists its policies in the pack's order.

import type { HardeningPolicy } from "./core";
import { edgePolicies } from "./edge";
import { gkePolicies } from "./gke";
import { jupyterhubPolicies } from "./jupyterhub";
import { kubernetesPolicies } from "./kubernetes";
import { networkPolicies } from "./network";
import { stackPolicies } from "./stack";

export const allPolicies: readonly HardeningPolicy[] = [
  ...gkePolicies,
  ...networkPolicies,
  ...edgePolicies,
  ...jupyterhubPolicies,
  ...kubernetesPolicies,
  ...stackPolicies,
];

export const PACK_NAME = "jupyterhub-gke-hardening";

/** Every policy is mandatory unless it sets its own level or policy config lowers it. */
export const PACK_ENFORCEMENT_LEVEL = "mandatory";

export type { HardeningPolicy } from "./core";
