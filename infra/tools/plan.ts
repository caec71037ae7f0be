import * as fs from "fs";
import { parseArgs } from "util";
import { ConfigError } from "../config/errors";
import { parseConfig } from "../config/parse";
import { planAll, Plan } from "../plan";
import { projectName, readProgramConfig } from "../config/read";
import { deployHub } from "../program";
import { DeclaredResource, OfflineRun, runOffline } from "./offline";
import { readStackFile, stackRawConfig, StackFileError } from "./stackFile";
import { renderPlanText } from "./planText";
import { renderRushChart } from "./rushChart";
import { diffPlans, PlanDiff, PreviousDocumentError, readPrevious, renderPlanDiff } from "./planDiff";
import { holdsInvented } from "./offline";

// `npm run plan -- --stack <name> [--json]`: the real program under Pulumi's mock runtime, with the
// stack's own config file; nothing leaves this machine and no credentials are needed.

export interface PreviewStep {
  readonly op: "create";
  readonly urn: string;
  readonly provider?: string;
  /** The declared resource as preview shows it: everything but its logical name and mock outputs. */
  readonly newState: Omit<DeclaredResource, "name" | "outputs" | "ignoreChanges">;
}

/** The subset of `pulumi preview --json` this plan reproduces, plus the stack outputs. */
export interface PreviewDocument {
  readonly steps: readonly PreviewStep[];
  readonly changeSummary: { readonly create: number };
  readonly outputs: Record<string, unknown>;
}

/** What the program exports. */
export type ProgramExports = ReturnType<typeof deployHub>;

/** When the offline plan runs: the real clock unless `asOf` says otherwise (see `readProgramConfig`). */
export interface PlanClock {
  readonly asOf?: Date;
  /** Where the stack files are: `stacks/` unless a test plans a stack file of its own. */
  readonly stacksDir?: string;
}

/** Runs the program for a stack file under mocks. */
export async function planStack(stack: string, { asOf, stacksDir }: PlanClock = {}): Promise<OfflineRun<ProgramExports>> {
  const { config, secretKeys } = readStackFile(stack, stacksDir);
  return runOffline(stack, config, secretKeys, () => deployHub(readProgramConfig({ now: asOf })));
}

/** The pure plan of a stack, as the program makes it (for what is not a stack output: the rush's samples). */
export function planOfStack(stack: string, { asOf }: PlanClock = {}): Plan {
  return planAll(parseConfig(stackRawConfig(stack), { now: asOf ?? new Date() }));
}

/** The rush chart of a stack's plan, as SVG. */
export function rushChartOf(stack: string, plan: Plan): Promise<string> {
  return renderRushChart(
    `Stack "${stack}": the login rush of each class (simulated, seed ${plan.rush.seed})`,
    plan.rush.classes.map((c) => ({ name: c.name, p95Seconds: c.p95Seconds, placeholders: c.placeholders, series: plan.rush.series[c.name] ?? [] })),
  );
}

function step(r: DeclaredResource): PreviewStep {
  // protect, deleteBeforeReplace and aliases are kept out too: the preview document stays as it was
  const { name: _name, outputs: _outputs, ignoreChanges: _ignoreChanges, protect: _protect, deleteBeforeReplace: _dbr, aliases: _aliases, ...newState } = r;
  return { op: "create", urn: r.urn, provider: r.provider, newState };
}

/** The stack's root resource, which the engine registers first and parents every top-level resource to. */
export function stackUrn(stack: string): string {
  return `urn:pulumi:${stack}::${projectName}::pulumi:pulumi:Stack::${projectName}-${stack}`;
}

export function toPreviewDocument(run: OfflineRun<unknown>): PreviewDocument {
  const root = stackUrn(run.stack);
  const rootStep = step({ type: "pulumi:pulumi:Stack", name: `${projectName}-${run.stack}`, urn: root, custom: false, dependencies: [], inputs: {}, outputs: {}, ignoreChanges: [] });
  const steps = [rootStep, ...run.resources.map((r) => step(r.parent ? r : { ...r, parent: root }))];
  return {
    steps,
    changeSummary: { create: steps.length },
    outputs: run.outputs,
  };
}

/** The plan's changes against a previous plan or stack export (`--against`). */
export function planDiffAgainst(run: OfflineRun<unknown>, previous: unknown): PlanDiff {
  return diffPlans(readPrevious(previous), run.resources, (v) => holdsInvented(v, run.invented));
}

/** Same as `npm run plan -- --stack <name> --json`, for tests and the policy checker. */
export async function runOfflinePlan(stack: string, clock: PlanClock = {}): Promise<PreviewDocument> {
  return toPreviewDocument(await planStack(stack, clock));
}

async function main(argv: string[]): Promise<number> {
  const usage = "usage: npm run plan -- --stack <name> [--json] [--as-of <ISO 8601 time>] [--chart <file.svg> | --no-chart] [--against <previous plan JSON or pulumi stack export>]";
  let values: { stack?: string; json?: boolean; help?: boolean; "as-of"?: string; chart?: string; "no-chart"?: boolean; against?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string", short: "s" },
        json: { type: "boolean" },
        // Plan as `pulumi up` would at that moment (the event window must not have ended by then).
        "as-of": { type: "string" },
        // The rush chart (SVG); by default rush-<stack>.svg in the current directory, with the text plan.
        chart: { type: "string" },
        "no-chart": { type: "boolean" },
        // What would change: against `npm run --silent plan -- --json` output or `pulumi stack export`.
        against: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (!values.stack) {
    process.stderr.write(`--stack is required\n${usage}\n`);
    return 2;
  }
  const asOf = values["as-of"] === undefined ? undefined : new Date(values["as-of"]);
  if (asOf !== undefined && Number.isNaN(asOf.getTime())) {
    process.stderr.write(`--as-of takes an ISO 8601 time such as 2027-12-01T00:00:00Z, got ${JSON.stringify(values["as-of"])}\n${usage}\n`);
    return 2;
  }
  let previous: unknown;
  if (values.against !== undefined) {
    try {
      previous = JSON.parse(fs.readFileSync(values.against, "utf8"));
    } catch (e) {
      process.stderr.write(`--against: cannot read ${values.against} as JSON: ${(e as Error).message}\n`);
      return 2;
    }
  }
  try {
    const run = await planStack(values.stack, { asOf });
    const diff = values.against !== undefined ? planDiffAgainst(run, previous) : undefined;
    let text = values.json
      ? `${JSON.stringify({ ...toPreviewDocument(run), ...(diff ? { changes: diff } : {}) }, null, 2)}\n`
      : `${renderPlanText(run)}${diff ? `\n${renderPlanDiff(diff, values.against ?? "")}` : ""}`;
    const chartPath = values["no-chart"] ? undefined : values.chart ?? (values.json ? undefined : `rush-${values.stack}.svg`);
    if (chartPath !== undefined) {
      fs.writeFileSync(chartPath, await rushChartOf(values.stack, planOfStack(values.stack, { asOf })));
      if (!values.json) text += `Rush chart: ${chartPath}\n`;
    }
    // A pipe takes large writes asynchronously: wait for it, or process.exit would cut the document short.
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
    return 0;
  } catch (e) {
    if (e instanceof PreviousDocumentError) {
      process.stderr.write(`--against ${values.against}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof ConfigError || e instanceof StackFileError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  // The reader went away (`| head`): nothing more to say to it.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => process.exit(e.code === "EPIPE" ? 0 : 1));
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
