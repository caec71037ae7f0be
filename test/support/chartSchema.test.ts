import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import { chartDefaultsPath, chartSchemaPath } from "./chartSchema";

// The chart files are the yardstick for every schema test, so they must be exactly the ones taken from
// the chart's 4.4.0 tag (sums recorded in test/fixtures/z2jh-4.4.0/README.md when they were taken).
describe("the Z2JH 4.4.0 chart files the values are checked against", () => {
  const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

  it("are the chart's own values.schema.json and values.yaml, unchanged", () => {
    assert.strictEqual(sha256(chartSchemaPath), "c5f71e071879bdd2fd6f4d963654589e833fe55726c26fd1319cc835b49c7921");
    assert.strictEqual(sha256(chartDefaultsPath), "d61742ce43e33262bb8fa0d68b6b9e7a7b229a3c7ce6d5a08cf97788c0ba796b");
  });

});
