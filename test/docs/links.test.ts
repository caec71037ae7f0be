import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { anchors, docFiles, links, repo, slug, where } from "./markdown";

// The README is short because the rest lives in docs/ (issue 16); that only works while the links between
// the pages hold. Every relative link of README.md, SECURITY.md and docs/*.md must name a file that exists,
// and a `#anchor` must name a heading of the page it points to.
describe("links between the docs", () => {
  const all = docFiles().flatMap(links).filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l.target));

  it("finds the README's links into docs/", () => {
    assert.ok(all.some((l) => l.file === "README.md" && l.target.startsWith("docs/")));
  });

  it("point at files that exist", () => {
    const bad = all.filter((l) => {
      const file = l.target.split("#")[0];
      return file !== "" && !fs.existsSync(path.resolve(repo, path.dirname(l.file), file));
    });
    assert.deepStrictEqual(bad.map((l) => `${where(l)} → ${l.target}`), []);
  });

  it("point at headings that exist", () => {
    const bad = all.filter((l) => {
      const [file, anchor] = l.target.split("#");
      if (anchor === undefined) return false;
      const page = file === "" ? l.file : path.relative(repo, path.resolve(repo, path.dirname(l.file), file));
      return !page.endsWith(".md") || !fs.existsSync(path.join(repo, page)) || !anchors(page).has(anchor);
    });
    assert.deepStrictEqual(bad.map((l) => `${where(l)} → ${l.target}`), []);
  });

  it("make anchors as GitHub does", () => {
    // Anchors GitHub shows for these headings of this repository's pages.
    assert.strictEqual(slug("Changing a stack after `pulumi up`"), "changing-a-stack-after-pulumi-up");
    assert.strictEqual(slug("What protects the platform (the boundary)"), "what-protects-the-platform-the-boundary");
    assert.strictEqual(slug("Capacity: how big must the cluster be?"), "capacity-how-big-must-the-cluster-be");
    assert.strictEqual(slug("The example stacks' dates"), "the-example-stacks-dates");
    assert.strictEqual(slug("Try it: two commands, no cloud account"), "try-it-two-commands-no-cloud-account");
  });

  it("reach every page of docs/ from the README", () => {
    const linked = new Set(links("README.md").map((l) => l.target.split("#")[0]));
    const pages = docFiles().filter((f) => f.startsWith("docs/"));
    assert.deepStrictEqual(pages.filter((p) => !linked.has(p)), []);
  });
});
