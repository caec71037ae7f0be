import { PriceTable } from "../catalog/prices";
import { MachineType } from "../catalog/machineTypes";

/** One node pool at a given size, as the price model sees it. */
export interface PricedPool {
  readonly pool: string;
  readonly machine: MachineType;
  readonly nodes: number;
  readonly bootDiskGiB: number;
  readonly accelerator?: { readonly type: string; readonly count: number };
}

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly perHour: number;
}

export interface CostEstimate {
  readonly currency: "USD";
  /** What runs at the busiest moment of the rush: the users' nodes and any the autoscaler added for them. */
  readonly perHourAtPeak: number;
  /** The same, per user at that moment (homes, core pool and fixed costs included). */
  readonly perUserHourAtPeak: number;
  readonly usersAtPeak: number;
  readonly perHourIdle: number;
  readonly eventHours: number;
  /** Hours the platform stands by outside the event window, at its idle size. */
  readonly standbyHours: number;
  /**
   * The event by its timetable: user nodes for the node-hours the classes and the placeholder calendar
   * keep up (infra/plan/rush/nodeHours.ts), everything else at its peak size for the event window, and the
   * idle platform for the standby hours.
   */
  readonly perEvent: number;
  /** Upper bound: every pool at its maximum for the whole event window, idle for the standby hours. */
  readonly perEventUpperBound: number;
  readonly userNodeHours: number;
  /** What the warm room (placeholders and the nodes that hold them) adds to `perEvent`. */
  readonly warmCapacity: number;
  /** `warmCapacity` over `perEvent`. */
  readonly warmShare: number;
  readonly linesAtPeak: readonly CostLine[];
  /** The region whose prices these are; a plan warning says when it is not the stack's. */
  readonly pricesRegion: string;
  readonly priceSource: string;
  readonly pricesAsOf: string;
  readonly notIncluded: readonly string[];
}

export interface CostInputs {
  readonly prices: PriceTable;
  readonly poolsAtPeak: readonly PricedPool[];
  readonly poolsIdle: readonly PricedPool[];
  /** Every pool at its maximum, for the upper bound. */
  readonly poolsAtMax: readonly PricedPool[];
  /** Persistent disks that exist whatever the load: user homes and the hub database. */
  readonly persistentDiskGiB: number;
  readonly natIps: number;
  /** The Gateway's forwarding rules: HTTPS, and HTTP for the redirect. */
  readonly forwardingRules: number;
  readonly eventHours: number;
  readonly standbyHours: number;
  /** The users' pool by the timetable (name of the pool in `poolsAtPeak`, node-hours with and without warm room). */
  readonly schedule: {
    readonly pool: string;
    readonly userNodeHours: number;
    readonly warmNodeHours: number;
    readonly usersAtPeak: number;
  };
}

export function nodeHourPrice(prices: PriceTable, machine: MachineType): number {
  const vcpu = prices.vcpuHour[machine.family];
  const mem = prices.memoryGiBHour[machine.family];
  if (vcpu === undefined || mem === undefined) throw new RangeError(`no price for machine family ${machine.family}`);
  return machine.vcpus * vcpu + machine.memoryGiB * mem;
}

/** A GiB of pd-balanced for an hour: Compute Engine bills disks by the GiB-month, prorated (`hoursPerMonth`). */
export function balancedDiskGiBHour(prices: PriceTable): number {
  return prices.balancedDiskGiBMonth / prices.hoursPerMonth;
}

/** One node an hour with its boot disk (pd-balanced), before any GPU. */
export function nodeWithBootDiskHour(prices: PriceTable, machine: MachineType, bootDiskGiB: number): number {
  return nodeHourPrice(prices, machine) + bootDiskGiB * balancedDiskGiBHour(prices);
}

/** Google bills up to five global forwarding rules at one flat rate, then each further rule. */
export function forwardingRulesHour(prices: PriceTable, rules: number): number {
  if (rules === 0) return 0;
  return prices.forwardingRulesFirstFiveHour + Math.max(0, rules - 5) * prices.forwardingRuleExtraHour;
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

function costLines(inputs: CostInputs, pools: readonly PricedPool[]): CostLine[] {
  const { prices } = inputs;
  const diskHour = balancedDiskGiBHour(prices);
  const nodes = pools.reduce((n, p) => n + p.nodes, 0);
  const lines: CostLine[] = pools.flatMap((p) => [
    { item: `${p.pool} nodes (${p.machine.name})`, quantity: p.nodes, unit: "node", perHour: p.nodes * nodeHourPrice(prices, p.machine) },
    { item: `${p.pool} boot disks (pd-balanced)`, quantity: p.nodes * p.bootDiskGiB, unit: "GiB", perHour: p.nodes * p.bootDiskGiB * diskHour },
    ...(p.accelerator
      ? [{ item: `${p.pool} GPUs (${p.accelerator.type})`, quantity: p.nodes * p.accelerator.count, unit: "GPU", perHour: p.nodes * gpusHour(prices, p) }]
      : []),
  ]);
  lines.push(
    { item: "persistent disks: user homes and hub database (pd-balanced)", quantity: inputs.persistentDiskGiB, unit: "GiB", perHour: inputs.persistentDiskGiB * diskHour },
    { item: "load balancer forwarding rules", quantity: inputs.forwardingRules, unit: "rule", perHour: forwardingRulesHour(prices, inputs.forwardingRules) },
    { item: "Cloud NAT gateway", quantity: nodes, unit: "VM", perHour: Math.min(nodes * prices.natGatewayVmHour, prices.natGatewayHourCap) },
    { item: "Cloud NAT IPs", quantity: inputs.natIps, unit: "IP", perHour: inputs.natIps * prices.natIpHour },
    { item: "GKE cluster management fee", quantity: 1, unit: "cluster", perHour: prices.clusterFeeHour },
  );
  return lines.map((l) => ({ ...l, perHour: round(l.perHour) }));
}

/** One node's GPUs an hour; NaN, never a silent 0, for a GPU type the table has no price for. */
function gpusHour(prices: PriceTable, p: PricedPool): number {
  return p.accelerator ? p.accelerator.count * (prices.gpuHour[p.accelerator.type] ?? NaN) : 0;
}

/** One node of a pool an hour: the machine, its boot disk and its GPUs. */
export function pooledNodeHour(prices: PriceTable, p: PricedPool): number {
  return nodeWithBootDiskHour(prices, p.machine, p.bootDiskGiB) + gpusHour(prices, p);
}

/**
 * Prices the platform at its peak and at rest, the event by its timetable, and bounds the event from
 * above.
 */
export function estimateCost(inputs: CostInputs): CostEstimate {
  const linesAtPeak = costLines(inputs, inputs.poolsAtPeak);
  const sum = (lines: CostLine[]) => lines.reduce((s, l) => s + l.perHour, 0);
  const atPeak = sum(linesAtPeak);
  const idle = sum(costLines(inputs, inputs.poolsIdle));
  const perHourAtPeak = round(atPeak, 2);
  const perHourIdle = round(idle, 2);
  const { schedule } = inputs;
  const users = inputs.poolsAtPeak.find((p) => p.pool === schedule.pool);
  if (!users) throw new RangeError(`no pool ${schedule.pool} to schedule`);
  const userNodeHour = pooledNodeHour(inputs.prices, users);
  // Everything but the users' nodes stays at its peak size through the event window.
  const restPerHour = atPeak - users.nodes * userNodeHour;
  const perEvent = restPerHour * inputs.eventHours + schedule.userNodeHours * userNodeHour + idle * inputs.standbyHours;
  const warmCapacity = schedule.warmNodeHours * userNodeHour;
  return {
    currency: inputs.prices.currency,
    perHourAtPeak,
    perUserHourAtPeak: round(atPeak / Math.max(1, schedule.usersAtPeak), 5),
    usersAtPeak: schedule.usersAtPeak,
    perHourIdle,
    eventHours: round(inputs.eventHours, 2),
    standbyHours: inputs.standbyHours,
    perEvent: round(perEvent, 2),
    perEventUpperBound: round(sum(costLines(inputs, inputs.poolsAtMax)) * inputs.eventHours + idle * inputs.standbyHours, 2),
    userNodeHours: round(schedule.userNodeHours, 2),
    warmCapacity: round(warmCapacity, 2),
    warmShare: perEvent > 0 ? round(warmCapacity / perEvent, 4) : 0,
    linesAtPeak,
    pricesRegion: inputs.prices.region,
    priceSource: inputs.prices.source,
    pricesAsOf: inputs.prices.asOf,
    notIncluded: [
      "network egress and load-balancer / NAT data processing (per GiB)",
      "Cloud DNS, Certificate Manager and Cloud Logging volume",
      "taxes and discounts (committed use, sustained use)",
    ],
  };
}
