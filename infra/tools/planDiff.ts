import { wire } from "../../policy-pack/sdk";
import { plainFromWire, secretMarker } from "./offline";
import { migratingPath, migrationHarm, replacementHarm, replacingPath } from "./replaceFields";

// `npm run plan -- --stack X --against <file>`: what the plan would change, compared with a previous
// plan or with what is deployed. Pure: documents in, a list of changes out.
//
// The previous document is one of
//   - this tool's `--json` output or `pulumi preview --json`: `steps[].newState.{urn, type, inputs}`
//     (a step that only deletes has no newState, and is not part of what exists after it);
//   - `pulumi stack export`: `deployment.resources[].{urn, type, inputs}` (checkpoint version 3; secrets
//     appear in the engine's wire format and compare as secrets, with or without --show-secrets).
// Pulumi's own resources (the stack, providers: `pulumi:*`) are not compared.

export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly inputs: Record<string, unknown>;
  /** The program's `ignoreChanges` for it: Pulumi keeps the deployed value of these properties. */
  readonly ignoreChanges?: readonly string[];
}

export interface PreviousDocument {
  readonly kind: "plan" | "export";
  readonly resources: readonly PlannedResource[];
}

export class PreviousDocumentError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function resourceOf(r: unknown): PlannedResource | undefined {
  if (!isObject(r) || typeof r.urn !== "string" || typeof r.type !== "string") return undefined;
  if (r.type.startsWith("pulumi:")) return undefined;
  return { urn: r.urn, type: r.type, inputs: (plainFromWire(isObject(r.inputs) ? r.inputs : {}) as Record<string, unknown>) };
}

/** Reads a previous plan, preview or stack export; says which shapes it takes when it is none of them. */
export function readPrevious(doc: unknown): PreviousDocument {
  if (isObject(doc) && Array.isArray(doc.steps)) {
    return { kind: "plan", resources: doc.steps.flatMap((s) => (isObject(s) ? resourceOf(s.newState) ?? [] : [])) };
  }
  if (isObject(doc) && isObject(doc.deployment) && Array.isArray(doc.deployment.resources)) {
    return { kind: "export", resources: doc.deployment.resources.flatMap((r) => resourceOf(r) ?? []) };
  }
  throw new PreviousDocumentError(
    "not a plan or a stack export: expected `steps[].newState.{urn, type, inputs}` (npm run --silent plan -- --json, pulumi preview --json) or `deployment.resources[].{urn, type, inputs}` (pulumi stack export)",
  );
}

/** Leaf values by path ("a.b[0].c"); an empty object or list is a leaf of its own. */
function flatten(value: unknown, path = "", into: Map<string, unknown> = new Map()): Map<string, unknown> {
  if (Array.isArray(value) && value.length > 0) value.forEach((v, i) => flatten(v, `${path}[${i}]`, into));
  else if (isObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, into);
  } else into.set(path, value);
  return into;
}

/** A path without list indices, as the replace-on-change table writes it. */
const schemaPath = (path: string) => path.replace(/\[\d+\]/g, "");

export interface PropertyChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  /** The replace-on-change field this change falls under, when it forces a replacement. */
  readonly replaces?: string;
}

export interface ResourceChange {
  readonly op: "create" | "delete" | "update" | "replace";
  readonly urn: string;
  readonly type: string;
  readonly changes: readonly PropertyChange[];
  /** For a guarded type (node pool, cluster, DNS zone) that would be replaced or deleted: what that does. */
  readonly harm?: string;
}

export interface PlanDiff {
  readonly against: PreviousDocument["kind"];
  readonly changed: readonly ResourceChange[];
  readonly unchanged: number;
  /** Values of the new plan derived from what the mock runtime made up: known only after `pulumi up`. */
  readonly notCompared: number;
  /** Inputs only the deployed state holds (provider defaults, generated names): not compared. */
  readonly stateOnly: number;
}

/**
 * Compares the new plan's resources with the previous document's, by URN. `isPlaceholder` says whether a
 * new value holds something the mock runtime invented; such values are not compared. A name the program
 * leaves to Pulumi's auto-naming is kept on update, so a `name` the new plan does not set is not a change.
 * Against a stack export, inputs only the state holds are not compared either: Pulumi's state records
 * provider defaults the program never wrote.
 */
export function diffPlans(
  previous: PreviousDocument,
  current: readonly PlannedResource[],
  isPlaceholder: (value: unknown) => boolean,
): PlanDiff {
  const before = new Map(previous.resources.map((r) => [r.urn, r]));
  const now = new Map(current.filter((r) => !r.type.startsWith("pulumi:")).map((r) => [r.urn, r]));
  const changed: ResourceChange[] = [];
  let unchanged = 0;
  let notCompared = 0;
  let stateOnly = 0;
  for (const r of now.values()) {
    const old = before.get(r.urn);
    if (!old) {
      changed.push({ op: "create", urn: r.urn, type: r.type, changes: [] });
      continue;
    }
    const a = flatten(old.inputs);
    const b = flatten(r.inputs);
    const changes: PropertyChange[] = [];
    const ignored = (path: string) => (r.ignoreChanges ?? []).some((p) => schemaPath(path) === p || schemaPath(path).startsWith(`${p}.`));
    for (const path of new Set([...a.keys(), ...b.keys()])) {
      if (ignored(path)) continue;
      const was = a.get(path);
      const is = b.get(path);
      if (!b.has(path)) {
        if (path === "name") continue; // auto-named: Pulumi keeps the name it generated
        if (previous.kind === "export") stateOnly += 1;
        else changes.push({ path, before: was, after: undefined, replaces: replacingPath(r.type, schemaPath(path), was, undefined) });
        continue;
      }
      // Unknown until the update (a generated password), or made up by the mock runtime.
      if (is === wire.unknownValue || isPlaceholder(is)) {
        notCompared += 1;
        continue;
      }
      if (JSON.stringify(was) === JSON.stringify(is)) continue;
      if (was === secretMarker || is === secretMarker) continue; // a secret's value cannot be compared
      changes.push({ path, before: was, after: is, replaces: replacingPath(r.type, schemaPath(path), was, is) });
    }
    if (changes.length === 0) {
      unchanged += 1;
      continue;
    }
    const replace = changes.some((c) => c.replaces !== undefined);
    const migrates = changes.some((c) => migratingPath(r.type, schemaPath(c.path)) !== undefined);
    const harm = replace ? replacementHarm[r.type] : migrates ? migrationHarm : undefined;
    changed.push({ op: replace ? "replace" : "update", urn: r.urn, type: r.type, changes, harm });
  }
  for (const old of before.values()) {
    if (!now.has(old.urn)) changed.push({ op: "delete", urn: old.urn, type: old.type, changes: [], harm: replacementHarm[old.type]?.replace(/^replaces/, "deletes") });
  }
  const order = { replace: 0, delete: 1, update: 2, create: 3 } as const;
  changed.sort((x, y) => order[x.op] - order[y.op] || x.urn.localeCompare(y.urn));
  return { against: previous.kind, changed, unchanged, notCompared, stateOnly };
}

/** The resource's own name, the last part of its URN. */
export const shortName = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

const show = (v: unknown) => {
  const text = v === undefined ? "(unset)" : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** The diff for a person: replacements of guarded resources first and loud, then the rest. */
export function renderPlanDiff(diff: PlanDiff, source: string, { maxLines = 8 } = {}): string {
  const what = diff.against === "export" ? "the deployed stack (pulumi stack export)" : "a previous plan";
  const lines = [`Changes against ${source}: ${what}`];
  const marks = { replace: "+- replace", delete: "-  delete ", update: "~  update ", create: "+  create " } as const;
  for (const c of diff.changed) {
    lines.push(`  ${marks[c.op]}  ${c.type}  ${shortName(c.urn)}${c.harm ? `  !! ${c.harm}` : ""}`);
    const shown = [...c.changes].sort((x, y) => Number(y.replaces !== undefined) - Number(x.replaces !== undefined));
    for (const p of shown.slice(0, maxLines)) {
      lines.push(`        ${p.path}: ${show(p.before)} -> ${show(p.after)}${p.replaces ? `  (forces replacement: ${p.replaces})` : ""}`);
    }
    if (shown.length > maxLines) lines.push(`        ... and ${shown.length - maxLines} more`);
  }
  if (diff.changed.length === 0) lines.push("  no changes");
  lines.push(`  ${diff.unchanged} unchanged`);
  if (diff.notCompared > 0) lines.push(`  ${diff.notCompared} values derived from placeholders of the mock runtime were not compared (known after \`pulumi up\`; \`pulumi preview\` compares them)`);
  if (diff.stateOnly > 0) lines.push(`  ${diff.stateOnly} inputs only the deployed state holds (provider defaults) were not compared`);
  const harmful = diff.changed.filter((c) => c.harm !== undefined);
  if (harmful.length > 0) {
    lines.push(`  WARNING: ${harmful.length} change${harmful.length === 1 ? "" : "s"} above replace, delete or recreate the nodes of a node pool, the cluster or the DNS zone; do not apply ${harmful.length === 1 ? "it" : "them"} during an event`);
  }
  return `${lines.join("\n")}\n`;
}
