import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

// Config reads and checks keys; the plan turns config into plain data. The dependency goes one way: no
// module under infra/config may import infra/plan (or the components and tools built on it), so the
// reference catalogues both need live in infra/catalog, which imports neither. A catalogue may re-export a
// contract of the policy pack (policy-pack/contracts: the CIDR arithmetic both sides share), which itself
// imports nothing from infra (test/policy-pack/npmPack.test.ts loads the pack from its own tarball).

const infra = path.resolve(__dirname, "../../infra");

function importsOf(dir: string): { file: string; target: string }[] {
  return fs.readdirSync(path.join(infra, dir)).filter((f) => f.endsWith(".ts")).flatMap((f) => {
    const text = fs.readFileSync(path.join(infra, dir, f), "utf8");
    return [...text.matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gms)]
      .map((m) => m[1])
      .filter((t) => t.startsWith("."))
      .map((t) => ({ file: `${dir}/${f}`, target: path.relative(infra, path.resolve(infra, dir, t)) }));
  });
}

/** Every .ts file under `dir` (relative to infra), recursively. */
function tsFilesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(infra, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFilesUnder(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
  );
}

describe("layers", () => {
  it("infra/config imports nothing from the plan, the components or the tools", () => {
    const edges = importsOf("config");
    assert.ok(edges.some((e) => e.target.startsWith("catalog/")), "the parser reads the catalogues");
    assert.deepStrictEqual(edges.filter((e) => /^(plan|components|tools)\b/.test(e.target)), []);
  });

  it("infra/catalog imports no other part of the program, only the pack's shared contracts", () => {
    const edges = importsOf("catalog");
    assert.deepStrictEqual(edges.filter((e) => !e.target.startsWith("catalog/") && !e.target.startsWith("../policy-pack/contracts/")), []);
    assert.ok(edges.some((e) => e.target === "../policy-pack/contracts/cidr"), "the CIDR arithmetic is the pack's contract, not a copy");
  });

  it("infra/plan reads no files: the shipped Python is passed in (infra/files/index.ts reads it for the program)", () => {
    const files = tsFilesUnder("plan");
    assert.ok(files.includes(path.join("plan", "chart", "index.ts")), files.join(", "));
    const readers = files.filter((f) => /from\s+"(node:)?fs(\/promises)?"|require\("(node:)?fs/.test(fs.readFileSync(path.join(infra, f), "utf8")));
    assert.deepStrictEqual(readers, []);
  });
});
