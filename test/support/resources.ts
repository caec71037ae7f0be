import * as assert from "assert";
import { DeclaredResource, OfflineRun } from "../../infra/tools/offline";

/** Every resource of a type token that a mocked run declared. */
export function ofType(run: OfflineRun, type: string): DeclaredResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** The one resource of a type token; fails the test when there are none or several. */
export function one(run: OfflineRun, type: string): DeclaredResource {
  const found = ofType(run, type);
  assert.strictEqual(found.length, 1, `expected one ${type}, found ${found.length}`);
  return found[0];
}

/** A declared resource's inputs, loosely typed for reading nested fields in assertions. */
export const inputs = (r: DeclaredResource): any => r.inputs;

/** The resource of a type token with a logical name; fails the test when there is none. */
export function named(run: OfflineRun, type: string, name: string): DeclaredResource {
  const found = ofType(run, type).find((r) => r.name === name);
  assert.ok(found, `no ${type} named ${name}; found ${ofType(run, type).map((r) => r.name).join(", ") || "none"}`);
  return found;
}

/** Whether `from` was registered with a dependency on `to` (its own dependsOn or an input from it). */
export function dependsOn(from: DeclaredResource, to: DeclaredResource): boolean {
  return from.dependencies.includes(to.urn);
}

/**
 * Whether `from` waits for `to` through its dependencies: its own dependsOn and inputs, theirs, and so on
 * (an IAM member that names an account waits for whatever the account waits for).
 */
export function waitsFor(run: OfflineRun, from: DeclaredResource, to: DeclaredResource): boolean {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const seen = new Set<string>();
  const stack = [...from.dependencies];
  while (stack.length > 0) {
    const urn = stack.pop()!;
    if (urn === to.urn) return true;
    if (!seen.has(urn)) {
      seen.add(urn);
      stack.push(...(byUrn.get(urn)?.dependencies ?? []));
    }
  }
  return false;
}
