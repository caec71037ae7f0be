import * as assert from "assert";
import * as fc from "fast-check";
import { isNodePoolMachine, machineTypes } from "../../infra/catalog/machineTypes";
import { ConfigError, ConfigIssue } from "../../infra/config/errors";
import { parseConfig } from "../../infra/config/parse";
import { planAll, Plan } from "../../infra/plan";
import { propertyRuns } from "../support/properties";
import { rawWith } from "../support/stacks";

// The address plan (infra/plan/network.ts, with the parser's overlap check in infra/config/parse.ts), for
// any pool shape within the config's bounds and any RFC 1918 ranges: the program accepts the node, pod and
// service ranges exactly when they do not overlap and hold every pool at its maximum, and otherwise refuses
// them under the key of the range at fault. What a pool takes is worked out here from GCP's own rules:
// - a subnet's primary range loses four addresses to GCP (cloud.google.com/vpc/docs/subnets, "Reserved
//   IP addresses in every subnet"), and every node takes one;
// - every node takes a pod block of at least twice its max pods (cloud.google.com/kubernetes-engine/docs/
//   how-to/flexible-pod-cidr, "CIDR ranges for Standard clusters": 8 → /28, 9–16 → /27, 17–32 → /26,
//   33–64 → /25, 65–110 → /24; above 110 the same rule gives /24 up to 128 and /23 up to 256);
// - during an upgrade or repair each pool surges by maxSurge nodes per zone (infra/components/cluster.ts
//   `upgradeSettings.maxSurge: 1`); a regional cluster without node zones spreads over three zones.

const podBlockTable: readonly (readonly [maxPods: number, addresses: number])[] = [[8, 16], [16, 32], [32, 64], [64, 128], [128, 256], [256, 512]];
const podBlock = (maxPods: number) => podBlockTable.find(([most]) => maxPods <= most)?.[1] ?? NaN;
const GCP_RESERVED = 4;
const MAX_SURGE = 1;
const SERVICES_NEEDED = 256; // the plan's own floor for the service range, which the generator stays above

/** A range as [first, last] address, by plain arithmetic (not the module under test). */
function span(cidr: string): [number, number] {
  const [address, prefix] = cidr.split("/");
  const first = address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  return [first, first + 2 ** (32 - Number(prefix)) - 1];
}
const size = (cidr: string) => span(cidr)[1] - span(cidr)[0] + 1;
const overlap = (a: string, b: string) => span(a)[0] <= span(b)[1] && span(b)[0] <= span(a)[1];

const rfc1918 = [["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16]] as const;
/** An RFC 1918 range written as its network address, near the start of its block so that ranges often overlap. */
const range = (prefixes: { min: number; max: number }) =>
  fc
    .tuple(fc.constantFrom(...rfc1918), fc.integer(prefixes), fc.integer({ min: 0, max: 15 }))
    .filter(([[, blockPrefix], prefix]) => prefix >= blockPrefix)
    .map(([[block, blockPrefix], prefix, index]) => {
      const first = span(`${block}/32`)[0] + (index % 2 ** (prefix - blockPrefix)) * 2 ** (32 - prefix);
      return `${[24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256).join(".")}/${prefix}`;
    });

const zones = ["us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"];
// The types a user pool may use (the schema refuses the rest: isNodePoolMachine).
const userMachines = [...machineTypes.values()].filter(isNodePoolMachine).map((m) => m.name);

/** Pool shapes within the config's bounds, on the event stack (regional, us-central1). */
const shape = fc
  .record({
    peakUsers: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 5000 })),
    userMachineType: fc.constantFrom(...userMachines),
    memory: fc.constantFrom(0.25, 0.5, 1, 2, 4, 8),
    cpu: fc.constantFrom(0.05, 0.1, 0.25, 0.5, 1),
    userPoolMaxPodsPerNode: fc.oneof(fc.constant("auto"), fc.integer({ min: 8, max: 256 })),
    location: fc.oneof(
      fc.constantFrom(...zones).map((zone) => ({ clusterLocationType: "zonal", zones: [zone] })),
      fc.subarray(zones).map((chosen) => ({ clusterLocationType: "regional", zones: chosen })),
    ),
    corePool: fc.integer({ min: 1, max: 10 }).chain((min) => fc.tuple(fc.constant(min), fc.integer({ min, max: 20 }))),
    gpuMaxNodes: fc.option(fc.integer({ min: 1, max: 100 })),
  })
  .map((s): Record<string, unknown> => ({
    peakUsers: s.peakUsers,
    userMachineType: s.userMachineType,
    userMemoryGuaranteeGiB: s.memory,
    userMemoryLimitGiB: s.memory * 2,
    userCpuGuarantee: s.cpu,
    userCpuLimit: s.cpu * 2,
    userPoolMaxPodsPerNode: s.userPoolMaxPodsPerNode,
    timetable: undefined, // the stack's classes would exceed a smaller peak; unset, one class of the peak
    ...s.location,
    corePoolMinNodes: s.corePool[0],
    corePoolMaxNodes: s.corePool[1],
    activeServerLimit: undefined, // the stack's 1,000 would exceed a smaller peak
    gpuProfile: s.gpuMaxNodes === null ? undefined : {
      machineType: "n1-standard-8", acceleratorType: "nvidia-tesla-t4", acceleratorCount: 1, maxNodes: s.gpuMaxNodes,
      image: "quay.io/jupyter/pytorch-notebook:cuda12-2025-11-03",
    },
  }));

const ranges = fc.record({
  nodeCidr: range({ min: 18, max: 29 }),
  podCidr: range({ min: 10, max: 24 }),
  serviceCidr: range({ min: 16, max: 24 }),
});

/** The program's plan for the event stack with these changes, or the issues it refuses them with. */
function planOf(changes: Record<string, unknown>): { plan?: Plan; issues: readonly ConfigIssue[] } {
  try {
    return { plan: planAll(parseConfig(rawWith("event", changes))), issues: [] };
  } catch (e) {
    if (e instanceof ConfigError) return { issues: e.issues };
    throw e;
  }
}

/** The addresses the pools of a plan take at their maximum, by the rules above. */
function need(plan: Plan, shapeConfig: Record<string, unknown>): { nodes: number; pods: number } {
  const zoneCount = shapeConfig.clusterLocationType === "zonal" ? 1 : (shapeConfig.zones as string[]).length || 3;
  const pools = plan.nodePools;
  const nodes = pools.map((p) => ({ nodes: p.maxNodes + MAX_SURGE * zoneCount, block: podBlock(p.maxPodsPerNode) }));
  return {
    nodes: nodes.reduce((sum, p) => sum + p.nodes, 0) + GCP_RESERVED,
    pods: nodes.reduce((sum, p) => sum + p.nodes * p.block, 0),
  };
}

describe("the address plan, for any pool shape and ranges (property)", function () {
  // Each run plans the stack, rush included: its warm-room search tries 100 arrival draws a class
  // (infra/plan/rush/index.ts rushDraws), so a class of a few thousand users takes seconds on a busy machine.
  this.timeout(600_000);
  it("accepts the ranges exactly when they are apart and hold every pool at its maximum, else names the range at fault", () => {
    const seen = { accepted: 0, overlapping: 0, tooSmall: 0 };
    fc.assert(
      fc.property(shape, ranges, (shapeConfig, chosen) => {
        // The pools this shape plans, with the stack's own (generous, disjoint) ranges.
        const pools = planOf({ ...shapeConfig, nodeCidr: undefined, podCidr: undefined, serviceCidr: undefined }).plan;
        fc.pre(pools !== undefined); // a machine that cannot hold the peak: the capacity property's case
        const needed = need(pools, shapeConfig);

        const keys = ["nodeCidr", "podCidr", "serviceCidr"] as const;
        // One issue per overlapping pair, under the later key.
        const overlapping = keys.flatMap((key, i) => keys.slice(0, i).filter((earlier) => overlap(chosen[earlier], chosen[key])).map(() => key));
        const tooSmall = overlapping.length > 0 ? [] : keys.filter((key) =>
          size(chosen[key]) < { nodeCidr: needed.nodes, podCidr: needed.pods, serviceCidr: SERVICES_NEEDED }[key]);
        const { plan, issues } = planOf({ ...shapeConfig, ...chosen });
        const context = `${JSON.stringify(chosen)} need ${JSON.stringify(needed)}: ${JSON.stringify(issues)}`;

        // Each overlap is refused under the later key; sizes are only judged once the ranges are apart.
        assert.deepStrictEqual(issues.map((i) => i.key).sort(), [...overlapping, ...tooSmall].sort(), context);
        for (const issue of issues) {
          assert.match(issue.allowed, overlapping.length > 0 ? /must not overlap/ : /a range of at least \d+ addresses/, context);
        }
        if (plan) {
          assert.deepStrictEqual([plan.addresses.nodeCidr, plan.addresses.podCidr, plan.addresses.serviceCidr], [chosen.nodeCidr, chosen.podCidr, chosen.serviceCidr]);
          assert.deepStrictEqual([plan.addresses.nodeAddressesNeeded, plan.addresses.podAddressesNeeded], [needed.nodes, needed.pods], context);
          seen.accepted++;
        }
        if (overlapping.length > 0) seen.overlapping++;
        if (tooSmall.length > 0) seen.tooSmall++;
      }),
      propertyRuns,
    );
    // Every outcome was reached, so the property says something about each.
    for (const [outcome, count] of Object.entries(seen)) assert.ok(count >= 10, `only ${count} cases ${outcome}: ${JSON.stringify(seen)}`);
  });
});
