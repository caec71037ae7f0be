import { parseConfig, RawConfig } from "../../infra/config/parse";
import { StackConfig } from "../../infra/config/types";
import { listStacks, stackRawConfig } from "../../infra/tools/stackFile";

/**
 * The stacks shipped in stacks/ (every `Pulumi.<stack>.yaml`), which every behaviour test runs against: a
 * stack added there is tested like the others without a test naming it.
 */
export const stackNames: readonly string[] = listStacks();
if (stackNames.length === 0) throw new Error("no stacks/Pulumi.<stack>.yaml found: the tests have nothing to run against");

/**
 * The day the example stacks' event windows were last moved forward. Every test plans the stacks as of this
 * moment, so no test depends on the day it runs; the program itself checks against the real clock
 * (`readProgramConfig`). The windows follow a rule counted from this day (`exampleWindows`, README
 * "Configuration"); to bring the examples forward, set this to today and write the windows the rule gives.
 */
export const stacksAsOf = new Date("2026-12-02T00:00:00Z");

const DAY_MS = 86_400_000;

/**
 * The dating rule of the example stacks: the event starts at 08:00 UTC on the first Monday of December that
 * is at least 180 days after `asOf` and lasts 72 hours; the dev rehearsal is the Monday a week earlier,
 * 09:00 to 17:00 UTC.
 */
export function exampleWindows(asOf: Date): Readonly<Record<"event" | "dev", { start: Date; end: Date }>> {
  const earliest = asOf.getTime() + 180 * DAY_MS;
  let year = new Date(earliest).getUTCFullYear();
  const firstMondayOfDecember = (y: number) => {
    const first = Date.UTC(y, 11, 1);
    return first + ((8 - new Date(first).getUTCDay()) % 7) * DAY_MS;
  };
  if (firstMondayOfDecember(year) < earliest) year += 1;
  const monday = firstMondayOfDecember(year);
  const at = (day: number, hour: number) => new Date(day + hour * 3_600_000);
  return {
    event: { start: at(monday, 8), end: at(monday, 8 + 72) },
    dev: { start: at(monday - 7 * DAY_MS, 9), end: at(monday - 7 * DAY_MS, 17) },
  };
}

const rawConfigs = new Map<string, RawConfig>();

/** A stack file's raw config, read once per process (every value is a string, so sharing it is safe). */
function rawConfig(name: string): RawConfig {
  let raw = rawConfigs.get(name);
  if (!raw) rawConfigs.set(name, (raw = Object.freeze(stackRawConfig(name))));
  return raw;
}

/** A stack file's config, parsed and validated exactly as the program does it, as of `stacksAsOf`. */
export function loadStackConfig(name: string): StackConfig {
  return parseConfig(rawConfig(name), { now: stacksAsOf });
}

/** A stack's raw config with some keys changed (undefined removes a key), for the bad-value tests. */
export function rawWith(name: string, changes: Record<string, unknown>): RawConfig {
  const raw: Record<string, unknown> = { ...rawConfig(name) };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete raw[k];
    else raw[k] = v;
  }
  return raw;
}
