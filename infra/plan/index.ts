import { gibFromMib, IssueList, readable } from "../config/errors";
import { configSchema } from "../config/schema";
import { CapacityConfig, PlatformConfig, SandboxPodOverhead, StackConfig } from "../config/types";
import { fitUsersOnNode, planUserPool, UserPoolPlan } from "./capacity";
import {
  corePoolSpec,
  eventMaintenanceExclusion,
  gpuPoolSpec,
  MaintenanceExclusion,
  NodePoolSpec,
  NodePoolSpecs,
  nodePoolSpecs,
  userPoolSpec,
} from "./cluster";
import { CostEstimate, estimateCost, PricedPool } from "./cost";
import { lookupMachineType, MachineType } from "../catalog/machineTypes";
import { AddressPlan, planAddresses, PoolAddressNeed } from "./network";
import { userPodOverhead, userPoolSandbox } from "./sandbox";
import { peakArrivalPerMinute, planSecurityPolicy, SecurityPolicyPlan } from "./cloudArmor";
import { chooseUserMachine, MachineChoice } from "./rush/machine";
import { planRush, RushPlan } from "./rush";
import { activityIntervalSeconds, coreResources, kubeSpawnerApi, Resources } from "./rush/hub";
import { serversAt } from "./rush/timetable";

export interface QuotaNeeds {
  /** Regional CPUS quota: every vCPU of every pool at its maximum. */
  readonly cpus: number;
  /**
   * CPUS_ALL_REGIONS, the project-wide CPU quota a fresh project meets before (and beside) the regional one:
   * the same vCPUs, since the stack runs in one region.
   */
  readonly cpusAllRegions: number;
  /** GPUS_ALL_REGIONS, likewise project-wide, when a GPU profile is set. */
  readonly gpusAllRegions: number;
  /** Family quotas such as N2_CPUS (E2 and N1 count against CPUS only). */
  readonly cpusByQuota: Readonly<Record<string, number>>;
  readonly gpusByQuota: Readonly<Record<string, number>>;
  /** SSD_TOTAL_GB: pd-balanced boot disks, user homes and the hub database. */
  readonly ssdTotalGb: number;
  /** IN_USE_ADDRESSES: the Cloud NAT IPs (nodes are private and have none). */
  readonly inUseAddresses: number;
  readonly globalStaticAddresses: number;
}

/** The hub's settings for the rush it must absorb (infra/plan/rush/hub.ts); infra/plan/chart/index.ts applies them. */
export interface HubTuning {
  readonly concurrentSpawnLimit: number;
  readonly startTimeoutSeconds: number;
  readonly resources: { readonly hub: Resources; readonly proxy: Resources };
  readonly kubeSpawner: typeof kubeSpawnerApi;
  /** JUPYTERHUB_ACTIVITY_INTERVAL for user servers. */
  readonly activityIntervalSeconds: number;
}

export interface Plan {
  readonly userPool: UserPoolPlan;
  readonly machineChoice: MachineChoice;
  readonly rush: RushPlan;
  readonly hubTuning: HubTuning;
  /** Things an organiser must read before trusting the figures (price region, missed targets…). */
  readonly warnings: readonly string[];
  /** The cluster's node pools, as HardenedCluster takes them: core, user, and GPU when configured. */
  readonly nodePools: NodePoolSpecs;
  /** Keeps GKE's upgrades away from the event (HardenedCluster's `maintenanceExclusions`). */
  readonly maintenanceExclusion: MaintenanceExclusion;
  readonly addresses: AddressPlan;
  readonly natMinPortsPerVm: number;
  readonly natIps: number;
  readonly quotas: QuotaNeeds;
  readonly cost: CostEstimate;
  /** Cloud Armor on the load balancer's backend (cloudArmor.ts). */
  readonly securityPolicy: SecurityPolicyPlan;
}

// Cloud NAT ports per node: a node's ~30 users each open a few connections to the package mirror; the
// 64-port default runs out (Cloud NAT docs, "port reservation").
export const NAT_MIN_PORTS_PER_VM = 1024;
const NAT_PORTS_PER_IP = 64_512;
const HUB_DB_GIB = 1;
/** The most nodes a pool may plan; the bound and its reason are the userMachineType entry's. */
export const MAX_NODES_PER_POOL = configSchema.userMachineType.limits.maxNodesPerPool;
// Stood up a day before the event (DNS delegation and the certificate need it) and destroyed a day
// after, the same margin as the maintenance exclusion: the pools idle at their minimum meanwhile.
export const STANDBY_HOURS = 48;

const familyQuota: Readonly<Record<string, string>> = { n2: "N2_CPUS" };
const gpuQuota: Readonly<Record<string, string>> = { "nvidia-tesla-t4": "NVIDIA_T4_GPUS" };

/** Zones the node pools span: one for a zonal cluster; the configured ones, or GKE's default three. */
export function clusterZoneCount(platform: PlatformConfig): number {
  return platform.location.type === "zonal" ? 1 : platform.location.nodeZones.length || 3;
}

function machine(name: string): MachineType {
  const m = lookupMachineType(name);
  if (!m) throw new RangeError(`unknown machine type ${name}`);
  return m;
}

/**
 * The user pool, when the user machine can hold the peak: at least one user per node (after GKE's
 * reservation and the DaemonSets) and at most the node limit per pool. Otherwise an issue under
 * `userMachineType`, the key to change.
 */
function feasibleUserPool(userMachine: MachineType, capacity: CapacityConfig, podOverhead: SandboxPodOverhead, issues: IssueList): UserPoolPlan | undefined {
  const fit = fitUsersOnNode(userMachine, capacity, podOverhead);
  if (fit.usersPerNode < 1) {
    // The sandbox's allowance is part of each user's request (capacity.ts userPodRequest), so the message
    // names it when it is there: otherwise "guaranteed 6 GiB" would not explain a node refused with 6.1 GiB.
    const added = [
      // Three decimals: the default 128 MiB is 0.125 GiB exactly (messages speak GiB, as the guarantee does).
      ...(podOverhead.memoryMiB > 0 ? [`${readable(podOverhead.memoryMiB / 1024, 3)} GiB`] : []),
      ...(podOverhead.cpuMillicores > 0 ? [`${readable(podOverhead.cpuMillicores, 0)} millicores`] : []),
    ];
    const sandboxed = added.length > 0 ? ` and the gVisor sandbox's sandboxPodOverhead adds ${added.join(" and ")}` : "";
    issues.add("userMachineType", userMachine.name, `too small to hold one user: after GKE's reservation and the DaemonSets a node leaves ${gibFromMib(fit.forUsers.memoryMiB)} of memory, ${readable(fit.forUsers.cpuMillicores, 0)} millicores of CPU and ${fit.forUsers.pods} pods for users, and each user is guaranteed ${readable(capacity.userMemoryGuaranteeGiB)} GiB and ${readable(capacity.userCpuGuarantee * 1000, 0)} millicores${sandboxed} (${fit.bindingConstraint} binds); pick a larger machine or lower the guarantee`);
    return undefined;
  }
  const pool = planUserPool(userMachine, capacity, 0, podOverhead);
  if (pool.userPoolMaxNodes > MAX_NODES_PER_POOL) {
    issues.add("userMachineType", userMachine.name, `too small for the peak: a machine that holds it on at most ${MAX_NODES_PER_POOL} nodes; this one holds ${fit.usersPerNode} ${fit.usersPerNode === 1 ? "user" : "users"} per node (${fit.bindingConstraint} binds), so it needs ${pool.userPoolMaxNodes} nodes`);
  }
  return pool;
}

/**
 * Everything the program needs to know before it declares a resource: the node pools, the maintenance
 * exclusion, address ranges, quotas and cost. Pure. When the config cannot be planned (a machine that holds no user, a pool over
 * the node limit, a range too small) it throws one ConfigError listing every such issue under the
 * config key to change, so the program refuses the stack before declaring anything.
 */
export function planAll(config: StackConfig): Plan {
  const { capacity, platform, hub } = config;
  const issues = new IssueList();
  const choice = chooseUserMachine(capacity, config.prices, platform.userBootDiskGiB, MAX_NODES_PER_POOL, userPodOverhead(config.sandbox));
  const pinned = capacity.userMachineType !== "auto";
  const podOverhead = userPodOverhead(config.sandbox);
  let userPool: UserPoolPlan | undefined;
  if (pinned) userPool = feasibleUserPool(machine(capacity.userMachineType), capacity, podOverhead, issues);
  else if (choice) userPool = feasibleUserPool(machine(choice.chosen.machineType), capacity, podOverhead, issues);
  else {
    issues.add("userMachineType", "auto", `a machine type that holds at least one user (${capacity.userMemoryGuaranteeGiB} GiB, ${capacity.userCpuGuarantee} CPU${podOverhead.memoryMiB > 0 ? `, plus the gVisor sandbox's ${podOverhead.memoryMiB} MiB` : ""}) and the peak on at most ${MAX_NODES_PER_POOL} nodes; no known type${capacity.userMachineFamilies.length > 0 ? ` of ${capacity.userMachineFamilies.join(", ")}` : ""} does, priced in ${config.prices.region}`);
  }
  const zones = clusterZoneCount(platform);
  const sandbox = userPoolSandbox(config.sandbox);
  const coreSpec = corePoolSpec(platform, zones);
  const userSpec = userPool && userPoolSpec(userPool, platform, zones, sandbox);
  const gpuSpec = hub.gpu && gpuPoolSpec(hub.gpu, platform, zones, sandbox);
  // Without a user pool the ranges are still checked against the other pools: a lower bound, so a range
  // reported too small is too small whatever the user machine.
  // A user pool over the node limit is refused under userMachineType already: leaving it out of the check
  // keeps one bad machine from also reporting ranges that would be big enough for an acceptable one.
  const userChecked = userSpec && userSpec.maxNodes <= MAX_NODES_PER_POOL ? [userSpec] : [];
  const checkedPools: NodePoolSpec[] = [coreSpec, ...userChecked, ...(gpuSpec ? [gpuSpec] : [])];
  const addresses = planAddresses(
    platform,
    checkedPools.map<PoolAddressNeed>((p) => ({ pool: p.purpose, maxNodes: p.maxNodes, maxPodsPerNode: p.maxPodsPerNode })),
    zones,
    issues,
    userChecked.length === 0 ? " besides the user pool, which is refused under userMachineType" : "",
  );
  if (!userPool || !userSpec || !choice || issues.count > 0) throw issues.error();
  const pools = nodePoolSpecs(coreSpec, userSpec, gpuSpec);

  // The rush decides the warm room; the pool keeps the peak's size (planUserPool).
  const rush = planRush(config, userPool);
  userPool = { ...userPool, placeholderUsers: rush.maxPlaceholders };

  const maxNodes = pools.reduce((n, p) => n + p.maxNodes, 0);
  const natIps = Math.ceil((maxNodes * NAT_MIN_PORTS_PER_VM) / NAT_PORTS_PER_IP);
  const persistentDiskGiB = capacity.peakUsers * capacity.userStorageGiB + (hub.dbType === "sqlite-pvc" ? HUB_DB_GIB : 0);

  const cpusByQuota: Record<string, number> = {};
  let cpus = 0;
  for (const p of pools) {
    const m = machine(p.machineType);
    cpus += m.vcpus * p.maxNodes;
    const q = familyQuota[m.family];
    if (q) cpusByQuota[q] = (cpusByQuota[q] ?? 0) + m.vcpus * p.maxNodes;
  }
  const gpusByQuota: Record<string, number> =
    gpuSpec ? { [gpuQuota[gpuSpec.accelerator.type]]: gpuSpec.accelerator.count * gpuSpec.maxNodes } : {};
  const quotas: QuotaNeeds = {
    cpus,
    cpusAllRegions: cpus,
    gpusAllRegions: Object.values(gpusByQuota).reduce((a, b) => a + b, 0),
    cpusByQuota,
    gpusByQuota,
    ssdTotalGb: Math.ceil(pools.reduce((s, p) => s + p.maxNodes * p.bootDiskGiB, 0) + persistentDiskGiB),
    inUseAddresses: natIps,
    globalStaticAddresses: 1,
  };

  const activeServerLimit = hub.activeServerLimit ?? capacity.peakUsers;
  const usersAtPeak = Math.max(0, ...rush.classes.map((c) => Math.min(activeServerLimit, c.users + c.othersRunning)));
  const priced = (p: NodePoolSpec, nodes: number): PricedPool => ({
    pool: p.purpose,
    machine: machine(p.machineType),
    nodes,
    bootDiskGiB: p.bootDiskGiB,
    accelerator: p.accelerator,
  });
  // At the peak the users' pool runs what the rush simulation saw at its busiest; the others their maximum.
  const atPeak = (p: NodePoolSpec) => (p === userSpec ? Math.min(p.maxNodes, rush.peakNodes) : p.maxNodes);
  const cost = estimateCost({
    prices: config.prices,
    poolsAtPeak: pools.map((p) => priced(p, atPeak(p))),
    poolsIdle: pools.map((p) => priced(p, p.minNodes)),
    poolsAtMax: pools.map((p) => priced(p, p.maxNodes)),
    persistentDiskGiB,
    natIps,
    forwardingRules: 2,
    eventHours: (config.event.end.getTime() - config.event.start.getTime()) / 3_600_000,
    standbyHours: STANDBY_HOURS,
    schedule: { pool: userSpec.purpose, userNodeHours: rush.userNodeHours, warmNodeHours: rush.warmNodeHours, usersAtPeak },
  });

  const hubTuning: HubTuning = {
    concurrentSpawnLimit: rush.concurrentSpawnLimit,
    startTimeoutSeconds: rush.startTimeoutSeconds,
    resources: coreResources(capacity.peakUsers, rush.peakArrivalPerSecond, config.rush.timings.hubLoginsPerSecond),
    kubeSpawner: kubeSpawnerApi,
    activityIntervalSeconds: activityIntervalSeconds(capacity.peakUsers, config.rush.timings.hubLoginsPerSecond, hub.cullTimeoutSeconds),
  };

  const warnings: string[] = [];
  if (config.prices.region !== platform.region) {
    warnings.push(
      `PRICES ARE NOT ${platform.region.toUpperCase()}'S: the price table has no ${platform.region}, so every figure uses ${config.prices.region} list prices; set priceOverrides (vcpuHour, memoryGiBHour, balancedDiskGiBMonth and region: "${platform.region}") from Google's pricing pages before trusting the cost`,
    );
  }
  warnings.push(...rush.warnings);
  const mostServers = Math.max(0, ...config.rush.classes.map((c) => serversAt(config.rush.classes, c.start.getTime(), rush.tailSeconds)));
  if (mostServers > activeServerLimit) {
    warnings.push(
      `the timetable has up to ${mostServers} servers up at once when idle servers wait ${rush.tailSeconds} s for the culler (cullTimeoutSeconds + cullEverySeconds), more than the hub's active-server limit (${activeServerLimit}): users beyond it are refused; leave more time between classes or lower cullTimeoutSeconds`,
    );
  }

  return {
    userPool,
    machineChoice: choice,
    rush,
    hubTuning,
    warnings,
    nodePools: pools,
    maintenanceExclusion: eventMaintenanceExclusion(config.event),
    addresses,
    natMinPortsPerVm: NAT_MIN_PORTS_PER_VM,
    natIps,
    quotas,
    cost,
    // The edge's limits follow the timetable's busiest arrival (the rate the rush model simulates).
    securityPolicy: planSecurityPolicy(config.edge.cloudArmor, peakArrivalPerMinute(config.rush.classes)),
  };
}

export type { AddressPlan } from "./network";
export { initialNodesPerZone } from "./cluster";
export type { MaintenanceExclusion, NodePoolSpec, NodePoolSpecs } from "./cluster";
export type { UserPoolPlan } from "./capacity";
export type { CostEstimate } from "./cost";
export type { SecurityPolicyPlan } from "./cloudArmor";

/** The `capacity` stack output: what an organiser checks before buying anything. */
export function capacityOutput(plan: Plan) {
  const u = plan.userPool;
  const [corePool, , gpuPool] = plan.nodePools;
  return {
    peakUsers: u.peakUsers,
    machineType: u.machineType,
    usersPerNode: u.usersPerNode,
    bindingConstraint: u.bindingConstraint,
    usersPerNodeBy: u.usersPerNodeBy,
    perUserRequest: u.perUserRequest,
    nodeAllocatable: u.allocatable,
    availableForUsersPerNode: u.forUsers,
    userNodesAtPeak: u.userNodesAtPeak,
    lowerBoundNodes: u.lowerBoundNodes,
    placeholderUsers: u.placeholderUsers,
    userPoolMinNodes: u.userPoolMinNodes,
    userPoolMaxNodes: u.userPoolMaxNodes,
    maxPodsPerNode: u.maxPodsPerNode,
    corePool: { machineType: corePool.machineType, minNodes: corePool.minNodes, maxNodes: corePool.maxNodes },
    gpuPool: gpuPool && { machineType: gpuPool.machineType, maxNodes: gpuPool.maxNodes },
    userSandbox: plan.nodePools[1].sandbox ? "gvisor" : "none",
    nodeRangeCidr: plan.addresses.nodeCidr,
    podRangeCidr: plan.addresses.podCidr,
    serviceRangeCidr: plan.addresses.serviceCidr,
    natIps: plan.natIps,
  };
}

/**
 * The `rush` stack output: per class of the timetable its simulated waits, failed spawns, peak nodes and
 * warm room with its cost, the calendar that holds the warm room, the hub settings the simulation ran
 * with, and how the users' machine type was chosen.
 */
export function rushOutput(plan: Plan) {
  const r = plan.rush;
  const nodeHour = plan.machineChoice.chosen.nodeHourUsd;
  const usd = (x: number) => Math.round(x * 100) / 100;
  const choice = plan.machineChoice;
  const machineRow = (c: typeof choice.chosen) => ({
    machineType: c.machineType,
    usersPerNode: c.usersPerNode,
    nodesAtPeak: c.nodesAtPeak,
    lowerBoundNodes: c.lowerBoundNodes,
    nodeHourUsd: Math.round(c.nodeHourUsd * 10_000) / 10_000,
    perUserHourUsd: Math.round(c.perUserHourUsd * 100_000) / 100_000,
  });
  return {
    waitTargetSeconds: r.targetSeconds,
    seed: r.seed,
    draws: r.draws,
    warmLeadSeconds: r.leadSeconds,
    startTimeoutSeconds: r.startTimeoutSeconds,
    concurrentSpawnLimit: r.concurrentSpawnLimit,
    peakArrivalPerSecond: Math.round(r.peakArrivalPerSecond * 100) / 100,
    classes: r.classes.map((c) => ({
      name: c.name,
      start: c.start,
      users: c.users,
      arrivalMinutes: c.arrivalMinutes,
      othersRunning: c.othersRunning,
      placeholders: c.placeholders,
      meetsTarget: c.meetsTarget,
      p50WaitSeconds: c.p50Seconds,
      p95WaitSeconds: c.p95Seconds,
      worstWaitSeconds: c.worstSeconds,
      failedSpawns: c.failedSpawns,
      peakNodes: c.peakNodes,
      warmCapacityUsd: usd(c.warmNodeHours * nodeHour),
      ...(c.binding ? { binding: c.binding } : {}),
    })),
    calendar: r.calendar,
    machine: {
      chosenBy: choice.pinned ? "userMachineType" : "auto",
      chosen: machineRow(choice.chosen),
      packsWithinSlack: choice.packsWithinSlack,
      alternatives: choice.alternatives.map(machineRow),
      leftOut: choice.leftOut,
    },
    warnings: plan.warnings,
  };
}
