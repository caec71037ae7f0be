// SLOW: runs the workflow's stack-discovery step as a process.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

// The CI a team adopts (.github/workflows/*.yml, docs/ci.md): it parses, finds the stacks in stacks/ rather
// than naming them, pins every third-party action by commit and the Pulumi CLI by version, and previews
// each stack with the pack through Pulumi's own action, commenting on the pull request.

const repo = path.resolve(__dirname, "../..");
const workflowsDir = path.join(repo, ".github/workflows");
const files = fs.readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));
const texts = Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(workflowsDir, f), "utf8")]));
const policy = YAML.parse(texts["policy.yml"]);
const stacksOnDisk = fs.readdirSync(path.join(repo, "stacks")).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []).sort();

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly id?: string;
  readonly with?: Record<string, unknown>;
}

const jobs = (doc: any): [string, any][] => Object.entries(doc.jobs ?? {});
const steps = (job: any): Step[] => job.steps ?? [];

describe("the CI workflows", () => {
  it("parse as YAML, each with jobs", () => {
    assert.ok(files.length > 0);
    for (const [file, text] of Object.entries(texts)) {
      const doc = YAML.parse(text);
      assert.ok(jobs(doc).length > 0, file);
    }
  });

  it("pin every third-party action by a 40-hex commit, with its tag in a comment beside it", () => {
    const uses = Object.entries(texts).flatMap(([file, text]) =>
      text.split("\n").filter((l) => /^\s*(- )?uses:/.test(l)).map((l) => ({ file, line: l.trim() })));
    assert.ok(uses.length >= 5);
    for (const { file, line } of uses) {
      if (/uses: \.\//.test(line)) continue; // an action of this repository
      assert.match(line, /uses: [\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/, `${file}: ${line}`);
    }
  });

  it("find the stacks in stacks/: the discovery step lists exactly the stack files, and no job names a stack", () => {
    const find = steps(policy.jobs.stacks).find((s) => s.id === "find");
    assert.ok(find?.run);
    // Run the step's own script here, as the runner would (bash, GITHUB_OUTPUT).
    const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gh-output-")), "out");
    const result = spawnSync("bash", ["-e", "-c", find.run], { cwd: repo, encoding: "utf8", env: { ...process.env, GITHUB_OUTPUT: output } });
    assert.strictEqual(result.status, 0, result.stderr);
    const line = fs.readFileSync(output, "utf8").trim();
    assert.ok(line.startsWith("stacks="), line);
    assert.deepStrictEqual(JSON.parse(line.slice("stacks=".length)).sort(), stacksOnDisk);
    assert.strictEqual(policy.jobs.stacks.outputs.stacks, "${{ steps.find.outputs.stacks }}");
    assert.strictEqual(policy.jobs.preview.strategy.matrix.stack, "${{ fromJSON(needs.stacks.outputs.stacks) }}");
    assert.ok(policy.jobs.offline.needs === "stacks" || policy.jobs.offline.needs.includes("stacks"));
    for (const [file, text] of Object.entries(texts)) {
      for (const stack of stacksOnDisk) {
        assert.doesNotMatch(text, new RegExp(`\\b(stack|stacks)\\b[^\\n]*\\b${stack}\\b`), `${file} names the ${stack} stack`);
      }
    }
  });

  it("pin the Pulumi CLI to the SDK's version, at least 3.187 (the typed object config), and use it", () => {
    const version: string = policy.env.PULUMI_VERSION;
    assert.match(version, /^\d+\.\d+\.\d+$/);
    const sdk = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
    assert.strictEqual(version, sdk);
    const [major, minor] = version.split(".").map(Number);
    assert.ok(major > 3 || (major === 3 && minor >= 187), version);
    const pulumiSteps = jobs(policy).flatMap(([, job]) => steps(job)).filter((s) => s.uses?.startsWith("pulumi/actions@"));
    assert.ok(pulumiSteps.length > 0);
    for (const s of pulumiSteps) assert.strictEqual(s.with?.["pulumi-version"], "${{ env.PULUMI_VERSION }}");
  });

  it("preview each stack with the pack through pulumi/actions, commenting on the pull request", () => {
    const preview = policy.jobs.preview;
    const step = steps(preview).find((s) => s.uses?.startsWith("pulumi/actions@"));
    assert.ok(step?.with);
    assert.strictEqual(step.with.command, "preview");
    assert.strictEqual(step.with["stack-name"], "${{ matrix.stack }}");
    assert.strictEqual(step.with.policyPacks, "policy-pack");
    assert.strictEqual(step.with["comment-on-pr"], true);
    assert.strictEqual(preview.permissions["pull-requests"], "write");
    assert.strictEqual(preview.permissions["id-token"], "write");
    // The pack's own dependencies are installed before the CLI loads it.
    assert.ok(steps(preview).some((s) => /npm ci --prefix policy-pack/.test(s.run ?? "")));
  });

  it("run the same script as CI does here, on the same Debian and Node.js", () => {
    assert.ok(steps(policy.jobs.offline).some((s) => s.run === "bash .ci/run"));
    assert.match(policy.jobs.offline.container, /^node:20-bookworm/);
  });
});
