import * as assert from "assert";
import * as fs from "fs";
import { knownKeys } from "../../infra/config/parse";
import { specOf, type ConfigKey } from "../../infra/config/schema";
import {
  configTable, configurationDocPath, extractTable, readmePath, REQUIRED_END, REQUIRED_START, requiredTable, TABLE_END, TABLE_START,
} from "../../infra/tools/configDocs";

// The config tables are the organiser's reference, generated from the config schema
// (`npm run --silent config:table -- --write`): the full table in docs/configuration.md, and in the README
// only the keys every stack must set (issue 16: the full table is too long for a first page). These tests
// fail when a copy is stale or names other keys.
describe("docs/configuration.md: the full configuration table", () => {
  const doc = fs.readFileSync(configurationDocPath, "utf8");
  const table = extractTable(doc) ?? "";
  const documented = new Set([...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([^`]+)`/g)].map((k) => k[1])));

  it("is the table generated from the schema", () => {
    assert.ok(extractTable(doc) !== undefined, `docs/configuration.md needs ${TABLE_START} … ${TABLE_END}`);
    assert.strictEqual(table, configTable(), "docs/configuration.md's config table is stale: run `npm run --silent config:table -- --write`");
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

describe("README: the keys every stack must set", () => {
  const readme = fs.readFileSync(readmePath, "utf8");
  const table = extractTable(readme, REQUIRED_START, REQUIRED_END);

  it("is the table generated from the schema", () => {
    assert.ok(table !== undefined, `README.md needs ${REQUIRED_START} … ${REQUIRED_END}`);
    assert.strictEqual(table, requiredTable(), "README.md's table of required keys is stale: run `npm run --silent config:table -- --write`");
  });

  it("lists exactly the keys without a default, in the schema's order", () => {
    const rows = [...requiredTable().matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    const required = knownKeys.filter((k) => specOf(k as ConfigKey).required !== undefined);
    assert.ok(required.length > 0);
    assert.deepStrictEqual(rows, required);
  });

  it("shows no secret's example value, only the command that sets it", () => {
    assert.match(requiredTable(), /^\| `oidcClientSecret` \| `pulumi config set --secret` \|/m);
  });
});
