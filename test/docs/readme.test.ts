import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { knownKeys, parseConfig } from "../../infra/config/parse";
import { planAll } from "../../infra/plan";
import { capacitySummary, extractSummary, readmePath, SUMMARY_END, SUMMARY_START } from "../../infra/tools/capacitySummary";
import { readStackFile, stackRawConfig, stacksDir } from "../../infra/tools/stackFile";
import { stacksAsOf } from "../support/stacks";
import { configSets, repo, shellLines, stackOutputs } from "./markdown";

// Issue 16: a newcomer reads one page. These tests keep the README that page: short, with figures the
// program computes, and with a path to a stack of one's own that the program accepts as written.
const readme = fs.readFileSync(readmePath, "utf8");

describe("README", () => {
  it("stays under 3,000 words, so it does not grow back (the rest belongs in docs/)", () => {
    const words = readme.split(/\s+/).filter((w) => w.length > 0).length;
    assert.ok(words <= 3000, `README.md has ${words} words; move detail into docs/ and link it`);
  });

  it("shows the capacity and cost summary the plan computes for the example stacks", () => {
    const summary = extractSummary(readme);
    assert.ok(summary !== undefined, `README.md needs ${SUMMARY_START} … ${SUMMARY_END}`);
    assert.strictEqual(summary, capacitySummary(), "README.md's capacity summary is stale: run `npm run --silent capacity:table -- --write`");
  });

  it("summarises each stack with its own plan's figures", () => {
    const config = parseConfig(stackRawConfig("event"), { now: stacksAsOf });
    const plan = planAll(config);
    const row = capacitySummary(["event"]).split("\n")[2];
    assert.ok(row.includes(`${plan.userPool.userNodesAtPeak} × ${plan.userPool.machineType}`), row);
    assert.ok(row.includes(`$${plan.cost.perHourAtPeak.toFixed(2)}`), row);
  });

  it("walks a newcomer to a stack of their own name, which the program accepts as the README writes it", () => {
    // Replays the README's `cp stacks/Pulumi.<example>.yaml stacks/Pulumi.<mine>.yaml` and its
    // `pulumi config set` / `rm` lines on a copy, stored as the CLI stores them (plain values as strings
    // under the project's namespace, `--secret` ones encrypted), then reads it as the program does. (It
    // found that the event example's activeServerLimit of 1000 refuses a peak of 500.)
    const lines = shellLines("README.md").map((l) => l.text);
    const cp = lines.map((l) => /^cp stacks\/Pulumi\.([\w-]+)\.yaml stacks\/Pulumi\.([\w-]+)\.yaml$/.exec(l)).find((m) => m !== null);
    assert.ok(cp, "the README copies an example stack");
    const [, example, mine] = cp;
    assert.ok(!["dev", "event"].includes(mine), `the README's own stack should not be an example's name: ${mine}`);
    assert.ok(lines.includes(`pulumi stack init ${mine}`), `the README runs pulumi stack init ${mine}`);
    assert.ok(lines.some((l) => l.includes(`--stack ${mine}`)), `the README plans ${mine}`);

    const doc = YAML.parse(fs.readFileSync(path.join(stacksDir, `Pulumi.${example}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const sets = lines.flatMap(configSets);
    assert.ok(sets.some((s) => s.key === "oidcClientSecret" && s.secret), "the README sets the client secret with --secret");
    for (const s of sets) {
      assert.ok(!s.path, `a --path set is not replayed here: ${s.key}`);
      const key = s.key.includes(":") ? s.key : `jupyterhub-gke:${s.key}`;
      doc.config[key] = s.secret ? { secure: "v1:c2FsdA==:Y2lwaGVydGV4dA==" } : s.value;
    }
    for (const l of lines) {
      const rm = /^pulumi config rm ([\w:-]+)$/.exec(l);
      if (rm) delete doc.config[rm[1].includes(":") ? rm[1] : `jupyterhub-gke:${rm[1]}`];
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "readme-stack-"));
    try {
      fs.writeFileSync(path.join(dir, `Pulumi.${mine}.yaml`), YAML.stringify(doc));
      const { secretKeys } = readStackFile(mine, dir);
      const config = parseConfig(stackRawConfig(mine, dir), { now: stacksAsOf, secretKeys: secretKeys.map((k) => k.replace(/^jupyterhub-gke:/, "")) });
      const peak = sets.find((s) => s.key === "peakUsers");
      if (peak) assert.strictEqual(config.capacity.peakUsers, Number(peak.value));
      assert.ok(planAll(config).userPool.userNodesAtPeak > 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names in code only stack keys the program reads, its stack outputs, or Pulumi.yaml's stackConfigDir", () => {
    // A key renamed or retired in the schema must not live on in the first page a newcomer reads.
    const known = new Set([...knownKeys, ...stackOutputs(), "stackConfigDir"]);
    const named = [...readme.matchAll(/`([^`\n]+)`/g)].flatMap((m) => [...m[1].matchAll(/\b[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*\b/g)].map((k) => k[0]));
    assert.ok(named.includes("peakUsers"));
    assert.deepStrictEqual([...new Set(named)].filter((k) => !known.has(k)), []);
  });

  it("is read from the repository's root", () => assert.strictEqual(path.dirname(readmePath), repo));
});

describe("docs/architecture.md", () => {
  it("says why the program depends on each package of package.json", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
    const deps = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
    const page = fs.readFileSync(path.join(repo, "docs", "architecture.md"), "utf8");
    const table = page.slice(page.indexOf("## Libraries and why"));
    const rows = table.split("\n").filter((l) => l.startsWith("| `"));
    const named = new Set(rows.flatMap((r) => [...r.split("|")[1].matchAll(/`([^`\s]+)`/g)].map((m) => m[1])));
    assert.ok(named.size > 0, "docs/architecture.md needs its table of libraries");
    assert.deepStrictEqual(deps.filter((d) => !named.has(d)), []);
    // And names no package the project no longer depends on (a row for a removed one would outlive it).
    assert.deepStrictEqual([...named].filter((n) => !deps.includes(n)), [], "libraries in the table that package.json does not list");
  });
});
