import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

// The rule that splits the suite (docs/development.md, "The test suite"; .mocharc.fast.cjs): a test file
// whose first line starts with `// SLOW` runs only in `npm test`. A file that runs the program or a
// component under Pulumi's mock runtime, or starts a process, must carry the mark, or `npm run test:fast`
// stops being fast; a file that does neither must not, or its unit tests would leave the fast run.

const testDir = path.resolve(__dirname, "..");

/** Calls that make a test file slow: mock-runtime runs (direct or through test/support/runs.ts and components.ts) and processes. */
const slowCall =
  /\b(?:runOffline|planStack|runOfflinePlan|stackRun|stackRunWith|stackPreview|runWith|declareCluster|assertProgramRefuses|spawn|spawnSync|execFile|execFileSync|runPython)\s*\(/;

function testFiles(): string[] {
  return fs
    .readdirSync(testDir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".test.ts") && path.join(testDir, file) !== __filename) // this file quotes the calls
    .sort();
}

describe("the fast and slow test files", () => {
  const files = testFiles().map((file) => ({ file, source: fs.readFileSync(path.join(testDir, file), "utf8") }));

  it("finds the test files", () => assert.ok(files.length > 30, `only ${files.length} test files under ${testDir}`));

  it("marks every file that runs the program or a component under mocks, or starts a process, as SLOW", () => {
    const unmarked = files.filter(({ source }) => !source.startsWith("// SLOW") && slowCall.test(source)).map(({ file }) => file);
    assert.deepStrictEqual(unmarked, [], "add `// SLOW: <why>` as the first line of these");
  });

  it("marks no other file, so every unit test runs in `npm run test:fast`", () => {
    const needless = files.filter(({ source }) => source.startsWith("// SLOW") && !slowCall.test(source)).map(({ file }) => file);
    assert.deepStrictEqual(needless, []);
  });

  it("can tell a slow call from a mention", () => {
    assert.ok(slowCall.test("const run = await runOffline(stack, {}, [], () => ({}));"));
    assert.ok(slowCall.test("const result = runPython([driver], { input });"));
    assert.ok(!slowCall.test('import { spawn } from "child_process";'));
    assert.ok(!slowCall.test("// runOffline sets the mocks for its own run"));
  });
});
