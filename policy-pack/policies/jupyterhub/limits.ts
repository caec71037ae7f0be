// What one user may hold: CPU and memory limits on every user server, and idle servers culled after a
// bounded time (the bound is the pack's own, ../thresholds.ts). Sources: Z2JH 4.4.0 docs
// administrator/optimization.md and values.yaml (singleuser.cpu/memory, cull).

import { checkSettings, notFalse } from "../core";
import { MAX_IDLE_TIMEOUT_SECONDS } from "../thresholds";
import { valuesPolicy, valuesSettings } from "./shared";

const isSetLimit = (v: unknown): boolean => (typeof v === "number" && v > 0) || (typeof v === "string" && v.trim() !== "");

/** Z2JH optimization.md: a user without limits can starve every other user on the node. */
export const jupyterhubUserResourceLimits = valuesSettings({
  name: "jupyterhub-user-resource-limits",
  description: "Checks that user servers have CPU and memory limits.",
  severity: "medium",
  remediationSteps: 'Set `singleuser.cpu.limit` (e.g. 2) and `singleuser.memory.limit` (e.g. "4G"); the chart leaves both unset.',
  sources: ["Z2JH docs: administrator/optimization.md", "Z2JH values.yaml (defaults: null)"],
  settings: [
    { path: "singleuser.cpu.limit", ok: isSetLimit, fix: "a CPU count (e.g. 2)", requirement: "User servers must have a CPU limit" },
    { path: "singleuser.memory.limit", ok: isSetLimit, fix: 'a size (e.g. "4G")', requirement: "User servers must have a memory limit" },
  ],
});

interface CullConfig {
  readonly maxIdleTimeoutSeconds: number;
}

/** Idle servers of an event hold nodes (and cost) until culled. */
export const jupyterhubCulling = valuesPolicy<CullConfig>({
  name: "jupyterhub-culling",
  description: "Checks that idle user servers are culled after a bounded idle timeout.",
  severity: "medium",
  remediationSteps: "Keep `cull.enabled: true` and set `cull.timeout` (seconds) to at most `maxIdleTimeoutSeconds` (the chart default is 3600).",
  sources: ["Z2JH docs: administrator/optimization.md (culling)", "Z2JH values.yaml (cull)"],
  config: {
    maxIdleTimeoutSeconds: { type: "integer", minimum: 60, description: "Longest idle time before a user server is culled.", default: MAX_IDLE_TIMEOUT_SECONDS },
  },
  check: (values, { config }) =>
    checkSettings(values, [
      { path: "cull.enabled", ok: notFalse, fix: "true", requirement: "Idle servers must be culled" },
      {
        path: "cull.timeout",
        ok: (v) => v === undefined || (typeof v === "number" && v > 0 && v <= config.maxIdleTimeoutSeconds),
        fix: `a number of seconds from 1 to ${config.maxIdleTimeoutSeconds}`,
        requirement: "The idle timeout must be bounded",
      },
    ], "values"),
});
