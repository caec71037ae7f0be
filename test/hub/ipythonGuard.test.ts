// SLOW: starts a real IPython and pip.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { shippedFilesDir } from "../../infra/plan/chartValues";
import { removeScratchDirs, requirePythonModule, runPython, scratchDir } from "./python";

// The shell-escape guard against a real IPython (Debian's 8.5). Each escape would create a marker file
// if it ran; the control run without the guard shows the same cells do run shell commands, so the
// assertions below can fail.

const guardFile = path.join(shippedFilesDir, "ipython", "refuse_shell_escapes.py");
const systemConfigFile = path.join(shippedFilesDir, "ipython", "ipython_config.py");
const driver = path.join(__dirname, "ipython_guard_driver.py");
const explanation = /ShellEscapeRefused: Shell commands are turned off on this hub\. .*Please use Python instead/;

type CellResults = Record<string, { output: string; error: string | null }>;

/** Cells that each try to create `marker` through one kind of shell escape. */
function escapeCells(dir: string): Record<string, string> {
  const marker = (name: string) => path.join(dir, `ran-${name}`);
  return {
    "!cmd": `!touch ${marker("bang")}`,
    "!!cmd": `!!touch ${marker("bangbang")}`,
    "x = !cmd": `files = !touch ${marker("assign")}`,
    "%sx": `%sx touch ${marker("sx")}`,
    "%system": `%system touch ${marker("system")}`,
    "%%bash": `%%bash\ntouch ${marker("bash")}`,
    "%%sh": `%%sh\ntouch ${marker("sh")}`,
    "%%script bash": `%%script bash\ntouch ${marker("script")}`,
  };
}

const ordinaryCells = {
  arithmetic: "x = 1 + 1; print(x)",
  "import json": "import json; print(json.dumps({'ok': True}))",
};

function runCells(guard: string, dir: string, cells: Record<string, string>): CellResults {
  const result = runPython([driver, guard], { input: JSON.stringify(cells), cwd: dir });
  assert.strictEqual(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as CellResults;
}

function markers(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith("ran-")).sort();
}

describe("the IPython shell-escape guard, in a real IPython", function () {
  this.timeout(60_000);
  before(() => requirePythonModule("IPython"));
  after(removeScratchDirs);

  it("control: without the guard, these cells do run shell commands", () => {
    const dir = scratchDir("no-guard-");
    const cells = escapeCells(dir);
    runCells("-", dir, cells);
    assert.strictEqual(markers(dir).length, Object.keys(cells).length, `markers: ${markers(dir).join(", ")}`);
  });

  it("refuses every shell escape with the explanation, and none of them runs", () => {
    const dir = scratchDir("guard-");
    const results = runCells(guardFile, dir, escapeCells(dir));
    for (const [cell, { output, error }] of Object.entries(results)) {
      assert.strictEqual(error, "ShellEscapeRefused", `${cell}: ${output}`);
      assert.match(output, explanation, cell);
    }
    assert.deepStrictEqual(markers(dir), []);
  });

  it("lets ordinary Python run", () => {
    const dir = scratchDir("guard-ok-");
    const results = runCells(guardFile, dir, ordinaryCells);
    assert.deepStrictEqual(results.arithmetic, { output: "2\n", error: null });
    assert.deepStrictEqual(results["import json"], { output: '{"ok": true}\n', error: null });
  });

  it("keeps %pip working, without a shell (so `%pip install x; rm -rf ~` cannot chain a command)", () => {
    const dir = scratchDir("guard-pip-");
    const results = runCells(guardFile, dir, {
      pip: "%pip --version",
      chained: `%pip --version; touch ${path.join(dir, "ran-pip")}`,
    });
    // pip itself runs and answers (this is the pip of the interpreter the kernel runs on)...
    assert.match(results.pip.output, /^pip \d+\.\d+/m);
    // ...and a chained shell command is handed to pip as an argument, never to a shell.
    assert.doesNotMatch(results.chained.output, explanation);
    assert.deepStrictEqual(markers(dir), []);
  });

  it("is loaded by the shipped system-wide ipython_config.py, as every kernel would load it", () => {
    const dir = scratchDir("guard-config-");
    const marker = path.join(dir, "ran-config");
    const refused = runPython(["-m", "IPython", "--colors=NoColor", `--config=${systemConfigFile}`, "-c", `!touch ${marker}`], { cwd: dir });
    assert.match(refused.stdout + refused.stderr, explanation);
    assert.ok(!fs.existsSync(marker), "the shell command ran");
    const ok = runPython(["-m", "IPython", "--colors=NoColor", `--config=${systemConfigFile}`, "-c", "print(6 * 7)"], { cwd: dir });
    assert.strictEqual(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /42/);
  });
});
