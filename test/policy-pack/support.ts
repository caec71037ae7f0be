// Shared helpers for the policy-pack tests. Policies run through the offline checker's engine (the same
// argument shapes, unknown-checking proxy, config reconciliation and enforcement levels as the Pulumi
// engine) without starting the policy server: tests import policy modules, never policy-pack/index.ts.

import * as assert from "assert";
import { UNKNOWN_SENTINEL, type HardeningPolicy } from "../../policy-pack/policies/core";
import { runPolicies, type CheckResult } from "../../policy-pack/tools/check";
import type { Finding } from "../../policy-pack/tools/engine";

export const PROJECT = "jupyterhub-gke";
export const STACK = "test";
export const STACK_URN = `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;
/** The engine's sentinel for a string unknown at preview. */
export const UNKNOWN_STRING = UNKNOWN_SENTINEL;

export interface FixtureResource {
  readonly type: string;
  readonly name: string;
  inputs: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

/** A `pulumi preview --json` document creating the given resources under a stack root. */
export function previewDoc(resources: readonly FixtureResource[]): { steps: unknown[] } {
  const root = { type: "pulumi:pulumi:Stack", urn: STACK_URN, custom: false, inputs: {} };
  return {
    steps: [
      { op: "create", urn: STACK_URN, newState: root },
      ...resources.map((r) => {
        const urn = urnOf(r.type, r.name);
        return {
          op: "create",
          urn,
          newState: { type: r.type, urn, custom: true, parent: STACK_URN, inputs: r.inputs, ...(r.outputs ? { outputs: r.outputs } : {}) },
        };
      }),
    ],
  };
}

/** Runs some policies (default: all) over resources, as `pulumi preview --policy-pack` would. */
export async function check(
  resources: readonly FixtureResource[],
  options: { policies?: readonly HardeningPolicy[]; config?: unknown } = {},
): Promise<CheckResult> {
  return runPolicies(previewDoc(resources), options);
}

/** The findings of one policy on one resource (a one-resource stack). */
export async function checkOne(
  policy: HardeningPolicy,
  type: string,
  inputs: Record<string, unknown>,
  config?: unknown,
): Promise<readonly Finding[]> {
  const result = await check([{ type, name: "subject", inputs }], { policies: [policy], config });
  assert.deepStrictEqual(result.failures, [], "the policy threw");
  return result.findings;
}

function describeFindings(findings: readonly Finding[]): string {
  return findings.length === 0 ? "(none)" : findings.map((f) => `  ${f.level} ${f.policy} ${f.urn}: ${f.message}`).join("\n");
}

/** Asserts that `policy` reported a finding at `level` whose message contains `fragment`. */
export function assertViolation(findings: readonly Finding[], policy: string, fragment = "", level: Finding["level"] = "mandatory"): void {
  const hit = findings.some((f) => f.policy === policy && f.level === level && f.message.includes(fragment));
  assert.ok(hit, `expected a ${level} ${policy} finding containing "${fragment}", got:\n${describeFindings(findings)}`);
}

/** Asserts that no finding (of `policy`, or of any policy) was reported. */
export function assertNoViolation(findings: readonly Finding[], policy?: string): void {
  const relevant = findings.filter((f) => policy === undefined || f.policy === policy);
  assert.deepStrictEqual(relevant.length, 0, `expected no ${policy ?? ""} findings, got:\n${describeFindings(relevant)}`);
}

export function mandatory(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.level === "mandatory");
}

export type PathLike = string | readonly (string | number)[];

function keys(path: PathLike): (string | number)[] {
  return typeof path === "string" ? path.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k)) : [...path];
}

/** Sets `path` in `obj`, creating objects on the way; `undefined` deletes the key. */
export function setPath(obj: Record<string, unknown>, path: PathLike, value: unknown): void {
  const ks = keys(path);
  let current: Record<string | number, unknown> = obj;
  for (const key of ks.slice(0, -1)) {
    const next = current[key];
    if (next === null || typeof next !== "object") current[key] = {};
    current = current[key] as Record<string | number, unknown>;
  }
  const last = ks[ks.length - 1] as string | number;
  if (value === undefined) delete current[last];
  else current[last] = value;
}

export function getPath(obj: unknown, path: PathLike): unknown {
  return keys(path).reduce<unknown>((acc, k) => (acc !== null && typeof acc === "object" ? (acc as Record<string | number, unknown>)[k] : undefined), obj);
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The one resource of `type` (and `name`, when several) in a fixture. */
export function find(resources: readonly FixtureResource[], type: string, name?: string): FixtureResource {
  const matches = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  assert.strictEqual(matches.length, 1, `expected one ${type}${name ? ` named ${name}` : ""}, found ${matches.length}`);
  return matches[0] as FixtureResource;
}
