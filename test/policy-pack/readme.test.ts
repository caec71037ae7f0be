// docs/policies.md's policy table is generated from the policies (`npm run --silent policy:table -- --write`);
// this test fails when the page lacks the markers or its table differs from the generated one. (The table
// lived in the README until issue 16 moved it to docs/.)

import * as assert from "assert";
import * as fs from "fs";
import { docTable, extractTable, policiesDocPath, TABLE_END, TABLE_START } from "../../policy-pack/tools/table";
import { allPolicies } from "../../policy-pack/policies";

describe("policy pack: the table of docs/policies.md", () => {
  it("docs/policies.md holds the generated policy table between its markers", () => {
    assert.ok(fs.existsSync(policiesDocPath), "docs/policies.md is missing");
    const table = extractTable(fs.readFileSync(policiesDocPath, "utf8"));
    assert.ok(table !== undefined, `docs/policies.md needs ${TABLE_START} … ${TABLE_END}; fill it with \`npm run --silent policy:table -- --write\``);
    assert.strictEqual(table, docTable(), "docs/policies.md's policy table is stale: run `npm run --silent policy:table -- --write`");
  });

  it("the generated table lists every policy and every threshold once", () => {
    const table = docTable();
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
