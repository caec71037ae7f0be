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

function describe(value: unknown): string {
  if (value === undefined) return "nothing (the key is not set)";
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
