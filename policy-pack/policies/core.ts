// The shared shape of every policy in the pack: metadata the README table is generated from, a factory
// for resource policies and one for stack policies, and helpers that read resource properties the way
// the engine hands them over (plain JSON with secrets unwrapped, and unknown-at-preview values present
// as sentinel strings).
//
// A check is a pure function `(props, context) => messages`. The factories turn it into a CrossGuard
// `validateResource`/`validateStack` function; tests and the offline checker call the same functions.

import type {
  PolicyComplianceFramework,
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { PROXY_TARGET_KEY, UNKNOWN_SENTINELS as SDK_UNKNOWN_SENTINELS, wire } from "../sdk";
import { frameworkOf, tagsOf, urlOf, type Area } from "./metadata";

export { AREAS, areaOf, type Area } from "./metadata";

/** One config property's JSON schema (the SDK's PolicyConfigJSONSchema, reached through its public types). */
type PolicyConfigJSONSchema = PolicyConfigSchema["properties"][string];

/**
 * What every policy in this pack carries: CrossGuard's own fields (severity, remediationSteps, tags with
 * the area first, framework and url where the sources give them; see metadata.ts), made required where
 * the pack always sets them, and two of its own that CrossGuard has no field for.
 */
export interface PolicyMeta {
  readonly severity: Severity;
  /** The fix, in one or two sentences: which input to set to which value. */
  readonly remediationSteps: string;
  /** The area's tag first (`areaOf`), then the framework's. */
  readonly tags: string[];
  readonly framework?: PolicyComplianceFramework;
  readonly url?: string;
  /** Resource type tokens the policy reads. */
  readonly appliesTo: readonly string[];
  /** Benchmarks and documents the check implements (CIS GKE 1.9.0, PSS, Z2JH docs…). */
  readonly sources: readonly string[];
}

export type HardeningResourcePolicy = ResourceValidationPolicy & PolicyMeta & { readonly kind: "resource" };
export type HardeningStackPolicy = StackValidationPolicy & PolicyMeta & { readonly kind: "stack" };
export type HardeningPolicy = HardeningResourcePolicy | HardeningStackPolicy;

// ---------------------------------------------------------------------------------------------------
// Reading properties
// ---------------------------------------------------------------------------------------------------

/** A value that is not known yet (computed during the update). Checks skip it rather than flag it. */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

/** The sentinel the engine sends for a value unknown at preview (../sdk.ts, from runtime/rpc.ts). */
export const UNKNOWN_SENTINEL: string = wire.unknownValue;

/**
 * The sentinels the engine and `pulumi preview --json` use for values unknown at preview (../sdk.ts,
 * from @pulumi/policy proxy.ts; the string one is `UNKNOWN_SENTINEL`).
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set(SDK_UNKNOWN_SENTINELS);

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN || (typeof value === "string" && UNKNOWN_SENTINELS.has(value));
}

/**
 * The plain object behind the engine's unknown-checking proxy. Checks read the plain object so that one
 * unknown field makes that field "not yet known" instead of aborting the whole policy for the resource.
 */
export function plain(props: unknown): unknown {
  if (props !== null && typeof props === "object") {
    const target = (props as Record<string, unknown>)[PROXY_TARGET_KEY];
    if (target !== undefined && target !== null && typeof target === "object") {
      return target;
    }
  }
  return props;
}

export type Path = string | readonly string[];

function segments(path: Path): readonly string[] {
  return typeof path === "string" ? (path === "" ? [] : path.split(".")) : path;
}

export function pathText(path: Path): string {
  return typeof path === "string" ? path : path.map((s) => (/^[A-Za-z_$][\w$]*$/.test(s) ? s : `"${s}"`)).join(".");
}

/**
 * The value at `path` (dots separate keys; pass an array for keys that contain dots), `undefined` when
 * any step is missing, or `UNKNOWN` when any step is not known yet.
 */
export function get(obj: unknown, path: Path): unknown {
  let current: unknown = obj;
  for (const key of segments(path)) {
    if (isUnknown(current)) return UNKNOWN;
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return isUnknown(current) ? UNKNOWN : current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The elements of an array value; `UNKNOWN` when the array itself is unknown; `[]` when absent. */
export function list(value: unknown): readonly unknown[] | Unknown {
  if (isUnknown(value)) return UNKNOWN;
  return Array.isArray(value) ? value : [];
}

/** The entries of an object value (unknown entries kept), `[]` when it is absent or not an object. */
export function entries(value: unknown): readonly [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}

/** A short rendering of a found value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return "not set";
  if (isUnknown(value)) return "unknown";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Case-insensitive string equality that treats non-strings as different. */
export function sameText(value: unknown, expected: string): boolean {
  return typeof value === "string" && value.toLowerCase() === expected.toLowerCase();
}

// ---------------------------------------------------------------------------------------------------
// Settings tables: "this input must satisfy that, else set it to X"
// ---------------------------------------------------------------------------------------------------

export interface Setting {
  /** Path of the input, relative to the object the setting is checked on. */
  readonly path: Path;
  /** Whether a found value (`undefined` when absent) is acceptable. Unknown values are never checked. */
  readonly ok: (value: unknown) => boolean;
  /** The value to set, as the user writes it in the program: `true`, `"GKE_METADATA"`. */
  readonly fix: string;
  /** The requirement, as a sentence without a final period. */
  readonly requirement: string;
}

/** Where a setting's path is set, for messages: a prefix (e.g. `nodePools[0].nodeConfig`), or a locator. */
export type Where = string | ((path: readonly string[]) => string);

/**
 * One message per setting `target` breaks; `where` prefixes the path, or locates it when the object was
 * assembled from several inputs (a pod derived from chart values, policies/z2jh/pods.ts).
 */
export function checkSettings(target: unknown, settings: readonly Setting[], where: Where = ""): string[] {
  const messages: string[] = [];
  for (const setting of settings) {
    const value = get(target, setting.path);
    if (isUnknown(value) || setting.ok(value)) continue;
    const location = typeof where === "string" ? join(where, pathText(setting.path)) : where(segments(setting.path));
    messages.push(violation(setting.requirement, location, setting.fix, value));
  }
  return messages;
}

/** The pack's message shape: the requirement, what to set instead, and what was found. */
export function violation(requirement: string, where: string, fix: string, found: unknown): string {
  return `${requirement}: set ${where} to ${fix} (found: ${show(found)}).`;
}

/**
 * A path for messages: `base` followed by each segment as `.key`, `[index]`, or `["key"]` for keys that
 * are not plain words (`values.singleuser.profileList[1].kubespawner_override`).
 */
export function appendPath(base: string, segments: readonly (string | number)[]): string {
  let text = base;
  for (const segment of segments) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

export function join(prefix: string, path: string): string {
  if (prefix === "") return path;
  if (path === "") return prefix;
  return `${prefix}.${path}`;
}

export const isTrue = (v: unknown): boolean => v === true;
export const notTrue = (v: unknown): boolean => v !== true;
export const notFalse = (v: unknown): boolean => v !== false;
export const isFalse = (v: unknown): boolean => v === false;
export const nonEmptyString = (v: unknown): boolean => typeof v === "string" && v.trim() !== "";

// ---------------------------------------------------------------------------------------------------
// Factories
// ---------------------------------------------------------------------------------------------------

export interface PolicyText {
  /** kebab-case, unique in the pack. */
  readonly name: string;
  /** Starts with "Checks". */
  readonly description: string;
  readonly area: Area;
  readonly severity: Severity;
  readonly remediationSteps: string;
  readonly sources: readonly string[];
  /**
   * Only for checks whose fix needs something outside this program (a KMS key, an attestor): they start
   * as advisory and a user raises them with policy config. Everything else inherits the pack's mandatory.
   */
  readonly enforcementLevel?: "advisory";
  /** Threshold properties with their JSON-schema `default`s; the engine fills the defaults in. */
  readonly config?: Readonly<Record<string, PolicyConfigJSONSchema>>;
}

export interface CheckContext<C> {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** The policy's config: schema defaults overlaid with what the engine passed. */
  readonly config: C;
  readonly notApplicable: (reason?: string) => never;
}

export interface ResourcePolicySpec<C> extends PolicyText {
  /** The resource types checked; others are reported not applicable. */
  readonly types: readonly string[];
  readonly check: (props: Record<string, unknown>, context: CheckContext<C>) => Iterable<string>;
}

export interface StackFinding {
  readonly urn: string;
  readonly message: string;
}

/** A resource as a stack check sees it: plain properties (secrets unwrapped). */
export interface StackResource {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
}

export interface StackPolicySpec<C> extends PolicyText {
  /** The resource types read, for the README (stack policies always receive every resource). */
  readonly types: readonly string[];
  readonly check: (resources: readonly StackResource[], context: StackContext<C>) => Iterable<StackFinding>;
}

export interface StackContext<C> {
  readonly config: C;
  readonly notApplicable: (reason?: string) => never;
}

function schemaOf(config: PolicyText["config"]): PolicyConfigSchema | undefined {
  if (config === undefined) return undefined;
  return { properties: { ...config } };
}

/** The schema's defaults under what the engine passed (the engine already merged them; tests may not). */
function configFor<C>(config: PolicyText["config"], given: object): C {
  const defaults: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(config ?? {})) {
    if (schema.default !== undefined) defaults[key] = schema.default;
  }
  return { ...defaults, ...(plain(given) as object) } as C;
}

function asRecord(props: unknown): Record<string, unknown> {
  const value = plain(props);
  return isRecord(value) ? value : {};
}

function baseFields(spec: PolicyText, appliesTo: readonly string[]) {
  const framework = frameworkOf(spec.sources, spec.description);
  const url = urlOf(spec.sources, framework);
  return {
    name: spec.name,
    description: spec.description,
    severity: spec.severity,
    remediationSteps: spec.remediationSteps,
    tags: tagsOf(spec.area, framework),
    ...(framework ? { framework } : {}),
    ...(url ? { url } : {}),
    sources: spec.sources,
    appliesTo,
    ...(spec.enforcementLevel ? { enforcementLevel: spec.enforcementLevel } : {}),
    ...(spec.config ? { configSchema: schemaOf(spec.config) } : {}),
  };
}

export function resourcePolicy<C extends object = Record<string, never>>(spec: ResourcePolicySpec<C>): HardeningResourcePolicy {
  const types = new Set(spec.types);
  const validate = (args: ResourceValidationArgs, report: ReportViolation): void => {
    if (!types.has(args.type)) {
      args.notApplicable(`Policy only applies to resources of type ${[...types].map((t) => `'${t}'`).join(", ")}`);
    }
    const context: CheckContext<C> = {
      type: args.type,
      name: args.name,
      urn: args.urn,
      config: configFor<C>(spec.config, args.getConfig()),
      notApplicable: (reason?: string) => args.notApplicable(reason),
    };
    for (const message of spec.check(asRecord(args.props), context)) {
      report(message);
    }
  };
  if (spec.types.length === 1) {
    // The server skips other types without calling the function (server.ts `getPulumiType`).
    Object.assign(validate, { __pulumiType: spec.types[0] });
  }
  return { ...baseFields(spec, spec.types), kind: "resource", validateResource: validate };
}

export function stackPolicy<C extends object = Record<string, never>>(spec: StackPolicySpec<C>): HardeningStackPolicy {
  const validate = (args: StackValidationArgs, report: ReportViolation): void => {
    const resources = args.resources.map((r: PolicyResource) => ({
      type: r.type,
      urn: r.urn,
      name: r.name,
      props: asRecord(r.props),
    }));
    const context: StackContext<C> = {
      config: configFor<C>(spec.config, args.getConfig()),
      notApplicable: (reason?: string) => args.notApplicable(reason),
    };
    for (const finding of spec.check(resources, context)) {
      report(finding.message, finding.urn);
    }
  };
  return { ...baseFields(spec, spec.types), kind: "stack", validateStack: validate };
}
