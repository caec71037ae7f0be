// The README's policy table is generated from the policies (`npm run --silent policy:table`); this test
// fails when the README lacks the markers or its table differs from the generated one.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { extractTable, readmeTable, TABLE_END, TABLE_START } from "../../policy-pack/tools/table";
import { allPolicies } from "../../policy-pack/policies";

const readme = path.resolve(__dirname, "../../README.md");

describe("policy pack: README table", () => {
  it("the README holds the generated policy table between its markers", () => {
    assert.ok(fs.existsSync(readme), "README.md is missing");
    const table = extractTable(fs.readFileSync(readme, "utf8"));
    assert.ok(table !== undefined, `README.md needs ${TABLE_START} … ${TABLE_END}; fill it with \`npm run --silent policy:table\``);
    assert.strictEqual(table, readmeTable(), "README.md's policy table is stale: replace it with `npm run --silent policy:table`");
  });

  it("the generated table lists every policy and every threshold once", () => {
    const table = readmeTable();
    for (const p of allPolicies) {
      assert.strictEqual(table.split(`| \`${p.name}\``).length - 1, 1 + Object.keys(p.configSchema?.properties ?? {}).length, p.name);
    }
  });

  it("extracts only between the markers", () => {
    assert.strictEqual(extractTable(`a\n${TABLE_START}\n| x |\n${TABLE_END}\nb`), "| x |");
    assert.strictEqual(extractTable("no markers"), undefined);
    assert.strictEqual(extractTable(`${TABLE_END} ${TABLE_START}`), undefined);
  });
});
