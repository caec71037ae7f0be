// `npm run bench:gvisor`: what GKE Sandbox (gVisor) costs a notebook, measured on this machine with
// Debian's runsc rather than claimed. bench/notebook_workload.py (a kernel start with a notebook's imports,
// many small file writes and reads, a pure-Python CPU loop) runs natively and under `runsc do`, alternating,
// several times each; the medians, spreads and machine facts go to bench/results/gvisor-ptrace.json and
// the README's "GKE Sandbox overhead, measured" block (between its markers), and the table is printed.
//
//   npm run bench:gvisor [-- --runs 7]     measure, write the JSON and the README block, print the table
//   npm run --silent bench:gvisor -- --table [--write]   the README block from the committed JSON only:
//                                                     printed, or written into the README
//
// test/bench/gvisorResults.test.ts fails when the README block differs from the committed JSON.

import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { probeRunsc, runsc, runscDoArgs, runscPlatform } from "./runsc";

const root = path.resolve(__dirname, "..");
export const resultsPath = path.join(root, "bench", "results", "gvisor-ptrace.json");
export const readmePath = path.join(root, "README.md");
export const BLOCK_START = "<!-- gvisor-bench:start -->";
export const BLOCK_END = "<!-- gvisor-bench:end -->";
const workload = path.join(__dirname, "notebook_workload.py");
const python = "/usr/bin/python3";

// The workload's size: 2,000 files of 4 KiB as the issue asks, and a CPU loop of about 1 s natively on
// this machine (an AMD EPYC vCPU).
const FILES = 2000;
const FILE_BYTES = 4096;
const CPU_ITERATIONS = 12_000_000;

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

export type Part = "imports" | "diskWrite" | "diskRead" | "memoryWrite" | "memoryRead" | "cpu" | "wholeRun";
const parts: readonly Part[] = ["imports", "diskWrite", "diskRead", "memoryWrite", "memoryRead", "cpu", "wholeRun"];

export interface BenchResults {
  readonly measuredAt: string;
  readonly command: string;
  readonly machine: {
    readonly cpuModel: string;
    readonly cpus: number;
    readonly kernel: string;
    readonly runscVersion: string;
    readonly platform: string;
    readonly runscInvocation: string;
    readonly python: string;
    readonly ipython: string | null;
    readonly scratchFilesystem: string;
    readonly loadAverageBefore: number;
    readonly loadAverageAfter: number;
  };
  readonly settings: {
    readonly runs: number;
    readonly files: number;
    readonly fileBytes: number;
    readonly fsync: false;
    readonly cpuIterations: number;
  };
  readonly native: Record<Part, Spread>;
  readonly gvisor: Record<Part, Spread>;
  /** `/bin/true` natively and in a fresh sandbox: what starting the sandbox itself costs. */
  readonly sandboxStart: { readonly native: Spread; readonly gvisor: Spread };
  readonly caveat: string;
}

export function spread(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], samples: [...samples] };
}

const seconds = (s: Spread) => `${s.median.toFixed(3)} (${s.min.toFixed(3)}–${s.max.toFixed(3)})`;

/** Sandbox minus native, in seconds (and per file for the file rows): the part no faster disk shrinks. */
function added(gvisor: Spread, native: Spread, perFile?: number): string {
  const diff = gvisor.median - native.median;
  const sign = diff < 0 ? "−" : "+";
  const each = perFile ? ` (${sign}${Math.round((Math.abs(diff) / perFile) * 1e6)} µs a file)` : "";
  return `${sign}${Math.abs(diff).toFixed(3)} s${each}`;
}

/** The README block: the table (median and min–max of the runs) and where it was measured. */
export function renderBlock(r: BenchResults): string {
  const n = r.settings.files.toLocaleString("en-US");
  const kib = r.settings.fileBytes / 1024;
  const label: Record<Part, string> = {
    imports: `Python start-up + imports (${r.machine.ipython ? "with IPython" : "IPython absent"})`,
    diskWrite: `${n} new files of ${kib} KiB written (no fsync), on the host's disk`,
    diskRead: `the same ${n} files read back from the disk`,
    memoryWrite: `${n} new files of ${kib} KiB written, in memory (\`/dev/shm\`)`,
    memoryRead: `the same ${n} files read back from memory`,
    cpu: `pure-Python CPU loop (${r.settings.cpuIterations.toLocaleString("en-US")} iterations)`,
    wholeRun: "whole run, sandbox start included (wall clock)",
  };
  const f = r.settings.files;
  const perFile: Partial<Record<Part, number>> = { diskWrite: f, diskRead: f, memoryWrite: f, memoryRead: f };
  const rows = [
    "| workload | native s | gVisor (ptrace) s | overhead | added by gVisor |",
    "|---|---|---|---|---|",
    ...parts.map(
      (p) =>
        `| ${label[p]} | ${seconds(r.native[p])} | ${seconds(r.gvisor[p])} | ` +
        `${(r.gvisor[p].median / r.native[p].median).toFixed(2)}× | ${added(r.gvisor[p], r.native[p], perFile[p])} |`,
    ),
    `| starting a sandbox (\`/bin/true\`) | ${seconds(r.sandboxStart.native)} | ${seconds(r.sandboxStart.gvisor)} | — | ` +
      `${added(r.sandboxStart.gvisor, r.sandboxStart.native)}, once per pod |`,
  ];
  const m = r.machine;
  return [
    ...rows,
    "",
    `Median (min–max) of ${r.settings.runs} runs each, alternating, measured ${r.measuredAt.slice(0, 10)} with ` +
      `\`${r.command}\` on ${m.cpus} vCPU ${m.cpuModel}, kernel ${m.kernel}, runsc ${m.runscVersion} ` +
      `(\`${m.runscInvocation}\`), Python ${m.python}${m.ipython ? `, IPython ${m.ipython}` : ""}, files on ${m.scratchFilesystem}, ` +
      `load average ${m.loadAverageBefore.toFixed(1)} before and ${m.loadAverageAfter.toFixed(1)} after. ` +
      "Figures: `bench/results/gvisor-ptrace.json`.",
  ].join("\n");
}

export function extractBlock(readme: string): string | undefined {
  const start = readme.indexOf(BLOCK_START);
  const end = readme.indexOf(BLOCK_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + BLOCK_START.length, end).trim();
}

export const caveat =
  "Measured on gVisor's ptrace platform, its slowest (gVisor's platform guide: ptrace \"has high context switch " +
  "overhead\"; systrap replaced it as the default in mid-2023). GKE Sandbox runs \"an optimized, custom platform\" " +
  "(gVisor's production guide) and a newer gVisor with directfs and the rootfs overlay, so for system-call-heavy " +
  "work (start-up, imports, small files) these overheads are an upper bound. CPU-bound work runs natively under " +
  "any platform and should be near 1×.";

type RunFigures = Record<Exclude<Part, "wholeRun">, number> & { readonly ipython: boolean };

/** One workload run in a fresh scratch directory under the system temp dir (the host's disk, not memory). */
function runWorkload(sandboxed: boolean): Record<Part, number> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gvisor-bench-"));
  try {
    const argv = [workload, scratch, String(FILES), String(FILE_BYTES), String(CPU_ITERATIONS)];
    const [cmd, args] = sandboxed ? [runsc, [...runscDoArgs, python, ...argv]] : [python, argv];
    const start = process.hrtime.bigint();
    const result = spawnSync(cmd, args, {
      encoding: "utf8",
      cwd: scratch,
      // The same small environment both ways; no bytecode written into the host's Python (the sandbox can
      // write to the host: see bench/runsc.ts).
      env: { PATH: "/usr/bin:/bin", HOME: scratch, LANG: "C.UTF-8", PYTHONDONTWRITEBYTECODE: "1" },
      timeout: 600_000,
    });
    const wholeRun = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.error || result.status !== 0) {
      throw new Error(`${sandboxed ? "gVisor" : "native"} run failed: ${result.error?.message ?? result.stderr}`);
    }
    const figures = JSON.parse(result.stdout.trim().split("\n").pop() ?? "") as RunFigures;
    return { ...Object.fromEntries(parts.filter((p) => p !== "wholeRun").map((p) => [p, figures[p]])), wholeRun } as Record<Part, number>;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function wallClock(cmd: string, args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, [...args], { encoding: "utf8", timeout: 60_000 });
  if (result.error || result.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${result.error?.message ?? result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function output(cmd: string, args: readonly string[]): string {
  const result = spawnSync(cmd, [...args], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : "";
}

function cpuModel(): string {
  const line = fs.readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("model name"));
  return line ? line.split(":")[1].trim() : os.cpus()[0]?.model ?? "unknown";
}

function measure(runs: number, runscVersion: string): BenchResults {
  const loadAverageBefore = os.loadavg()[0];
  const samples = { native: [] as Record<Part, number>[], gvisor: [] as Record<Part, number>[] };
  const start = { native: [] as number[], gvisor: [] as number[] };
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so a slow spell on this shared machine lands on both sides.
    for (const sandboxed of i % 2 ? [true, false] : [false, true]) {
      const figures = runWorkload(sandboxed);
      samples[sandboxed ? "gvisor" : "native"].push(figures);
      start[sandboxed ? "gvisor" : "native"].push(sandboxed ? wallClock(runsc, [...runscDoArgs, "/bin/true"]) : wallClock("/bin/true", []));
      process.stderr.write(`run ${i + 1}/${runs} ${sandboxed ? "gVisor" : "native"}: ${parts.map((p) => `${p} ${figures[p].toFixed(3)} s`).join(", ")}\n`);
    }
  }
  const byPart = (rows: Record<Part, number>[]) =>
    Object.fromEntries(parts.map((p) => [p, spread(rows.map((r) => r[p]))])) as Record<Part, Spread>;
  const scratchFs = output("findmnt", ["-n", "-o", "FSTYPE", "--target", os.tmpdir()]);
  return {
    measuredAt: new Date().toISOString(),
    command: "npm run bench:gvisor",
    machine: {
      cpuModel: cpuModel(),
      cpus: os.cpus().length,
      kernel: os.release(),
      runscVersion,
      platform: runscPlatform,
      runscInvocation: [runsc, ...runscDoArgs].join(" "),
      python: output(python, ["-c", "import platform; print(platform.python_version())"]),
      ipython: output(python, ["-c", "import IPython; print(IPython.__version__)"]) || null,
      scratchFilesystem: `${scratchFs || "unknown"} (${os.tmpdir()})`,
      loadAverageBefore,
      loadAverageAfter: os.loadavg()[0],
    },
    settings: { runs, files: FILES, fileBytes: FILE_BYTES, fsync: false, cpuIterations: CPU_ITERATIONS },
    native: byPart(samples.native),
    gvisor: byPart(samples.gvisor),
    sandboxStart: { native: spread(start.native), gvisor: spread(start.gvisor) },
    caveat,
  };
}

function writeReadmeBlock(block: string): void {
  const readme = fs.readFileSync(readmePath, "utf8");
  if (extractBlock(readme) === undefined) throw new Error(`README.md lacks the ${BLOCK_START} … ${BLOCK_END} markers`);
  const start = readme.indexOf(BLOCK_START) + BLOCK_START.length;
  fs.writeFileSync(readmePath, `${readme.slice(0, start)}\n${block}\n${readme.slice(readme.indexOf(BLOCK_END))}`);
}

function main(): void {
  const { values } = parseArgs({
    options: { runs: { type: "string", default: "5" }, table: { type: "boolean", default: false }, write: { type: "boolean", default: false } },
  });
  if (values.table) {
    const block = renderBlock(JSON.parse(fs.readFileSync(resultsPath, "utf8")) as BenchResults);
    if (values.write) writeReadmeBlock(block);
    else process.stdout.write(`${block}\n`);
    return;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error(`--runs must be an integer from 1 to 50, not ${values.runs}`);
  const probe = probeRunsc();
  if (!probe.ok) {
    process.stderr.write(`Cannot measure gVisor: ${probe.reason}\n`);
    process.exit(2);
  }
  const results = measure(runs, probe.version);
  fs.mkdirSync(path.dirname(resultsPath), { recursive: true });
  fs.writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  const block = renderBlock(results);
  writeReadmeBlock(block);
  process.stdout.write(`\n${block}\n\n${caveat}\n\nWrote ${path.relative(root, resultsPath)} and the README block.\n`);
}

if (require.main === module) main();
