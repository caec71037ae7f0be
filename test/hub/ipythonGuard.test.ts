// SLOW: starts a real IPython and pip.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { shippedFilesDir } from "../../infra/files";
import { probeRunsc } from "../../bench/runsc";
import { removeScratchDirs, requirePythonModule, runPython, scratchDir } from "./python";

// The shell-escape guard against a real IPython (Debian's 8.5). Each escape would create a marker file
// if it ran; the control run without the guard shows the same cells do run shell commands, so the
// assertions below can fail.
//
// Every case runs twice: natively, and inside gVisor (`runsc do`, as bench/runsc.ts runs it), where user
// pods run under GKE Sandbox. The sandboxed process sees the host's files through gVisor's gofer, with the
// same env and cwd (runsc/cmd/do.go, gVisor release-20221219.0), and its writes reach the host, so a marker
// file made inside shows up here: the control proves that under gVisor too.

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
    // the rest of what the guard's comment and explanation claim ("and friends"), one by one
    "%sc": `%sc out=touch ${marker("sc")}`,
    "%%!": `%%!\ntouch ${marker("bang-cell")}`,
    "%%sx": `%%sx\ntouch ${marker("sx-cell")}`,
    "%%system": `%%system\ntouch ${marker("system-cell")}`,
    // IPython's default shell aliases (core/alias.py, default_aliases) run through InteractiveShell.system
    "%mkdir alias": `%mkdir ${marker("mkdir")}`,
    "%cp alias": `%cp ${guardFile} ${marker("cp")}`,
    "%ls alias": `%ls > ${marker("ls")}`,
    // ScriptMagics' shortcuts for interpreters present on this machine (core/magics/script.py, script_magics)
    "%%perl": `%%perl\nopen(my $f, ">", "${marker("perl")}");`,
    "%%python3": `%%python3\nopen("${marker("python3")}", "w")`,
    "%%script sh": `%%script sh\ntouch ${marker("script-sh")}`,
    // each InteractiveShell method the guard replaces, called directly from a cell
    "shell.system": `get_ipython().system("touch ${marker("m-system")}")`,
    "shell.system_piped": `get_ipython().system_piped("touch ${marker("m-piped")}")`,
    "shell.system_raw": `get_ipython().system_raw("touch ${marker("m-raw")}")`,
    "shell.getoutput": `get_ipython().getoutput("touch ${marker("m-getoutput")}")`,
  };
}

const ordinaryCells = {
  arithmetic: "x = 1 + 1; print(x)",
  "import json": "import json; print(json.dumps({'ok': True}))",
  // the guard leaves no name of its own in the notebook's namespace
  "namespace": "print([name for name in globals() if 'shell_escape' in name])",
};

function runCells(guard: string, dir: string, cells: Record<string, string>, sandbox: boolean): CellResults {
  const result = runPython([driver, guard], { input: JSON.stringify(cells), cwd: dir, sandbox });
  assert.strictEqual(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as CellResults;
}

function markers(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith("ran-")).sort();
}

for (const sandbox of [false, true]) describe(`the IPython shell-escape guard, in a real IPython${sandbox ? ", inside gVisor (runsc)" : ""}`, function () {
  this.timeout(120_000);
  before(function () {
    requirePythonModule("IPython");
    if (!sandbox) return;
    const runsc = probeRunsc();
    // Only a missing runsc skips (.ci/run installs it); one that is installed but cannot run fails loudly.
    if (!runsc.ok && runsc.missing) {
      console.warn(`      skipped, the guard is not tested inside gVisor: ${runsc.reason}`);
      this.skip();
    }
    if (!runsc.ok) throw new Error(runsc.reason);
  });
  after(removeScratchDirs);

  it(sandbox ? "runs inside gVisor: the kernel log is gVisor's" : "runs natively: the kernel log is not gVisor's", () => {
    const dir = scratchDir("guard-kernel-");
    const dmesg = runPython(["-c", "import subprocess; print(subprocess.run(['dmesg'], capture_output=True, text=True).stdout)"], { cwd: dir, sandbox });
    assert.strictEqual(dmesg.status, 0, dmesg.stderr);
    (sandbox ? assert.match : assert.doesNotMatch)(dmesg.stdout, /Starting gVisor/);
  });

  it("control: without the guard, these cells do run shell commands", () => {
    const dir = scratchDir("no-guard-");
    const cells = escapeCells(dir);
    runCells("-", dir, cells, sandbox);
    assert.strictEqual(markers(dir).length, Object.keys(cells).length, `markers: ${markers(dir).join(", ")}`);
  });

  it("refuses every shell escape with the explanation, and none of them runs", () => {
    const dir = scratchDir("guard-");
    const results = runCells(guardFile, dir, escapeCells(dir), sandbox);
    for (const [cell, { output, error }] of Object.entries(results)) {
      assert.strictEqual(error, "ShellEscapeRefused", `${cell}: ${output}`);
      assert.match(output, explanation, cell);
      // the refusal is the message, not a crash: no traceback
      assert.doesNotMatch(output, /Traceback|most recent call/, `${cell} shows a traceback: ${output}`);
    }
    assert.deepStrictEqual(markers(dir), []);
  });

  it("lets ordinary Python run", () => {
    const dir = scratchDir("guard-ok-");
    const results = runCells(guardFile, dir, ordinaryCells, sandbox);
    assert.deepStrictEqual(results.arithmetic, { output: "2\n", error: null });
    assert.deepStrictEqual(results["import json"], { output: '{"ok": true}\n', error: null });
    assert.deepStrictEqual(results.namespace, { output: "[]\n", error: null });
  });

  it("keeps %pip working, without a shell (so `%pip install x; rm -rf ~` cannot chain a command)", () => {
    const dir = scratchDir("guard-pip-");
    const results = runCells(guardFile, dir, {
      pip: "%pip --version",
      chained: `%pip --version; touch ${path.join(dir, "ran-pip")}`,
      failing: "%pip no-such-pip-command",
    }, sandbox);
    // ...a pip that fails shows pip's own error (stderr included), with no Python traceback and no reminder
    assert.match(results.failing.output, /ERROR: unknown command "no-such-pip-command"/);
    assert.doesNotMatch(results.failing.output, /restart the kernel|Traceback|CalledProcessError/);
    assert.strictEqual(results.failing.error, null);
    // pip itself runs and answers (this is the pip of the interpreter the kernel runs on), its output as
    // text, followed by IPython's own reminder after a pip that succeeded...
    assert.match(results.pip.output, /^pip \d+\.\d+\S* from \S+ \(python \d+\.\d+\)\nNote: you may need to restart the kernel to use updated packages\.\n$/);
    assert.strictEqual(results.pip.error, null);
    // ...and a chained shell command is handed to pip as an argument, never to a shell.
    assert.doesNotMatch(results.chained.output, explanation);
    assert.deepStrictEqual(markers(dir), []);
  });

  it("does nothing in plain Python (no IPython shell to guard)", () => {
    const plain = runPython([guardFile], { cwd: scratchDir("guard-plain-"), sandbox });
    assert.strictEqual(plain.status, 0, plain.stderr);
    assert.strictEqual(plain.stdout + plain.stderr, "");
  });

  it("is loaded by the shipped system-wide ipython_config.py, as every kernel would load it", () => {
    const dir = scratchDir("guard-config-");
    const marker = path.join(dir, "ran-config");
    const refused = runPython(["-m", "IPython", "--colors=NoColor", `--config=${systemConfigFile}`, "-c", `!touch ${marker}`], { cwd: dir, sandbox });
    assert.match(refused.stdout + refused.stderr, explanation);
    assert.ok(!fs.existsSync(marker), "the shell command ran");
    const ok = runPython(["-m", "IPython", "--colors=NoColor", `--config=${systemConfigFile}`, "-c", "print(6 * 7)"], { cwd: dir, sandbox });
    assert.strictEqual(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /42/);
  });
});
