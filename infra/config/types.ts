// The typed, validated stack configuration. `parse.ts` builds it from raw stack config and is the only
// place defaults are applied; everything downstream (planners, components) reads these readonly objects.

import type { PriceTable } from "../catalog/prices";

export type { PriceTable };

export type ReleaseChannel = "RAPID" | "REGULAR" | "STABLE";
export type HubDbType = "sqlite-pvc" | "sqlite-memory";
/** Where pip in user pods gets packages (docs/packages.md). */
export type PackageMode = "none" | "mirror" | "curated";
/** What user pods run under: GKE Sandbox (gVisor), or the node's own kernel through runc. */
export type UserSandbox = "gvisor" | "none";
/** Cloud Armor's preconfigured WAF rules: log what they would block, or block it. */
export type WafMode = "preview" | "enforce";

/**
 * A zonal cluster has its control plane and nodes in exactly one zone, so the type holds one zone; a
 * regional one spreads them over the region's zones: the configured ones, or GKE's default (empty list).
 */
export type ClusterLocation =
  | { readonly type: "zonal"; readonly zone: string }
  | { readonly type: "regional"; readonly nodeZones: readonly string[] };
export type ClusterLocationType = ClusterLocation["type"];

export interface AuthorizedNetwork {
  readonly cidrBlock: string;
  readonly displayName: string;
}

/** Where the program runs and how the cluster is shaped. */
export interface PlatformConfig {
  /** GCP project id (`gcp:project`). */
  readonly project: string;
  /** GCP region (`gcp:region`); priced from infra/catalog/prices.ts, or flagged as priced like us-central1. */
  readonly region: string;
  /** Where the control plane and nodes run (`clusterLocationType` and `zones`). */
  readonly location: ClusterLocation;
  readonly releaseChannel: ReleaseChannel;
  /** Networks allowed to reach the control plane's IP endpoint (CIS GKE 5.6.3). */
  readonly authorizedNetworks: readonly AuthorizedNetwork[];
  /** Off for event stacks so `pulumi destroy` works; on protects cluster and zone. */
  readonly deletionProtection: boolean;
  readonly coreMachineType: string;
  readonly corePoolMinNodes: number;
  readonly corePoolMaxNodes: number;
  readonly coreBootDiskGiB: number;
  readonly userBootDiskGiB: number;
  /** The subnet's primary range (node IPs) and its secondary ranges for pods and services. */
  readonly nodeCidr: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
}

/** Kubernetes resource overhead of the DaemonSets that run on every user node. */
export interface DaemonSetOverhead {
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
  readonly pods: number;
}

/** The event's peak and each user's share of a node. */
export interface CapacityConfig {
  readonly peakUsers: number;
  readonly userCpuGuarantee: number;
  readonly userCpuLimit: number;
  readonly userMemoryGuaranteeGiB: number;
  readonly userMemoryLimitGiB: number;
  readonly userStorageGiB: number;
  /** A machine type name, or "auto": the plan picks the cheapest per user-hour (infra/plan/rush/machine.ts). */
  readonly userMachineType: string;
  /** With "auto", only types whose peak needs at most this share more nodes than the lower bound (if any does). */
  readonly userNodesPackingSlack: number;
  /** With "auto", the families it may choose from; empty means every family. */
  readonly userMachineFamilies: readonly string[];
  /** "auto": the smallest GKE step that fits the users a node can hold. */
  readonly userPoolMaxPodsPerNode: "auto" | number;
  readonly daemonSetOverhead: DaemonSetOverhead;
}

/** One class of the event's timetable: its users arrive over `arrivalMinutes` from `start`. */
export interface ClassSpec {
  readonly name: string;
  readonly start: Date;
  readonly users: number;
  readonly arrivalMinutes: number;
  readonly durationMinutes: number;
}

/** Timings of a user's way from login to a running server; each default is a published figure (schema.ts). */
export interface RushTimings {
  readonly hubLoginsPerSecond: number;
  readonly autoscalerReactionSeconds: number;
  readonly nodeBootSeconds: number;
  readonly imagePullSeconds: number;
  readonly podStartSeconds: number;
}

/** The timetable and what the rush simulation needs besides the capacity model. */
export interface RushConfig {
  /** In start order; at least one class. */
  readonly classes: readonly ClassSpec[];
  readonly timings: RushTimings;
  readonly waitTargetSeconds: number;
  readonly seed: number;
}

export interface EventWindow {
  readonly start: Date;
  readonly end: Date;
}

/** An optional GPU profile with its own tainted pool. */
export interface GpuConfig {
  readonly machineType: string;
  readonly acceleratorType: string;
  readonly acceleratorCount: number;
  readonly maxNodes: number;
  /** Image for the GPU profile, pinned by tag or digest. */
  readonly image: string;
}

/** What each user pod's sandbox adds to the pod, inside the pod's own cgroup. */
export interface SandboxPodOverhead {
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
}

/** GKE Sandbox for user pods (`userSandbox`, `sandboxPodOverhead`). */
export interface SandboxConfig {
  readonly userSandbox: UserSandbox;
  /** Counted only when `userSandbox` is gvisor. */
  readonly podOverhead: SandboxPodOverhead;
}

/** Cloud Armor in front of the hub and the user servers. */
export interface CloudArmorConfig {
  readonly wafMode: WafMode;
  /** When non-empty, the only client ranges that reach the load balancer's backends. */
  readonly allowedClientRanges: readonly string[];
  /** Client ranges refused outright. */
  readonly deniedClientRanges: readonly string[];
  /** Share of requests the load balancer logs (with Cloud Armor's decision), 0–1. */
  readonly logSampleRate: number;
}

/** Per-user subdomains: DNS, certificate and load balancer. */
export interface EdgeConfig {
  /** e.g. hub.example.com; users are served at <label>.hub.example.com. */
  readonly hubDomain: string;
  /** When set, records go into this existing Cloud DNS zone instead of a zone the program owns. */
  readonly existingZone?: { readonly name: string; readonly dnsName: string };
  /** The load balancer's backend timeout, which caps a websocket's lifetime. */
  readonly backendTimeoutSeconds: number;
  readonly cloudArmor: CloudArmorConfig;
}

export interface OidcConfig {
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly userdataUrl: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly usernameClaim: string;
  readonly groupsClaim: string;
  readonly allowedGroups: readonly string[];
  /** Staff: the hub's custom staff role (infra/plan/hubRoles.ts), never JupyterHub's built-in admin role. */
  readonly adminGroups: readonly string[];
  /** Groups given JupyterHub's built-in admin role, which can open every server; empty unless asked for. */
  readonly fullAdminGroups: readonly string[];
}

export interface EgressRule {
  readonly cidr: string;
  readonly ports: readonly number[];
  readonly description: string;
}

/** What user pods may install, and from where (`packageMode` and the keys beside it). */
export interface PackagesConfig {
  readonly mode: PackageMode;
  /** Project names the registry proxy refuses, PEP 503-normalised; empty unless mode is mirror or curated. */
  readonly denyList: readonly string[];
  /** An index the organisation runs instead of Artifact Registry (then no Python repository is created). */
  readonly indexUrl?: string;
  /** The one conda channel user pods may use; without it conda is configured offline. */
  readonly condaChannelUrl?: string;
}

/** The JupyterHub release for untrusted users. */
export interface HubConfig {
  readonly namespace: string;
  readonly oidc: OidcConfig;
  readonly userImage: string;
  readonly terminalsEnabled: boolean;
  readonly shellEscapeGuard: boolean;
  readonly cullTimeoutSeconds: number;
  readonly cullEverySeconds: number;
  readonly cullMaxAgeSeconds: number;
  /** `undefined` means "the planned peak", so the hub never starts more servers than nodes hold. */
  readonly activeServerLimit?: number;
  /** `undefined` means "sized from the timetable's fastest arrival" (infra/plan/rush/hub.ts). */
  readonly concurrentSpawnLimit?: number;
  readonly egressAllowlist: readonly EgressRule[];
  readonly packages: PackagesConfig;
  readonly dbType: HubDbType;
  readonly gpu?: GpuConfig;
}

/** The event's life around the hub: budget, alerts, the export bucket and the destroy wait. */
export interface LifecycleConfig {
  /** Without one, no budget is created (the plan says so). */
  readonly billingAccount?: string;
  readonly notificationEmails: readonly string[];
  readonly exportRetentionDays: number;
  readonly teardownTimeoutMinutes: number;
}

export interface StackConfig {
  readonly platform: PlatformConfig;
  readonly capacity: CapacityConfig;
  readonly event: EventWindow;
  readonly rush: RushConfig;
  readonly prices: PriceTable;
  readonly edge: EdgeConfig;
  readonly hub: HubConfig;
  readonly sandbox: SandboxConfig;
  readonly lifecycle: LifecycleConfig;
}
