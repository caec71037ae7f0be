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
  readonly perHourAtPeak: number;
  readonly perHourIdle: number;
  readonly eventHours: number;
  /** Hours the platform stands by outside the event window, at its idle size. */
  readonly standbyHours: number;
  /** Upper bound: every pool at its maximum for the whole event window, idle for the standby hours. */
  readonly perEvent: number;
  readonly linesAtPeak: readonly CostLine[];
  readonly priceSource: string;
  readonly pricesAsOf: string;
  readonly notIncluded: readonly string[];
}

export interface CostInputs {
  readonly prices: PriceTable;
  readonly poolsAtPeak: readonly PricedPool[];
  readonly poolsIdle: readonly PricedPool[];
  /** Persistent disks that exist whatever the load: user homes and the hub database. */
  readonly persistentDiskGiB: number;
  readonly natIps: number;
  /** The Gateway's forwarding rules: HTTPS, and HTTP for the redirect. */
  readonly forwardingRules: number;
  readonly eventHours: number;
  readonly standbyHours: number;
}

export function nodeHourPrice(prices: PriceTable, machine: MachineType): number {
  const vcpu = prices.vcpuHour[machine.family];
  const mem = prices.memoryGiBHour[machine.family];
  if (vcpu === undefined || mem === undefined) throw new RangeError(`no price for machine family ${machine.family}`);
  return machine.vcpus * vcpu + machine.memoryGiB * mem;
}

/** Google bills up to five global forwarding rules at one flat rate, then each further rule. */
export function forwardingRulesHour(prices: PriceTable, rules: number): number {
  if (rules === 0) return 0;
  return prices.forwardingRulesFirstFiveHour + Math.max(0, rules - 5) * prices.forwardingRuleExtraHour;
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

function costLines(inputs: CostInputs, pools: readonly PricedPool[]): CostLine[] {
  const { prices } = inputs;
  const diskHour = prices.balancedDiskGiBMonth / prices.hoursPerMonth;
  const nodes = pools.reduce((n, p) => n + p.nodes, 0);
  const lines: CostLine[] = pools.flatMap((p) => [
    { item: `${p.pool} nodes (${p.machine.name})`, quantity: p.nodes, unit: "node", perHour: p.nodes * nodeHourPrice(prices, p.machine) },
    { item: `${p.pool} boot disks (pd-balanced)`, quantity: p.nodes * p.bootDiskGiB, unit: "GiB", perHour: p.nodes * p.bootDiskGiB * diskHour },
    ...(p.accelerator
      ? [{ item: `${p.pool} GPUs (${p.accelerator.type})`, quantity: p.nodes * p.accelerator.count, unit: "GPU", perHour: p.nodes * p.accelerator.count * (prices.gpuHour[p.accelerator.type] ?? NaN) }]
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

/** Prices the platform at its peak and at rest, and bounds the whole event from above. */
export function estimateCost(inputs: CostInputs): CostEstimate {
  const linesAtPeak = costLines(inputs, inputs.poolsAtPeak);
  const sum = (lines: CostLine[]) => lines.reduce((s, l) => s + l.perHour, 0);
  const perHourAtPeak = round(sum(linesAtPeak), 2);
  const perHourIdle = round(sum(costLines(inputs, inputs.poolsIdle)), 2);
  return {
    currency: inputs.prices.currency,
    perHourAtPeak,
    perHourIdle,
    eventHours: round(inputs.eventHours, 2),
    standbyHours: inputs.standbyHours,
    perEvent: round(perHourAtPeak * inputs.eventHours + perHourIdle * inputs.standbyHours, 2),
    linesAtPeak,
    priceSource: inputs.prices.source,
    pricesAsOf: inputs.prices.asOf,
    notIncluded: [
      "network egress and load-balancer / NAT data processing (per GiB)",
      "Cloud DNS, Certificate Manager and Cloud Logging volume",
      "taxes, discounts and prices outside us-central1",
    ],
  };
}
