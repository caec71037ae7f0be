import * as assert from "assert";
import { ConfigError } from "../../infra/config/errors";
import { projectName, readProgramConfig } from "../../infra/config/read";
import { deployHub } from "../../infra/program";
import { DeclaredResource, OfflineRun, runOffline } from "../../infra/tools/offline";
import { planStack, PreviewDocument, ProgramExports, toPreviewDocument } from "../../infra/tools/plan";
import { readStackFile } from "../../infra/tools/stackFile";
import { stacksAsOf } from "./stacks";
import { strykerScope } from "./strykerScope";

// The whole program under Pulumi's mock runtime (infra/tools/offline.ts). A shipped stack is planned once
// per test process, as of `stacksAsOf`, and every test file that reads its plan shares that run.

const runs = new Map<string, Promise<OfflineRun>>();
/** What the runs were planned under in mutation testing (docs/testing.md); "" outside Stryker. */
let runsPlannedUnder = "";

/** Freezes plain data all the way down, so a test that changed a shared run would fail instead. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * The program's offline run of a shipped stack (stacks/Pulumi.<stack>.yaml) as of `stacksAsOf`: what
 * `npm run plan -- --stack <stack> --as-of <stacksAsOf>` prints. Declared resources, invokes and outputs
 * are frozen; a test that needs a variant copies what it changes.
 */
export function stackRun(stack: string): Promise<OfflineRun<ProgramExports>> {
  return shared(stack, () => planStack(stack, { asOf: stacksAsOf }));
}

/**
 * `runWith(stack, changes)`, shared as `stackRun` shares a shipped stack's run: within one mutant's run
 * under Stryker, and frozen. A test file must not keep runs in a cache of its own (test/packages.test.ts
 * did): the first run's would answer for every mutant after it.
 */
export function stackRunWith(stack: string, changes: Record<string, unknown>): Promise<OfflineRun> {
  return shared(`${stack} ${JSON.stringify(changes)}`, () => runWith(stack, changes));
}

function shared<T extends OfflineRun>(key: string, plan: () => Promise<T>): Promise<T> {
  if (strykerScope() !== runsPlannedUnder) {
    runs.clear();
    runsPlannedUnder = strykerScope();
  }
  let run = runs.get(key) as Promise<T> | undefined;
  if (!run) {
    run = plan().then((r) => {
      deepFreeze(r.resources);
      deepFreeze(r.invokes);
      deepFreeze(r.outputs);
      return r;
    });
    runs.set(key, run);
  }
  return run;
}

/** The same run as `pulumi preview --json` shows it (`npm run plan -- --json`). */
export async function stackPreview(stack: string): Promise<PreviewDocument> {
  return toPreviewDocument(await stackRun(stack));
}

/**
 * Runs the program for `stack` with `changes` to its stack file's config (keys as in the file, values as
 * Pulumi stores them: strings, JSON for anything else). `now` is the clock the program reads (default
 * `stacksAsOf`); `onRegister` sees each resource as it is registered.
 */
export function runWith(
  stack: string,
  changes: Record<string, unknown>,
  { now = stacksAsOf, onRegister }: { now?: Date; onRegister?: (r: DeclaredResource) => void } = {},
): Promise<OfflineRun> {
  const { config, secretKeys } = readStackFile(stack);
  const changed = { ...config };
  for (const [key, value] of Object.entries(changes)) {
    changed[key.includes(":") ? key : `${projectName}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return runOffline(stack, changed, secretKeys, () => deployHub(readProgramConfig({ now })), onRegister);
}

/**
 * Runs the program as `runWith` does and asserts it refuses the config with a ConfigError whose message
 * matches every pattern, having declared no resource — not even one whose registration was already in
 * flight.
 */
export async function assertProgramRefuses(
  stack: string,
  changes: Record<string, unknown>,
  patterns: RegExp | readonly RegExp[],
  { now = stacksAsOf }: { now?: Date } = {},
): Promise<void> {
  const declared: string[] = [];
  await assert.rejects(
    runWith(stack, changes, { now, onRegister: (r) => declared.push(r.urn) }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
      for (const pattern of [patterns].flat()) assert.match(e.message, pattern);
      return true;
    },
  );
  // Give any registration already in flight the chance to arrive before counting.
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepStrictEqual(declared, []);
}
