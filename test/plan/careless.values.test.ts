import * as assert from "assert";
import { profileList } from "../../infra/plan/chart";
import { loadStackConfig } from "../support/stacks";

// Careless one-line changes (docs/testing.md, "Careless changes we check") to the GPU profile, which no
// shipped stack turns on: the expected values are written out from Z2JH 4.4.0 and KubeSpawner 7, not
// taken from the code under test.

describe("the GPU profile's placement and limit, as KubeSpawner reads them", () => {
  const gpu = { machineType: "g2-standard-8", acceleratorType: "nvidia-l4", acceleratorCount: 1, maxNodes: 2, image: "quay.io/jupyter/pytorch-notebook:cuda12-2025-06-02" };
  // Built before each test, not while mocha loads the file (docs/testing.md: work at load time is "static"
  // coverage, which makes every mutant it reaches run the whole suite in a fresh process).
  let override: any;
  beforeEach(() => {
    const capacity = loadStackConfig("event").capacity;
    override = (profileList(capacity, "quay.io/jupyter/scipy-notebook:2025-06-02", gpu).find((p) => p.slug === "gpu") as any).kubespawner_override;
  });

  it("tolerates exactly the GPU pool's taint hub.jupyter.org/dedicated=gpu:NoSchedule", () => {
    // Kubernetes docs, "Taints and Tolerations": operator Exists with a key tolerates every value of it, so a
    // GPU user would also tolerate the user pool's dedicated=user taint; Equal matches the value too.
    assert.deepStrictEqual(override.tolerations, [{ key: "hub.jupyter.org/dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }], "GPU toleration");
  });

  it("pulls the GPU image as configured when no package plan moves it", () => {
    assert.strictEqual(override.image, "quay.io/jupyter/pytorch-notebook:cuda12-2025-06-02");
  });

  it("requires a node labelled hub.jupyter.org/node-purpose=gpu and asks for one nvidia.com/gpu", () => {
    // KubeSpawner 7 node_affinity_required takes NodeSelectorTerms (Kubernetes NodeAffinity); the GPU
    // device plugin's resource is nvidia.com/gpu (GKE docs, "Run GPUs in GKE Standard node pools").
    assert.deepStrictEqual(override.node_affinity_required, [{ matchExpressions: [{ key: "hub.jupyter.org/node-purpose", operator: "In", values: ["gpu"] }] }], "GPU node affinity");
    assert.deepStrictEqual(override.extra_resource_limits, { "nvidia.com/gpu": "1" }, "a GPU server without the limit is given no GPU");
  });
});
