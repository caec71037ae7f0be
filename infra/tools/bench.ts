import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError } from "../config/errors";
import { parseConfig, RawConfig } from "../config/parse";
import type { StackConfig } from "../config/types";
import { planAll, Plan } from "../plan";
import { resimulateClass } from "../plan/rush";
import { stackRawConfig } from "./stackFile";
import { renderRushChart } from "./rushChart";

// `npm run bench`: the rush figures the issue sets, for the example stacks and for a 1,000-user class
// arriving within 10 minutes at 1 GiB / 0.1 CPU per user, each against its target, as a table a person
// reads. Not a timed test: it runs the same pure plan as `npm run plan`.

interface Scenario {
  readonly name: string;
  readonly raw: RawConfig;
  /** The per-user-hour target applies to the 1 GiB / 0.1 CPU shape only. */
  readonly perUserTarget?: number;
}

const targets = { p95Seconds: 60, warmShare: 0.1, packing: 1.05, perUserHour: 0.011 } as const;

function scenarios(): Scenario[] {
  const event = stackRawConfig("event");
  const start = new Date(String(event.eventStart));
  const nine = new Date(start.getTime() + 3_600_000).toISOString();
  return [
    { name: "dev stack", raw: stackRawConfig("dev") },
    { name: "event stack", raw: event },
    {
      name: "1,000 users in 10 min, 1 GiB / 0.1 CPU (event stack, us-central1)",
      raw: {
        ...event,
        userMemoryGuaranteeGiB: 1,
        userCpuGuarantee: 0.1,
        timetable: [{ name: "1,000 in 10 min", start: nine, users: 1000, arrivalMinutes: 10, durationMinutes: 180 }],
      },
      perUserTarget: targets.perUserHour,
    },
  ];
}

const ok = (met: boolean) => (met ? "ok" : "MISSED");

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/**
 * Seeds the warm-room search never uses (it draws from `rushSeed` through subSeed): the same held-out set
 * test/plan/rush.test.ts checks, so the bench shows how the chosen room does on crowds it was not fitted to.
 */
const heldOutSeeds = Array.from({ length: 10 }, (_, i) => 101 + i);

/** The worst p95 of a class at its chosen warm room over the held-out seeds, and how many of them miss. */
function heldOut(plan: Plan, className: string, config: StackConfig): string {
  const runs = heldOutSeeds.map((seed) => resimulateClass(config, plan.userPool, plan.rush, className, seed));
  const p95s = runs.map((r) => (r.failed > 0 || r.p95 === null ? Infinity : r.p95));
  const missed = p95s.filter((p) => p > targets.p95Seconds).length;
  const worst = Math.max(...p95s);
  return `${worst === Infinity ? "failed" : `${worst} s`}, ${missed} missed`;
}

function report(s: Scenario, plan: Plan, config: StackConfig): string {
  const draws = plan.rush.draws;
  const rows: string[][] = [["class", "users/min", "warm room", "p50", `worst p95 of ${draws} draws (≤ 60 s)`, "worst", "failed (0)", "peak nodes", `held-out seeds ${heldOutSeeds[0]}-${heldOutSeeds[heldOutSeeds.length - 1]}: worst p95`]];
  for (const c of plan.rush.classes) {
    const met = c.p95Seconds !== null && c.p95Seconds <= targets.p95Seconds && c.failedSpawns === 0;
    rows.push([
      c.name,
      (c.users / c.arrivalMinutes).toFixed(0),
      String(c.placeholders),
      c.p50Seconds === null ? "-" : `${c.p50Seconds} s`,
      `${c.p95Seconds === null ? "failed" : `${c.p95Seconds} s`} ${ok(met)}`,
      c.worstSeconds === null ? "-" : `${c.worstSeconds} s`,
      `${c.failedSpawns} ${ok(c.failedSpawns === 0)}`,
      String(c.peakNodes),
      heldOut(plan, c.name, config),
    ]);
  }
  const cost = plan.cost;
  const pool = plan.userPool;
  const packing = plan.rush.peakNodes / pool.lowerBoundNodes;
  const lines = [
    `== ${s.name}`,
    table(rows),
    "",
    `user machine: ${pool.machineType} (${plan.machineChoice.pinned ? "pinned" : "auto"}), ${pool.usersPerNode} users a node, pool 0–${pool.userPoolMaxNodes} nodes; prices: ${cost.pricesRegion}`,
    `user nodes at peak: ${plan.rush.peakNodes} vs bin-packing lower bound ${pool.lowerBoundNodes} = ${packing.toFixed(3)} (≤ ${targets.packing}) ${ok(packing <= targets.packing + 1e-9)}`,
    `warm capacity: $${cost.warmCapacity.toFixed(2)} of $${cost.perEvent.toFixed(2)} for the event = ${(cost.warmShare * 100).toFixed(2)}% (≤ ${targets.warmShare * 100}%) ${ok(cost.warmShare <= targets.warmShare)}`,
    `per user-hour at peak: $${cost.perUserHourAtPeak.toFixed(5)} (${cost.usersAtPeak} users, homes included)${s.perUserTarget === undefined ? "" : ` (≤ $${s.perUserTarget}) ${ok(cost.perUserHourAtPeak <= s.perUserTarget)}`}`,
    `hub: concurrentSpawnLimit ${plan.hubTuning.concurrentSpawnLimit}, startTimeout ${plan.hubTuning.startTimeoutSeconds} s, warm room raised ${plan.rush.leadSeconds / 60} min ahead`,
    ...plan.warnings.map((w) => `WARNING: ${w}`),
    "",
  ];
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { "as-of": { type: "string" }, charts: { type: "string" } }, strict: true });
  const now = values["as-of"] ? new Date(values["as-of"]) : new Date();
  process.stdout.write(
    "Rush figures against the targets (simulated; timings are the published defaults unless a stack sets them)\n" +
      "p95/p50/worst: wait from the login page to a running server, in the arrival draw (of those the warm-room search used) with the worst p95;\n" +
      "held-out seeds: the same warm room under arrival draws the search never used\n\n",
  );
  let missed = 0;
  for (const s of scenarios()) {
    let plan: Plan;
    let config: StackConfig;
    try {
      config = parseConfig(s.raw, { now });
      plan = planAll(config);
    } catch (e) {
      if (e instanceof ConfigError) {
        process.stdout.write(`== ${s.name}\n${e.message}\n\n`);
        missed++;
        continue;
      }
      throw e;
    }
    process.stdout.write(report(s, plan, config));
    missed += plan.rush.classes.filter((c) => !c.meetsTarget).length;
    if (values.charts) {
      fs.mkdirSync(values.charts, { recursive: true });
      const file = path.join(values.charts, `${s.name.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").toLowerCase()}.svg`);
      fs.writeFileSync(
        file,
        await renderRushChart(`${s.name}: the login rush of each class`, plan.rush.classes.map((c) => ({ name: c.name, p95Seconds: c.p95Seconds, placeholders: c.placeholders, series: plan.rush.series[c.name] ?? [] }))),
      );
      process.stdout.write(`chart: ${file}\n\n`);
    }
  }
  return missed === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
