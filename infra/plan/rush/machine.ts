import type { CapacityConfig, SandboxPodOverhead } from "../../config/types";
import type { PriceTable } from "../../catalog/prices";
import { MachineType, machineTypes } from "../../catalog/machineTypes";
import { BindingConstraint, fitUsersOnNode, planUserPool } from "../capacity";
import { nodeWithBootDiskHour } from "../cost";
import { noPodOverhead } from "../sandbox";

// `userMachineType: auto`: every machine type the catalogue knows, priced in the stack's region, ranked by
// what a user-hour costs at the peak on it.

/** One machine type as the users' pool: how many users a node holds and what a user-hour costs. */
export interface MachineCandidate {
  readonly machineType: string;
  readonly family: string;
  readonly usersPerNode: number;
  readonly bindingConstraint: BindingConstraint;
  /** Nodes that hold the peak. */
  readonly nodesAtPeak: number;
  /** The bin-packing lower bound for the peak on this type. */
  readonly lowerBoundNodes: number;
  /** One node an hour: the machine and its pd-balanced boot disk. */
  readonly nodeHourUsd: number;
  /** The peak's nodes an hour, per peak user. */
  readonly perUserHourUsd: number;
}

export interface MachineChoice {
  readonly chosen: MachineCandidate;
  /** The stack named the type; otherwise `auto` chose it. */
  readonly pinned: boolean;
  /** Whether the chosen type packs the peak within `userNodesPackingSlack` of its lower bound. */
  readonly packsWithinSlack: boolean;
  /** The five cheapest others that fit, cheapest first. */
  readonly alternatives: readonly MachineCandidate[];
  /** Types the comparison left out, and why (one line per reason). */
  readonly leftOut: readonly string[];
}

/** A type's cost as the users' pool, or why it cannot be. */
export function priceMachine(
  machine: MachineType,
  capacity: CapacityConfig,
  prices: PriceTable,
  bootDiskGiB: number,
  maxNodesPerPool: number,
  /** The sandbox's per-pod allowance (plan/sandbox.ts userPodOverhead): part of each user's request. */
  podOverhead: SandboxPodOverhead = noPodOverhead,
): MachineCandidate | string {
  if (machine.sharedCore) return "shared-core";
  if (machine.notForUsers) return machine.notForUsers;
  if (prices.vcpuHour[machine.family] === undefined || prices.memoryGiBHour[machine.family] === undefined) {
    return `no ${machine.family.toUpperCase()} price for ${prices.region}`;
  }
  const fit = fitUsersOnNode(machine, capacity, podOverhead);
  if (fit.usersPerNode < 1) return "holds no user";
  const pool = planUserPool(machine, capacity, 0, podOverhead);
  if (pool.userNodesAtPeak > maxNodesPerPool) return `needs more than ${maxNodesPerPool} nodes`;
  const nodeHourUsd = nodeWithBootDiskHour(prices, machine, bootDiskGiB);
  return {
    machineType: machine.name,
    family: machine.family,
    usersPerNode: fit.usersPerNode,
    bindingConstraint: fit.bindingConstraint,
    nodesAtPeak: pool.userNodesAtPeak,
    lowerBoundNodes: pool.lowerBoundNodes,
    nodeHourUsd,
    perUserHourUsd: (pool.userNodesAtPeak * nodeHourUsd) / capacity.peakUsers,
  };
}

/** Cheapest per user-hour first; then fewer nodes (less to boot in a rush), then by name. */
function rank(a: MachineCandidate, b: MachineCandidate): number {
  return a.perUserHourUsd - b.perUserHourUsd || a.nodesAtPeak - b.nodesAtPeak || a.machineType.localeCompare(b.machineType);
}

/**
 * The users' machine: the pinned one, or the cheapest per user-hour at the peak among every known type
 * that fits the per-user shape, the pods per node, the disk attach limit, the node limit per pool and the
 * stack's `userMachineFamilies`. Undefined when nothing fits (the plan reports it under userMachineType).
 */
export function chooseUserMachine(
  capacity: CapacityConfig,
  prices: PriceTable,
  bootDiskGiB: number,
  maxNodesPerPool: number,
  podOverhead: SandboxPodOverhead = noPodOverhead,
): MachineChoice | undefined {
  const candidates: MachineCandidate[] = [];
  const reasons = new Map<string, string[]>();
  const pinned = capacity.userMachineType !== "auto";
  // A pinned type is compared with every other; the family filter only narrows what `auto` may take.
  const families = pinned ? [] : capacity.userMachineFamilies;
  for (const machine of machineTypes.values()) {
    const priced =
      families.length > 0 && !families.includes(machine.family)
        ? `not in userMachineFamilies (${families.join(", ")})`
        : priceMachine(machine, capacity, prices, bootDiskGiB, maxNodesPerPool, podOverhead);
    if (typeof priced === "string") reasons.set(priced, [...(reasons.get(priced) ?? []), machine.name]);
    else candidates.push(priced);
  }
  candidates.sort(rank);
  // Stranded room: a type whose nodes each leave most of a user's share unused needs whole extra nodes at
  // the peak. Among the types that pack within the slack, the cheapest; if none does, the cheapest of all.
  const packs = (c: MachineCandidate) => c.nodesAtPeak <= (1 + capacity.userNodesPackingSlack) * c.lowerBoundNodes + 1e-9;
  const chosen = pinned
    ? candidates.find((c) => c.machineType === capacity.userMachineType)
    : candidates.find(packs) ?? candidates[0];
  if (!chosen) return undefined;
  const leftOut = [...reasons.entries()].map(([reason, names]) =>
    `${reason}: ${names.length > 4 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", ")}`,
  );
  return {
    chosen,
    pinned,
    packsWithinSlack: packs(chosen),
    alternatives: candidates.filter((c) => c !== chosen).slice(0, 5),
    leftOut,
  };
}
