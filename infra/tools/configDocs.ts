// Generates, from the config schema (infra/config/schema.ts), the two documents that must agree with it:
//
//   npm run --silent config:table     the full config table of docs/configuration.md and the README's short
//                                     table of the keys every stack must set (each between its markers)
//   npm run --silent config:pulumi    the typed `config:` block at the end of Pulumi.yaml
//
// Each prints the generated text; with `-- --write` it replaces the text in the files instead.
// test/config/readme.test.ts and test/config/pulumiYaml.test.ts fail when a file differs from its output.

import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { replaceBetween, textBetween } from "../../policy-pack/tools/markedSection";
import { ConfigKey, configSchema, KeySpec, specOf } from "../config/schema";

export const TABLE_START = "<!-- config-table:start -->";
export const TABLE_END = "<!-- config-table:end -->";
export const REQUIRED_START = "<!-- config-required:start -->";
export const REQUIRED_END = "<!-- config-required:end -->";

const root = path.resolve(__dirname, "../..");
export const readmePath = path.join(root, "README.md");
export const configurationDocPath = path.join(root, "docs", "configuration.md");
export const pulumiYamlPath = path.join(root, "Pulumi.yaml");

const keys = Object.keys(configSchema).filter((k): k is ConfigKey => k in configSchema);

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

/** A default as an organiser would write it: `{cpuMillicores: 500, …}`, `["openid","email"]`, `true`. */
function literal(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${k}: ${literal(v)}`).join(", ")}}`;
  }
  return String(value);
}

function defaultColumn(spec: KeySpec): string {
  if (spec.defaultText !== undefined) return spec.defaultText;
  if (spec.required !== undefined) return spec.kind === "string" && spec.secret ? "required, **secret**" : "required";
  if (spec.unset !== undefined) return spec.unset;
  return `\`${literal(spec.default)}\``;
}

/** What a key accepts, in the README's words: the entry's own text, or what its kind says. */
export function allowedText(spec: KeySpec): string {
  if (spec.allowed !== undefined) return spec.allowed;
  switch (spec.kind) {
    case "integer":
    case "number":
      return `${spec.min}–${spec.max}`;
    case "autoOrInteger":
      return `\`auto\` or ${spec.min}–${spec.max}`;
    case "enum":
      return spec.values.map((v) => `\`${v}\``).join(", ");
    case "boolean":
      return "`true`, `false`";
    case "stringList":
      return spec.itemsAre;
    case "string":
      return "a string";
    case "list":
      return "a list";
    case "object":
      return "an object";
  }
}

/** docs/configuration.md's config table: one row per key, in the schema's order. */
export function configTable(): string {
  const rows = ["| key | default | allowed | what it is for |", "|---|---|---|---|"];
  for (const key of keys) {
    const spec = specOf(key);
    rows.push(`| \`${key}\` | ${cell(defaultColumn(spec))} | ${cell(allowedText(spec))} | ${cell(spec.doc)} |`);
  }
  return rows.join("\n");
}

/**
 * The README's short table: the keys with no default, which every new stack must set, each with the
 * schema's example value. The full table is too long for a first page (issue 16).
 */
export function requiredTable(): string {
  const rows = ["| key | example | what it is for |", "|---|---|---|"];
  for (const key of keys) {
    const spec = specOf(key);
    if (spec.required === undefined) continue;
    const example = spec.kind === "string" && spec.secret ? "`pulumi config set --secret`" : `\`${spec.example}\``;
    rows.push(`| \`${key}\` | ${cell(example)} | ${cell(spec.doc)} |`);
  }
  return rows.join("\n");
}

/** The text between two markers, or `undefined` when one is missing. */
export function extractTable(text: string, start = TABLE_START, end = TABLE_END): string | undefined {
  return textBetween(text, start, end);
}

/**
 * One key of Pulumi.yaml's `config:` block (Pulumi's ConfigTypeDeclaration: project.json and
 * project.go's ProjectConfigType at pulumi/pulumi v3.248.0).
 */
export interface PulumiConfigDeclaration {
  readonly type?: "string" | "integer" | "boolean" | "array" | "object";
  readonly items?: { readonly type: "string" };
  readonly description: string;
  readonly secret?: true;
  readonly default?: unknown;
}

/**
 * Pulumi's config types are string, integer, boolean, array (of one item type) and object (since CLI
 * 3.187). A fractional number, `auto`-or-a-number and a list of CIDR strings or objects have no Pulumi
 * type, so those keys are declared without one and Pulumi passes them on as written; parse.ts checks them.
 */
function pulumiType(spec: KeySpec): Pick<PulumiConfigDeclaration, "type" | "items"> {
  switch (spec.kind) {
    case "string":
    case "enum":
      return { type: "string" };
    case "integer":
      return { type: "integer" };
    case "boolean":
      return { type: "boolean" };
    case "stringList":
      return { type: "array", items: { type: "string" } };
    case "object":
      return { type: "object" };
    case "number":
    case "autoOrInteger":
    case "list":
      return {};
  }
}

/** Markdown's code spans and bold, which a Pulumi description shows as written, dropped. */
function plain(text: string): string {
  return text.replace(/`|\*\*/g, "");
}

/**
 * Which keys Pulumi.yaml can declare. Pulumi refuses a type or default for a key outside the project's
 * namespace (`gcp:*` must carry a `value`; project.go `Validate`), and treats a declared project key
 * without a default as required (config.go `mergeConfig`: "Stack '…' is missing configuration value"),
 * so a key that is optional without a fixed default is left out.
 */
export function declaredKeys(): { declared: ConfigKey[]; outsideProject: ConfigKey[]; optional: ConfigKey[] } {
  const outsideProject = keys.filter((k) => k.includes(":"));
  const optional = keys.filter((k) => !k.includes(":") && specOf(k).unset !== undefined);
  const declared = keys.filter((k) => !outsideProject.includes(k) && !optional.includes(k));
  return { declared, outsideProject, optional };
}

/** Pulumi.yaml's `config:` block: every declarable key with its type, description and default. */
export function pulumiConfigBlock(): Record<string, PulumiConfigDeclaration> {
  return Object.fromEntries(
    declaredKeys().declared.map((key) => {
      const spec = specOf(key);
      const declaration: PulumiConfigDeclaration = {
        ...pulumiType(spec),
        description: `${plain(spec.doc)}. Allowed: ${plain(allowedText(spec))}.`,
        ...(spec.kind === "string" && spec.secret ? { secret: true } : {}),
        ...(spec.default !== undefined ? { default: spec.default } : {}),
      };
      return [key, declaration];
    }),
  );
}

export const PULUMI_YAML_MARK = "# Generated from infra/config/schema.ts by `npm run --silent config:pulumi -- --write`; do not edit by hand.";

/** The generated end of Pulumi.yaml, from its marker line on. */
export function pulumiYamlTail(): string {
  const { outsideProject, optional } = declaredKeys();
  const note = [
    PULUMI_YAML_MARK,
    "# Pulumi applies these defaults and types to every stack (CLI 3.187 or later, for the object type).",
    `# Not declared: ${outsideProject.join(", ")} (another namespace: Pulumi allows only a value there) and`,
    `# ${optional.join(", ")} (optional without a fixed default: Pulumi would require them).`,
  ];
  return `${note.join("\n")}\n${YAML.stringify({ config: pulumiConfigBlock() }, { lineWidth: 0 })}`;
}

/** Pulumi.yaml's generated end, or `undefined` without the marker. */
export function extractPulumiYamlTail(text: string): string | undefined {
  const at = text.indexOf(PULUMI_YAML_MARK);
  return at < 0 ? undefined : text.slice(at);
}

function main(argv: readonly string[]): void {
  const [what, flag] = argv;
  const write = flag === "--write";
  if (what === "table") {
    const table = configTable();
    const required = requiredTable();
    if (write) {
      fs.writeFileSync(configurationDocPath, replaceBetween(fs.readFileSync(configurationDocPath, "utf8"), TABLE_START, TABLE_END, table));
      fs.writeFileSync(readmePath, replaceBetween(fs.readFileSync(readmePath, "utf8"), REQUIRED_START, REQUIRED_END, required));
    } else console.log(`docs/configuration.md:\n${TABLE_START}\n${table}\n${TABLE_END}\n\nREADME.md:\n${REQUIRED_START}\n${required}\n${REQUIRED_END}`);
  } else if (what === "pulumi") {
    const tail = pulumiYamlTail();
    if (write) {
      const text = fs.readFileSync(pulumiYamlPath, "utf8");
      const at = text.indexOf(PULUMI_YAML_MARK);
      fs.writeFileSync(pulumiYamlPath, `${(at < 0 ? `${text.trimEnd()}\n\n` : text.slice(0, at))}${tail}`);
    } else process.stdout.write(tail);
  } else {
    process.stderr.write("usage: ts-node infra/tools/configDocs.ts table|pulumi [--write]\n");
    process.exitCode = 2;
  }
}

if (require.main === module) main(process.argv.slice(2));
