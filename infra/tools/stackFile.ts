import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { RawConfig } from "../config/parse";
import { knownKeys, specOf, type ConfigKey } from "../config/schema";
import { projectName } from "../config/read";

/** Where `Pulumi.yaml`'s stackConfigDir points. */
export const stacksDir = path.resolve(__dirname, "../../stacks");

/**
 * Stands in for secrets in the offline plan, which has no key to decrypt them with. Marked so nobody
 * mistakes it for a value; it never leaves this machine.
 */
export const offlineSecretPlaceholder = "OFFLINE-PLAN-PLACEHOLDER-NOT-A-SECRET";

/** Every key the schema marks secret, fully qualified as the CLI hands config over. */
const secretKeys = knownKeys
  .filter((k) => { const spec = specOf(k as ConfigKey); return spec.kind === "string" && spec.secret === true; })
  .map((k) => (k.includes(":") ? k : `${projectName}:${k}`));

export interface StackFileConfig {
  /** Config as Pulumi hands it to a program: fully qualified keys, every value a string. */
  readonly config: Record<string, string>;
  readonly secretKeys: readonly string[];
}

export class StackFileError extends Error {}

/** The stacks that have a file in `dir` (`Pulumi.<stack>.yaml`), in name order. */
export function listStacks(dir = stacksDir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []).sort();
}

/** Reads `stacks/Pulumi.<stack>.yaml` the way the Pulumi CLI would present it to the program. */
export function readStackFile(stack: string, dir = stacksDir): StackFileConfig {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !fs.existsSync(file)) {
    throw new StackFileError(`no stack "${stack}" in ${dir}; stacks: ${listStacks(dir).join(", ") || "none"}`);
  }
  const doc = YAML.parse(fs.readFileSync(file, "utf8")) ?? {};
  const config: Record<string, string> = {};
  const handedAsSecret: string[] = [];
  for (const [key, value] of Object.entries<unknown>(doc.config ?? {})) {
    const qualified = key.includes(":") ? key : `${projectName}:${key}`;
    // `pulumi config set --secret` stores `key: {secure: <ciphertext>}`; the plan cannot decrypt it and
    // needs none of its value, so it stands in a marked placeholder and hands it over as a secret.
    // Another key stored encrypted is left out, as before: the plan cannot read it.
    if (typeof value === "object" && value !== null && "secure" in value) {
      if (secretKeys.includes(qualified)) {
        config[qualified] = offlineSecretPlaceholder;
        handedAsSecret.push(qualified);
      }
      continue;
    }
    config[qualified] = typeof value === "string" ? value : JSON.stringify(value);
  }
  // A secret key not in the file at all is set elsewhere (an ESC environment, the CI's config); the plan
  // stands in the placeholder for it too. One written in plain text stays plain, so the program refuses it
  // exactly as it would under `pulumi up` (where Pulumi hands it over as a plain value).
  for (const key of secretKeys) {
    if (config[key] === undefined) {
      config[key] = offlineSecretPlaceholder;
      handedAsSecret.push(key);
    }
  }
  return { config, secretKeys: handedAsSecret };
}

/** The raw config `parseConfig` takes, from a stack file (keys without the project prefix). */
export function stackRawConfig(stack: string, dir = stacksDir): RawConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(readStackFile(stack, dir).config)) {
    raw[key.startsWith(`${projectName}:`) ? key.slice(projectName.length + 1) : key] = value;
  }
  return raw;
}
