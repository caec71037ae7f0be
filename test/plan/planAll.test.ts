import * as assert from "assert";
import { ConfigError, ConfigIssue } from "../../infra/config/errors";
import { parseConfig, RawConfig } from "../../infra/config/parse";
import { StackConfig } from "../../infra/config/types";
import { capacityOutput, Plan, planAll, rushOutput } from "../../infra/plan";
import { offlineSecretPlaceholder } from "../../infra/tools/stackFile";
import { stacksAsOf } from "../support/stacks";

// The plan of a whole stack (infra/plan/index.ts planAll): what an organiser reads before buying anything,
// on a small stack written out here rather than a shipped one, so that every figure below can be worked by
// hand from the config. GKE's reservation formula is cloud.google.com/kubernetes-engine/docs/concepts/
// plan-node-sizes (worked in test/plan/capacity.test.ts); the DaemonSets' 768 MiB, 500 m and 10 pods are
// the daemonSetOverhead defaults (infra/config/schema.ts). Every plan is made inside an `it`
// (docs/testing.md: no work while mocha loads the file).

/** A 60-user workshop in one zone: e2-standard-4 user nodes without the sandbox, one class of 30. */
const workshop: RawConfig = {
  "gcp:project": "workshop-example",
  "gcp:region": "us-central1",
  clusterLocationType: "zonal",
  zones: ["us-central1-a"],
  authorizedNetworks: [{ cidrBlock: "203.0.113.0/28", displayName: "office" }],
  coreMachineType: "e2-standard-2",
  corePoolMinNodes: 1,
  corePoolMaxNodes: 2,
  coreBootDiskGiB: 30,
  userBootDiskGiB: 50,
  peakUsers: 60,
  userMachineType: "e2-standard-4",
  userSandbox: "none",
  userCpuGuarantee: 0.25,
  userCpuLimit: 1,
  userMemoryGuaranteeGiB: 2,
  userMemoryLimitGiB: 4,
  userStorageGiB: 5,
  eventStart: "2027-11-29T09:00:00Z",
  eventEnd: "2027-11-29T17:00:00Z",
  timetable: [{ name: "morning", start: "2027-11-29T10:00:00Z", users: 30, arrivalMinutes: 5, durationMinutes: 120 }],
  hubDomain: "hub.workshop.example.org",
  oidcAuthorizeUrl: "https://login.example.org/oauth2/v1/authorize",
  oidcTokenUrl: "https://login.example.org/oauth2/v1/token",
  oidcUserdataUrl: "https://login.example.org/oauth2/v1/userinfo",
  oidcClientId: "jupyterhub-workshop",
  oidcAllowedGroups: ["workshop-staff"],
  userImage: "quay.io/jupyterhub/k8s-singleuser-sample:4.4.0",
  cullTimeoutSeconds: 1800,
  // Handed over as a secret, as `pulumi config set --secret` and the offline plan do (infra/tools/stackFile.ts).
  oidcClientSecret: offlineSecretPlaceholder,
};

function workshopWith(changes: Record<string, unknown> = {}): StackConfig {
  return parseConfig({ ...workshop, ...changes }, { now: stacksAsOf, secretKeys: ["oidcClientSecret"] });
}

/** The issues planAll raises for the workshop with `changes`, or none when it plans. */
function workshopIssues(changes: Record<string, unknown>): readonly ConfigIssue[] {
  try {
    planAll(workshopWith(changes));
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
}

const t4 = { machineType: "n1-standard-4", acceleratorType: "nvidia-tesla-t4", acceleratorCount: 2, maxNodes: 3, image: "quay.io/jupyter/pytorch-notebook:2024-12-02" };

describe("the plan of a whole stack (planAll), worked by hand", () => {
  it("sizes the pools: 6 users an e2-standard-4 (memory binds), 10 nodes for 60 users, the core pool as configured", () => {
    const plan = planAll(workshopWith());
    // e2-standard-4: 16384 MiB less 1024 + 819.2 + 819.2 reserved and 100 eviction = 13621.6 allocatable;
    // less 768 of DaemonSets = 12853.6 MiB, / 2048 = 6.3 → 6. CPU 4000 − 80 = 3920, − 500 = 3420 m, / 250 = 13.
    // Pods: the smallest max-pods step holding 6 + 10 DaemonSet pods is 16, which leaves 6 (a tie: memory named).
    assert.deepStrictEqual(capacityOutput(plan), {
      peakUsers: 60,
      machineType: "e2-standard-4",
      usersPerNode: 6,
      bindingConstraint: "memory",
      usersPerNodeBy: { memory: 6, cpu: 13, pods: 6, disks: 127 },
      perUserRequest: { cpuMillicores: 250, memoryMiB: 2048 },
      nodeAllocatable: { cpuMillicores: 3920, memoryMiB: 13621.6 },
      availableForUsersPerNode: { cpuMillicores: 3420, memoryMiB: 12853.6, pods: 6, disks: 127 },
      // ceil(60 / 6); lower bound ceil(60 × 2048 / 12853.6) = ceil(9.56).
      userNodesAtPeak: 10,
      lowerBoundNodes: 10,
      // The most warm room the calendar holds at once (the rush's, test/plan/rush.test.ts).
      placeholderUsers: plan.rush.maxPlaceholders,
      userPoolMinNodes: 0,
      userPoolMaxNodes: 10,
      maxPodsPerNode: 16,
      corePool: { machineType: "e2-standard-2", minNodes: 1, maxNodes: 2 },
      gpuPool: undefined,
      userSandbox: "none",
      // The fixed defaults (infra/config/schema.ts): GCP cannot resize a range a cluster uses.
      nodeRangeCidr: "10.0.0.0/20",
      podRangeCidr: "10.32.0.0/12",
      serviceRangeCidr: "10.1.0.0/20",
      // 12 nodes at most × 1024 ports / 64,512 ports an IP → 1.
      natIps: 1,
    });
    assert.deepStrictEqual(plan.nodePools.map((p) => [p.purpose, p.machineType, p.minNodes, p.maxNodes]), [["core", "e2-standard-2", 1, 2], ["user", "e2-standard-4", 0, 10]]);
    // One zone, one surge node a pool: (10 + 1) + (2 + 1) nodes + the subnet's 4 reserved addresses.
    assert.strictEqual(plan.addresses.nodeAddressesNeeded, 18);
    assert.strictEqual(plan.natMinPortsPerVm, 1024);
  });

  it("asks for the quotas every pool needs at its maximum", () => {
    const plan = planAll(workshopWith());
    // 10 × 4 + 2 × 2 vCPUs, all E2 (CPUS only); 10 × 50 + 2 × 30 GB of boot disk, 60 × 5 GiB of homes, 1 GiB of hub DB.
    assert.deepStrictEqual(plan.quotas, {
      cpus: 44, cpusAllRegions: 44, gpusAllRegions: 0, cpusByQuota: {}, gpusByQuota: {}, ssdTotalGb: 861, inUseAddresses: 1, globalStaticAddresses: 1,
    });
    // The hub database in memory has no disk.
    assert.strictEqual(planAll(workshopWith({ hubDbType: "sqlite-memory" })).quotas.ssdTotalGb, 860);
  });

  it("counts a GPU pool's accelerators against their own quota and the project-wide one", () => {
    const quotas = planAll(workshopWith({ gpuProfile: t4 })).quotas;
    // 3 nodes × 2 T4s; 3 × 4 n1 vCPUs more (N1 counts against CPUS only).
    assert.deepStrictEqual(quotas.gpusByQuota, { NVIDIA_T4_GPUS: 6 });
    assert.strictEqual(quotas.gpusAllRegions, 6);
    assert.deepStrictEqual([quotas.cpus, quotas.cpusByQuota], [56, {}]);
  });

  it("prices the user pool at the rush's busiest and the others at their maximum, for the users the hub lets in", () => {
    // Sized for 120 users (20 nodes), the timetable's one class has 30.
    const plan = planAll(workshopWith({ peakUsers: 120 }));
    assert.strictEqual(plan.userPool.userPoolMaxNodes, 20);
    const nodes = (item: string) => plan.cost.linesAtPeak.find((l) => l.item === item)?.quantity;
    assert.strictEqual(nodes("core nodes (e2-standard-2)"), 2);
    const userNodes = nodes("user nodes (e2-standard-4)");
    // 30 users at 6 a node need 5; the simulation's peak adds the warm room, and stays well under the pool's 20.
    assert.ok(userNodes !== undefined && userNodes >= 5 && userNodes < 20, `user nodes at peak: ${userNodes}`);
    assert.strictEqual(userNodes, plan.rush.peakNodes, "the nodes the rush simulation saw at its busiest");
    assert.strictEqual(plan.cost.usersAtPeak, 30, "the class's 30 users, under the limit of 120 (peakUsers)");
    // A second class of 20 at 11:30, while the first class's 30 (10:00 for 60 minutes, then 1800 + 300 s of
    // culler's tail, until 11:35) are still up: 50 at once.
    const twoClasses = planAll(workshopWith({ timetable: [
      { name: "morning", start: "2027-11-29T10:00:00Z", users: 30, arrivalMinutes: 5, durationMinutes: 60 },
      { name: "late morning", start: "2027-11-29T11:30:00Z", users: 20, arrivalMinutes: 5, durationMinutes: 60 },
    ] }));
    assert.strictEqual(twoClasses.cost.usersAtPeak, 50, "the second class's 20 and the first's 30 not yet culled");
    const limited = planAll(workshopWith({ activeServerLimit: 20 }));
    assert.strictEqual(limited.cost.usersAtPeak, 20, "no more users than the hub's active-server limit");
  });

  it("warns when the timetable keeps more servers up than the hub's active-server limit, and not otherwise", () => {
    // One class of 30 and a limit of 20; the culler's tail is cullTimeoutSeconds 1800 + cullEverySeconds 300.
    const warning = "the timetable has up to 30 servers up at once when idle servers wait 2100 s for the culler (cullTimeoutSeconds + cullEverySeconds), more than the hub's active-server limit (20): users beyond it are refused; leave more time between classes or lower cullTimeoutSeconds";
    assert.ok(planAll(workshopWith({ activeServerLimit: 20 })).warnings.includes(warning), "the limit below the class is named");
    const atLimit = planAll(workshopWith({ activeServerLimit: 30 })).warnings;
    assert.deepStrictEqual(atLimit.filter((w) => w.startsWith("the timetable has up to")), [], "30 servers under a limit of 30 are all let in");
  });
});

describe("what planAll refuses, and the edge of each refusal", () => {
  it("a pool of exactly 500 nodes plans; 501 is refused under userMachineType", () => {
    // e2-standard-2: 8192 − 1843.2 reserved − 100 eviction − 768 DaemonSets = 5480.8 MiB for users, / 2048 →
    // 2 a node. 1000 users → 500 nodes, the userMachineType limit (config/schema.ts); the class stays at 30.
    const atLimit = { userMachineType: "e2-standard-2", peakUsers: 1000 };
    const plan = planAll(workshopWith(atLimit));
    assert.strictEqual(plan.userPool.userPoolMaxNodes, 500);
    // 500 user + 2 core nodes × 1024 ports / 64,512 an IP = 7.97 → 8 NAT IPs.
    assert.deepStrictEqual([plan.natIps, plan.quotas.inUseAddresses], [8, 8]);
    assert.deepStrictEqual(workshopIssues({ ...atLimit, peakUsers: 1002 }).map((i) => [i.key, i.value, i.allowed]), [[
      "userMachineType", "e2-standard-2",
      "too small for the peak: a machine that holds it on at most 500 nodes; this one holds 2 users per node (memory binds), so it needs 501 nodes",
    ]]);
  });

  it("a user pool at the limit still counts in the node range", () => {
    // One zone: (500 + 1) user + (2 + 1) core nodes + 4 reserved = 508 addresses; a /24 holds 256.
    assert.deepStrictEqual(workshopIssues({ userMachineType: "e2-standard-2", peakUsers: 1000, nodeCidr: "10.0.0.0/24" }).map((i) => [i.key, i.value, i.allowed]), [[
      "nodeCidr", "10.0.0.0/24",
      "a range of at least 508 addresses (/23 or wider) for the pools at their maximum",
    ]]);
  });

  it("a GPU pool counts in the node range too", () => {
    // 30 users → 5 user nodes. One zone: (5 + 1) user + (2 + 1) core + 4 reserved = 13, which a /28 holds;
    // the GPU pool's (3 + 1) more make 17.
    assert.deepStrictEqual(workshopIssues({ peakUsers: 30, nodeCidr: "10.0.0.0/28" }), []);
    assert.deepStrictEqual(workshopIssues({ peakUsers: 30, nodeCidr: "10.0.0.0/28", gpuProfile: t4 }).map((i) => [i.key, i.value, i.allowed]), [[
      "nodeCidr", "10.0.0.0/28",
      "a range of at least 17 addresses (/27 or wider) for the pools at their maximum",
    ]]);
  });

  it("a machine too small for one user names the sandbox's memory and CPU allowance it counted", () => {
    // e2-standard-2 leaves 5480.8 MiB (5.35 GiB) and 1930 − 500 = 1430 m; 6 GiB + 128 MiB per user fits none.
    // With no user fitting, the max-pods step is the first holding the 10 DaemonSet pods, 16: 6 for users.
    const issues = workshopIssues({ userMachineType: "e2-standard-2", userMemoryGuaranteeGiB: 6, userMemoryLimitGiB: 8, userSandbox: "gvisor", sandboxPodOverhead: { cpuMillicores: 50, memoryMiB: 128 } });
    assert.deepStrictEqual(issues.map((i) => [i.key, i.allowed]), [[
      "userMachineType",
      "too small to hold one user: after GKE's reservation and the DaemonSets a node leaves 5.35 GiB of memory, 1430 millicores of CPU and 6 pods for users, and each user is guaranteed 6 GiB and 250 millicores and the gVisor sandbox's sandboxPodOverhead adds 0.125 GiB and 50 millicores (memory binds); pick a larger machine or lower the guarantee",
    ]]);
  });

  it("auto with no machine that holds the peak says what it looked for, among which families, priced where", () => {
    // 64 GiB a user: e2-highmem-16 (128 GiB) holds one, so 60 users need 60 nodes, under 500; 600 do not fit
    // on 500 nodes of any E2 type.
    const auto = { userMachineType: "auto", userMachineFamilies: ["e2"], peakUsers: 600, userMemoryGuaranteeGiB: 64, userMemoryLimitGiB: 64 };
    assert.deepStrictEqual(workshopIssues(auto).map((i) => [i.key, i.value, i.allowed]), [[
      "userMachineType", "auto",
      "a machine type that holds at least one user (64 GiB, 0.25 CPU) and the peak on at most 500 nodes; no known type of e2 does, priced in us-central1",
    ]]);
    // 512 GiB a user (the most config allows): no E2 type holds one, an N2 type one at most, so 600 nodes.
    assert.deepStrictEqual(workshopIssues({ ...auto, userMachineFamilies: ["e2", "n2"], userMemoryGuaranteeGiB: 512, userMemoryLimitGiB: 512 }).map((i) => i.allowed), [
      "a machine type that holds at least one user (512 GiB, 0.25 CPU) and the peak on at most 500 nodes; no known type of e2, n2 does, priced in us-central1",
    ]);
    // Among every family, 512 GiB a user (the most config allows) fits one a node at best: 600 need 600 nodes.
    assert.deepStrictEqual(workshopIssues({ ...auto, userMachineFamilies: [], userSandbox: "gvisor", userMemoryGuaranteeGiB: 512, userMemoryLimitGiB: 512 }).map((i) => i.allowed), [
      "a machine type that holds at least one user (512 GiB, 0.25 CPU, plus the gVisor sandbox's 128 MiB) and the peak on at most 500 nodes; no known type does, priced in us-central1",
    ]);
  });
});

describe("the stack outputs", () => {
  it("rushOutput rounds money to cents, prices to 1/10,000 of a dollar and says how the machine was chosen", () => {
    const row = { machineType: "e2-standard-4", usersPerNode: 6, nodesAtPeak: 10, lowerBoundNodes: 10, nodeHourUsd: 0.134_005_6, perUserHourUsd: 0.022_334_27 };
    const plan = {
      machineChoice: { pinned: true, chosen: row, packsWithinSlack: ["e2-standard-4"], alternatives: [{ ...row, machineType: "e2-standard-8", nodeHourUsd: 0.268_011_2 }], leftOut: ["c3: no pd-balanced"] },
      rush: {
        targetSeconds: 120, seed: 7, draws: 200, leadSeconds: 900, startTimeoutSeconds: 600, concurrentSpawnLimit: 40, peakArrivalPerSecond: 0.104_166,
        classes: [
          { name: "morning", start: "2027-11-29T10:00:00.000Z", users: 30, arrivalMinutes: 5, othersRunning: 0, placeholders: 6, meetsTarget: true, p50Seconds: 20, p95Seconds: 60, worstSeconds: 90, failedSpawns: 0, peakNodes: 6, warmNodeHours: 1.5 },
          { name: "late", start: "2027-11-29T14:00:00.000Z", users: 40, arrivalMinutes: 2, othersRunning: 5, placeholders: 0, meetsTarget: false, p50Seconds: 200, p95Seconds: 400, worstSeconds: 500, failedSpawns: 3, peakNodes: 8, warmNodeHours: 0, binding: "the spawn limit" },
        ],
        calendar: [{ class: "morning", from: "2027-11-29T09:45:00.000Z", to: "2027-11-29T10:05:00.000Z", replicas: 6 }],
      },
      warnings: ["w"],
    } as unknown as Plan;
    assert.deepStrictEqual(rushOutput(plan), {
      waitTargetSeconds: 120, seed: 7, draws: 200, warmLeadSeconds: 900, startTimeoutSeconds: 600, concurrentSpawnLimit: 40,
      peakArrivalPerSecond: 0.1,
      classes: [
        // 1.5 warm node-hours × $0.1340056 = $0.2010084 → $0.20.
        { name: "morning", start: "2027-11-29T10:00:00.000Z", users: 30, arrivalMinutes: 5, othersRunning: 0, placeholders: 6, meetsTarget: true, p50WaitSeconds: 20, p95WaitSeconds: 60, worstWaitSeconds: 90, failedSpawns: 0, peakNodes: 6, warmCapacityUsd: 0.2 },
        { name: "late", start: "2027-11-29T14:00:00.000Z", users: 40, arrivalMinutes: 2, othersRunning: 5, placeholders: 0, meetsTarget: false, p50WaitSeconds: 200, p95WaitSeconds: 400, worstWaitSeconds: 500, failedSpawns: 3, peakNodes: 8, warmCapacityUsd: 0, binding: "the spawn limit" },
      ],
      calendar: [{ class: "morning", from: "2027-11-29T09:45:00.000Z", to: "2027-11-29T10:05:00.000Z", replicas: 6 }],
      machine: {
        chosenBy: "userMachineType",
        chosen: { machineType: "e2-standard-4", usersPerNode: 6, nodesAtPeak: 10, lowerBoundNodes: 10, nodeHourUsd: 0.134, perUserHourUsd: 0.02233 },
        packsWithinSlack: ["e2-standard-4"],
        alternatives: [{ machineType: "e2-standard-8", usersPerNode: 6, nodesAtPeak: 10, lowerBoundNodes: 10, nodeHourUsd: 0.268, perUserHourUsd: 0.02233 }],
        leftOut: ["c3: no pd-balanced"],
      },
      warnings: ["w"],
    });
    const auto = rushOutput({ ...plan, machineChoice: { ...plan.machineChoice, pinned: false } } as Plan);
    assert.strictEqual(auto.machine.chosenBy, "auto");
  });

  it("capacityOutput names the GPU pool and the user sandbox when there are", () => {
    const out = capacityOutput(planAll(workshopWith({ gpuProfile: t4, userSandbox: "gvisor" })));
    assert.deepStrictEqual([out.gpuPool, out.userSandbox], [{ machineType: "n1-standard-4", maxNodes: 3 }, "gvisor"]);
  });
});
