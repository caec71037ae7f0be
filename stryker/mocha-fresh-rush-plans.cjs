// planRush remembers its last plans in a module-level map (infra/plan/rush/index.ts). Stryker's mocha runner
// loads the modules once per worker and keeps them from one mutant to the next (mutant switching,
// @stryker-mutator/mocha-runner 9.6.1), so a test that plans a stack could be handed a plan worked out under
// an earlier mutant (a false kill, or a false survivor), and in the first run a plan worked out for an
// earlier test would hide the rush code from later tests, which would then never run against its mutants.
// Before each test this forgets them when the scope changes: the same scope as the stack runs'
// (test/support/strykerScope.ts): one test in the first run, one mutant after it. Loaded by
// stryker.config.mjs for the plan area; without Stryker's global it does nothing.
"use strict";
const path = require("node:path");

let plansWorkedOutUnder = "";

exports.mochaHooks = {
  beforeEach() {
    if (!globalThis.__stryker__) return;
    // The sandbox's copies (ts-node is registered before this file): the same modules the tests import.
    const { strykerScope } = require(path.resolve("test/support/strykerScope.ts"));
    const scope = strykerScope();
    if (scope === plansWorkedOutUnder) return;
    require(path.resolve("infra/plan/rush/index.ts")).forgetRushPlans();
    plansWorkedOutUnder = scope;
  },
};
