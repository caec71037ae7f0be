import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { knownKeys } from "../../infra/config/parse";

// The README's config table is the organiser's reference; it must name exactly the keys the program reads.
describe("README configuration table", () => {
  const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
  const table = /<!-- config-table:start -->([\s\S]*?)<!-- config-table:end -->/.exec(readme)?.[1] ?? "";
  const documented = new Set([...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([^`]+)`/g)].map((k) => k[1])));

  it("documents every key the program reads", () => {
    assert.ok(table, "README lacks the config-table markers");
    assert.deepStrictEqual(knownKeys.filter((k) => !documented.has(k)), []);
  });

  it("documents no key the program does not read", () => {
    assert.deepStrictEqual([...documented].filter((k) => !knownKeys.includes(k)), []);
  });
});
