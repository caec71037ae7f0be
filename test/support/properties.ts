import type { Parameters } from "fast-check";

/**
 * How every property test runs: a bounded number of cases drawn from a fixed seed, so a run takes well
 * under a second and a failure reproduces on every machine (fast-check reports the seed and the path of
 * the shrunk counterexample, which `{ seed, path }` replays).
 */
export const propertyRuns: Parameters<unknown> = { numRuns: 150, seed: 20_261_202 };
