// Stryker's mocha runner measures which tests reach a mutant by setting the current test's id in a
// root-level `beforeEach` (@stryker-mutator/mocha-runner 9.6.1, mocha-test-runner.js, dryRun). Code a
// `before` hook runs is therefore counted for whichever test ran last, in another describe or another file,
// or as "static" in the first one; the mutant's run then selects that unrelated test, the hook's suite is
// skipped, and the mutant "survives" untested. The component tests plan a stack once in a `before` hook
// and read it in every `it`, so nearly all their coverage came from hooks.
//
// This counts what a `before` hook reaches for every test of the hook's suite instead: each of them needs
// the hook's work, and a mutant's run that selects them runs the hook with the mutant active. Loaded by
// stryker.config.mjs for the components area only; without Stryker's global it does nothing.
"use strict";
const Mocha = require("mocha");

const beforeAll = Mocha.Suite.prototype.beforeAll;

/** Adds the coverage counted under `key` to every test of `suite` (nested suites included). */
function spreadOverSuite(stryker, key, suite) {
  const coverage = stryker.mutantCoverage;
  const reached = coverage?.perTest?.[key];
  if (!reached) return;
  delete coverage.perTest[key];
  suite.eachTest((test) => {
    const id = test.fullTitle();
    const counts = (coverage.perTest[id] ??= {});
    for (const [mutant, hits] of Object.entries(reached)) counts[mutant] = (counts[mutant] ?? 0) + hits;
  });
}

Mocha.Suite.prototype.beforeAll = function (title, fn) {
  if (typeof title === "function") {
    fn = title;
    title = fn.name;
  }
  // A hook taking mocha's `done` callback is left as it is (none of the component tests has one).
  if (typeof fn !== "function" || fn.length > 0) return beforeAll.call(this, title, fn);
  const suite = this;
  async function countedForTheSuite() {
    const stryker = globalThis.__stryker__;
    // Only the first run, with no mutant active, measures coverage.
    if (!stryker || stryker.activeMutant !== undefined) return fn.call(this);
    const key = `before all: ${suite.fullTitle()}`;
    const previous = stryker.currentTestId;
    stryker.currentTestId = key;
    try {
      return await fn.call(this);
    } finally {
      stryker.currentTestId = previous;
      spreadOverSuite(stryker, key, suite);
    }
  }
  return beforeAll.call(this, title, countedForTheSuite);
};
