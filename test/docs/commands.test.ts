import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

// A newcomer pastes the docs' commands as they are (issue 16). These checks read every shell block of the
// README, SECURITY.md and docs/*.md and refuse the ways a pasted command breaks here.

const repo = path.resolve(__dirname, "../..");
const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).scripts);
const stacks = fs.readdirSync(path.join(repo, "stacks")).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []);

function docFiles(): string[] {
  const docs = path.join(repo, "docs");
  const extra = fs.existsSync(docs) ? fs.readdirSync(docs).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f)) : [];
  return ["README.md", "SECURITY.md", ...extra];
}

interface CommandLine {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** Lines of ```sh / ```bash / ``` blocks (not ```json), with a trailing comment removed. */
function shellLines(file: string): CommandLine[] {
  const lines = fs.readFileSync(path.join(repo, file), "utf8").split("\n");
  const out: CommandLine[] = [];
  let inShell = false;
  let inBlock = false;
  lines.forEach((raw, i) => {
    const fence = /^\s*```(\w*)/.exec(raw);
    if (fence) {
      if (inBlock) inBlock = inShell = false;
      else {
        inBlock = true;
        inShell = ["", "sh", "bash", "shell", "console"].includes(fence[1]);
      }
      return;
    }
    if (inShell) out.push({ file, line: i + 1, text: raw.replace(/\s+#\s.*$/, "").trim() });
  });
  return out;
}

const all = docFiles().flatMap(shellLines);
const where = (c: CommandLine) => `${c.file}:${c.line}: ${c.text}`;

describe("commands in the docs work when pasted", () => {
  it("finds the README's commands", () => assert.ok(all.some((c) => /npm run/.test(c.text))));

  it("write a file from npm only with --silent, so npm's banner does not land in it", () => {
    // Each command of a line (split at ; && || |) that runs npm and redirects its output.
    const bad = all.filter((c) => c.text.split(/;|&&|\|\|?/).some((cmd) => /\bnpm run\b/.test(cmd) && />/.test(cmd) && !/\bnpm run --silent\b/.test(cmd)));
    assert.deepStrictEqual(bad.map(where), []);
  });

  it("run scripts package.json has", () => {
    const bad = all.filter((c) => [...c.text.matchAll(/\bnpm run (?:--silent )?([\w:-]+)/g)].some((m) => !scripts.includes(m[1])));
    assert.deepStrictEqual(bad.map(where), []);
  });

  it("plan stacks that exist, or that the same docs copy into stacks/ first", () => {
    const copied = all.flatMap((c) => [...c.text.matchAll(/\bcp \S+ stacks\/Pulumi\.([\w.-]+)\.yaml/g)].map((m) => m[1]));
    const bad = all.filter((c) => [...c.text.matchAll(/\bnpm run (?:--silent )?plan -- --stack ([\w.-]+)/g)].some((m) => ![...stacks, ...copied].includes(m[1])));
    assert.deepStrictEqual(bad.map(where), []);
  });

  it("hold no [optional] notation, which the shell would pass on literally", () => {
    assert.deepStrictEqual(all.filter((c) => /\s\[-/.test(c.text)).map(where), []);
  });
});

describe("LICENSE and SECURITY.md", () => {
  it("LICENSE is the standard text of the licence package.json names", () => {
    const license = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).license;
    assert.strictEqual(license, "BSD-3-Clause");
    const text = fs.readFileSync(path.join(repo, "LICENSE"), "utf8");
    assert.match(text, /^BSD 3-Clause License\n\nCopyright \(c\) \d{4}, the jupyterhub-gke contributors\n/);
    assert.match(text, /3\. Neither the name of the copyright holder nor the names of its\n {3}contributors may be used to endorse or promote products derived from/);
    // The pack is published on its own (npm pack) under the same licence.
    assert.strictEqual(JSON.parse(fs.readFileSync(path.join(repo, "policy-pack/package.json"), "utf8")).license, license);
  });

  it("SECURITY.md gives a private channel and the threat model", () => {
    const text = fs.readFileSync(path.join(repo, "SECURITY.md"), "utf8");
    assert.match(text, /Report a vulnerability/);
    assert.match(text, /## Threat model/);
    assert.match(text, /container, the network and identity/);
    assert.match(text, /\*\*Out of scope\.\*\*/);
  });
});
