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
