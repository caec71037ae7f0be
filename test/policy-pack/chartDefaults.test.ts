// The pack's copy of the Z2JH 4.4.0 defaults that decide its pods (policy-pack/policies/z2jh/chartDefaults.ts)
// against the chart's own values.yaml at that tag (test/fixtures/z2jh-4.4.0/values.yaml), leaf by leaf; and
// Helm's coalescing rule the derivation lays values over them with.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { chartDefaults, helmMerge } from "../../policy-pack/policies/z2jh/chartDefaults";
import { userPods } from "../../policy-pack/policies/z2jh/pods";

const chartValues = parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/z2jh-4.4.0/values.yaml"), "utf8")) as Record<string, unknown>;

function leaves(value: unknown, at: string[] = []): [string[], unknown][] {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leaves(v, [...at, k]));
  }
  return [[at, value]];
}

const at = (obj: unknown, keys: string[]) => keys.reduce<unknown>((o, k) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);

describe("policy pack: the chart defaults the pod derivation uses", () => {
  it("every default is the chart's own value (Z2JH 4.4.0 values.yaml)", () => {
    // chartpress writes the chart's version into every "set-by-chartpress" tag when it publishes the chart.
    const published = (value: unknown) => (value === "set-by-chartpress" ? "4.4.0" : value);
    const differing = leaves(chartDefaults())
      .filter(([keys, value]) => JSON.stringify(published(at(chartValues, keys))) !== JSON.stringify(value))
      .map(([keys, value]) => `${keys.join(".")}: pack ${JSON.stringify(value)}, chart ${JSON.stringify(at(chartValues, keys))}`);
    assert.deepStrictEqual(differing, []);
  });

  it("a release that leaves singleuser.image alone runs the chart's sample image at the chart's version", () => {
    const [pod] = userPods({});
    const spec = pod.spec as { containers: { name: string; image: unknown }[] };
    assert.deepStrictEqual(spec.containers.map((c) => [c.name, c.image]), [["notebook", "quay.io/jupyterhub/k8s-singleuser-sample:4.4.0"]]);
  });

  it("Helm merges maps, replaces other values and deletes a key set to null", () => {
    const merged = helmMerge({ a: { b: 1, c: [1, 2], d: { e: 1 } }, f: 1 }, { a: { b: 2, c: [3], d: null }, g: 1 });
    assert.deepStrictEqual(merged, { a: { b: 2, c: [3] }, f: 1, g: 1 });
  });
});
