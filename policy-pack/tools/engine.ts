// Runs the pack's policies over resource states the way the Pulumi engine and @pulumi/policy's analyzer
// server do, without starting the server:
//   - config: pulumi/pulumi pkg/resource/analyzer/config.go `ReconcilePolicyPackConfig` — schema
//     defaults first, then `all` sets every level, then per-policy entries (shallow-merged properties);
//     the result is validated against each policy's configSchema (invalid config stops the run).
//   - levels: @pulumi/policy server.ts — config level, else policy level, else pack level; `disabled`
//     skips; `remediate` reports as mandatory.
//   - resource policies: every resource state (custom, component, provider, stack) with its inputs,
//     wrapped in `unknownCheckingProxy`; an UnknownValueError becomes an advisory "can't run … during
//     preview"; `notApplicable` skips; any other exception is an error that fails the run.
//   - stack policies: every resource with its outputs (its inputs when the document has no outputs,
//     as in a preview of resources not yet created), with parents and dependencies linked.

import type {
  EnforcementLevel,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import Ajv from "ajv";
import { isRecord, type HardeningPolicy } from "../policies/core";
import * as runtime from "../sdk";
import type { ResourceState } from "./document";

/** Policy config that cannot be applied; the CLI exits 2 with this message. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export interface PolicyConfig {
  readonly enforcementLevel: EnforcementLevel;
  readonly properties: Readonly<Record<string, unknown>>;
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

function level(value: unknown, key: string): EnforcementLevel {
  if (typeof value !== "string" || !LEVELS.includes(value as EnforcementLevel)) {
    throw new ConfigError(`parsing enforcement level for "${key}": ${JSON.stringify(value)} is not a valid enforcement level (${LEVELS.join(", ")})`);
  }
  return value as EnforcementLevel;
}

interface GivenConfig {
  readonly enforcementLevel?: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}

/** The `--policy-pack-config` JSON, parsed as config.go `parsePolicyPackConfig` does. */
export function parseConfig(raw: unknown): Map<string, GivenConfig> {
  const parsed = new Map<string, GivenConfig>();
  if (raw === undefined || raw === null) return parsed;
  if (!isRecord(raw)) throw new ConfigError("policy config must be a JSON object keyed by policy name");
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === "string") {
      parsed.set(key, { enforcementLevel: level(value, key), properties: {} });
    } else if (isRecord(value)) {
      const { enforcementLevel, ...properties } = value;
      parsed.set(key, {
        ...(enforcementLevel !== undefined ? { enforcementLevel: level(enforcementLevel, key) } : {}),
        properties,
      });
    } else {
      throw new ConfigError(`parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
    }
  }
  return parsed;
}

/** Config for every policy: defaults, then `all`, then per-policy entries; validated against schemas. */
export function reconcileConfig(
  policies: readonly HardeningPolicy[],
  packLevel: EnforcementLevel,
  raw?: unknown,
): Map<string, PolicyConfig> {
  const result = new Map<string, PolicyConfig>();
  for (const policy of policies) {
    const defaults: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if (schema.default !== undefined) defaults[key] = schema.default;
    }
    result.set(policy.name, { enforcementLevel: policy.enforcementLevel ?? packLevel, properties: defaults });
  }
  const given = parseConfig(raw);
  const all = given.get("all")?.enforcementLevel;
  if (all !== undefined) {
    for (const [name, config] of result) result.set(name, { ...config, enforcementLevel: all });
  }
  for (const [name, config] of given) {
    if (name === "all") continue;
    const current = result.get(name);
    result.set(name, {
      enforcementLevel: config.enforcementLevel ?? current?.enforcementLevel ?? packLevel,
      properties: { ...(current?.properties ?? {}), ...config.properties },
    });
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  const errors: string[] = [];
  for (const policy of policies) {
    if (policy.configSchema === undefined) continue;
    const validate = ajv.compile({ type: "object", properties: policy.configSchema.properties, ...(policy.configSchema.required ? { required: policy.configSchema.required } : {}) });
    if (!validate(result.get(policy.name)?.properties ?? {})) {
      for (const e of validate.errors ?? []) errors.push(`${policy.name}: ${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`);
    }
  }
  if (errors.length > 0) throw new ConfigError(`policy config is invalid:\n  ${errors.join("\n  ")}`);
  return result;
}

export interface Finding {
  readonly level: "mandatory" | "advisory";
  readonly policy: string;
  /** The resource the finding is about; stack findings without one use the stack's URN. */
  readonly urn: string;
  readonly message: string;
}

export interface PolicyFailure {
  readonly policy: string;
  readonly urn: string;
  readonly error: string;
}

export interface Evaluation {
  readonly findings: Finding[];
  /** Exceptions a policy threw; the engine fails the run on these. */
  readonly failures: PolicyFailure[];
}

class NotApplicable extends Error {}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicable(reason ?? "Policy does not apply");
}

function optionsOf(state: ResourceState): PolicyResourceOptions {
  return {
    protect: state.protect,
    ignoreChanges: [...state.ignoreChanges],
    aliases: [...state.aliases],
    customTimeouts: { ...state.customTimeouts },
    additionalSecretOutputs: [...state.additionalSecretOutputs],
    ...(state.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: state.deleteBeforeReplace } : {}),
    ...(state.parent !== undefined ? { parent: state.parent } : {}),
  };
}

/** `urn::id` provider reference to its resource, as the engine passes it. */
function providerOf(state: ResourceState, byUrn: ReadonlyMap<string, ResourceState>) {
  if (state.provider === undefined) return undefined;
  const urn = state.provider.slice(0, Math.max(0, state.provider.lastIndexOf("::")));
  const provider = byUrn.get(urn);
  if (provider === undefined) return undefined;
  return { type: provider.type, props: runtime.unknownCheckingProxy(provider.inputs), urn: provider.urn, name: provider.name };
}

function typeMatcher(type: string) {
  return (resourceClass: unknown): boolean => {
    const token = (resourceClass as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    if (typeof token === "string" && token !== "") return token === type;
    const isInstance = (resourceClass as { isInstance?: unknown } | undefined)?.isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
  };
}

export interface EvaluateOptions {
  readonly policies: readonly HardeningPolicy[];
  readonly config: ReadonlyMap<string, PolicyConfig>;
  readonly packLevel: EnforcementLevel;
  /** `name@vversion` for "can't run … during preview" messages. */
  readonly packLabel: string;
}

function effectiveLevel(policy: HardeningPolicy, options: EvaluateOptions): EnforcementLevel {
  return options.config.get(policy.name)?.enforcementLevel ?? policy.enforcementLevel ?? options.packLevel;
}

/** Runs every resource policy on every state, then every stack policy on the whole stack. */
export async function evaluate(states: readonly ResourceState[], options: EvaluateOptions): Promise<Evaluation> {
  const findings: Finding[] = [];
  const failures: PolicyFailure[] = [];
  const byUrn = new Map(states.map((s) => [s.urn, s]));
  const stackUrn = states.find((s) => s.type === "pulumi:pulumi:Stack")?.urn ?? "(stack)";
  const getConfig = (name: string) => () => ({ ...(options.config.get(name)?.properties ?? {}) });

  const run = async (policy: HardeningPolicy, defaultUrn: string, call: (report: (message: string, urn?: string) => void) => unknown) => {
    const raw = effectiveLevel(policy, options);
    const reportLevel = raw === "advisory" ? "advisory" : "mandatory";
    try {
      await Promise.resolve(
        call((message, urn) => findings.push({ level: reportLevel, policy: policy.name, urn: urn ?? defaultUrn, message })),
      );
    } catch (e) {
      if (e instanceof NotApplicable) return;
      if (e instanceof runtime.UnknownValueError) {
        findings.push({
          level: "advisory",
          policy: policy.name,
          urn: defaultUrn,
          message: `can't run policy '${policy.name}' from policy pack '${options.packLabel}' during preview: ${e.message}`,
        });
        return;
      }
      failures.push({ policy: policy.name, urn: defaultUrn, error: e instanceof Error ? e.message : String(e) });
    }
  };

  for (const state of states) {
    for (const policy of options.policies) {
      if (policy.kind !== "resource" || effectiveLevel(policy, options) === "disabled" || policy.validateResource === undefined) continue;
      const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      const only = !Array.isArray(policy.validateResource) ? (policy.validateResource as { __pulumiType?: string }).__pulumiType : undefined;
      if (only !== undefined && only !== state.type) continue;
      for (const validation of validations) {
        const props = runtime.unknownCheckingProxy(state.inputs);
        const matches = typeMatcher(state.type);
        const provider = providerOf(state, byUrn);
        const args: ResourceValidationArgs = {
          type: state.type,
          props,
          urn: state.urn,
          name: state.name,
          opts: optionsOf(state),
          stackTags: new Map(),
          isType: matches as ResourceValidationArgs["isType"],
          asType: ((cls: unknown) => (matches(cls) ? props : undefined)) as ResourceValidationArgs["asType"],
          getConfig: getConfig(policy.name) as ResourceValidationArgs["getConfig"],
          notApplicable: throwNotApplicable,
          ...(provider !== undefined ? { provider } : {}),
        };
        await run(policy, state.urn, (report) => validation(args, report));
      }
    }
  }

  const stackPolicies = options.policies.filter((p) => p.kind === "stack" && effectiveLevel(p, options) !== "disabled");
  for (const policy of stackPolicies) {
    if (policy.kind !== "stack") continue;
    const resources = new Map<string, PolicyResource>();
    for (const state of states) {
      const props = runtime.unknownCheckingProxy(state.outputs ?? state.inputs);
      const matches = typeMatcher(state.type);
      const provider = providerOf(state, byUrn);
      resources.set(state.urn, {
        type: state.type,
        props,
        urn: state.urn,
        name: state.name,
        opts: optionsOf(state),
        dependencies: [],
        propertyDependencies: {},
        isType: matches as PolicyResource["isType"],
        asType: ((cls: unknown) => (matches(cls) ? props : undefined)) as PolicyResource["asType"],
        ...(provider !== undefined ? { provider } : {}),
      });
    }
    for (const state of states) {
      const resource = resources.get(state.urn) as PolicyResource & { parent?: PolicyResource; dependencies: PolicyResource[] };
      const linked = (urns: readonly string[]) => urns.map((u) => resources.get(u)).filter((r): r is PolicyResource => r !== undefined);
      if (state.parent !== undefined && resources.has(state.parent)) resource.parent = resources.get(state.parent);
      resource.dependencies.push(...linked(state.dependencies));
      for (const [key, urns] of Object.entries(state.propertyDependencies)) resource.propertyDependencies[key] = linked(urns);
    }
    const args: StackValidationArgs = {
      resources: [...resources.values()],
      stackTags: new Map(),
      getConfig: getConfig(policy.name) as StackValidationArgs["getConfig"],
      notApplicable: throwNotApplicable,
    };
    await run(policy, stackUrn, (report) => policy.validateStack(args, report));
  }
  return { findings, failures };
}
