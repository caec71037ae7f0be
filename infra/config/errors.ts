/** One bad config value: the key, what it was, and what is allowed. */
export interface ConfigIssue {
  readonly key: string;
  readonly value: unknown;
  readonly allowed: string;
}

/**
 * Every issue found in a stack's config, thrown as one error before any resource is declared, so an
 * organiser fixes them all in one pass instead of one `pulumi up` per typo.
 */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `Invalid stack configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((i) => `  - ${i.key}: got ${describe(i.value)}; ${i.allowed}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/**
 * Stands for a value the error must not repeat: a secret written in plain text would otherwise be printed
 * into a terminal or a CI log by the very message that refuses it.
 */
export const notShown: unique symbol = Symbol("not shown");

function describe(value: unknown): string {
  if (value === undefined) return "nothing (the key is not set)";
  if (value === notShown) return "a plain-text value (not shown here)";
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Collects issues while a config is parsed; `throwIfAny` ends the pass. */
export class IssueList {
  private readonly found: ConfigIssue[] = [];

  add(key: string, value: unknown, allowed: string): void {
    this.found.push({ key, value, allowed });
  }

  get count(): number {
    return this.found.length;
  }

  /** The error listing every issue found so far, for a caller that cannot go on. */
  error(): ConfigError {
    return new ConfigError([...this.found]);
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw this.error();
  }
}

/**
 * A number as a person reads it in a message: at most `decimals` places, no trailing zeros, no binary
 * floating-point residue (5480.8, not 5480.799999999999).
 */
export function readable(n: number, decimals = 2): string {
  return String(Number(n.toFixed(decimals)));
}

/** Mebibytes as gibibytes for a message ("5.35 GiB"): the unit the config's memory keys use. */
export function gibFromMib(mib: number): string {
  return `${readable(mib / 1024)} GiB`;
}

/** The number of single-character edits (insert, delete, substitute) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidates closest to `word`, ignoring case: those within a third of its length in edits (at least
 * one edit, at most three), nearest first; empty when nothing is that close, so a guess is never wild.
 */
export function closest(word: string, candidates: readonly string[]): string[] {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  return candidates
    .map((c) => ({ c, d: editDistance(word.toLowerCase(), c.toLowerCase()) }))
    .filter(({ d }) => d <= limit)
    .sort((x, y) => x.d - y.d)
    .slice(0, 3)
    .map(({ c }) => c);
}

/** "did you mean a?" / "did you mean a or b?", or undefined when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const near = closest(word, candidates);
  if (near.length === 0) return undefined;
  return `did you mean ${near.length === 1 ? near[0] : `${near.slice(0, -1).join(", ")} or ${near[near.length - 1]}`}?`;
}
