import { CapacityConfig, SandboxPodOverhead } from "../config/types";
import { MachineType } from "../catalog/machineTypes";
import { noPodOverhead } from "./sandbox";

// The peak-load capacity model: pure arithmetic from the event's numbers to node pool sizes.

const MIB_PER_GIB = 1024;

/** GKE's kube-reserved plus eviction threshold, i.e. what a node keeps back from pods. */
export interface NodeResources {
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
}

/**
 * Node allocatable by GKE's published reservation formula
 * (cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes):
 * memory: 255 MiB below 1 GiB, else 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of
 * the next 112 and 2% above 128 GiB, plus a 100 MiB eviction threshold;
 * CPU: 6% of the first core, 1% of the next, 0.5% of the next two, 0.25% above four; shared-core E2
 * machines keep a flat 1060 m.
 */
export function gkeAllocatable(machine: MachineType): NodeResources {
  const memMiB = machine.memoryGiB * MIB_PER_GIB;
  const memTiers: [number, number][] = [[4, 0.25], [4, 0.2], [8, 0.1], [112, 0.06], [Infinity, 0.02]];
  let reservedMiB = 0;
  if (machine.memoryGiB < 1) {
    reservedMiB = 255;
  } else {
    let left = machine.memoryGiB;
    for (const [sizeGiB, share] of memTiers) {
      const inTier = Math.min(left, sizeGiB);
      reservedMiB += inTier * MIB_PER_GIB * share;
      left -= inTier;
    }
  }
  const evictionMiB = 100;

  const cpuTiers: [number, number][] = [[1, 0.06], [1, 0.01], [2, 0.005], [Infinity, 0.0025]];
  let reservedMillicores = 0;
  if (machine.sharedCore) {
    reservedMillicores = 1060;
  } else {
    let left = machine.vcpus;
    for (const [cores, share] of cpuTiers) {
      const inTier = Math.min(left, cores);
      reservedMillicores += inTier * 1000 * share;
      left -= inTier;
    }
  }
  return {
    cpuMillicores: machine.vcpus * 1000 - reservedMillicores,
    memoryMiB: memMiB - reservedMiB - evictionMiB,
  };
}

/** The pods-per-node steps offered when `userPoolMaxPodsPerNode` is auto (GKE allows 8 to 256). */
export const maxPodsSteps = [8, 16, 32, 64, 110, 128, 256] as const;

/**
 * Addresses of pod range each node takes: GKE gives a node the smallest block holding twice its max pods
 * (8 → /28, 16 → /27, 32 → /26, 64 → /25, 110 → /24; flexible-pod-cidr docs).
 */
export function podBlockAddresses(maxPodsPerNode: number): number {
  return Math.max(16, 2 ** Math.ceil(Math.log2(2 * maxPodsPerNode)));
}

export type BindingConstraint = "memory" | "cpu" | "pods" | "disks";

export interface UserNodeFit {
  /** What GKE leaves for pods, before DaemonSets. */
  readonly allocatable: NodeResources;
  /** What each user pod requests: the user's guarantee plus the sandbox's overhead. */
  readonly perUserRequest: NodeResources;
  /** What is left for user pods after DaemonSets. */
  readonly forUsers: NodeResources & { readonly pods: number; readonly disks: number };
  readonly maxPodsPerNode: number;
  readonly usersPerNodeBy: Readonly<Record<BindingConstraint, number>>;
  readonly usersPerNode: number;
  /** The constraint that sets usersPerNode; ties name the first of memory, cpu, pods, disks. */
  readonly bindingConstraint: BindingConstraint;
}

/**
 * What the scheduler reserves for one user pod: the user's guarantee plus what the pod's sandbox adds
 * (plan/sandbox.ts `userPodOverhead`; nothing without one). The chart requests exactly this.
 */
export function userPodRequest(capacity: CapacityConfig, podOverhead: SandboxPodOverhead = noPodOverhead): NodeResources {
  return {
    cpuMillicores: capacity.userCpuGuarantee * 1000 + podOverhead.cpuMillicores,
    memoryMiB: capacity.userMemoryGuaranteeGiB * MIB_PER_GIB + podOverhead.memoryMiB,
  };
}

/** How many users one node of the user pool holds, and what limits it; `podOverhead` is the sandbox's. */
export function fitUsersOnNode(machine: MachineType, capacity: CapacityConfig, podOverhead: SandboxPodOverhead = noPodOverhead): UserNodeFit {
  const allocatable = gkeAllocatable(machine);
  const overhead = capacity.daemonSetOverhead;
  const cpuForUsers = allocatable.cpuMillicores - overhead.cpuMillicores;
  const memForUsers = allocatable.memoryMiB - overhead.memoryMiB;
  const perUser = userPodRequest(capacity, podOverhead);
  // Each user's home is one Persistent Disk attached to the node that runs the user.
  const disks = machine.attachableDisks;
  const byMemory = Math.max(0, Math.floor(memForUsers / perUser.memoryMiB));
  const byCpu = Math.max(0, Math.floor(cpuForUsers / perUser.cpuMillicores));
  const maxPodsPerNode =
    capacity.userPoolMaxPodsPerNode !== "auto"
      ? capacity.userPoolMaxPodsPerNode
      : maxPodsSteps.find((step) => step >= Math.min(byMemory, byCpu, disks) + overhead.pods) ??
        maxPodsSteps[maxPodsSteps.length - 1];
  const byPods = Math.max(0, maxPodsPerNode - overhead.pods);
  const usersPerNodeBy = { memory: byMemory, cpu: byCpu, pods: byPods, disks };
  const order: BindingConstraint[] = ["memory", "cpu", "pods", "disks"];
  const bindingConstraint = order.reduce((best, c) => (usersPerNodeBy[c] < usersPerNodeBy[best] ? c : best), order[0]);
  return {
    allocatable,
    perUserRequest: perUser,
    forUsers: { cpuMillicores: cpuForUsers, memoryMiB: memForUsers, pods: byPods, disks },
    maxPodsPerNode,
    usersPerNodeBy,
    usersPerNode: usersPerNodeBy[bindingConstraint],
    bindingConstraint,
  };
}

export interface UserPoolPlan extends UserNodeFit {
  readonly peakUsers: number;
  readonly machineType: string;
  /** Nodes that hold every peak user. */
  readonly userNodesAtPeak: number;
  /** The bin-packing lower bound: peak demand over one node's capacity, per resource, rounded up. */
  readonly lowerBoundNodes: number;
  /**
   * The most user-sized placeholder pods the placeholder calendar holds at once (infra/plan/rush/): warm
   * room raised before each class and taken away after it.
   */
  readonly placeholderUsers: number;
  readonly userPoolMinNodes: number;
  readonly userPoolMaxNodes: number;
}

/**
 * Sizes the user pool from the peak. The maximum is the nodes the peak's users need and no more:
 * placeholders give way to users (Z2JH podPriority), so at the peak they are what is evicted, and raising
 * the maximum to hold them too would only buy nodes nobody uses. The minimum is zero: warm room comes from
 * the placeholder calendar before each class, not from nodes kept up all night.
 */
export function planUserPool(machine: MachineType, capacity: CapacityConfig, placeholderUsers = 0, podOverhead: SandboxPodOverhead = noPodOverhead): UserPoolPlan {
  const fit = fitUsersOnNode(machine, capacity, podOverhead);
  if (fit.usersPerNode < 1) {
    throw new RangeError(`${machine.name} cannot hold one user (${fit.bindingConstraint} binds)`);
  }
  const peak = capacity.peakUsers;
  const lowerBound = Math.max(
    (peak * fit.perUserRequest.memoryMiB) / fit.forUsers.memoryMiB,
    (peak * fit.perUserRequest.cpuMillicores) / fit.forUsers.cpuMillicores,
    peak / fit.forUsers.pods,
    peak / fit.forUsers.disks,
  );
  const userNodesAtPeak = Math.ceil(peak / fit.usersPerNode);
  return {
    ...fit,
    peakUsers: peak,
    machineType: machine.name,
    userNodesAtPeak,
    lowerBoundNodes: Math.ceil(lowerBound - 1e-9),
    placeholderUsers,
    userPoolMinNodes: 0,
    userPoolMaxNodes: userNodesAtPeak,
  };
}
