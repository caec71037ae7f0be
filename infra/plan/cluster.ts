import { EventWindow, GpuConfig, PlatformConfig } from "../config/types";
import { UserPoolPlan } from "./capacity";
import { DedicatedTaint, dedicatedTaint, poolPurpose } from "./labels";
import { GkeSandbox } from "./sandbox";

// The cluster as plain data: its node pools, from the capacity plan, and its maintenance exclusion, from
// the event window. HardenedCluster (components/cluster.ts) turns them into resources and adds what every
// pool and the cluster get whatever the event (the hardening).

/** What a pool runs: `core` the hub, proxy and system pods; `user` and `gpu` user servers only. */
export type PoolPurpose = keyof typeof poolPurpose;

/** What every node pool is given, whatever its purpose. */
interface PoolSpecBase<P extends PoolPurpose> {
  /**
   * Also its logical name (`<cluster>-<purpose>`, part of the URN: a new purpose is a new pool) and its
   * `hub.jupyter.org/node-purpose` label, which the chart's pods select.
   */
  readonly purpose: P;
  /** Compute Engine machine type of every node. */
  readonly machineType: string;
  /** The autoscaler's bounds over all the pool's zones (GKE's `totalMinNodeCount`/`totalMaxNodeCount`). */
  readonly minNodes: number;
  readonly maxNodes: number;
  /** GKE's `initialNodeCount`, which counts per zone; see `initialNodesPerZone`. */
  readonly initialNodesPerZone: number;
  readonly maxPodsPerNode: number;
  /** pd-balanced boot disk of each node. */
  readonly bootDiskGiB: number;
}

/** Kubelet settings of a pool that runs user servers: untrusted code, so a PID limit per pod. */
export interface UserServerKubelet {
  readonly podPidsLimit: number;
}

/**
 * The pool for the hub, proxy and system pods: untainted, default kubelet, no accelerator, and never
 * sandboxed (GKE Sandbox needs a pool without it for GKE's own system pods).
 */
export interface CorePoolSpec extends PoolSpecBase<"core"> {
  readonly taints?: never;
  readonly kubelet: Record<string, never>;
  readonly accelerator?: never;
  readonly sandbox?: never;
}

/**
 * The pool for user servers: tainted so only user pods land there, with a PID limit per pod, and GKE
 * Sandbox when `userSandbox` is gvisor (GKE then adds its own `sandbox.gke.io/runtime` label and taint).
 */
export interface UserPoolSpec extends PoolSpecBase<"user"> {
  readonly taints: readonly [DedicatedTaint<"user">];
  readonly kubelet: UserServerKubelet;
  readonly accelerator?: never;
  readonly sandbox?: GkeSandbox;
}

/** GPUs attached to every node of the GPU pool; GKE installs its default driver for the node version. */
export interface GpuAccelerator {
  /** e.g. nvidia-tesla-t4 (`gpuProfile.acceleratorType`). */
  readonly type: string;
  /** GPUs per node. */
  readonly count: number;
}

/** The pool for GPU user servers: like the user pool (sandbox included), tainted for its own purpose, and with GPUs. */
export interface GpuPoolSpec extends PoolSpecBase<"gpu"> {
  readonly taints: readonly [DedicatedTaint<"gpu">];
  readonly kubelet: UserServerKubelet;
  readonly accelerator: GpuAccelerator;
  readonly sandbox?: GkeSandbox;
}

export type NodePoolSpec = CorePoolSpec | UserPoolSpec | GpuPoolSpec;

/**
 * The cluster's pools in declaration order: always one core and one user pool, at most one GPU pool, so
 * no purpose (and no logical name) is there twice and the hub always has somewhere to run.
 */
export type NodePoolSpecs = readonly [CorePoolSpec, UserPoolSpec] | readonly [CorePoolSpec, UserPoolSpec, GpuPoolSpec];

// User kernels can fork; a PID limit per pod stops a fork bomb from taking the node down with it.
export const USER_POD_PIDS_LIMIT = 4_096;
const CORE_MAX_PODS = 110;
const GPU_MAX_PODS = 32;

/**
 * A pool's initialNodeCount, which GKE counts per zone: the minimum spread over the zones, but never so
 * many that zones × count exceeds the pool's maximum.
 */
export function initialNodesPerZone(pool: { readonly minNodes: number; readonly maxNodes: number }, zones: number): number {
  return Math.min(Math.ceil(pool.minNodes / zones), Math.floor(pool.maxNodes / zones));
}

type CoreSettings = Pick<PlatformConfig, "coreMachineType" | "corePoolMinNodes" | "corePoolMaxNodes" | "coreBootDiskGiB">;

/** The core pool from the platform config; `zones` is the number of zones the pools span. */
export function corePoolSpec(platform: CoreSettings, zones: number): CorePoolSpec {
  const sizes = { minNodes: platform.corePoolMinNodes, maxNodes: platform.corePoolMaxNodes };
  return {
    purpose: "core",
    machineType: platform.coreMachineType,
    ...sizes,
    initialNodesPerZone: initialNodesPerZone(sizes, zones),
    maxPodsPerNode: CORE_MAX_PODS,
    bootDiskGiB: platform.coreBootDiskGiB,
    kubelet: {},
  };
}

/** The user pool, sized by the capacity model; `sandbox` from plan/sandbox.ts `userPoolSandbox`. */
export function userPoolSpec(userPool: UserPoolPlan, platform: Pick<PlatformConfig, "userBootDiskGiB">, zones: number, sandbox?: GkeSandbox): UserPoolSpec {
  const sizes = { minNodes: userPool.userPoolMinNodes, maxNodes: userPool.userPoolMaxNodes };
  return {
    purpose: "user",
    machineType: userPool.machineType,
    ...sizes,
    initialNodesPerZone: initialNodesPerZone(sizes, zones),
    maxPodsPerNode: userPool.maxPodsPerNode,
    bootDiskGiB: platform.userBootDiskGiB,
    taints: [dedicatedTaint("user")],
    kubelet: { podPidsLimit: USER_POD_PIDS_LIMIT },
    ...(sandbox ? { sandbox } : {}),
  };
}

/**
 * The GPU pool of the GPU profile: it scales from zero, so idle GPUs cost nothing. Sandboxed like the user
 * pool: GKE Sandbox runs CUDA on the T4 and newer models with GKE's default driver (plan/sandbox.ts).
 */
export function gpuPoolSpec(gpu: GpuConfig, platform: Pick<PlatformConfig, "userBootDiskGiB">, zones: number, sandbox?: GkeSandbox): GpuPoolSpec {
  const sizes = { minNodes: 0, maxNodes: gpu.maxNodes };
  return {
    purpose: "gpu",
    machineType: gpu.machineType,
    ...sizes,
    initialNodesPerZone: initialNodesPerZone(sizes, zones),
    maxPodsPerNode: GPU_MAX_PODS,
    bootDiskGiB: platform.userBootDiskGiB,
    taints: [dedicatedTaint("gpu")],
    kubelet: { podPidsLimit: USER_POD_PIDS_LIMIT },
    accelerator: { type: gpu.acceleratorType, count: gpu.acceleratorCount },
    ...(sandbox ? { sandbox } : {}),
  };
}

/** The pools of a cluster: core, user, and the GPU pool when there is one. */
export function nodePoolSpecs(core: CorePoolSpec, user: UserPoolSpec, gpu?: GpuPoolSpec): NodePoolSpecs {
  return gpu ? [core, user, gpu] : [core, user];
}

/**
 * The Workload Identity pool of a project. Plain data, not derived from `ProjectApis.project`: that
 * resolves only after the API wait, so on a first preview it is unknown, and the pack's mandatory
 * gke-workload-identity policy would pass the cluster unchecked (`checkSettings` skips unknown values,
 * policy-pack/policies/core.ts).
 */
export function workloadIdentityPool(project: string): string {
  return `${project}.svc.id.goog`;
}

/** What a maintenance exclusion holds back (GKE docs, "Maintenance windows and exclusions"). */
export type MaintenanceExclusionScope = "NO_UPGRADES" | "NO_MINOR_UPGRADES" | "NO_MINOR_OR_NODE_UPGRADES";

/** A period in which GKE does not upgrade the cluster; times as `rfc3339Seconds` writes them. */
export interface MaintenanceExclusion {
  readonly name: string;
  readonly startTime: string;
  readonly endTime: string;
  readonly scope: MaintenanceExclusionScope;
}

const DAY_MS = 86_400_000;
const SECOND_MS = 1_000;

/**
 * RFC 3339 in UTC with whole seconds ("2027-12-05T08:00:00Z"), the form GKE returns the time in. The
 * exclusion's times are google.protobuf.Timestamps, whose JSON form is "Z-normalized and uses 0, 3, 6 or 9
 * fractional digits" (protobuf.dev, proto3 JSON mapping), so a whole second comes back without a fraction.
 * The Google provider keeps what GKE returns and has no diff suppression for these fields
 * (terraform-provider-google v7.40.0, services/container/resource_container_cluster.go:
 * `maintenance_exclusion` start_time/end_time, `flattenMaintenancePolicy`), so toISOString()'s ".000"
 * would show as a cluster update on every `pulumi up`.
 */
export function rfc3339Seconds(time: Date): string {
  if (time.getTime() % SECOND_MS !== 0) throw new RangeError(`${time.toISOString()} is not a whole second`);
  return time.toISOString().replace(/\.000Z$/, "Z");
}

/**
 * The "no upgrades" exclusion covering the event with a day of margin each side, widened to whole seconds
 * (an event time given with a fraction of a second still lies inside it).
 */
export function eventMaintenanceExclusion(event: EventWindow): MaintenanceExclusion {
  const start = Math.floor((event.start.getTime() - DAY_MS) / SECOND_MS) * SECOND_MS;
  const end = Math.ceil((event.end.getTime() + DAY_MS) / SECOND_MS) * SECOND_MS;
  return {
    name: "event-no-upgrades",
    startTime: rfc3339Seconds(new Date(start)),
    endTime: rfc3339Seconds(new Date(end)),
    scope: "NO_UPGRADES",
  };
}
