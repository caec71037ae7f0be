// Building blocks of the policy cases (policies.test.ts, valuesPodCases.ts): a mutation makes one input of
// the hand-built hardened stack (fixtures.ts) insecure, or changes it in a way a policy must accept.

import { TYPES as T } from "./fixtures";
import { find, setPath, type FixtureResource } from "./support";

export type Stack = FixtureResource[];
export type Mutation = (stack: Stack) => void;

export interface Case {
  readonly policy: string;
  readonly title: string;
  readonly mutate: Mutation;
  /** A fragment of the expected message. */
  readonly expect: string;
  readonly level?: "mandatory" | "advisory";
  readonly config?: unknown;
}

export interface Pass {
  readonly policy: string;
  readonly title: string;
  readonly mutate: Mutation;
  readonly config?: unknown;
}

const inputs = (stack: Stack, type: string, name?: string) => find(stack, type, name).inputs;
export const set = (type: string, name: string | undefined, path: string | readonly (string | number)[], value: unknown): Mutation => (stack) =>
  setPath(inputs(stack, type, name), path, value);
export const values = (path: string | readonly (string | number)[], value: unknown): Mutation => (stack) =>
  setPath(inputs(stack, T.release) as Record<string, unknown>, typeof path === "string" ? `values.${path}` : ["values", ...path], value);
export const pod = (path: string | readonly (string | number)[], value: unknown): Mutation => (stack) =>
  setPath(inputs(stack, T.deployment), typeof path === "string" ? `spec.template.spec.${path}` : ["spec", "template", "spec", ...path], value);
export const all = (...mutations: Mutation[]): Mutation => (stack) => mutations.forEach((m) => m(stack));
export const add = (resource: FixtureResource): Mutation => (stack) => {
  stack.push(resource);
};
export const remove = (type: string, name?: string): Mutation => (stack) => {
  stack.splice(stack.indexOf(find(stack, type, name)), 1);
};

