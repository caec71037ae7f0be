import { parseConfig, RawConfig } from "../../infra/config/parse";
import { StackConfig } from "../../infra/config/types";
import { stackRawConfig } from "../../infra/tools/stackFile";

/** The stacks shipped in stacks/, which every behaviour test runs against. */
export const stackNames = ["dev", "event"] as const;

/** A stack file's config, parsed and validated exactly as the program does it. */
export function loadStackConfig(name: string): StackConfig {
  return parseConfig(stackRawConfig(name));
}

/** A stack's raw config with some keys changed (undefined removes a key), for the bad-value tests. */
export function rawWith(name: string, changes: Record<string, unknown>): RawConfig {
  const raw: Record<string, unknown> = { ...stackRawConfig(name) };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete raw[k];
    else raw[k] = v;
  }
  return raw;
}
