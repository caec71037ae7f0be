import { spawnSync } from "child_process";

// How this repository runs a process under gVisor without a container runtime: `runsc do`, shared by the
// benchmark (bench/gvisor.ts) and the shell-escape guard's tests (test/hub/ipythonGuard.test.ts), so the
// guard is tested under the same sandbox the figures describe.
//
// What `runsc do` gives the process (runsc/cmd/do.go at gVisor release-20221219.0, Debian 12's runsc):
// the host's "/" as its root, the caller's working directory as its cwd and the caller's environment
// (`Env: os.Environ()`), so env and cwd pass through unchanged. By default the host filesystem is read-only
// under a writable tmpfs overlay held in the sandbox's memory: a file written inside never reaches the host.
// `-force-overlay=false` turns that overlay off so writes go through gVisor's gofer to the host, as a user
// pod's writes go to its home volume on GKE. The tests need that (an escape's marker file must be visible
// on the host, or "no marker" would prove nothing) and so does the benchmark (file writes must reach a real
// filesystem, not sandbox memory). Newer runsc has `-volume` to open one directory only; 20221219 does not.
// --rootless: no root needed (user namespaces instead); --network=none: the process gets only loopback;
// --platform=ptrace: the platform that works everywhere, including inside this VM; it is gVisor's slowest
// (README, "GKE Sandbox overhead, measured", says what GKE uses instead).
export const runsc = "runsc";
export const runscDoArgs: readonly string[] = ["--rootless", "--network=none", "--platform=ptrace", "do", "-force-overlay=false"];
export const runscPlatform = "ptrace";

export type RunscProbe = { ok: true; version: string } | { ok: false; missing: boolean; reason: string };

let probed: RunscProbe | undefined;

/**
 * Whether runsc is installed and can start a sandbox here. `missing` separates "not installed" (a test may
 * skip) from "installed but cannot run" (a broken environment, which must be reported, not hidden).
 */
export function probeRunsc(): RunscProbe {
  if (probed) return probed;
  const version = spawnSync(runsc, ["--version"], { encoding: "utf8" });
  if (version.error) {
    const missing = (version.error as NodeJS.ErrnoException).code === "ENOENT";
    probed = { ok: false, missing, reason: missing ? "runsc is not installed (Debian: `apt-get install runsc`; .ci/run installs it)" : `runsc --version: ${version.error.message}` };
    return probed;
  }
  const run = spawnSync(runsc, [...runscDoArgs, "/bin/true"], { encoding: "utf8", timeout: 60_000 });
  if (run.error || run.status !== 0) {
    const detail = run.error?.message ?? `exit ${run.status ?? run.signal}: ${(run.stderr + run.stdout).trim().split("\n").slice(-5).join(" | ")}`;
    probed = {
      ok: false,
      missing: false,
      reason:
        `runsc is installed but cannot start a sandbox here (${detail}). Rootless runsc needs unprivileged ` +
        "user namespaces (user.max_user_namespaces > 0; on Ubuntu also kernel.apparmor_restrict_unprivileged_userns=0) " +
        "and ptrace (kernel.yama.ptrace_scope < 3); inside a container, a seccomp/AppArmor profile that allows both.",
    };
    return probed;
  }
  probed = { ok: true, version: version.stdout.split("\n")[0].replace(/^runsc version\s*/, "").trim() };
  return probed;
}
