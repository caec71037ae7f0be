// Offline policy check: runs every resource and stack policy of the pack over a `pulumi preview --json`
// document (or the offline plan, which prints the same shape) or a `pulumi stack export` document, the
// way the engine would during `pulumi preview --policy-pack policy-pack`.
//
//   npm run policy:check -- <file|-> [--config <policy-config.json>] [--urns]
//
// Prints `<level> <policy-name> <resource>: <message>` per violation, the resource by its name and kind
// (`cluster (Cluster)`; `--urns` prints the full URN instead), followed by the stack config keys that fix
// it when the caller knows them (the program's `npm run policy:check` does: infra/tools/policyCheck.ts).
// Exits 1 when a mandatory policy is violated (or a policy fails), 0 otherwise, and 2 when a file cannot
// be read or is malformed.

import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { allPolicies, PACK_ENFORCEMENT_LEVEL, PACK_NAME, type HardeningPolicy } from "../policies";
import { DocumentError, readDocument } from "./document";
import { ConfigError, evaluate, reconcileConfig, type Finding, type PolicyFailure } from "./engine";

export { ConfigError } from "./engine";
export { DocumentError } from "./document";

export interface CheckResult {
  readonly findings: readonly Finding[];
  readonly failures: readonly PolicyFailure[];
  readonly resourceCount: number;
  /** Secrets exported as ciphertext, which the check had to treat as unknown. */
  readonly unreadableSecrets: readonly string[];
  /** Top-level config keys that name no policy of the pack (the engine ignores them too). */
  readonly unknownConfigKeys: readonly string[];
}

export interface CheckOptions {
  /** Policy config as `--policy-pack-config` takes it: `{"all": level, "<policy>": level | {enforcementLevel, ...props}}`. */
  readonly config?: unknown;
  /** Defaults to the whole pack. */
  readonly policies?: readonly HardeningPolicy[];
}

export function packVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}

/**
 * Runs the pack over a parsed document. Throws `DocumentError` for a document of neither shape and
 * `ConfigError` for config the engine would reject.
 */
export async function runPolicies(doc: unknown, options: CheckOptions = {}): Promise<CheckResult> {
  const policies = options.policies ?? allPolicies;
  const config = reconcileConfig(policies, PACK_ENFORCEMENT_LEVEL, options.config);
  const { resources, unreadableSecrets } = readDocument(doc);
  const { findings, failures } = await evaluate(resources, {
    policies,
    config,
    packLevel: PACK_ENFORCEMENT_LEVEL,
    packLabel: `${PACK_NAME}@v${packVersion()}`,
  });
  const names = new Set(policies.map((p) => p.name));
  const unknownConfigKeys =
    options.config !== null && typeof options.config === "object"
      ? Object.keys(options.config).filter((k) => k !== "all" && !names.has(k))
      : [];
  return { findings, failures, resourceCount: resources.length, unreadableSecrets, unknownConfigKeys };
}

/**
 * A resource as a person names it: its name and the last part of its type, from the URN
 * (`urn:pulumi:<stack>::<project>::<parent types$>type::<name>`); anything else as it is.
 */
export function shortResourceName(urn: string): string {
  const m = /^urn:pulumi:[^:]*::[^:]*::(.+)::([^:]+)$/.exec(urn);
  if (!m) return urn;
  const type = m[1].slice(m[1].lastIndexOf("$") + 1);
  return `${m[2]} (${type.slice(type.lastIndexOf(":") + 1)})`;
}

export interface FormatOptions {
  /** Print the full URN rather than the short name. */
  readonly urns?: boolean;
  /** The stack config keys that fix a violation of this policy on this resource, if the caller knows them. */
  readonly fixHint?: (policy: string, urn: string) => string | undefined;
}

export function formatFinding(finding: Finding, { urns = false, fixHint }: FormatOptions = {}): string {
  const resource = urns ? finding.urn : shortResourceName(finding.urn);
  const hint = fixHint?.(finding.policy, finding.urn);
  return `${finding.level} ${finding.policy} ${resource}: ${finding.message.replace(/\s*\n\s*/g, " ")}${hint ? ` (fix with stack config: ${hint})` : ""}`;
}

export function exitCode(result: CheckResult): 0 | 1 {
  return result.failures.length > 0 || result.findings.some((f) => f.level === "mandatory") ? 1 : 0;
}

/** Reads and parses a JSON file ("-" is stdin); throws `DocumentError` with a clear message. */
export function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    throw new DocumentError(`cannot read ${what} ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const hint = /^\s*>/.test(text) ? " (it starts with npm's banner: capture it with `npm run --silent`)" : "";
    throw new DocumentError(`${what} ${file} is not valid JSON${hint}: ${(e as Error).message}`);
  }
}

const USAGE = "usage: npm run policy:check -- <preview-or-export.json | -> [--config <policy-config.json>] [--urns]";

/** The CLI; returns the exit code. */
export async function main(
  argv: readonly string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
  { fixHint }: Pick<FormatOptions, "fixHint"> = {},
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { config: { type: "string" }, urns: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    out(USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    err(USAGE);
    return 2;
  }
  const file = parsed.positionals[0] as string;
  try {
    const doc = readJson(file, "document");
    const config = parsed.values.config !== undefined ? readJson(parsed.values.config, "policy config") : undefined;
    const result = await runPolicies(doc, { config });
    const format: FormatOptions = { urns: parsed.values.urns === true, fixHint };
    for (const finding of result.findings) out(formatFinding(finding, format));
    for (const failure of result.failures) {
      out(`error ${failure.policy} ${format.urns ? failure.urn : shortResourceName(failure.urn)}: the policy failed: ${failure.error}`);
    }
    for (const key of result.unknownConfigKeys) err(`warning: policy config names "${key}", which is not a policy of ${PACK_NAME}`);
    if (result.unreadableSecrets.length > 0) {
      err(`warning: ${result.unreadableSecrets.length} secret value(s) are encrypted and were treated as unknown; export with \`pulumi stack export --show-secrets\` to check them`);
    }
    const mandatory = result.findings.filter((f) => f.level === "mandatory").length;
    err(`${PACK_NAME}: ${result.resourceCount} resources, ${mandatory} mandatory and ${result.findings.length - mandatory} advisory violations${result.failures.length > 0 ? `, ${result.failures.length} policy failures` : ""}`);
    return exitCode(result);
  } catch (e) {
    if (e instanceof DocumentError || e instanceof ConfigError) {
      err(`policy:check: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(2);
    },
  );
}
