import Ajv, { ErrorObject } from "ajv";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

// The Z2JH 4.4.0 chart's own values.yaml and values.schema.json (test/fixtures/z2jh-4.4.0/README.md says
// where they come from). Helm validates the *merged* values (chart defaults, then ours) against the
// schema, so the test does the same.

export const chartFilesDir = path.resolve(__dirname, "..", "fixtures", "z2jh-4.4.0");
export const chartSchemaPath = path.join(chartFilesDir, "values.schema.json");
export const chartDefaultsPath = path.join(chartFilesDir, "values.yaml");

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isMap(v: unknown): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Helm's coalescing of user values over chart defaults: maps merge key by key, anything else (lists
 * included) replaces, and a user `null` deletes the default.
 */
export function helmMerge(defaults: Json, overrides: Json): Json {
  if (!isMap(defaults) || !isMap(overrides)) return overrides;
  const merged: Record<string, Json> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete merged[key];
    else merged[key] = key in defaults ? helmMerge(defaults[key], value) : value;
  }
  return merged;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(chartSchemaPath, "utf8")));
const chartDefaults = YAML.parse(fs.readFileSync(chartDefaultsPath, "utf8")) as Json;

/** Schema errors of the chart defaults overridden by `values` (an empty list when Helm would accept it). */
export function chartSchemaErrors(values: unknown): ErrorObject[] {
  const plain = JSON.parse(JSON.stringify(values)) as Json;
  return validate(helmMerge(chartDefaults, plain)) ? [] : [...(validate.errors ?? [])];
}

export function describeErrors(errors: readonly ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`).join("\n");
}
