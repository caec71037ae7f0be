// Mocha 12 renamed the CLI internals that @stryker-mutator/mocha-runner 9.6.1 loads (lib/cli/run-helpers,
// lib/cli/options, lib/cli/collect-files) to `.cjs`, and the runner requires them without an extension, so
// loading the plugin throws "Cannot find module .../mocha/lib/cli/run-helpers" (checked here with mocha
// 12.0.3). Upstream's fix probes `.js`, `.cjs` and `.mjs` for those paths (stryker-js pull request #6205,
// open as of 2026-09; the 10.x line needs Node 22). Until a 9.x release has it, this file adds `.cjs` to the
// extensions Node's CommonJS resolver tries for an extensionless path, in the Stryker process (imported by
// stryker.config.mjs) and in each test-runner process (testRunnerNodeArgs). It only changes what an
// extensionless `require` finds when no `.js`/`.json`/`.node` file exists; `.js` still wins.
"use strict";
const Module = require("module");
if (!Object.prototype.hasOwnProperty.call(Module._extensions, ".cjs")) {
  Module._extensions[".cjs"] = Module._extensions[".js"];
}
