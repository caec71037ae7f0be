// The program stays inside the pack's thresholds. The pack keeps its own limits (policy-pack/policies/
// thresholds.ts, the defaults of its policies' config schemas) instead of importing the program's, so
// that loosening a limit in the program cannot loosen the guard. This test is what notices when the two
// drift apart: everything the program's config parser can accept (probed through the parser itself) and
// everything the example stacks plan must sit inside the pack's defaults. `thresholdDrift` states the
// relation once; the last block constructs drifted programs and shows the relation catches each drift.

import * as assert from "assert";
import { z2jhProxyBackend } from "../../infra/components/gateway";
import { configSchema } from "../../infra/config/schema";
import { MAX_NODES_PER_POOL, planAll } from "../../infra/plan";
import { isNodePoolMachine, machineTypes } from "../../infra/catalog/machineTypes";
import { allPolicies } from "../../policy-pack/policies";
import { matchesPattern } from "../../policy-pack/policies/gke/pools";
import { unpinnedImage } from "../../policy-pack/policies/kubernetesFacts";
import { MOVING_IMAGE_TAGS } from "../../policy-pack/policies/thresholds";
import { refusalsOf } from "../support/refusals";
import { loadStackConfig, stackNames } from "../support/stacks";

/** What a program (its parser's bounds, or one stack's plan) can put in front of the pack. */
interface ProgramEnvelope {
  readonly what: string;
  /** The most nodes any one pool can reach, over all its zones. */
  readonly maxNodesPerPool: number;
  readonly backendTimeoutSeconds: { readonly min: number; readonly max: number };
  readonly maxCullTimeoutSeconds: number;
  readonly machineTypes: readonly string[];
  readonly healthCheck: { readonly requestPath: string; readonly port: number };
  readonly images: readonly string[];
  /** Image tags the program refuses. */
  readonly refusesTag: (tag: string) => boolean;
}

interface PackThresholds {
  readonly maxNodesPerPool: number;
  readonly minTimeoutSeconds: number;
  readonly maxTimeoutSeconds: number;
  readonly maxIdleTimeoutSeconds: number;
  readonly allowedMachineTypes: readonly string[];
  readonly allowedHealthChecks: readonly { readonly requestPath: string; readonly port: number }[];
  readonly movingTags: readonly string[];
}

/** The pack's thresholds as the engine applies them: each policy's configSchema defaults. */
function packThresholds(): PackThresholds {
  const defaultOf = (policy: string, key: string): unknown => {
    const found = allPolicies.find((p) => p.name === policy);
    assert.ok(found, policy);
    const schema = found.configSchema?.properties[key];
    assert.ok(schema && schema.default !== undefined, `${policy}.${key} has no default`);
    return schema.default;
  };
  return {
    maxNodesPerPool: defaultOf("gke-node-pool-max-nodes", "maxNodesPerPool") as number,
    minTimeoutSeconds: defaultOf("edge-backend-timeout", "minTimeoutSeconds") as number,
    maxTimeoutSeconds: defaultOf("edge-backend-timeout", "maxTimeoutSeconds") as number,
    maxIdleTimeoutSeconds: defaultOf("jupyterhub-culling", "maxIdleTimeoutSeconds") as number,
    allowedMachineTypes: defaultOf("gke-node-machine-type", "allowedMachineTypes") as string[],
    allowedHealthChecks: defaultOf("edge-health-check-path", "allowedHealthChecks") as { requestPath: string; port: number }[],
    movingTags: MOVING_IMAGE_TAGS,
  };
}

/** Every way the program sits outside the pack's thresholds; empty when it is inside. */
function thresholdDrift(program: ProgramEnvelope, pack: PackThresholds): string[] {
  const drift: string[] = [];
  const say = (text: string) => drift.push(`${program.what}: ${text}`);
  if (program.maxNodesPerPool > pack.maxNodesPerPool) {
    say(`a pool can reach ${program.maxNodesPerPool} nodes; gke-node-pool-max-nodes allows ${pack.maxNodesPerPool}`);
  }
  if (program.backendTimeoutSeconds.min < pack.minTimeoutSeconds) {
    say(`a backend timeout of ${program.backendTimeoutSeconds.min} s is possible; edge-backend-timeout wants at least ${pack.minTimeoutSeconds}`);
  }
  if (program.backendTimeoutSeconds.max > pack.maxTimeoutSeconds) {
    say(`a backend timeout of ${program.backendTimeoutSeconds.max} s is possible; edge-backend-timeout allows at most ${pack.maxTimeoutSeconds}`);
  }
  if (program.maxCullTimeoutSeconds > pack.maxIdleTimeoutSeconds) {
    say(`an idle timeout of ${program.maxCullTimeoutSeconds} s is possible; jupyterhub-culling allows at most ${pack.maxIdleTimeoutSeconds}`);
  }
  for (const machine of program.machineTypes) {
    if (!pack.allowedMachineTypes.some((pattern) => matchesPattern(machine, pattern))) {
      say(`machine type ${machine} is possible; gke-node-machine-type does not allow it`);
    }
  }
  const { requestPath, port } = program.healthCheck;
  if (!pack.allowedHealthChecks.some((c) => c.requestPath === requestPath && c.port === port)) {
    say(`the Gateway health-checks ${requestPath} on port ${port}; edge-health-check-path does not allow it`);
  }
  for (const image of program.images) {
    const reason = unpinnedImage(image);
    if (reason !== undefined) say(`image ${image} ${reason}, which jupyterhub-pinned-versions refuses`);
  }
  for (const tag of ["", ...pack.movingTags, ...pack.movingTags.map((t) => t.toUpperCase())]) {
    if (!program.refusesTag(tag)) say(`the config parser accepts the image tag "${tag}", which the pack refuses`);
  }
  return drift;
}

/** The issues the real config parser raises for `key` when the dev stack is changed as given. */
function parserIssues(changes: Record<string, unknown>, key: string): string[] {
  return refusalsOf("dev", changes, key, { parseOnly: true });
}

// Machine types the parser might accept: its capacity model's catalogue and a few it should not know.
const MACHINE_PROBES = [...machineTypes.keys(), "e2-micro", "e2-small", "n2d-standard-4", "c3-standard-4", "n4-standard-8", "t2d-standard-4"];

/**
 * The bounds and defaults of the config schema (infra/config/schema.ts, which the parser reads keys
 * through) and the node limit the plan holds every user pool to (planAll refuses a stack over it).
 */
function parserEnvelope(): ProgramEnvelope {
  const acceptedMachines = MACHINE_PROBES.filter((name) => parserIssues({ coreMachineType: name }, "coreMachineType").length === 0);
  const { backendTimeoutSeconds, cullTimeoutSeconds } = configSchema;
  return {
    what: "the config parser",
    maxNodesPerPool: MAX_NODES_PER_POOL,
    backendTimeoutSeconds: {
      min: Math.min(backendTimeoutSeconds.min, backendTimeoutSeconds.default),
      max: Math.max(backendTimeoutSeconds.max, backendTimeoutSeconds.default),
    },
    maxCullTimeoutSeconds: Math.max(cullTimeoutSeconds.max, cullTimeoutSeconds.default),
    // `userMachineType: auto` (the default) may choose any type of the catalogue a node pool may use.
    machineTypes: [...new Set([
      ...acceptedMachines,
      configSchema.coreMachineType.default,
      ...(configSchema.userMachineType.default === "auto"
        ? [...machineTypes.values()].filter(isNodePoolMachine).map((m) => m.name)
        : [configSchema.userMachineType.default]),
    ])],
    healthCheck: { requestPath: z2jhProxyBackend.healthCheckPath, port: z2jhProxyBackend.healthCheckPort },
    images: [configSchema.userImage.default],
    refusesTag: (tag) => parserIssues({ userImage: `quay.io/jupyterhub/k8s-singleuser-sample:${tag}` }, "userImage").length > 0,
  };
}

function stackEnvelope(stack: string): ProgramEnvelope {
  const config = loadStackConfig(stack);
  const plan = planAll(config);
  const pools = plan.nodePools;
  const timeout = config.edge.backendTimeoutSeconds;
  return {
    what: `the ${stack} stack`,
    maxNodesPerPool: Math.max(...pools.map((p) => p.maxNodes)),
    backendTimeoutSeconds: { min: timeout, max: timeout },
    maxCullTimeoutSeconds: config.hub.cullTimeoutSeconds,
    machineTypes: pools.map((p) => p.machineType),
    healthCheck: { requestPath: z2jhProxyBackend.healthCheckPath, port: z2jhProxyBackend.healthCheckPort },
    images: [config.hub.userImage, ...(config.hub.gpu ? [config.hub.gpu.image] : [])],
    refusesTag: parserEnvelope().refusesTag,
  };
}

describe("policy pack: the program stays inside the pack's thresholds", function () {
  this.timeout(60_000);
  const pack = packThresholds();
  // Probed inside each test, not once at load: a value computed while mocha loads the file (or cached
  // between tests) would hide a changed parser from mutation testing (docs/testing.md).
  const parserNow = () => parserEnvelope();

  // Pins the guard itself: when the pack took its limits from the program, raising the program's limit
  // raised these defaults with it and every relation below still held; this is what then failed.
  it("reads the thresholds the engine would apply: the pack's own literals", () => {
    assert.deepStrictEqual(
      { ...pack, allowedMachineTypes: pack.allowedMachineTypes.length, movingTags: pack.movingTags.length },
      {
        maxNodesPerPool: 500,
        minTimeoutSeconds: 3_600,
        maxTimeoutSeconds: 86_400,
        maxIdleTimeoutSeconds: 86_400,
        allowedMachineTypes: 79,
        allowedHealthChecks: [{ requestPath: "/_chp_healthz", port: 8000 }, { requestPath: "/hub/health", port: 8081 }],
        movingTags: 6,
      },
    );
  });

  it("the config parser's limits and defaults sit inside them", () => {
    const parser = parserNow();
    // The probe really exercises the parser: it accepts the catalogue's dedicated-core machines and refuses the rest.
    assert.ok(parser.machineTypes.includes("n2-highmem-8") && !parser.machineTypes.includes("e2-medium") && !parser.machineTypes.includes("c3-standard-4"));
    assert.deepStrictEqual(thresholdDrift(parser, pack), []);
  });

  for (const stack of stackNames) {
    it(`the ${stack} stack's plan sits inside them`, () => {
      assert.deepStrictEqual(thresholdDrift(stackEnvelope(stack), pack), []);
    });
  }

  describe("a program that drifts outside is caught", () => {
    const cases: [string, (p: ProgramEnvelope) => ProgramEnvelope, RegExp][] = [
      ["a pool limit above the pack's", (p) => ({ ...p, maxNodesPerPool: pack.maxNodesPerPool + 1 }), /a pool can reach 501 nodes; gke-node-pool-max-nodes allows 500/],
      ["a shorter backend timeout", (p) => ({ ...p, backendTimeoutSeconds: { ...p.backendTimeoutSeconds, min: 1_800 } }), /backend timeout of 1800 s .* at least 3600/],
      ["a longer backend timeout", (p) => ({ ...p, backendTimeoutSeconds: { ...p.backendTimeoutSeconds, max: 172_800 } }), /backend timeout of 172800 s .* at most 86400/],
      ["a longer idle timeout", (p) => ({ ...p, maxCullTimeoutSeconds: 604_800 }), /idle timeout of 604800 s .* at most 86400/],
      ["a machine type the pack does not allow", (p) => ({ ...p, machineTypes: [...p.machineTypes, "c3-standard-8"] }), /machine type c3-standard-8 .* does not allow it/],
      ["a health check the pack does not allow", (p) => ({ ...p, healthCheck: { requestPath: "/", port: 8000 } }), /health-checks \/ on port 8000/],
      ["an unpinned default image", (p) => ({ ...p, images: ["quay.io/jupyterhub/k8s-singleuser-sample:latest"] }), /uses the moving tag "latest"/],
      ["a parser that accepts a moving tag", (p) => ({ ...p, refusesTag: (t) => t !== "stable" && p.refusesTag(t) }), /accepts the image tag "stable"/],
    ];
    for (const [name, drift, expected] of cases) {
      it(name, () => {
        const parser = parserNow();
        const baseline = new Set(thresholdDrift(parser, pack));
        const added = thresholdDrift(drift(parser), pack).filter((d) => !baseline.has(d));
        assert.strictEqual(added.length, 1, added.join("\n"));
        assert.match(added[0] as string, expected);
      });
    }
  });
});
