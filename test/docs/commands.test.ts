import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { knownKeys } from "../../infra/config/parse";
import { configSets, docFiles, proseLines, repo, shellLines, stackOutputs, where } from "./markdown";

// A newcomer pastes the docs' commands as they are (issue 16). These checks read every shell block of the
// README, SECURITY.md and docs/*.md and refuse the ways a pasted command breaks here.

const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).scripts);
const stacks = fs.readdirSync(path.join(repo, "stacks")).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []);

const all = docFiles().flatMap(shellLines);

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

  it("set only stack keys the program reads (gcp: provider settings aside)", () => {
    // The project's keys and gcp:project / gcp:region are in the schema; other gcp: keys (billingProject,
    // userProjectOverride) configure the Google provider itself, which reads them, not the program.
    const root = (key: string) => key.replace(/^jupyterhub-gke:/, "").split(/[.[]/)[0];
    const sets = all.flatMap((c) => configSets(c.text).map((s) => ({ ...c, key: root(s.key) })));
    assert.ok(sets.some((s) => s.key === "oidcClientSecret"), "the docs set the client secret somewhere");
    const bad = sets.filter((s) => !knownKeys.includes(s.key) && !(s.key.startsWith("gcp:") && !["gcp:project", "gcp:region"].includes(s.key)));
    assert.deepStrictEqual(bad.map(where), []);
  });

  it("read only stack outputs the program exports", () => {
    const outputs = stackOutputs();
    assert.ok(outputs.includes("hubUrl") && outputs.includes("nameServers"), outputs.join(", "));
    const text = [...all, ...docFiles().flatMap((f) => proseLinesWithCode(f))];
    const bad = text.filter((c) => [...c.text.matchAll(/pulumi stack output (?:--\S+ )*([A-Za-z]\w*)/g)].some((m) => !outputs.includes(m[1])));
    assert.deepStrictEqual(bad.map(where), []);
  });

  it("read a pulumi config set line into its key and value", () => {
    assert.deepStrictEqual(configSets("pulumi config set --secret oidcClientSecret '<a b>'"), [{ key: "oidcClientSecret", value: "<a b>", secret: true, path: false }]);
    assert.deepStrictEqual(configSets("pulumi config set --path 'notificationEmails[0]' a@b.org"), [{ key: "notificationEmails[0]", value: "a@b.org", secret: false, path: true }]);
    assert.deepStrictEqual(configSets("pulumi config get peakUsers"), []);
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

/** Prose lines with their inline code kept (commands are quoted inline too). */
function proseLinesWithCode(file: string) {
  const lines = fs.readFileSync(path.join(repo, file), "utf8").split("\n");
  return proseLines(file).map((l) => ({ ...l, text: lines[l.line - 1] }));
}
