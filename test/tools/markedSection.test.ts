import * as assert from "assert";
import { replaceBetween, textBetween } from "../../policy-pack/tools/markedSection";

// The generated sections of the docs (`npm run policy:table`, `config:table`, `capacity:table` with
// --write): what lies outside the markers must come through a rewrite untouched, and a document without
// them must be refused rather than written without its table.

const START = "<!-- x:start -->";
const END = "<!-- x:end -->";

describe("a generated section between markers", () => {
  it("reads only what lies between them, trimmed", () => {
    assert.strictEqual(textBetween(`a\n${START}\n| x |\n${END}\nb`, START, END), "| x |");
    assert.strictEqual(textBetween("no markers", START, END), undefined);
    assert.strictEqual(textBetween(`${END} ${START}`, START, END), undefined, "markers out of order");
  });

  it("replaces only what lies between them, keeping the markers and everything around them", () => {
    assert.strictEqual(replaceBetween(`before\n${START}\nold\nrows\n${END}\nafter\n`, START, END, "new"), `before\n${START}\nnew\n${END}\nafter\n`);
  });

  it("refuses a document that lacks a marker or has them out of order", () => {
    assert.throws(() => replaceBetween(`${START} only`, START, END, "new"), /missing <!-- x:start --> … <!-- x:end -->/);
    assert.throws(() => replaceBetween(`${END} ${START}`, START, END, "new"), /missing/);
  });
});
