import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runsc, runscDoArgs } from "../../bench/runsc";

// The Python these tests run: Debian's, which `apt-get install -y python3-ipython` (run by .ci/run) gives
// a real IPython 8.5 and traitlets. `python3` on PATH may be another interpreter without them.
export const systemPython = "/usr/bin/python3";

/** Fails, never skips: the guard and the audit snippet are only tested against the real libraries. */
export function requirePythonModule(module: string): void {
  const probe = spawnSync(systemPython, ["-c", `import ${module}`], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `${systemPython} cannot import ${module} (${probe.error?.message ?? probe.stderr.trim()}). ` +
        "The hub tests need Debian's IPython: .ci/run must run `apt-get install -y python3-ipython`.",
    );
  }
}

const scratchDirs: string[] = [];

/** A scratch directory used as HOME and IPYTHONDIR, so nothing from this machine's profile leaks in. */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

export function removeScratchDirs(): void {
  for (const dir of scratchDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** `sandbox`: run the same interpreter inside gVisor (`runsc do`, bench/runsc.ts), with the same env and cwd. */
export function runPython(args: readonly string[], opts: { input?: string; cwd: string; timeout?: number; sandbox?: boolean; env?: Record<string, string> }): SpawnSyncReturns<string> {
  const [command, argv] = opts.sandbox ? [runsc, [...runscDoArgs, systemPython, ...args]] : [systemPython, [...args]];
  const result = spawnSync(command, argv, {
    encoding: "utf8",
    input: opts.input,
    cwd: opts.cwd,
    // PYTHONDONTWRITEBYTECODE: drivers import real_hub.py from test/hub, which must stay free of __pycache__
    // `env` adds variables (PIP_CONFIG_FILE, say); nothing else of this machine's environment goes in.
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: opts.cwd, IPYTHONDIR: path.join(opts.cwd, ".ipython"), LANG: "C.UTF-8", PYTHONDONTWRITEBYTECODE: "1", ...opts.env },
    timeout: opts.timeout ?? 60_000,
  });
  if (result.error) throw result.error;
  return result;
}

/** Python lines that load a shipped file as the module `m`, by its path (no shipped file is on an import path). */
export function importByPath(file: string): string[] {
  return [
    "import importlib.util",
    `spec = importlib.util.spec_from_file_location("m", ${JSON.stringify(file)})`,
    "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)",
  ];
}
