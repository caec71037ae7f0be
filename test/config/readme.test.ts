import * as assert from "assert";
import * as fs from "fs";
import { knownKeys } from "../../infra/config/parse";
import { configTable, extractTable, readmePath, TABLE_END, TABLE_START } from "../../infra/tools/configDocs";

// The README's config table is the organiser's reference. It is generated from the config schema
// (`npm run --silent config:table`); this test fails when the README's copy is stale or names other keys.
describe("README configuration table", () => {
  const readme = fs.readFileSync(readmePath, "utf8");
  const table = extractTable(readme) ?? "";
  const documented = new Set([...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([^`]+)`/g)].map((k) => k[1])));

  it("is the table generated from the schema", () => {
    assert.ok(extractTable(readme) !== undefined, `README.md needs ${TABLE_START} … ${TABLE_END}`);
    assert.strictEqual(table, configTable(), "README.md's config table is stale: run `npm run --silent config:table -- --write`");
  });

  it("documents every key the program reads", () => {
    assert.deepStrictEqual(knownKeys.filter((k) => !documented.has(k)), []);
  });

  it("documents no key the program does not read", () => {
    assert.deepStrictEqual([...documented].filter((k) => !knownKeys.includes(k)), []);
  });

  it("gives each key one row, in the schema's order", () => {
    const rows = [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    assert.deepStrictEqual(rows, [...knownKeys]);
  });

  it("extracts only between the markers", () => {
    assert.strictEqual(extractTable(`a\n${TABLE_START}\n| x |\n${TABLE_END}\nb`), "| x |");
    assert.strictEqual(extractTable("no markers"), undefined);
    assert.strictEqual(extractTable(`${TABLE_END} ${TABLE_START}`), undefined);
  });
});
