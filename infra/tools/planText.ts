import type { CostEstimate } from "../plan/cost";
import type { QuotaNeeds } from "../plan";
import { gibFromMib, readable } from "../config/errors";
import type { edgeProtectionOutput } from "../plan/cloudArmor";
import { holdsInvented, type OfflineRun } from "./offline";
import type { ProgramExports } from "./plan";

// The human form of the offline plan: what an organiser reads before spending anything.

type Row = readonly [string, string];

function table(title: string, rows: readonly Row[]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return [`${title}`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`), ""].join("\n");
}

const money = (x: number) => `$${x.toFixed(2)}`;
const count = (n: number, unit: string) => `${n} ${unit}${n === 1 || /^[A-Z]/.test(unit) && unit.endsWith("B") ? "" : "s"}`;

function capacityRows(c: ProgramExports["capacity"]): Row[] {
  const by = c.usersPerNodeBy;
  return [
    ["peak concurrent users", String(c.peakUsers)],
    ["user machine type", String(c.machineType)],
    ["node allocatable (GKE formula)", `${c.nodeAllocatable.cpuMillicores} millicores CPU, ${gibFromMib(c.nodeAllocatable.memoryMiB)} memory`],
    ["left for users after DaemonSets", `${c.availableForUsersPerNode.cpuMillicores} millicores CPU, ${gibFromMib(c.availableForUsersPerNode.memoryMiB)} memory, ${c.availableForUsersPerNode.pods} pods, ${c.availableForUsersPerNode.disks} disks`],
    ["request per user pod", `${c.perUserRequest.cpuMillicores} millicores CPU, ${gibFromMib(c.perUserRequest.memoryMiB)} memory${c.userSandbox === "gvisor" ? " (gVisor sandbox included)" : ""}`],
    ["users per node by memory/cpu/pods/disks", `${by.memory} / ${by.cpu} / ${by.pods} / ${by.disks}`],
    ["users per node", `${c.usersPerNode} (${c.bindingConstraint} binds)`],
    ["user nodes at peak", `${c.userNodesAtPeak} (bin-packing lower bound ${c.lowerBoundNodes})`],
    ["placeholder users (warm room)", `up to ${c.placeholderUsers}, raised before each class by the placeholder calendar`],
    ["user pool min / max nodes", `${c.userPoolMinNodes} / ${c.userPoolMaxNodes}`],
    ["max pods per user node", String(c.maxPodsPerNode)],
    ["core pool", `${c.corePool.machineType}, ${c.corePool.minNodes}-${c.corePool.maxNodes} nodes`],
    ...(c.gpuPool ? [["gpu pool", `${c.gpuPool.machineType}, 0-${c.gpuPool.maxNodes} nodes`] as const] : []),
    ["node / pod / service ranges", `${c.nodeRangeCidr} / ${c.podRangeCidr} / ${c.serviceRangeCidr}`],
    ["Cloud NAT IPs", String(c.natIps)],
  ];
}

function quotaRows(q: QuotaNeeds): Row[] {
  return [
    ["CPUS (regional)", String(q.cpus)],
    ...Object.entries(q.cpusByQuota).map(([k, v]): Row => [`${k} (regional)`, String(v)]),
    ...Object.entries(q.gpusByQuota).map(([k, v]): Row => [`${k} (regional)`, String(v)]),
    ["CPUS_ALL_REGIONS (project-wide)", String(q.cpusAllRegions)],
    ...(q.gpusAllRegions > 0 ? [["GPUS_ALL_REGIONS (project-wide)", String(q.gpusAllRegions)] as const] : []),
    ["SSD_TOTAL_GB (regional)", String(q.ssdTotalGb)],
    ["IN_USE_ADDRESSES (regional)", String(q.inUseAddresses)],
    ["global static addresses", String(q.globalStaticAddresses)],
  ];
}

function costRows(e: CostEstimate): Row[] {
  return [
    ...e.linesAtPeak.map((l): Row => [`${l.item}`, `${money(l.perHour)}/h  (${count(l.quantity, l.unit)})`]),
    ["per hour at peak", money(e.perHourAtPeak)],
    ["per user-hour at peak", `$${e.perUserHourAtPeak.toFixed(5)} (${e.usersAtPeak} users, homes and everything above included)`],
    ["per hour idle (pools at minimum)", money(e.perHourIdle)],
    [`whole event by the timetable: ${e.eventHours} h + ${e.standbyHours} h idle`, `${money(e.perEvent)} (user nodes ${e.userNodeHours} node-hours)`],
    ["warm capacity (placeholders and their nodes)", `${money(e.warmCapacity)}, ${(e.warmShare * 100).toFixed(1)}% of the event`],
    [`upper bound: every pool at its maximum for ${e.eventHours} h`, money(e.perEventUpperBound)],
    ["prices", `${e.priceSource} (as of ${e.pricesAsOf})`],
    ["not included", e.notIncluded.join("; ")],
  ];
}

type RushOut = ProgramExports["rush"];
const secs = (x: number | null) => (x === null ? "failed" : `${x} s`);

function machineRows(r: RushOut): Row[] {
  const m = r.machine;
  const row = (c: RushOut["machine"]["chosen"]): string =>
    `${c.usersPerNode} users/node, ${c.nodesAtPeak} nodes at peak (lower bound ${c.lowerBoundNodes}), $${c.nodeHourUsd.toFixed(4)}/node-h, $${c.perUserHourUsd.toFixed(5)}/user-h`;
  return [
    [`chosen (${m.chosenBy === "auto" ? "auto: cheapest per user-hour" : "pinned by userMachineType"})`, `${m.chosen.machineType}: ${row(m.chosen)}${m.packsWithinSlack ? "" : " — packs worse than userNodesPackingSlack"}`],
    ...m.alternatives.map((a, i): Row => [`alternative ${i + 1}`, `${a.machineType}: ${row(a)}`]),
    ...m.leftOut.map((l): Row => ["left out", l]),
  ];
}

function rushRows(r: RushOut): Row[] {
  const rows: Row[] = [
    ["target", `p95 wait for a running server ≤ ${r.waitTargetSeconds} s, no failed spawn, in each of ${r.draws} arrival draws from seed ${r.seed}; a class's waits are its worst draw's`],
    ["warm room raised before each class", `${r.warmLeadSeconds / 60} min (autoscaler reaction + node boot + image pull + a calendar period)`],
    ["hub: concurrentSpawnLimit / startTimeout", `${r.concurrentSpawnLimit} / ${r.startTimeoutSeconds} s; busiest arrival ${r.peakArrivalPerSecond} users/s`],
  ];
  for (const c of r.classes) {
    rows.push([
      `${c.name} (${c.start.slice(0, 16).replace("T", " ")}Z, ${c.users} users over ${c.arrivalMinutes} min)`,
      `warm ${c.placeholders}: p50 ${secs(c.p50WaitSeconds)}, p95 ${secs(c.p95WaitSeconds)}, worst ${secs(c.worstWaitSeconds)}, failed ${c.failedSpawns}, peak ${c.peakNodes} nodes, warm room ${money(c.warmCapacityUsd)}${c.meetsTarget ? "" : "  MISSES THE TARGET"}`,
    ]);
    if (c.binding) rows.push([`  ${c.binding.limit} binds`, `${c.binding.detail}; to lift it: ${c.binding.lift}`]);
  }
  rows.push(["placeholder calendar", r.calendar.length === 0 ? "no warm room needed" : `${r.calendar.length} windows, e.g. ${r.calendar[0].replicas} from ${r.calendar[0].from} to ${r.calendar[0].to}`]);
  return rows;
}

function resourcesByType(run: OfflineRun<unknown>): Row[] {
  const counts = new Map<string, number>();
  for (const r of run.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => [t, String(n)]);
}

const isoDate = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

function lifecycleRows(l: ProgramExports["lifecycle"], outputs: Record<string, unknown>): Row[] {
  const m = l.monitoring;
  const budget: Row[] = l.budget.create
    ? [
        ["budget", `${money(l.budget.budget.amountUnits)} on billing account ${l.budget.budget.billingAccount}, ${isoDate(l.budget.budget.start)} to ${isoDate(l.budget.budget.end)}`],
        ["budget alerts at", l.budget.budget.thresholds.map((t) => `${Math.round(t * 100)}%`).join(", ") + " of the cost estimate (actual spend)"],
      ]
    : [["budget", l.budget.reason]];
  return [
    ...budget,
    ["notifications to", l.notificationEmails.length > 0 ? l.notificationEmails.join(", ") : "nobody (set notificationEmails); alerts show in Cloud Monitoring only"],
    ["uptime check", `https://${m.uptime.host}${m.uptime.path} every ${m.uptime.periodSeconds} s; hub down after ${m.hubDownSeconds} s`],
    ["alert: running servers", `≥ ${m.runningServersAlert} (limit ${m.activeServerLimit})`],
    ["alert: user pool at maximum", `${m.userPoolMaxNodes} nodes for ${m.poolAtMaxSeconds} s`],
    ["alert: proxy memory", `> ${Math.round(m.proxyMemoryLimitFraction * 100)}% of its limit`],
    ["alert: load balancer 5xx", `> ${Math.round(m.lb5xxFraction * 100)}% of responses over ${m.lb5xxWindowSeconds} s`],
    ["alert: spawn failures, no scale-up", "from the hub's log and the autoscaler's events"],
    ["export bucket", `${String(outputs.exportBucket ?? "(named at creation)")}: kept at destroy, archives deleted after ${l.export.retentionDays} days`],
    ["export identity", `Kubernetes service account ${l.export.namespace}/${l.export.kubernetesServiceAccount}, writes that bucket only`],
    ["pulumi destroy", `waits up to ${l.teardown.timeoutMinutes} min for GKE to delete home disks and load-balancer pieces before the cluster`],
  ];
}

/** Marks a value the mock runtime made up (see `OfflineRun.invented`). */
export const placeholderMark = "[placeholder]";

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);

/**
 * Capacity, quotas and cost are plain data the program computed before declaring anything, read as the
 * program returned them; the hub's URL, address, name servers and security summary are Outputs, read
 * from the resolved stack outputs.
 */
export function renderPlanText(run: OfflineRun<ProgramExports>): string {
  const { capacity, quotas, costEstimate, rush, lifecycle } = run.exported;
  const o = run.outputs;
  const sections = [
    `Offline plan for stack "${run.stack}" (Pulumi mock runtime; nothing was created)\n`,
    ...(rush.warnings.length > 0 ? [table("WARNINGS: read these before trusting the figures", rush.warnings.map((w): Row => ["!", w]))] : []),
    table("Capacity", capacityRows(capacity)),
    table("User machine type", machineRows(rush)),
    table("Rush: each class of the timetable, simulated", rushRows(rush)),
    table("Quotas the event needs (increases typically take two business days: docs/runbook.md)", quotaRows(quotas)),
    table(`Cost estimate (${costEstimate.currency})`, costRows(costEstimate)),
    table("Before, during and after the event (docs/runbook.md)", lifecycleRows(lifecycle, o)),
  ];
  if (o.hubUrl) {
    // The static IP and the name servers exist only once Google has allocated them: under mocks they are
    // made up, and shown marked so nobody points a registrar at them.
    const mark = (value: unknown, text: string) => holdsInvented(value, run.invented) ? `${text}  ${placeholderMark}` : text;
    const edgeRows: Row[] = [["hub URL", mark(o.hubUrl, String(o.hubUrl))], ["user servers", `https://<user>.${new URL(String(o.hubUrl)).host}/user/<user>/`], ["static IP", mark(o.staticIp, String(o.staticIp))]];
    const nameServers = strings(o.nameServers);
    if (nameServers) edgeRows.push(["delegate the zone to", mark(nameServers, nameServers.join(", "))]);
    sections.push(table("Per-user subdomains", edgeRows));
    if (edgeRows.some(([, v]) => v.endsWith(placeholderMark))) sections.push(`${placeholderMark}: made up by the mock runtime; \`pulumi stack output\` gives the real value after \`pulumi up\`\n`);
  }
  const armor = o.edgeProtection as ReturnType<typeof edgeProtectionOutput> | undefined;
  if (armor) {
    // The Cloud Armor policy as the stack output states it (plan/cloudArmor.ts edgeProtectionOutput).
    const ranges = (r: string | readonly string[]) => typeof r === "string" ? r : r.length > 0 ? r.join(", ") : "none";
    sections.push(table("Edge protection (Cloud Armor on the hub's backend; docs/runbook.md reads its decisions)", [
      ["WAF", armor.waf],
      ["logins per client IP", armor.loginPerClientIp],
      ["hub API per client IP", armor.hubApiPerClientIp],
      ["allowed client ranges", ranges(armor.allowedClientRanges)],
      ["refused client ranges", ranges(armor.deniedClientRanges)],
      ["adaptive protection", armor.adaptiveProtection],
      ["requests logged", `${readable(armor.logSampleRate * 100)}%`],
    ]));
  }
  const summary = strings(o.securitySummary);
  if (summary) {
    sections.push(table("Hub security", summary.map((line): Row => ["-", line])));
  }
  sections.push(table(`Resources (${run.resources.length} to create)`, resourcesByType(run)));
  return sections.join("\n");
}
