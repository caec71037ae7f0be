// Generates the policy table of docs/policies.md from the policies themselves, so the documentation cannot
// drift:
//
//   npm run --silent policy:table               print it
//   npm run --silent policy:table -- --write    replace it in docs/policies.md
//
// docs/policies.md keeps the output between `<!-- policy-table:start -->` and `<!-- policy-table:end -->`;
// test/policy-pack/readme.test.ts fails when the two differ. (The repository's docs/ is outside the pack,
// which is published alone; the path is only used when the tool runs from the repository.)

import * as fs from "fs";
import * as path from "path";
import { allPolicies, PACK_ENFORCEMENT_LEVEL, type HardeningPolicy } from "../policies";
import { AREAS, areaOf } from "../policies/core";
import { WORKLOAD_TYPES } from "../policies/types";
import { replaceBetween, textBetween } from "./markedSection";

export const TABLE_START = "<!-- policy-table:start -->";
export const TABLE_END = "<!-- policy-table:end -->";
export const policiesDocPath = path.resolve(__dirname, "../../docs/policies.md");

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

/** `gcp:container/cluster:Cluster` → `gcp.container.Cluster`; `kubernetes:helm.sh/v3:Release` → `helm.sh/v3 Release`. */
export function shortType(token: string): string {
  const [provider, module, name] = token.split(":");
  if (provider === "gcp" && module !== undefined && name !== undefined) return `gcp.${module.split("/")[0]}.${name}`;
  if (provider === "kubernetes" && module !== undefined && name !== undefined) return `${module} ${name}`;
  return token;
}

export function appliesTo(policy: HardeningPolicy): string {
  const types = [...policy.appliesTo];
  const parts: string[] = [];
  if (WORKLOAD_TYPES.every((t) => types.includes(t))) {
    parts.push("Pods and workload controllers");
    types.splice(0, types.length, ...types.filter((t) => !WORKLOAD_TYPES.includes(t)));
  }
  parts.push(...types.map(shortType));
  return parts.join(", ");
}

/** The policy table: one row per policy, grouped by area in the pack's order. */
export function policyTable(policies: readonly HardeningPolicy[] = allPolicies): string {
  const rows = [
    "| Area | Policy | Severity | Default level | Applies to | Checks | Fix | Sources |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const area of AREAS) {
    for (const p of policies.filter((x) => areaOf(x) === area)) {
      const kind = p.kind === "stack" ? " (stack)" : "";
      rows.push(
        `| ${area} | \`${p.name}\`${kind} | ${p.severity} | ${p.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL} | ${cell(appliesTo(p))} | ${cell(p.description)} | ${cell(p.remediationSteps)} | ${cell(p.sources.join("; "))} |`,
      );
    }
  }
  return rows.join("\n");
}

/** The thresholds table: every configurable property with its default. */
export function thresholdTable(policies: readonly HardeningPolicy[] = allPolicies): string {
  const rows = ["| Policy | Property | Default | Meaning |", "| --- | --- | --- | --- |"];
  for (const p of policies) {
    for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      rows.push(`| \`${p.name}\` | \`${key}\` | \`${cell(JSON.stringify(schema.default))}\` | ${cell(schema.description ?? "")} |`);
    }
  }
  return rows.join("\n");
}

/** Everything docs/policies.md keeps between the markers. */
export function docTable(policies: readonly HardeningPolicy[] = allPolicies): string {
  return `${policyTable(policies)}\n\nThresholds (policy config, with the defaults the engine applies):\n\n${thresholdTable(policies)}`;
}

/** The text between the markers, or `undefined` when a marker is missing. */
export function extractTable(doc: string): string | undefined {
  return textBetween(doc, TABLE_START, TABLE_END);
}

if (require.main === module) {
  if (process.argv.includes("--write")) {
    fs.writeFileSync(policiesDocPath, replaceBetween(fs.readFileSync(policiesDocPath, "utf8"), TABLE_START, TABLE_END, docTable()));
  } else console.log(`${TABLE_START}\n${docTable()}\n${TABLE_END}`);
}
