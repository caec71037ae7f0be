import * as assert from "assert";
import { ConfigError, ConfigIssue } from "../../infra/config/errors";
import { parseConfig } from "../../infra/config/parse";
import { planAll } from "../../infra/plan";
import { rawWith } from "./stacks";

// What the program refuses before it declares anything: `parseConfig` (keys, bounds, rules between keys),
// then `planAll` (feasibility: a machine that holds no user, a pool over the node limit, a range too
// small), each throwing one ConfigError with every issue under the key to change.

export interface RefusalOptions {
  /** The clock the event window is checked against; without it the window is not compared with any time. */
  readonly now?: Date;
  /** Stop after the parser, before the plan's feasibility checks. */
  readonly parseOnly?: boolean;
}

/** Every issue raised for `stack` with `changes` to its config (undefined removes a key); none when accepted. */
export function configIssues(stack: string, changes: Record<string, unknown>, options: RefusalOptions = {}): readonly ConfigIssue[] {
  try {
    const config = parseConfig(rawWith(stack, changes), { now: options.now });
    if (!options.parseOnly) planAll(config);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
}

/** What each issue raised under `key` says is allowed, in the order they were raised. */
export function refusalsOf(stack: string, changes: Record<string, unknown>, key: string, options: RefusalOptions = {}): string[] {
  return configIssues(stack, changes, options).filter((i) => i.key === key).map((i) => i.allowed);
}

/** Asserts the change is refused under `key`, with a message of what is allowed that matches `allowed`. */
export function assertRefused(stack: string, changes: Record<string, unknown>, key: string, allowed: RegExp, options: RefusalOptions = {}): void {
  const issues = configIssues(stack, changes, options);
  const issue = issues.find((i) => i.key === key);
  assert.ok(issue, `expected ${JSON.stringify(changes)} to be refused under ${key}, got ${JSON.stringify(issues)}`);
  assert.match(issue.allowed, allowed);
}
