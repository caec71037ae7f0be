// schema.ts is one table of every key (about 60 entries, each with its source); it is long because it is
// the one place they live, not because it mixes concerns.
import { acceleratorFamilies, isNodePoolMachine, machineTypes } from "../catalog/machineTypes";
import { isPrivate, readCidr } from "../catalog/cidr";
import { isPinnedImage } from "../catalog/images";
import { didYouMean } from "./errors";
import { gcpRegions } from "../catalog/regions";
import { ClusterLocationType, HubDbType, PackageMode, ReleaseChannel, UserSandbox, WafMode } from "./types";

// The one table of the program's stack config: for every key its type, default, bounds, what it is for
// and, where a number is not a product choice, where it comes from. It drives
//   - the reader (parse.ts): presence, type, bounds and single-key checks come from here, so parse.ts
//     only assembles the typed config and checks the rules *between* keys;
//   - the config table of docs/configuration.md and the README's table of required keys
//     (`npm run --silent config:table`, test/config/readme.test.ts);
//   - the typed `config:` block of Pulumi.yaml (`npm run --silent config:pulumi`, test/config/pulumiYaml.test.ts).
// Adding a key is one entry here plus its use in parse.ts (and the typed config it fills).
//
// Feasibility (does a machine hold a user, does a pool stay under the node limit, is a range big enough)
// is not a property of one key: infra/plan checks it and reports it under the key to change.

/** What every entry says about itself, whatever its type. */
interface Doc {
  /** What the key is for: the config table's last column and the description in Pulumi.yaml. */
  readonly doc: string;
  /** The config table's "allowed" column, when the type's own words (a range, the choices) are not enough. */
  readonly allowed?: string;
  /** The config table's "default" column, when the default value itself would not say enough. */
  readonly defaultText?: string;
}

/**
 * Exactly one of: a default, required (optionally with the message to give when it is missing), or
 * optional with no fixed default (`unset` says what leaving it out means). A required key carries an
 * example value: the message for a missing key turns it into the `pulumi config set` command to paste.
 */
type Presence<T> =
  | { readonly default: T; readonly required?: never; readonly unset?: never; readonly example?: never }
  | { readonly required: true | string; readonly example: string; readonly default?: never; readonly unset?: never }
  | { readonly unset: string; readonly default?: never; readonly required?: never; readonly example?: never };

/** A string; `check` returns what is allowed when the value is wrong, or undefined when it is right. */
interface StringKind {
  readonly kind: "string";
  readonly check?: (value: string) => string | undefined;
  /** Set with `pulumi config set --secret`; never part of the typed config. */
  readonly secret?: true;
  /** Bounds the plan checks against this key's value (feasibility), reported under this key. */
  readonly limits?: Readonly<Record<string, unknown>>;
}
interface EnumKind {
  readonly kind: "enum";
  readonly values: readonly string[];
}
interface IntegerKind {
  readonly kind: "integer";
  readonly min: number;
  readonly max: number;
  /** The unit of the number, for messages, when the key's name does not end in it (…GiB, …Seconds). */
  readonly unit?: string;
}
interface NumberKind {
  readonly kind: "number";
  readonly min: number;
  readonly max: number;
  /** As for IntegerKind. */
  readonly unit?: string;
}
/** `auto`, or a whole number within the bounds. */
interface AutoOrIntegerKind {
  readonly kind: "autoOrInteger";
  readonly min: number;
  readonly max: number;
}
interface BooleanKind {
  readonly kind: "boolean";
}
interface StringListKind {
  readonly kind: "stringList";
  readonly item: RegExp;
  /** What the items are, for the message: "a list of <itemsAre> is required". */
  readonly itemsAre: string;
  /** Refuse an empty list, with this message. */
  readonly nonEmpty?: string;
}
/** A list whose items parse.ts reads one by one (strings or objects); `limits` holds their bounds. */
interface ListKind {
  readonly kind: "list";
  readonly limits: Readonly<Record<string, unknown>>;
}
/** An object whose fields parse.ts reads; `limits` holds their bounds. */
interface ObjectKind {
  readonly kind: "object";
  readonly limits?: Readonly<Record<string, unknown>>;
}

type Entry<K, T> = Doc & K & Presence<T>;

export type KeySpec =
  | Entry<StringKind, string>
  | Entry<EnumKind, string>
  | Entry<IntegerKind, number>
  | Entry<NumberKind, number>
  | Entry<AutoOrIntegerKind, "auto" | number>
  | Entry<BooleanKind, boolean>
  | Entry<StringListKind, readonly string[]>
  | Entry<ListKind, readonly unknown[]>
  | Entry<ObjectKind, Readonly<Record<string, unknown>>>;

// Single-key checks shared by several entries.

const projectIdPattern = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
export const dnsLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const systemNamespaces = ["default", "kube-system", "kube-public", "gke-managed-system"];
const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A DNS name usable as a hub domain: lower-case labels, at least two, no wildcard, room for a user label. */
export function isValidHubDomain(name: string): boolean {
  // A user's host is <label up to 63>.<hubDomain> and must stay within DNS's 253 characters.
  if (name.length > 253 - 64) return false;
  const labels = name.split(".");
  return labels.length >= 2 && labels.every((l) => dnsLabel.test(l)) && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

/** An ISO 8601 timestamp with a time zone, as a Date; undefined when it is not one. */
export function parseTimestamp(text: string): Date | undefined {
  const d = new Date(text);
  return isoTimestamp.test(text) && !Number.isNaN(d.getTime()) ? d : undefined;
}

const timestamp = (v: string) =>
  parseTimestamp(v) ? undefined : "an ISO 8601 timestamp with a time zone, e.g. 2026-12-07T08:00:00Z";

function httpsUrl(v: string): string | undefined {
  try {
    const u = new URL(v);
    if (u.protocol === "https:" && u.hostname !== "" && u.username === "" && u.password === "") return undefined;
  } catch {
    // not a URL at all
  }
  return "an https:// URL without credentials is required";
}

// Shared-core machines (e2-medium) share physical cores with other tenants and hold few pods and disks;
// the policy pack refuses them too (gke-node-machine-type). Families whose nodes cannot attach the users'
// pd-balanced homes (machineTypes.ts `notForUsers`) are priced for comparison but never a pool's type.
// Whether a machine is big enough for a user is the plan's question (infra/plan/index.ts), reported under
// the same key.
const dedicatedCoreMachines = [...machineTypes.values()].filter(isNodePoolMachine).map((m) => m.name);
const knownFamilies = [...new Set([...machineTypes.values()].filter(isNodePoolMachine).map((m) => m.family))];

/** Why a machine type is refused, naming the reason: shared-core, not for pools, a shape or a family the model does not know. */
function machine(v: string): string | undefined {
  const known = machineTypes.get(v);
  if (known && isNodePoolMachine(known)) return undefined;
  if (known?.sharedCore) {
    return `${v} is shared-core: it shares physical cores with other VMs and attaches only ${known.attachableDisks} disks; pick a type with dedicated cores, e.g. ${v.split("-")[0]}-standard-2`;
  }
  const guess = didYouMean(v, dedicatedCoreMachines);
  if (known?.notForUsers) {
    return `${v} is priced for comparison but not used for a node pool: ${known.notForUsers}${guess ? ` (${guess})` : ""}`;
  }
  const [family, kind] = v.split("-");
  if (knownFamilies.includes(family)) {
    const series = dedicatedCoreMachines.filter((m) => m.startsWith(`${family}-${kind}-`));
    const shapes = series.length > 0 ? series : dedicatedCoreMachines.filter((m) => m.startsWith(`${family}-`));
    return `not an ${family.toUpperCase()} shape the capacity model knows${guess ? ` (${guess})` : ""}; it knows ${shapes.join(", ")}`;
  }
  return `not a machine type the capacity model knows${guess ? ` (${guess})` : ""}: it knows the ${knownFamilies.map((f) => f.toUpperCase()).join(", ")} families with dedicated cores, whose disks attach as Persistent Disk (newer families such as C3 and N4 attach Hyperdisk, with far fewer disks per node); e.g. n2-highmem-8`;
}
const userMachine = (v: string) => {
  if (v === "auto") return undefined;
  const why = machine(v);
  return why && `${why}; or auto, to let the plan choose`;
};
/** Families `userMachineType: auto` may choose from. */
export const userMachineFamilyNames = knownFamilies;

/**
 * A GKE range: written as its network address (GCP rejects host bits, and an organiser who wrote them
 * meant something else) and inside RFC 1918. Whether it is big enough is the plan's question.
 */
function clusterRange(v: string): string | undefined {
  const read = readCidr(v, "10.0.0.0/20");
  if ("problem" in read) return read.problem;
  if (!isPrivate(read.cidr)) {
    return `not a private range: a cluster range must lie inside RFC 1918 space (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)`;
  }
  return undefined;
}

const rangeAllowed =
  "an RFC 1918 CIDR written as its network address, big enough for the pools at their maximum, not overlapping the other two";

/** Rules between keys that have a bound of their own. */
export const ruleLimits = {
  // GKE "no upgrades" maintenance exclusions last at most 30 days; we pad the event by a day each side.
  eventMaxDays: 28,
} as const;

// A single JupyterHub is not advised beyond a few thousand active users (minrk, kubeflow#1630).
const peakUsersMax = 5_000;

// A guard against a typo in the peak or a tiny machine planning a fleet; GKE itself allows more (1,000
// nodes per pool and zone), but an event this size wants larger machines, not more of them. The plan
// checks it and reports it under userMachineType.
const maxNodesPerPool = 500;

const gpuLimits = { acceleratorCounts: [1, 2, 4], maxNodes: { min: 1, max: 100 } } as const;

/** Every key the program reads, in documentation order. */
export const configSchema = {
  "gcp:project": {
    kind: "string", required: true, example: "my-event-project", doc: "where everything is created", allowed: "a GCP project id",
    check: (v) => projectIdPattern.test(v) ? undefined
      : "a GCP project id: 6-30 characters, lower-case letters, digits and hyphens, starting with a letter",
  },
  "gcp:region": {
    kind: "string", required: true, example: "europe-west1", doc: "cluster region; the plan prices it from its table of common regions, or warns that prices are us-central1's",
    allowed: "a GCP region with GKE",
    check: (v) => {
      if (gcpRegions.includes(v)) return undefined;
      const guess = didYouMean(v, gcpRegions);
      return `a GCP region with GKE${guess ? ` (${guess})` : ""}, one of: ${gcpRegions.join(", ")}`;
    },
  },
  clusterLocationType: {
    kind: "enum", values: ["regional", "zonal"] satisfies ClusterLocationType[], default: "regional",
    doc: "a regional control plane survives a zone outage; a zonal one is cheaper",
  },
  zones: {
    kind: "stringList", item: /^[a-z]+-[a-z]+\d+-[a-z]$/, itemsAre: "zone names such as europe-west1-b",
    default: [], defaultText: "GKE's choice (regional)", allowed: "zones of the region; exactly one when zonal",
    doc: "where nodes run",
  },
  releaseChannel: {
    kind: "enum", values: ["RAPID", "REGULAR", "STABLE"] satisfies ReleaseChannel[], default: "REGULAR",
    doc: "GKE release channel (CIS GKE 5.5.4)",
  },
  authorizedNetworks: {
    // GKE allows 50 authorized networks; the control plane must not be open to the internet (CIS GKE 5.6.3).
    kind: "list", limits: { maxItems: 50, widestPrefix: 8 }, default: [],
    allowed: "up to 50 CIDRs no wider than /8, or `{cidrBlock, displayName}`",
    doc: "who may reach the control plane's IP endpoint (CIS GKE 5.6.3)",
  },
  deletionProtection: {
    kind: "boolean", default: false,
    doc: "on: GKE and Pulumi refuse to delete the cluster; off so an event stack can be destroyed",
  },
  coreMachineType: {
    kind: "string", default: "n2-standard-4", check: machine, allowed: "a known E2/N2/N2D/N1 type with dedicated cores",
    doc: "nodes for the hub, the proxy and system pods",
  },
  corePoolMinNodes: { kind: "integer", min: 1, max: 10, default: 1, doc: "core pool autoscaling: its minimum" },
  corePoolMaxNodes: {
    kind: "integer", min: 1, max: 20, default: 3, allowed: "1–20, at least `corePoolMinNodes`",
    doc: "core pool autoscaling: its maximum",
  },
  coreBootDiskGiB: { kind: "integer", min: 20, max: 500, default: 50, doc: "pd-balanced boot disk of core nodes" },
  userBootDiskGiB: {
    // pd-balanced boot disks of 100 GB pull images faster than small ones (2i2c, terraform/gcp).
    kind: "integer", min: 20, max: 500, default: 100,
    doc: "pd-balanced boot disk of user nodes; larger ones pull images faster",
  },
  // The default ranges are fixed and generous rather than derived from the peak, because GCP cannot
  // change a secondary range a cluster uses and GKE can only add pod ranges: ranges that followed the
  // peak would break the next `pulumi up` after a change of peak. The plan checks they hold the pools at
  // their maximum (4,092 nodes; 4,096 nodes at 110 pods each; 4,096 services).
  nodeCidr: {
    kind: "string", default: "10.0.0.0/20", check: clusterRange, allowed: rangeAllowed,
    doc: "the subnet's primary range, for node IPs; GCP cannot resize it once the cluster uses it",
  },
  podCidr: {
    kind: "string", default: "10.32.0.0/12", check: clusterRange, allowed: rangeAllowed,
    doc: "the pod range (each node takes a block of twice its max pods); GCP cannot resize it once the cluster uses it",
  },
  serviceCidr: {
    kind: "string", default: "10.1.0.0/20", check: clusterRange, allowed: rangeAllowed,
    doc: "the ClusterIP service range; GCP cannot resize it once the cluster uses it",
  },
  peakUsers: {
    kind: "integer", min: 1, max: peakUsersMax, required: true, example: "500", doc: "concurrent users at the busiest moment",
  },
  userCpuGuarantee: {
    kind: "number", min: 0.01, max: 64, unit: "vCPU", default: 0.1, allowed: "0.01–64 vCPU, at most `userCpuLimit`",
    doc: "each user's CPU request",
  },
  userCpuLimit: { kind: "number", min: 0.01, max: 64, unit: "vCPU", default: 1, allowed: "0.01–64 vCPU", doc: "each user's CPU cap" },
  userMemoryGuaranteeGiB: {
    // Z2JH's default guarantee is 1G; its optimisation guide advises starting at a 2:1 limit:guarantee.
    kind: "number", min: 0.125, max: 512, default: 1, allowed: "0.125–512 GiB, at most `userMemoryLimitGiB`",
    doc: "each user's memory request",
  },
  userMemoryLimitGiB: {
    kind: "number", min: 0.125, max: 512, default: 2, allowed: "0.125–512 GiB", doc: "each user's memory cap",
  },
  userStorageGiB: { kind: "integer", min: 1, max: 1_024, default: 10, doc: "each user's home disk" },
  userMachineType: {
    kind: "string", default: "auto", check: userMachine, limits: { maxNodesPerPool },
    allowed: `\`auto\`, or a known E2/N2/N2D/N1 type with dedicated cores that holds at least one user, and the peak on at most ${maxNodesPerPool} nodes`,
    doc: "user nodes; `auto` takes the type with the lowest price per user-hour that fits the per-user shape, pods per node and disk attach limits (the plan prints the runners-up)",
  },
  userNodesPackingSlack: {
    kind: "number", min: 0, max: 10, default: 0.05,
    doc: "with `userMachineType: auto`, take only types whose peak needs at most this share more nodes than the bin-packing lower bound (stranded room on every node), unless none does",
  },
  userMachineFamilies: {
    kind: "stringList", item: new RegExp(`^(${userMachineFamilyNames.join("|")})$`), itemsAre: `machine families: ${userMachineFamilyNames.join(", ")}`,
    default: [], defaultText: "every family", doc: "with `userMachineType: auto`, the only families it may choose from",
  },
  userPoolMaxPodsPerNode: {
    // GKE allows 8 to 256 pods per node (flexible pod CIDR docs).
    kind: "autoOrInteger", min: 8, max: 256, default: "auto",
    doc: "`auto` takes the smallest GKE step that fits the users a node holds, which saves pod addresses",
  },
  timetable: {
    // The rush model (infra/plan/rush/) simulates each class; warm capacity, the placeholder calendar and
    // the event's cost follow it. Checked in parse.ts (parseTimetable).
    kind: "list", limits: { maxClasses: 200, arrivalMinutes: { min: 1, max: 240 }, durationMinutes: { min: 10, max: 24 * 60 } },
    default: [], defaultText: "one class: `peakUsers` arriving over 10 minutes from `eventStart`, for 3 hours (or the whole window if shorter)",
    allowed: "`[{name, start, users, arrivalMinutes, durationMinutes}]`: start an ISO 8601 time inside the event window, 1–`peakUsers` users, arrival 1–240 min, duration 10–1440 min ending inside the window",
    doc: "the event's classes: when each starts, how many users arrive over how many minutes, and how long it lasts; the rush simulation, warm capacity and cost follow it",
  },
  rushWaitTargetSeconds: {
    kind: "integer", min: 10, max: 1_800, default: 60,
    doc: "the p95 wait for a running server that warm capacity must keep in every class (with no failed spawn)",
  },
  hubLoginsPerSecond: {
    // At ~2 logins/s the one hub process was pinned at 1 CPU and responses went from 0-2 s to 5-7 s
    // (neurohackademy/nh2020-jupyterhub#44, a hubtraf stress test of a Z2JH hub).
    kind: "number", min: 0.1, max: 100, default: 2,
    doc: "logins plus spawn requests one hub serves per second (published: ~2/s pinned one CPU); measure yours in a rehearsal",
  },
  autoscalerReactionSeconds: {
    // Cluster autoscaler FAQ, "What are the Service Level Objectives": "No more than 30 sec latency on
    // small clusters (less than 100 nodes ...), with the average latency of about 5 sec".
    kind: "integer", min: 0, max: 600, default: 30,
    doc: "from a pod found unschedulable to the autoscaler asking for a node (documented: at most 30 s below 100 nodes)",
  },
  nodeBootSeconds: {
    // GKE capacity-provisioning docs: a new node takes "approximately 80 to 120 seconds"; the top of the range.
    kind: "integer", min: 10, max: 1_800, default: 120,
    doc: "from the autoscaler's request to a Ready node (GKE documents about 80 to 120 s)",
  },
  imagePullSeconds: {
    // Z2JH administrator/optimization.md: "If the image is large, the wait can be 5 to 10 minutes"; the
    // lower end. Small images pull in seconds: measure `kubectl get events` on a fresh node and override.
    kind: "integer", min: 0, max: 3_600, default: 300,
    doc: "pulling the user image on a new node (Z2JH: 5 to 10 minutes for a large image)",
  },
  podStartSeconds: {
    // Pod creation "~2-3 s, ~20 s with PDs" (jupyterhub/kubespawner#120).
    kind: "integer", min: 1, max: 600, default: 20,
    doc: "from a user pod bound to a node that has the image to a running server, home disk included (~20 s with a PD)",
  },
  rushSeed: {
    kind: "integer", min: 0, max: 2_147_483_647, default: 1,
    doc: "seed of the simulated arrival times and retry delays; the same seed gives the same figures",
  },
  daemonSetOverhead: {
    // Requests of GKE's own per-node DaemonSets on a Standard node with Dataplane V2 and Workload Identity
    // (anetd, netd, fluentbit-gke, gke-metrics-agent, pdcsi-node, gke-metadata-server, image-package-
    // extractor) plus Z2JH's continuous image puller; measure with `kubectl describe node` and override.
    kind: "object", default: { cpuMillicores: 500, memoryMiB: 768, pods: 10 },
    allowed: "any of `cpuMillicores`, `memoryMiB`, `pods`: whole numbers ≥ 0",
    doc: "what GKE's own DaemonSets take from each user node",
  },
  userSandbox: {
    // The default is the sandbox: 1,000 untrusted users run arbitrary code, and a kernel exploit from one pod
    // reaches every pod on the node without it. `none` trades that for native syscall speed and full kernel
    // compatibility (docs/gvisor.md).
    kind: "enum", values: ["gvisor", "none"] satisfies UserSandbox[], default: "gvisor",
    doc: "GKE Sandbox for user pods: `gvisor` puts a user-space kernel between user code and the node's (user and GPU pools); `none` runs them on the node's kernel",
  },
  sandboxPodOverhead: {
    // GKE publishes no per-pod figure for GKE Sandbox, and its `gvisor` RuntimeClass is Google's to manage.
    // gVisor's own kernel runs inside the pod's cgroup, under the pod's limits (google/gvisor#10264), so
    // this allowance is added to each user pod's request and limit: the user keeps the promised share and
    // the scheduler reserves what the capacity model counts. Memory: a conservative allowance for the
    // sandbox's resident kernel and file proxy, about three times what they held beside an idle IPython on
    // Debian's runsc with ptrace (sentry 33 MiB + gofer 10.5 MiB PSS, `sh bench/gvisor_memory.sh`; docs/gvisor.md),
    // the rest headroom for what grows with use inside the sandbox's memory file (its tmpfs, gVisor docs
    // "Resource Model"). CPU: none by default, because an idle
    // sandbox spends none and a busy one spends it on the user's own system calls, inside the user's limit.
    // Check `kubectl top pod` (pod-level figures work under gVisor) on the rehearsal and override.
    kind: "object", default: { cpuMillicores: 0, memoryMiB: 128 },
    allowed: "any of `cpuMillicores`, `memoryMiB`: whole numbers ≥ 0",
    doc: "what gVisor's own kernel adds to each user pod; added to each user's CPU and memory request and limit when `userSandbox` is gvisor",
  },
  eventStart: {
    kind: "string", required: true, example: "2027-06-07T08:00:00Z", check: timestamp, allowed: "an ISO 8601 timestamp with a time zone",
    doc: "start of the cost window and of the \"no upgrades\" maintenance exclusion",
  },
  eventEnd: {
    kind: "string", required: true, example: "2027-06-09T18:00:00Z", check: timestamp,
    allowed: `an ISO 8601 timestamp with a time zone, after \`eventStart\` and at most ${ruleLimits.eventMaxDays} days later, still ahead when the program runs`,
    doc: "end of the cost window and of the \"no upgrades\" maintenance exclusion",
  },
  priceOverrides: {
    kind: "object", default: {}, defaultText: "none", allowed: "keys of the price table, prices ≥ 0",
    doc: "your negotiated or regional prices",
  },
  hubDomain: {
    kind: "string", required: true, example: "hub.example.org", allowed: "a lower-case DNS name, no wildcard",
    check: (v) => isValidHubDomain(v) ? undefined
      : "a lower-case DNS name of at least two labels, no wildcard, no trailing dot, at most 189 characters (room for a user's label), e.g. hub.example.com",
    doc: "users are served at `<label>.<hubDomain>`",
  },
  dnsZone: {
    kind: "object", unset: "create a zone",
    allowed: "`{name, dnsName}` of an existing Cloud DNS zone that contains `hubDomain`",
    doc: "put the records in a zone you already have",
  },
  backendTimeoutSeconds: {
    // Google advises backend timeouts of at most a day: its front ends restart for maintenance anyway
    // (cloud.google.com/load-balancing/docs/https#timeout-bes); under an hour drops kernels mid-lesson.
    kind: "integer", min: 3_600, max: 86_400, default: 86_400,
    doc: "the load balancer's backend timeout, which caps a websocket's lifetime",
  },
  edgeWafMode: {
    // Preview first: Google's preconfigured rules have false positives, and preview logs what they would
    // have blocked without blocking it (Cloud Armor docs, "Security policy overview", preview mode).
    kind: "enum", values: ["preview", "enforce"] satisfies WafMode[], default: "preview",
    doc: "Cloud Armor's preconfigured WAF rules on the hub's own paths: `preview` only logs what they match, `enforce` refuses it with 403 (docs/edge-protection.md)",
  },
  edgeAllowedRanges: {
    // One Cloud Armor expression may hold five subexpressions (rules language reference), and the rule
    // that refuses everyone else is one expression.
    kind: "list", limits: { maxItems: 5, widestPrefix: 8 }, default: [], defaultText: "everyone",
    allowed: "up to 5 public IPv4 CIDRs no wider than /8",
    doc: "when set, the only client ranges that reach the hub and user servers (e.g. the venue's NAT)",
  },
  edgeDeniedRanges: {
    // Ten ranges per rule (`srcIpRanges`); 50 keeps the policy to five such rules.
    kind: "list", limits: { maxItems: 50, widestPrefix: 8 }, default: [],
    allowed: "up to 50 public IPv4 CIDRs no wider than /8",
    doc: "client ranges Cloud Armor refuses with 403",
  },
  edgeLogSampleRate: {
    // Cloud Armor's decisions are written only into the load balancer's request log, at its sample rate
    // (Cloud Armor docs, "Use request logging"); no logging at all is not offered (the policy pack's
    // edge-backend-security-policy requires it).
    kind: "number", min: 0.01, max: 1, default: 1,
    doc: "share of requests the load balancer logs, each with Cloud Armor's decision; below 1 the audit trail has gaps",
  },
  hubNamespace: {
    kind: "string", default: "jupyterhub", allowed: "a DNS label, not a system namespace",
    check: (v) => dnsLabel.test(v) && !systemNamespaces.includes(v) ? undefined
      : "a DNS label of its own (not default or a system namespace)",
    doc: "namespace of the release",
  },
  oidcAuthorizeUrl: { kind: "string", required: true, example: "https://login.example.org/oauth2/v1/authorize", check: httpsUrl, allowed: "an https URL", doc: "the identity provider's authorize endpoint" },
  oidcTokenUrl: { kind: "string", required: true, example: "https://login.example.org/oauth2/v1/token", check: httpsUrl, allowed: "an https URL", doc: "the identity provider's token endpoint" },
  oidcUserdataUrl: { kind: "string", required: true, example: "https://login.example.org/oauth2/v1/userinfo", check: httpsUrl, allowed: "an https URL", doc: "the identity provider's userinfo endpoint" },
  oidcClientId: { kind: "string", required: true, example: "jupyterhub-my-event", allowed: "a string", doc: "OAuth client id" },
  oidcClientSecret: {
    kind: "string", secret: true, allowed: "`pulumi config set --secret`",
    required: true, example: "<client secret from your identity provider>",
    doc: "OAuth client secret; the offline plan substitutes a marked placeholder",
  },
  oidcScopes: {
    kind: "stringList", item: /^\S+$/, itemsAre: "scope names", default: ["openid", "email", "profile"],
    doc: "requested scopes",
  },
  oidcUsernameClaim: { kind: "string", default: "email", allowed: "a claim name", doc: "which claim names the user" },
  oidcGroupsClaim: { kind: "string", default: "groups", allowed: "a claim name", doc: "which claim lists the user's groups" },
  oidcAllowedGroups: {
    kind: "stringList", item: /^\S+$/, itemsAre: "group names", allowed: "at least one group",
    required: "at least one group: letting every account of the identity provider in is not offered", example: "workshop-participants",
    nonEmpty: "at least one group: letting every account of the identity provider in is not offered",
    doc: "who may log in; allow-all is not offered",
  },
  oidcAdminGroups: {
    kind: "stringList", item: /^\S+$/, itemsAre: "group names", default: [],
    doc: "staff: the admin page, starting and stopping users' servers; they cannot open a user's server, act as a user or delete a user",
  },
  oidcFullAdminGroups: {
    kind: "stringList", item: /^\S+$/, itemsAre: "group names", default: [],
    allowed: "group names; not a group of `oidcAllowedGroups` unless it is also in `oidcAdminGroups`",
    doc: "JupyterHub's built-in admin role, which **can open every user's server** and act as any user; leave empty for untrusted users (the policy pack refuses it unless told to allow it)",
  },
  userImage: {
    kind: "string", default: "quay.io/jupyterhub/k8s-singleuser-sample:4.4.0",
    allowed: "an image pinned by tag or digest, never `latest`",
    check: (v) => isPinnedImage(v) ? undefined
      : "an image pinned by tag or digest, e.g. quay.io/jupyter/scipy-notebook:2025-11-03 (never latest, main, stable or another moving tag)",
    doc: "the users' environment",
  },
  terminalsEnabled: { kind: "boolean", default: false, doc: "Jupyter terminals, which are friction rather than a boundary" },
  shellEscapeGuard: {
    kind: "boolean", default: true, doc: "IPython start-up file that refuses shell escapes, which is also friction",
  },
  cullTimeoutSeconds: { kind: "integer", min: 300, max: 86_400, default: 3_600, doc: "idle culling: how long a server may idle" },
  cullEverySeconds: {
    kind: "integer", min: 60, max: 3_600, default: 300, allowed: "60–3600, at most `cullTimeoutSeconds`",
    doc: "idle culling: how often the culler looks",
  },
  cullMaxAgeSeconds: {
    // 0 would mean "no maximum age"; a short event always wants one.
    kind: "integer", min: 3_600, max: 7 * 86_400, default: 28_800, doc: "idle culling: the oldest any server may get",
  },
  activeServerLimit: {
    kind: "integer", min: 1, max: peakUsersMax, unset: "`peakUsers`", allowed: "1–`peakUsers`",
    doc: "never start more servers than the cluster is sized for",
  },
  concurrentSpawnLimit: {
    kind: "integer", min: 1, max: 500, unset: "from the timetable's fastest arrival", doc: "how many servers may start at once",
  },
  egressAllowlist: {
    kind: "list", limits: { widestPrefix: 8, ports: { min: 1, max: 65_535 }, defaultPorts: [443] }, default: [],
    allowed: "`[{cidr, ports, description}]`, public CIDRs no wider than /8",
    doc: "the only internet destinations user pods may reach",
  },
  packageMode: {
    kind: "enum", values: ["none", "mirror", "curated"] satisfies PackageMode[], default: "none",
    doc: "where `pip install` in user pods gets packages: `none` (nowhere), `mirror` (an Artifact Registry remote repository of PyPI) or `curated` (an Artifact Registry repository admins fill); docs/packages.md",
  },
  packageDenyList: {
    // PEP 503 names, compared normalised; the registry proxy refuses them (docs/packages.md).
    kind: "stringList", item: /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, itemsAre: "Python project names such as torch or some_package",
    default: [], defaultText: "none",
    allowed: "project names; only with packageMode mirror or curated and without packageIndexUrl",
    doc: "projects the registry proxy refuses by name (the same code under another name is not stopped)",
  },
  packageIndexUrl: {
    kind: "string", unset: "Artifact Registry", check: httpsUrl,
    allowed: "an https URL of an index your organisation runs, not PyPI; only with packageMode mirror or curated",
    doc: "an index your organisation runs instead of Artifact Registry; its addresses must be in `egressAllowlist`",
  },
  condaChannelUrl: {
    kind: "string", unset: "conda stays offline", check: httpsUrl,
    allowed: "an https URL of a conda channel your organisation runs; only with packageMode mirror or curated",
    doc: "the one conda channel user pods may use, for images that have conda; its addresses must be in `egressAllowlist`",
  },
  hubDbType: {
    kind: "enum", values: ["sqlite-pvc", "sqlite-memory"] satisfies HubDbType[], default: "sqlite-pvc",
    doc: "the hub database",
  },
  // The event's life around the hub (infra/plan/lifecycle.ts, docs/runbook.md).
  billingAccount: {
    kind: "string", unset: "no budget (the plan says so)", allowed: "a Cloud Billing account id such as 012345-6789AB-CDEF01",
    // The id's form as the Cloud Billing API prints it (billingAccounts/{id}: three groups of six hex digits).
    check: (v) => /^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/.test(v) ? undefined
      : "a Cloud Billing account id: three groups of six upper-case hex digits, e.g. 012345-6789AB-CDEF01",
    doc: "the account that pays for the project; with it, a budget scoped to the project alerts at fractions of the cost estimate",
  },
  notificationEmails: {
    // Cloud Billing sends budget alerts to at most 5 Monitoring channels (billing/budget.d.ts, allUpdatesRule).
    kind: "stringList", item: /^[^@\s]+@[^@\s]+\.[^@\s]+$/, itemsAre: "email addresses (at most 5)", default: [],
    doc: "organisers who get the budget, uptime and alert notifications",
  },
  exportRetentionDays: {
    kind: "integer", min: 1, max: 365, default: 30,
    doc: "days the home-directory export bucket keeps an archive before its lifecycle rule deletes it",
  },
  teardownTimeoutMinutes: {
    kind: "integer", min: 5, max: 120, default: 30,
    doc: "how long `pulumi destroy` waits for GKE to delete user disks and load-balancer pieces before it stops and lists them",
  },
  gpuProfile: {
    kind: "object", unset: "none", limits: gpuLimits,
    allowed: "`{machineType, acceleratorType, acceleratorCount, maxNodes, image}`",
    doc: `an optional GPU profile with its own tainted pool; accelerators: ${Object.keys(acceleratorFamilies).join(", ")}`,
  },
} as const satisfies Readonly<Record<string, KeySpec>>;

export type ConfigSchema = typeof configSchema;
export type ConfigKey = keyof ConfigSchema;

/**
 * Keys older stacks set that the program no longer reads, with what replaced them; parse.ts names the
 * replacement instead of only refusing an unknown key.
 */
export const retiredKeys: Readonly<Record<string, string>> = {
  arrivalRatePerMinute:
    "retired: describe the classes instead with `timetable` (each class's users and arrivalMinutes give its arrival rate)",
  nodeStartupMinutes:
    "retired: set its parts, `autoscalerReactionSeconds`, `nodeBootSeconds`, `imagePullSeconds` and `podStartSeconds`",
};

/** The only secret key; its value never enters the typed config (read.ts reads it as a secret). */
export const oidcClientSecretKey = "oidcClientSecret" satisfies ConfigKey;

/** Every key the program reads, in documentation order. */
export const knownKeys: readonly string[] = Object.keys(configSchema);

/** The entry of a key, seen as the general entry type (for the generators, which treat every key alike). */
export function specOf(key: ConfigKey): KeySpec {
  return configSchema[key];
}
