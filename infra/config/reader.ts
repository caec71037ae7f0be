// The schema-driven reader: each key is read the way its entry in infra/config/schema.ts says (presence,
// kind, bounds, the entry's own check), and every bad value becomes one issue in the shared list. parse.ts
// builds the typed config with it and adds the rules between keys.

import { IssueList, notShown } from "./errors";
import { ConfigKey, ConfigSchema, configSchema, KeySpec, knownKeys, specOf } from "./schema";

/**
 * Raw stack config: the project's own keys without the `jupyterhub-gke:` prefix, plus `gcp:project` and
 * `gcp:region`. Values are what Pulumi stores (strings), or already-decoded JSON/YAML values.
 */
export type RawConfig = Readonly<Record<string, unknown>>;

// Keys by kind and presence, so a key can only be read the way its entry in the schema says.
type KeysWhere<C> = { [K in ConfigKey]: ConfigSchema[K] extends C ? K : never }[ConfigKey];
type Optional = KeysWhere<{ readonly unset: string }>;
type OfKind<N extends string> = KeysWhere<{ readonly kind: N }>;

/**
 * Reads each key as its schema entry says: presence, type, bounds and the entry's own check. A bad value
 * is recorded as an issue and read as its default (or a placeholder), and the key is marked invalid so
 * the rules between keys leave it alone.
 */
export class Reader {
  private readonly invalid = new Set<string>();
  private readonly asked = new Set<string>();

  /**
   * `secretKeys`: the keys Pulumi handed over as secrets (stored `secure:` in the stack file). When given,
   * a secret key that is set but not among them was written in plain text and is refused.
   */
  constructor(private readonly raw: RawConfig, readonly issues: IssueList, private readonly secretKeys?: readonly string[]) {}

  /** Keys of the schema that nothing read: an entry added without its use. */
  unread(): string[] {
    return knownKeys.filter((k) => !this.asked.has(k));
  }

  has(key: string): boolean {
    this.asked.add(key);
    return this.raw[key] !== undefined && this.raw[key] !== null && this.raw[key] !== "";
  }

  value(key: string): unknown {
    return decode(this.raw[key]);
  }

  /** Records an issue under `key` (or a path below it) and marks the key invalid. */
  report(key: ConfigKey, value: unknown, allowed: string, path: string = key): void {
    this.issues.add(path, value, allowed);
    this.invalid.add(key);
  }

  /** True when every key read well (set or defaulted), so a rule between them can be checked. */
  valid(...keys: ConfigKey[]): boolean {
    return keys.every((k) => !this.invalid.has(k));
  }

  /** A required key that is not set: what it is for, what it takes, and the command that sets it. */
  private missing(key: ConfigKey, what?: string): void {
    const spec: KeySpec = configSchema[key];
    if (spec.required === undefined) return;
    const takes = spec.kind === "string" && spec.secret ? undefined : what ?? spec.allowed;
    const why = typeof spec.required === "string" ? spec.required : `required: ${spec.doc}${takes ? ` (${takes})` : ""}`;
    this.report(key, undefined, `${why}; set it with \`${setCommand(key, spec)}\``);
  }

  /**
   * A secret key: present, and handed over as a secret. Its value is never read here (read.ts keeps it a
   * Pulumi secret); a plain-text one is refused without repeating it.
   */
  secret(key: KeysWhere<{ readonly secret: true }>): void {
    const spec = configSchema[key];
    if (!this.has(key)) {
      this.missing(key);
      return;
    }
    if (this.secretKeys !== undefined && !this.secretKeys.includes(key)) {
      this.report(key, notShown, `a secret must not be written in plain text in the stack file: delete that line (and rotate the secret if the file was shared), then set it encrypted with \`${setCommand(key, spec)}\``);
    }
  }

  string(key: Exclude<OfKind<"string">, Optional>): string {
    const spec = configSchema[key];
    const fallback = "default" in spec ? spec.default : "";
    return this.readString(key) ?? fallback;
  }

  optionalString(key: OfKind<"string"> & Optional): string | undefined {
    return this.readString(key);
  }

  private readString(key: OfKind<"string">): string | undefined {
    const spec = configSchema[key];
    if (!this.has(key)) {
      this.missing(key);
      return undefined;
    }
    const v = this.value(key);
    if (typeof v !== "string" && typeof v !== "number") {
      this.report(key, v, "a string is required");
      return undefined;
    }
    const text = String(v);
    const problem = "check" in spec ? spec.check(text) : undefined;
    if (problem !== undefined) {
      this.report(key, text, problem);
      return undefined;
    }
    return text;
  }

  integer(key: Exclude<OfKind<"integer">, Optional>): number {
    const spec = configSchema[key];
    return this.readNumber(key, true) ?? ("default" in spec ? spec.default : spec.min);
  }

  optionalInteger(key: OfKind<"integer"> & Optional): number | undefined {
    return this.readNumber(key, true);
  }

  number(key: OfKind<"number">): number {
    return this.readNumber(key, false) ?? configSchema[key].default;
  }

  private readNumber(key: OfKind<"integer" | "number">, integer: boolean): number | undefined {
    const { min, max } = configSchema[key];
    const range = `${integer ? "a whole number" : "a number"} from ${min} to ${max}${unitOf(key)}`;
    if (!this.has(key)) {
      this.missing(key, range);
      return undefined;
    }
    const v = this.value(key);
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      this.report(key, v, `allowed: ${range}`);
      return undefined;
    }
    return v;
  }

  autoOrInteger(key: OfKind<"autoOrInteger">): "auto" | number {
    const spec = configSchema[key];
    if (!this.has(key)) return spec.default;
    const v = this.value(key);
    if (v === "auto") return v;
    if (typeof v !== "number" || !Number.isInteger(v) || v < spec.min || v > spec.max) {
      this.report(key, v, `allowed: auto or a whole number from ${spec.min} to ${spec.max}`);
      return spec.default;
    }
    return v;
  }

  boolean(key: OfKind<"boolean">): boolean {
    const fallback = configSchema[key].default;
    if (!this.has(key)) return fallback;
    const v = this.value(key);
    if (typeof v === "boolean") return v;
    this.report(key, v, "allowed: true or false");
    return fallback;
  }

  oneOf<K extends OfKind<"enum">>(key: K): ConfigSchema[K]["default"] | ConfigSchema[K]["values"][number] {
    const spec: { readonly values: readonly ConfigSchema[K]["values"][number][]; readonly default: ConfigSchema[K]["default"] } = configSchema[key];
    if (!this.has(key)) return spec.default;
    const v = this.value(key);
    const chosen = spec.values.find((allowed) => allowed === (typeof v === "number" ? String(v) : v));
    if (chosen !== undefined) return chosen;
    this.report(key, v, `allowed: ${spec.values.join(", ")}`);
    return spec.default;
  }

  stringList(key: OfKind<"stringList">): readonly string[] {
    const spec = configSchema[key];
    const fallback: readonly string[] = "default" in spec ? spec.default : [];
    if (!this.has(key)) {
      if (specOf(key).required !== undefined) this.missing(key);
      else if ("nonEmpty" in spec) this.report(key, undefined, spec.nonEmpty);
      return fallback;
    }
    const v = this.value(key);
    if (!Array.isArray(v)) {
      this.report(key, v, `a list of ${spec.itemsAre} is required`);
      return fallback;
    }
    const items: string[] = [];
    for (const x of v) {
      if (typeof x !== "string" || !spec.item.test(x)) {
        this.report(key, v, `a list of ${spec.itemsAre} is required`);
        return fallback;
      }
      items.push(x);
    }
    if ("nonEmpty" in spec && items.length === 0) this.report(key, v, spec.nonEmpty);
    return items;
  }

  list(key: OfKind<"list">): readonly unknown[] {
    if (!this.has(key)) return configSchema[key].default;
    const v = this.value(key);
    if (Array.isArray(v)) return v;
    this.report(key, v, "a list is required");
    return [];
  }

  object(key: Exclude<OfKind<"object">, Optional>): Readonly<Record<string, unknown>> {
    return this.optionalObject(key) ?? configSchema[key].default;
  }

  optionalObject(key: OfKind<"object">): Readonly<Record<string, unknown>> | undefined {
    if (!this.has(key)) return undefined;
    const v = this.value(key);
    if (isPlainObject(v)) return v;
    this.report(key, v, "an object is required");
    return undefined;
  }
}


export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Pulumi stores every config value as a string; structured values as JSON. */
function decode(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (t === "") return v;
  if (/^[[{]/.test(t) || /^(true|false|null)$/.test(t) || /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      return v;
    }
  }
  return v;
}

/** " GiB", " seconds"…: the unit a number key is in, from its entry or the end of its name. */
function unitOf(key: OfKind<"integer" | "number">): string {
  const spec = specOf(key);
  const declared = spec.kind === "integer" || spec.kind === "number" ? spec.unit : undefined;
  const byName = /(GiB|Seconds|Minutes)$/.exec(key)?.[1];
  const unit = declared ?? (byName === "GiB" ? "GiB" : byName?.toLowerCase());
  return unit ? ` ${unit}` : "";
}

/**
 * The command that sets `key` to the example of its schema entry, as a person pastes it: a list item by
 * `--path`, a secret with `--secret` and its placeholder quoted (the shell would read `<` as a redirect).
 */
export function setCommand(key: string, spec: KeySpec): string {
  const example = spec.example ?? "<value>";
  if (spec.kind === "string" && spec.secret) return `pulumi config set --secret ${key} '${example}'`;
  if (spec.kind === "stringList") return `pulumi config set --path '${key}[0]' ${example}`;
  return `pulumi config set ${key} ${example}`;
}
