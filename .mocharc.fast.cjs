// `npm run test:fast`: the unit tests, in seconds. A test file whose first line starts with `// SLOW`
// (it runs the program or a component under Pulumi's mock runtime, or starts a real process: JupyterHub,
// the proxy, Python, npm, the pack's analyzer) runs only in `npm test`, which runs every file
// (.mocharc.json). test/support/slowMarks.test.ts checks that the files doing those things carry the mark.
const fs = require("fs");
const path = require("path");

const base = JSON.parse(fs.readFileSync(path.join(__dirname, ".mocharc.json"), "utf8"));
const testDir = path.join(__dirname, "test");
const testFiles = fs
  .readdirSync(testDir, { recursive: true })
  .filter((file) => file.endsWith(".test.ts"))
  .map((file) => path.join(testDir, file))
  .sort();

module.exports = {
  ...base,
  spec: testFiles.filter((file) => !fs.readFileSync(file, "utf8").startsWith("// SLOW")),
};
