// Mutation testing (StrykerJS 9.6.1, its mocha runner and TypeScript checker): how many small, careless
// changes to the code do the tests catch? How to run it, how long it takes and the scores: docs/testing.md.
//
// One area per run (`npm run mutate:<area>`, or `npm run mutate` for all four in turn), each with its own
// incremental file under reports/mutation/ (kept on your machine, not committed), so a rerun only tests the
// mutants whose code or covering tests changed since. The HTML reports sit next to them.
import "./stryker/mocha12-compat.cjs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));
// Stryker's worker processes (test runners and checkers) load the mocha runner too: they inherit this.
const compat = path.join(root, "stryker/mocha12-compat.cjs");
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --require ${compat}`.trim();
const require = createRequire(import.meta.url);

// The unit tests `npm run test:fast` runs (files not marked `// SLOW:`), relative to the project root, so that
// they name the copies in Stryker's sandbox. The mocha runner is given the list itself: mocha 12's
// loadOptions returns a config file's `spec` as positional arguments (`_`), which the runner drops, and it
// would then run every file under test/, slow ones included.
const fastSpec = require("./.mocharc.fast.cjs").spec.map((file) => path.relative(root, file));

// Which files each area mutates, and which mocha config selects its tests.
const areas = {
  config: { mutate: ["infra/config/**/*.ts"], spec: fastSpec },
  plan: {
    mutate: ["infra/plan/**/*.ts"],
    spec: fastSpec,
    // A remembered rush plan may have been worked out under another mutant or for another test: forget them.
    require: ["./stryker/mocha-fresh-rush-plans.cjs"],
  },
  policies: { mutate: ["policy-pack/policies/**/*.ts"], spec: fastSpec },
  // The components only run under Pulumi's mock runtime, so their tests are `// SLOW:` ones.
  components: {
    mutate: ["infra/components/**/*.ts"],
    spec: [
      "test/components/*.test.ts",
      "test/program.test.ts",
      "test/urns.test.ts",
      "test/lifecycle.test.ts",
      // They read the cluster's, the NAT's and the release's options and values from the declared resources.
      "test/resourceOptions.test.ts",
      "test/securityValues.test.ts",
      // The package registry and proxy (registry.ts) are declared and read under the mock runtime here.
      "test/packages.test.ts",
    ],
    // The component tests plan a stack in a `before` hook: count what it reaches for its suite's tests.
    require: ["./stryker/mocha-before-all-coverage.cjs"],
  },
};
const areaName = process.env.MUTATE_AREA ?? "plan";
const area = areas[areaName];
if (!area) {
  throw new Error(`MUTATE_AREA=${areaName}: expected one of ${Object.keys(areas).join(", ")}`);
}
// MUTATE_SPEC=<prefix>[,<prefix>...] keeps only the area's test files whose path starts with one of them
// (`test/policy-pack/` for the policies, `test/plan/netpol` for one file): on a busy machine the whole fast
// suite overran the dry run's time limit, and the plan's property tests take minutes. A narrower list can
// only lose kills, so a score made with it is a lower bound (docs/testing.md).
const specPrefixes = (process.env.MUTATE_SPEC ?? "").split(",").filter(Boolean);
const spec = specPrefixes.length === 0 ? area.spec : area.spec.filter((file) => specPrefixes.some((prefix) => file.startsWith(prefix)));

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "mocha",
  // .mocharc.json is still read (ts-node, the ts extension, the 120 s timeout); the spec below replaces its.
  mochaOptions: {
    spec,
    extension: ["ts"],
    // ts-node compiles the (mutated) TypeScript as mocha loads it; types are the checker's job below.
    require: ["ts-node/register/transpile-only", ...(area.require ?? [])],
  },
  // Run only the tests that cover a mutant (measured once in the dry run).
  coverageAnalysis: "perTest",
  // A mutant that does not type-check is one the compiler already catches: not a test's job.
  // MUTATE_NO_CHECKER=1 skips the check (much faster on a busy machine; docs/testing.md).
  checkers: process.env.MUTATE_NO_CHECKER ? [] : ["typescript"],
  // The checker type-checks infra/ and policy-pack/ only (stryker/tsconfig.json): the tests do not decide
  // whether a mutant compiles, and with them in its program the checker took twice as long to start.
  tsconfigFile: "stryker/tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // ts-node runs with --transpile-only, so no `// @ts-nocheck` is needed; and a test compares a generated
  // contract file with the committed one byte for byte.
  disableTypeChecks: false,
  mutate: area.mutate,
  // A mutant in code that runs once, when a module loads (the schema table, the thresholds), needs a fresh
  // process and every test for each mutant: a minute each on this machine. They are left out of the score
  // (reported as Ignored); the values those tables hold are tested directly instead (docs/testing.md).
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `reports/mutation/${areaName}.incremental.json`,
  reporters: ["clear-text", "html", "progress"],
  htmlReporter: { fileName: `reports/mutation/${areaName}.html` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  // Two cores shared by several people: never more than two test-runner processes.
  concurrency: 2,
  timeoutMS: 10000,
  // The first run (all tests, with coverage) took over Stryker's default 5 minutes on the shared machine.
  dryRunTimeoutMinutes: 20,
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
