// planRush remembers its last plans in a module-level map (infra/plan/rush/index.ts). Stryker's mocha runner
// loads the modules once per worker and keeps them from one mutant to the next (mutant switching,
// @stryker-mutator/mocha-runner 9.6.1), so a test that plans a stack could be handed a plan worked out under
// an earlier mutant: a mutant counted as killed by another's change, or one that survived because the
// unchanged plan was remembered. When the active mutant is not the one the plans were worked out under, this
// forgets them before the test; tests under the same mutant still share them (the dry run stays quick).
// Loaded by stryker.config.mjs for the plan area; without Stryker's global it does nothing.
"use strict";
const path = require("node:path");

let plansWorkedOutUnder = null;

exports.mochaHooks = {
  beforeEach() {
    const stryker = globalThis.__stryker__;
    if (!stryker) return;
    const active = stryker.activeMutant ?? "none";
    if (active === plansWorkedOutUnder) return;
    // The sandbox's copy: the same file the tests imported, so the same module instance.
    require(path.resolve("infra/plan/rush/index.ts")).forgetRushPlans();
    plansWorkedOutUnder = active;
  },
};
