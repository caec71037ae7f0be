/**
 * What a result cached in a test process was worked out under, in mutation testing (docs/testing.md);
 * "" outside Stryker. A cache must not answer across scopes: Stryker runs mutant after mutant in the same
 * process, so a result worked out under one mutant must not answer for the next; and its first run records
 * which tests reach each mutant, so a result worked out for an earlier test would hide the code from every
 * later test, which would then never be run against its mutants. Used by the stack runs (runs.ts) and by
 * stryker/mocha-fresh-rush-plans.cjs for planRush's memory.
 */
export function strykerScope(): string {
  const stryker = (globalThis as { __stryker__?: { activeMutant?: unknown; currentTestId?: unknown } }).__stryker__;
  if (!stryker) return "";
  return stryker.activeMutant === undefined ? `test ${String(stryker.currentTestId)}` : `mutant ${String(stryker.activeMutant)}`;
}
