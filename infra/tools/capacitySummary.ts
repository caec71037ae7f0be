// The README's capacity and cost summary: one row per example stack in stacks/, computed by the same pure
// plan functions the offline plan prints (infra/plan planAll), so the figures a newcomer reads first cannot
// drift from what the program builds:
//
//   npm run --silent capacity:table              print it
//   npm run --silent capacity:table -- --write   replace it in the README (between its markers)
//
// test/docs/readme.test.ts fails when the README's copy differs.

import * as fs from "fs";
import * as path from "path";
import { parseConfig } from "../config/parse";
import { planAll } from "../plan";
import { replaceBetween, textBetween } from "../../policy-pack/tools/markedSection";
import { listStacks, stackRawConfig } from "./stackFile";

export const SUMMARY_START = "<!-- capacity-summary:start -->";
export const SUMMARY_END = "<!-- capacity-summary:end -->";
export const readmePath = path.resolve(__dirname, "../../README.md");

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const num = (n: number) => n.toLocaleString("en-US");

/**
 * One row per stack of stacks/. The event window is not checked against the clock here (no `now`): the
 * figures depend on the window's length, not on when the table is written.
 */
export function capacitySummary(stacks: readonly string[] = listStacks()): string {
  const rows = [
    "| stack | peak users | per user (guaranteed–cap) | user nodes at peak | vCPU quota | per hour at peak | per hour idle | whole event, by its timetable | upper bound |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const stack of stacks) {
    const config = parseConfig(stackRawConfig(stack));
    const plan = planAll(config);
    const c = config.capacity;
    const pool = plan.userPool;
    const cost = plan.cost;
    rows.push(
      `| \`${stack}\` | ${num(c.peakUsers)} | ${c.userCpuGuarantee}–${c.userCpuLimit} vCPU, ${c.userMemoryGuaranteeGiB}–${c.userMemoryLimitGiB} GiB, ${c.userStorageGiB} GiB home ` +
        `| ${num(pool.userNodesAtPeak)} × ${pool.machineType} (${pool.usersPerNode} users each, ${pool.bindingConstraint} binds) ` +
        `| ${num(plan.quotas.cpus)} | ${usd(cost.perHourAtPeak)} | ${usd(cost.perHourIdle)} ` +
        `| ${usd(cost.perEvent)} (${cost.eventHours} h window + ${cost.standbyHours} h idle) | ${usd(cost.perEventUpperBound)} |`,
    );
  }
  return rows.join("\n");
}

/** The text between the markers, or `undefined` when one is missing. */
export function extractSummary(text: string): string | undefined {
  return textBetween(text, SUMMARY_START, SUMMARY_END);
}

if (require.main === module) {
  const summary = capacitySummary();
  if (process.argv.includes("--write")) {
    fs.writeFileSync(readmePath, replaceBetween(fs.readFileSync(readmePath, "utf8"), SUMMARY_START, SUMMARY_END, summary));
  } else console.log(`${SUMMARY_START}\n${summary}\n${SUMMARY_END}`);
}
