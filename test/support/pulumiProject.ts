// What the Pulumi CLI does with a project's `config:` block, for tests that cannot run the CLI. Written
// from pulumi/pulumi at tag v3.248.0 (the SDK version this project pins), sdk/go/common/workspace:
//   - project.go `Validate`: keys outside the project's namespace carry only a `value`; an array declares
//     its `items`; a typed default satisfies its type;
//   - project.go `ValidateConfigValue`: what satisfies each type;
//   - config.go `mergeConfig`: defaults fill keys a stack leaves out, and a declared project key with no
//     default and no stack value is "missing";
//   - config.go `validateStackConfigValue`: a stack value satisfies its declared type, and a key declared
//     secret must be encrypted in the stack.

export interface ItemsType {
  readonly type: string;
  readonly items?: ItemsType;
}

export interface Declaration {
  readonly type?: string;
  readonly items?: ItemsType;
  readonly description?: string;
  readonly default?: unknown;
  readonly value?: unknown;
  readonly secret?: boolean;
}

/** A stack's config value as the CLI holds it: a string, or JSON text when it is a list or a map. */
export interface StackValue {
  readonly text: string;
  readonly object: boolean;
  readonly secure: boolean;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** ValidateConfigValue: integers may be whole floats or strings that parse as integers (YAML gives both). */
export function satisfiesType(type: string | undefined, items: ItemsType | undefined, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    case "object":
      return isMap(value);
    default:
      return Array.isArray(value) && items !== undefined && value.every((item) => satisfiesType(items.type, items.items, item));
  }
}

const inProject = (project: string, key: string) => !key.includes(":") || key.startsWith(`${project}:`);

/** Project.Validate: the errors the CLI would refuse the project with. */
export function projectConfigErrors(project: string, config: Readonly<Record<string, Declaration>>): string[] {
  const errors: string[] = [];
  for (const [key, d] of Object.entries(config)) {
    if (d.default !== undefined && d.value !== undefined) errors.push(`${key}: both a default and a value`);
    if (inProject(project, key)) {
      if (d.type === "array" && d.items === undefined) errors.push(`${key}: an array without items`);
      if (d.type !== undefined && d.default !== undefined && !satisfiesType(d.type, d.items, d.default)) {
        errors.push(`${key}: the default is not of type ${d.type}`);
      }
    } else {
      if (d.type !== undefined) errors.push(`${key}: not namespaced by the project, so no type`);
      if (d.default !== undefined) errors.push(`${key}: not namespaced by the project, so no default`);
      if (d.value === undefined) errors.push(`${key}: namespaced, so a value is required`);
    }
  }
  return errors;
}

/** config.go createConfigValue: a scalar becomes its text (Go's %v), a list or map its JSON. */
function configValue(raw: unknown): StackValue {
  return typeof raw === "object" && raw !== null
    ? { text: JSON.stringify(raw), object: true, secure: false }
    : { text: String(raw), object: false, secure: false };
}

/** A stack file's `config:` map as the CLI reads it (a `{secure: …}` value stays encrypted). */
export function stackValues(project: string, stackConfig: Readonly<Record<string, unknown>>): Map<string, StackValue> {
  const values = new Map<string, StackValue>();
  for (const [key, raw] of Object.entries(stackConfig)) {
    const full = key.includes(":") ? key : `${project}:${key}`;
    values.set(full, isMap(raw) && "secure" in raw ? { text: String(raw.secure), object: false, secure: true } : configValue(raw));
  }
  return values;
}

/**
 * mergeConfig with validation: the stack's values with the project's defaults filled in, and the errors
 * the CLI would stop with before running the program.
 */
export function mergeProjectConfig(
  project: string,
  stack: string,
  config: Readonly<Record<string, Declaration>>,
  values: ReadonlyMap<string, StackValue>,
): { merged: Map<string, StackValue>; errors: string[] } {
  const merged = new Map(values);
  const missing: string[] = [];
  const errors: string[] = [];
  for (const key of Object.keys(config).sort()) {
    const d = config[key];
    const full = key.includes(":") ? key : `${project}:${key}`;
    const fill = d.value ?? d.default;
    if (!merged.has(full) && fill === undefined && inProject(project, key)) missing.push(key);
    else if (!merged.has(full) && fill !== undefined) merged.set(full, configValue(fill));
  }
  if (missing.length > 0) {
    errors.push(`Stack '${stack}' is missing configuration value${missing.length > 1 ? "s" : ""} ${missing.map((k) => `'${k}'`).join(", ")}`);
    return { merged, errors };
  }
  for (const key of Object.keys(config).sort()) {
    const d = config[key];
    const value = merged.get(key.includes(":") ? key : `${project}:${key}`);
    if (d.type === undefined || value === undefined) continue;
    if (d.secret && !value.secure) errors.push(`Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`);
    // The CLI decrypts a secure value before checking its type; a test has no key, so it skips that check.
    const content: unknown = value.object ? JSON.parse(value.text) : value.text;
    if (!value.secure && !satisfiesType(d.type, d.items, content)) {
      errors.push(`Stack '${stack}' with configuration key '${key}' must be of type '${d.type}'`);
    }
  }
  return { merged, errors };
}
