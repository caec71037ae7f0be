import * as assert from "assert";
import * as fs from "fs";
import { BenchResults, BLOCK_END, BLOCK_START, extractBlock, readmePath, renderBlock, resultsPath, spread } from "../../bench/gvisor";

// The README's gVisor overhead table must be the committed measurement (bench/results/gvisor-ptrace.json,
// written by `npm run bench:gvisor`), not figures typed in by hand, and the measurement must say where and
// how it was taken. The benchmark itself runs for minutes, so the suite checks its record, not a new run.
describe("the measured gVisor overhead (bench/results/gvisor-ptrace.json)", () => {
  const results = JSON.parse(fs.readFileSync(resultsPath, "utf8")) as BenchResults;
  const readme = fs.readFileSync(readmePath, "utf8");

  it("is what the README shows", () => {
    const block = extractBlock(readme);
    assert.ok(block !== undefined, `README.md needs ${BLOCK_START} … ${BLOCK_END}`);
    assert.strictEqual(block, renderBlock(results), "README.md's gVisor table is stale: run `npm run bench:gvisor`");
  });

  it("records the machine, the runsc version and the ptrace platform it was measured on", () => {
    const m = results.machine;
    for (const fact of [m.cpuModel, m.kernel, m.runscVersion, m.python]) assert.ok(fact.length > 0, JSON.stringify(m));
    assert.strictEqual(m.platform, "ptrace");
    assert.match(m.runscInvocation, /--platform=ptrace/);
    assert.ok(m.cpus > 0);
  });

  it("has several repetitions of every part, both ways", () => {
    assert.ok(results.settings.runs >= 3, `runs: ${results.settings.runs}`);
    for (const side of [results.native, results.gvisor, results.sandboxStart]) {
      for (const [part, s] of Object.entries(side)) {
        assert.strictEqual(s.samples.length, results.settings.runs, part);
        assert.deepStrictEqual(spread(s.samples), s, part);
      }
    }
  });

  it("names its caveat: ptrace bounds GKE's overhead from above", () => {
    assert.match(results.caveat, /ptrace/);
    assert.match(results.caveat, /upper bound/);
  });
});

describe("the benchmark's statistics", () => {
  it("takes the median and the range of the samples", () => {
    assert.deepStrictEqual(spread([3, 1, 2]), { median: 2, min: 1, max: 3, samples: [3, 1, 2] });
    assert.strictEqual(spread([4, 1, 3, 2]).median, 2.5);
  });
});
