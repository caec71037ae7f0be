import * as assert from "assert";
import * as fc from "fast-check";
import { isNodePoolMachine, lookupMachineType, machineTypes } from "../../infra/catalog/machineTypes";
import { ConfigError, ConfigIssue } from "../../infra/config/errors";
import { parseConfig } from "../../infra/config/parse";
import { Plan, planAll } from "../../infra/plan";
import { gkeAllocatable, maxPodsSteps } from "../../infra/plan/capacity";
import { propertyRuns } from "../support/properties";
import { rawWith } from "../support/stacks";

// The capacity model (infra/plan/capacity.ts, and planAll's limit check), for any user shape within the
// config's bounds: it never plans fewer user nodes than the bin-packing lower bound (peak demand over one
// node's room for users, per resource, rounded up), every node it counts on really holds its users, and it
// never plans a pool over the per-pool node limit: it refuses the machine instead, and only then. A user's
// request is the guarantee plus, under GKE Sandbox, the configured per-pod allowance. Node
// allocatable comes from gkeAllocatable, whose formula test/plan/capacity.test.ts works through by hand.

// The per-pool node limit, written out: taken from the schema, it would move with a careless edit of it.
const MAX_NODES = 500;
// The types a user pool may use (the schema refuses the rest: isNodePoolMachine).
const userMachines = [...machineTypes.values()].filter(isNodePoolMachine).map((m) => m.name);

const shape = fc
  .record({
    peakUsers: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 5000 })),
    userMachineType: fc.constantFrom(...userMachines),
    memory: fc.constantFrom(0.125, 0.3, 0.5, 1, 1.5, 2, 4, 8, 16, 32, 64),
    cpu: fc.constantFrom(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8),
    userPoolMaxPodsPerNode: fc.oneof(fc.constant("auto"), fc.integer({ min: 8, max: 256 })),
    daemonSetOverhead: fc.record({
      cpuMillicores: fc.integer({ min: 0, max: 2000 }),
      memoryMiB: fc.integer({ min: 0, max: 4096 }),
      pods: fc.integer({ min: 0, max: 40 }),
    }),
    // GKE Sandbox's allowance rides on each user's request (infra/plan/sandbox.ts), only under gVisor.
    userSandbox: fc.constantFrom("gvisor", "none"),
    sandboxPodOverhead: fc.record({ cpuMillicores: fc.integer({ min: 0, max: 500 }), memoryMiB: fc.integer({ min: 0, max: 1024 }) }),
  })
  .map(({ memory, cpu, ...rest }): Record<string, unknown> => ({
    ...rest,
    userMemoryGuaranteeGiB: memory,
    userMemoryLimitGiB: memory,
    userCpuGuarantee: cpu,
    userCpuLimit: cpu,
    activeServerLimit: undefined, // the stack's 1,000 would exceed a smaller peak
    timetable: undefined, // the stack's classes would exceed a smaller peak; unset, one class of the peak
  }));

function planOf(changes: Record<string, unknown>): { plan?: Plan; issues: readonly ConfigIssue[] } {
  try {
    return { plan: planAll(parseConfig(rawWith("event", changes))), issues: [] };
  } catch (e) {
    if (e instanceof ConfigError) return { issues: e.issues };
    throw e;
  }
}

describe("the capacity model, for any user shape (property)", () => {
  it("plans at least the bin-packing lower bound, on nodes that hold their users, within the node limit or refuses", () => {
    const seen = { accepted: 0, "no user fits": 0, "over the node limit": 0 };
    fc.assert(
      fc.property(shape, (changes) => {
        const { plan, issues } = planOf(changes);
        const peak = changes.peakUsers as number;
        const sandbox = changes.userSandbox === "gvisor" ? (changes.sandboxPodOverhead as { cpuMillicores: number; memoryMiB: number }) : { cpuMillicores: 0, memoryMiB: 0 };
        const memMiB = (changes.userMemoryGuaranteeGiB as number) * 1024 + sandbox.memoryMiB;
        const cpuMillicores = (changes.userCpuGuarantee as number) * 1000 + sandbox.cpuMillicores;
        const overhead = changes.daemonSetOverhead as { cpuMillicores: number; memoryMiB: number; pods: number };
        const machine = lookupMachineType(changes.userMachineType as string)!;
        const allocatable = gkeAllocatable(machine);
        const room = { memoryMiB: allocatable.memoryMiB - overhead.memoryMiB, cpuMillicores: allocatable.cpuMillicores - overhead.cpuMillicores };

        if (!plan) {
          // Refused: the machine, and only because a node holds no user or the pool would pass the limit
          // (a pool that large may also outgrow the stack's default ranges, which are then named too).
          const [issue, ...more] = issues;
          assert.strictEqual(issue?.key, "userMachineType", JSON.stringify(issues));
          if (/too small to hold one user/.test(issue.allowed)) {
            assert.deepStrictEqual(more, []);
            const maxPods = changes.userPoolMaxPodsPerNode === "auto" ? maxPodsSteps[maxPodsSteps.length - 1] : (changes.userPoolMaxPodsPerNode as number);
            const holds = Math.min(Math.floor(room.memoryMiB / memMiB), Math.floor(room.cpuMillicores / cpuMillicores), maxPods - overhead.pods, machine.attachableDisks);
            assert.ok(holds < 1, `refused although a node holds ${holds} users`);
            seen["no user fits"]++;
          } else {
            const [, perNode, needed] = /this one holds (\d+) users? per node \([a-z]+ binds\), so it needs (\d+) nodes/.exec(issue.allowed) ?? [];
            assert.ok(Number(perNode) >= 1 && Number(needed) === Math.ceil(peak / Number(perNode)), issue.allowed);
            assert.ok(Number(needed) > MAX_NODES, issue.allowed);
            assert.ok(more.every((i) => i.key === "nodeCidr" || i.key === "podCidr"), JSON.stringify(more));
            seen["over the node limit"]++;
          }
          return;
        }

        const pool = plan.userPool;
        // Bin packing: no plan can use fewer nodes than total demand over one node's room, per resource.
        const lowerBound = Math.ceil(Math.max(
          (peak * memMiB) / room.memoryMiB,
          (peak * cpuMillicores) / room.cpuMillicores,
          peak / (pool.maxPodsPerNode - overhead.pods),
          peak / machine.attachableDisks,
        ) - 1e-9);
        assert.strictEqual(pool.lowerBoundNodes, lowerBound);
        assert.ok(pool.userNodesAtPeak >= lowerBound, `${pool.userNodesAtPeak} nodes under the lower bound ${lowerBound}`);
        // Every node the plan counts on holds its users with their full guarantee, and together they hold the peak.
        const perNode = pool.usersPerNode;
        assert.ok(perNode >= 1);
        assert.ok(perNode * memMiB <= room.memoryMiB && perNode * cpuMillicores <= room.cpuMillicores, `${perNode} users per node do not fit`);
        assert.ok(perNode + overhead.pods <= pool.maxPodsPerNode && perNode <= machine.attachableDisks, `${perNode} users per node do not fit`);
        assert.ok(perNode * pool.userNodesAtPeak >= peak);
        // The pool holds the peak and no more: placeholders give way to users at the peak (infra/plan/capacity.ts,
        // planUserPool), and the pool stays within the limit.
        assert.strictEqual(pool.userPoolMaxNodes, Math.ceil(peak / perNode));
        assert.ok(pool.userPoolMinNodes <= pool.userPoolMaxNodes && pool.userNodesAtPeak <= pool.userPoolMaxNodes);
        assert.ok(pool.userPoolMaxNodes <= MAX_NODES, `${pool.userPoolMaxNodes} nodes planned`);
        assert.strictEqual(plan.nodePools[1].maxNodes, pool.userPoolMaxNodes);
        seen.accepted++;
      }),
      propertyRuns,
    );
    // Every outcome was reached, so the property says something about each.
    for (const [outcome, count] of Object.entries(seen)) assert.ok(count >= 10, `only ${count} cases: ${outcome} (${JSON.stringify(seen)})`);
  });
});
