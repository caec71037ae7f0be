// The pack entry the Pulumi CLI runs (`pulumi preview --policy-pack policy-pack`). It only assembles the
// pack: constructing a PolicyPack starts the analyzer's gRPC server, so tests and tools import
// `./policies` instead and never this file.

import { PolicyPack } from "@pulumi/policy";
import { allPolicies, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "./policies";

new PolicyPack(PACK_NAME, {
  policies: [...allPolicies],
  enforcementLevel: PACK_ENFORCEMENT_LEVEL,
  description: "GKE hardening (CIS GKE section 5), network and edge, Zero to JupyterHub values, Pod Security Standards and stack-wide rules for a hub of untrusted users.",
});
