// Reads the two documents the offline checker accepts into one list of resource states:
//   - `pulumi preview --json` (and the offline plan, which prints the same shape):
//     `{ steps: [{ op, urn, newState: { urn, type, custom, inputs, outputs, parent, provider, ... } }] }`
//   - `pulumi stack export`: `{ version: 3, deployment: { resources: [{ urn, type, inputs, outputs, ... }] } }`
// Values are deserialized the way the engine hands them to an analyzer: secrets unwrapped
// (`{sig: secret, value}`, or `plaintext` from `stack export --show-secrets`), output values unwrapped,
// and anything that cannot be known here (a secret exported as ciphertext) becomes the unknown sentinel.

import { isRecord, UNKNOWN_SENTINEL } from "../policies/core";
import { wire } from "../sdk";

/** A malformed or unrecognised document; the CLI exits 2 with this message. */
export class DocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DocumentError";
  }
}

export interface ResourceState {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  /** Outputs when the document has any, else `undefined`. */
  readonly outputs: Record<string, unknown> | undefined;
  readonly parent?: string;
  readonly provider?: string;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  readonly aliases: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly deleteBeforeReplace?: boolean;
  readonly customTimeouts: { readonly createSeconds: number; readonly updateSeconds: number; readonly deleteSeconds: number };
}

export interface ReadDocument {
  readonly kind: "preview" | "export";
  readonly resources: readonly ResourceState[];
  /** Values that were replaced by the unknown sentinel (encrypted secrets), by URN and property. */
  readonly unreadableSecrets: readonly string[];
}

/** Steps that remove a resource; their states are not part of the resulting stack. */
const REMOVING_OPS = new Set(["delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace", "read-discard"]);

/** Deserializes one property value; `where` names it for the unreadable-secret report. */
export function deserialize(value: unknown, where: string, unreadable: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => deserialize(v, `${where}[${i}]`, unreadable));
  if (!isRecord(value)) return value;
  const sig = value[wire.sigKey];
  if (sig === wire.secretSig) {
    if ("value" in value) return deserialize(value.value, where, unreadable);
    if (typeof value.plaintext === "string") {
      try {
        return deserialize(JSON.parse(value.plaintext), where, unreadable);
      } catch {
        throw new DocumentError(`${where}: a secret's plaintext is not valid JSON`);
      }
    }
    unreadable.push(where);
    return UNKNOWN_SENTINEL;
  }
  if (sig === wire.outputValueSig) return "value" in value ? deserialize(value.value, where, unreadable) : UNKNOWN_SENTINEL;
  if (sig === wire.resourceSig) return typeof value.id === "string" && value.id !== "" ? value.id : value.urn;
  const result: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined) result[key] = deserialize(v, `${where}.${key}`, unreadable);
  }
  return result;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function seconds(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(value.trim());
    if (match) return Number(match[1]) * ({ s: 1, m: 60, h: 3600 }[(match[2] ?? "s") as "s" | "m" | "h"]);
  }
  return 0;
}

/** The resource name at the end of a URN (`urn:pulumi:stack::project::type::name`). */
export function nameOf(urn: string): string {
  const parts = urn.split("::");
  return parts.slice(3).join("::") || urn;
}

function readState(raw: unknown, where: string, unreadable: string[]): ResourceState {
  if (!isRecord(raw)) throw new DocumentError(`${where} is not an object`);
  const urn = raw.urn;
  const type = raw.type;
  if (typeof urn !== "string" || urn === "") throw new DocumentError(`${where} has no urn`);
  if (typeof type !== "string" || type === "") throw new DocumentError(`${where} (${urn}) has no type`);
  if (raw.inputs !== undefined && !isRecord(raw.inputs)) throw new DocumentError(`${where} (${urn}): inputs is not an object`);
  if (raw.outputs !== undefined && raw.outputs !== null && !isRecord(raw.outputs)) throw new DocumentError(`${where} (${urn}): outputs is not an object`);
  const inputs = deserialize(raw.inputs ?? {}, `${urn} inputs`, unreadable) as Record<string, unknown>;
  const outputs = isRecord(raw.outputs) && Object.keys(raw.outputs).length > 0
    ? (deserialize(raw.outputs, `${urn} outputs`, unreadable) as Record<string, unknown>)
    : undefined;
  const propertyDependencies: Record<string, string[]> = {};
  if (isRecord(raw.propertyDependencies)) {
    for (const [key, urns] of Object.entries(raw.propertyDependencies)) propertyDependencies[key] = strings(urns);
  }
  const timeouts = isRecord(raw.customTimeouts) ? raw.customTimeouts : {};
  return {
    urn,
    type,
    name: nameOf(urn),
    custom: raw.custom === true,
    inputs,
    outputs,
    ...(typeof raw.parent === "string" && raw.parent !== "" ? { parent: raw.parent } : {}),
    ...(typeof raw.provider === "string" && raw.provider !== "" ? { provider: raw.provider } : {}),
    dependencies: strings(raw.dependencies),
    propertyDependencies,
    protect: raw.protect === true,
    ignoreChanges: strings(raw.ignoreChanges),
    aliases: strings(raw.aliases),
    additionalSecretOutputs: strings(raw.additionalSecretOutputs),
    ...(typeof raw.deleteBeforeReplace === "boolean" ? { deleteBeforeReplace: raw.deleteBeforeReplace } : {}),
    customTimeouts: { createSeconds: seconds(timeouts.create), updateSeconds: seconds(timeouts.update), deleteSeconds: seconds(timeouts.delete) },
  };
}

function fromPreview(steps: readonly unknown[], unreadable: string[]): ResourceState[] {
  const byUrn = new Map<string, ResourceState>();
  steps.forEach((step, i) => {
    if (!isRecord(step)) throw new DocumentError(`steps[${i}] is not an object`);
    const op = typeof step.op === "string" ? step.op : "";
    if (REMOVING_OPS.has(op) || step.newState === undefined || step.newState === null) {
      return;
    }
    const state = readState(step.newState, `steps[${i}].newState`, unreadable);
    byUrn.delete(state.urn); // a replacement's later step wins, in its own position
    byUrn.set(state.urn, state);
  });
  return [...byUrn.values()];
}

function fromDeployment(resources: readonly unknown[], where: string, unreadable: string[]): ResourceState[] {
  return resources
    .filter((r) => !(isRecord(r) && r.delete === true))
    .map((r, i) => readState(r, `${where}[${i}]`, unreadable));
}

/** Reads a parsed JSON document; throws `DocumentError` when it is neither shape. */
export function readDocument(doc: unknown): ReadDocument {
  if (!isRecord(doc)) throw new DocumentError("the document is not a JSON object");
  const unreadable: string[] = [];
  if (Array.isArray(doc.steps)) {
    return { kind: "preview", resources: fromPreview(doc.steps, unreadable), unreadableSecrets: unreadable };
  }
  const deployment = isRecord(doc.deployment) ? doc.deployment : undefined;
  if (deployment !== undefined) {
    if (typeof doc.version === "number" && doc.version !== 3) {
      throw new DocumentError(`stack export version ${doc.version} is not supported (expected 3)`);
    }
    if (!Array.isArray(deployment.resources)) {
      // A stack that was never deployed exports no resources.
      if (deployment.resources === undefined || deployment.resources === null) return { kind: "export", resources: [], unreadableSecrets: [] };
      throw new DocumentError("deployment.resources is not an array");
    }
    return { kind: "export", resources: fromDeployment(deployment.resources, "deployment.resources", unreadable), unreadableSecrets: unreadable };
  }
  throw new DocumentError(
    'expected the output of `pulumi preview --json` (with a "steps" array) or of `pulumi stack export` (with "deployment.resources")',
  );
}
