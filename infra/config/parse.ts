import { IssueList } from "./errors";
import {
  AuthorizedNetwork,
  CapacityConfig,
  DaemonSetOverhead,
  EdgeConfig,
  EgressRule,
  EventWindow,
  GpuConfig,
  HubConfig,
  PlatformConfig,
  PriceTable,
  StackConfig,
} from "./types";
import { acceleratorFamilies, lookupMachineType, machineTypes } from "../plan/machineTypes";
import { defaultPriceTable } from "../plan/prices";
import { parseIpv4Cidr, touchesNonPublic } from "../plan/cidr";
import { gcpRegions } from "./regions";
import { isPinnedImage } from "../plan/images";
import { fitUsersOnNode, planUserPool } from "../plan/capacity";

/**
 * Raw stack config: the project's own keys without the `jupyterhub-gke:` prefix, plus `gcp:project` and
 * `gcp:region`. Values are what Pulumi stores (strings), or already-decoded JSON/YAML values.
 */
export type RawConfig = Readonly<Record<string, unknown>>;

/** The only secret key; its value never enters the typed config (read.ts reads it as a secret). */
export const oidcClientSecretKey = "oidcClientSecret";

// Defaults, named once. Sources are given where a number is not a product choice.
export const defaults = {
  locationType: "regional",
  releaseChannel: "REGULAR",
  coreMachineType: "n2-standard-4",
  corePoolMinNodes: 1,
  corePoolMaxNodes: 3,
  coreBootDiskGiB: 50,
  // pd-balanced boot disks of 100 GB pull images faster than small ones (2i2c, terraform/gcp).
  userBootDiskGiB: 100,
  // Z2JH's default guarantee is 1G; its optimisation guide advises starting at a 2:1 limit:guarantee.
  userCpuGuarantee: 0.1,
  userCpuLimit: 1,
  userMemoryGuaranteeGiB: 1,
  userMemoryLimitGiB: 2,
  userStorageGiB: 10,
  userMachineType: "n2-highmem-8",
  arrivalRatePerMinute: 30,
  // "a few minutes" for a node to join plus an image pull (Z2JH optimization.md, GKE autoscaler docs).
  nodeStartupMinutes: 4,
  // Requests of GKE's own per-node DaemonSets on a Standard node with Dataplane V2 and Workload Identity
  // (anetd, netd, fluentbit-gke, gke-metrics-agent, pdcsi-node, gke-metadata-server, image-package-
  // extractor) plus Z2JH's continuous image puller; measure with `kubectl describe node` and override.
  daemonSetOverhead: { cpuMillicores: 500, memoryMiB: 768, pods: 10 },
  backendTimeoutSeconds: 86_400,
  hubNamespace: "jupyterhub",
  userImage: "quay.io/jupyterhub/k8s-singleuser-sample:4.4.0",
  oidcScopes: ["openid", "email", "profile"],
  oidcUsernameClaim: "email",
  oidcGroupsClaim: "groups",
  cullTimeoutSeconds: 3_600,
  cullEverySeconds: 300,
  cullMaxAgeSeconds: 28_800,
  egressPorts: [443],
  dbType: "sqlite-pvc",
} as const;

// Bounds. A single JupyterHub is not advised beyond a few thousand active users (minrk, kubeflow#1630).
export const limits = {
  peakUsersMax: 5_000,
  // Google advises backend timeouts of at most a day: its front ends restart for maintenance anyway
  // (cloud.google.com/load-balancing/docs/https#timeout-bes); under an hour drops kernels mid-lesson.
  backendTimeoutSeconds: { min: 3_600, max: 86_400 },
  // GKE "no upgrades" maintenance exclusions last at most 30 days; we pad the event by a day each side.
  eventMaxDays: 28,
  authorizedNetworksMax: 50,
  maxPodsPerNode: { min: 8, max: 256 },
  cullTimeoutSeconds: { min: 300, max: 86_400 },
  // A guard against a typo in the peak or a tiny machine planning a fleet; GKE itself allows more
  // (1,000 nodes per pool and zone), but an event this size wants larger machines, not more of them.
  maxNodesPerPool: 500,
} as const;

const keyOrder = [
  "gcp:project", "gcp:region", "clusterLocationType", "zones", "releaseChannel", "authorizedNetworks",
  "deletionProtection", "coreMachineType", "corePoolMinNodes", "corePoolMaxNodes", "coreBootDiskGiB",
  "userBootDiskGiB", "nodeCidr", "podCidr", "serviceCidr", "peakUsers", "userCpuGuarantee", "userCpuLimit",
  "userMemoryGuaranteeGiB", "userMemoryLimitGiB", "userStorageGiB", "userMachineType",
  "userPoolMaxPodsPerNode", "arrivalRatePerMinute", "nodeStartupMinutes", "daemonSetOverhead",
  "eventStart", "eventEnd", "priceOverrides", "hubDomain", "dnsZone", "backendTimeoutSeconds",
  "hubNamespace", "oidcAuthorizeUrl", "oidcTokenUrl", "oidcUserdataUrl", "oidcClientId", oidcClientSecretKey,
  "oidcScopes", "oidcUsernameClaim", "oidcGroupsClaim", "oidcAllowedGroups", "oidcAdminGroups", "oidcFullAdminGroups",
  "userImage",
  "terminalsEnabled", "shellEscapeGuard", "cullTimeoutSeconds", "cullEverySeconds", "cullMaxAgeSeconds",
  "activeServerLimit", "concurrentSpawnLimit", "egressAllowlist", "packageIndexUrl", "hubDbType", "gpuProfile",
] as const;

/** Every key the program reads, in documentation order. */
export const knownKeys: readonly string[] = keyOrder;

const projectIdPattern = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const dnsLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
// Cloud DNS zone names: 1-63 characters, "must begin with a letter, end with a letter or digit, and only
// contain lowercase letters, digits or dashes" (Cloud DNS API, ManagedZone.name).
const cloudDnsZoneName = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A DNS name usable as a hub domain: lower-case labels, at least two, no wildcard, room for a user label. */
export function isValidHubDomain(name: string): boolean {
  // A user's host is <label up to 63>.<hubDomain> and must stay within DNS's 253 characters.
  if (name.length > 253 - 64) return false;
  const labels = name.split(".");
  return labels.length >= 2 && labels.every((l) => dnsLabel.test(l)) && !/^[0-9]+$/.test(labels[labels.length - 1]);
}


/** Reads typed values from raw config, recording an issue for each bad one. */
class Reader {
  constructor(private readonly raw: RawConfig, readonly issues: IssueList) {}

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null && this.raw[key] !== "";
  }

  value(key: string): unknown {
    return decode(this.raw[key]);
  }

  string(key: string, fallback?: string): string {
    if (!this.has(key)) {
      if (fallback === undefined) this.issues.add(key, undefined, "this key is required");
      return fallback ?? "";
    }
    const v = this.value(key);
    if (typeof v === "string" || typeof v === "number") return String(v);
    this.issues.add(key, v, "a string is required");
    return fallback ?? "";
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  number(key: string, fallback: number | undefined, min: number, max: number, integer = false): number {
    if (!this.has(key)) {
      if (fallback === undefined) this.issues.add(key, undefined, `this key is required: ${rangeText(min, max, integer)}`);
      return fallback ?? min;
    }
    const v = this.value(key);
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      this.issues.add(key, v, `allowed: ${rangeText(min, max, integer)}`);
      return fallback ?? min;
    }
    return v;
  }

  optionalInteger(key: string, min: number, max: number): number | undefined {
    return this.has(key) ? this.number(key, undefined, min, max, true) : undefined;
  }

  boolean(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const v = this.value(key);
    if (typeof v === "boolean") return v;
    this.issues.add(key, v, "allowed: true or false");
    return fallback;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const v = this.string(key, fallback);
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.issues.add(key, v, `allowed: ${allowed.join(", ")}`);
    return fallback;
  }

  stringList(key: string, fallback: readonly string[], itemPattern?: RegExp, what = "strings"): string[] {
    if (!this.has(key)) return [...fallback];
    const v = this.value(key);
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string" && (!itemPattern || itemPattern.test(x)))) {
      this.issues.add(key, v, `a list of ${what} is required`);
      return [...fallback];
    }
    return v as string[];
  }

  list(key: string): unknown[] {
    if (!this.has(key)) return [];
    const v = this.value(key);
    if (Array.isArray(v)) return v;
    this.issues.add(key, v, "a list is required");
    return [];
  }

  object(key: string): Record<string, unknown> | undefined {
    if (!this.has(key)) return undefined;
    const v = this.value(key);
    if (isPlainObject(v)) return v;
    this.issues.add(key, v, "an object is required");
    return undefined;
  }
}

function rangeText(min: number, max: number, integer: boolean): string {
  return `${integer ? "a whole number" : "a number"} from ${min} to ${max}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Pulumi stores every config value as a string; structured values as JSON. */
function decode(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (t === "") return v;
  if (/^[[{]/.test(t) || /^(true|false|null)$/.test(t) || /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      return v;
    }
  }
  return v;
}

function httpsUrl(r: Reader, key: string, required: boolean): string | undefined {
  if (!required && !r.has(key)) return undefined;
  const v = r.string(key);
  if (v === "") return undefined;
  let ok = false;
  try {
    const u = new URL(v);
    ok = u.protocol === "https:" && u.hostname !== "" && u.username === "" && u.password === "";
  } catch {
    ok = false;
  }
  if (!ok) r.issues.add(key, v, "an https:// URL without credentials is required");
  return v;
}

function parsePlatform(r: Reader): PlatformConfig {
  const project = r.string("gcp:project");
  if (project && !projectIdPattern.test(project)) {
    r.issues.add("gcp:project", project, "a GCP project id: 6-30 characters, lower-case letters, digits and hyphens, starting with a letter");
  }
  const region = r.string("gcp:region");
  const regionKnown = gcpRegions.includes(region);
  if (region && !regionKnown) {
    r.issues.add("gcp:region", region, `a GCP region, one of: ${gcpRegions.join(", ")}`);
  }
  const locationType = r.oneOf("clusterLocationType", ["regional", "zonal"], defaults.locationType);
  const zones = r.stringList("zones", [], /^[a-z]+-[a-z]+\d+-[a-z]$/, "zone names such as europe-west1-b");
  zones.filter((z) => regionKnown && !z.startsWith(`${region}-`)).forEach((z) =>
    r.issues.add("zones", z, `every zone must be in region ${region} (e.g. ${region}-b)`),
  );
  if (locationType === "zonal" && zones.length !== 1) {
    r.issues.add("zones", zones, "a zonal cluster needs exactly one zone, e.g. [\"" + (region || "europe-west1") + "-b\"]");
  }
  const authorizedNetworks = parseAuthorizedNetworks(r);
  const coreMachineType = machine(r, "coreMachineType", defaults.coreMachineType);
  const corePoolMinNodes = r.number("corePoolMinNodes", defaults.corePoolMinNodes, 1, 10, true);
  const corePoolMaxNodes = r.number("corePoolMaxNodes", defaults.corePoolMaxNodes, 1, 20, true);
  if (corePoolMaxNodes < corePoolMinNodes) {
    r.issues.add("corePoolMaxNodes", corePoolMaxNodes, `must be at least corePoolMinNodes (${corePoolMinNodes})`);
  }
  const cidr = (key: string) => {
    const text = r.optionalString(key);
    if (text !== undefined && !parseIpv4Cidr(text)) {
      r.issues.add(key, text, "an IPv4 CIDR written as its network address, e.g. 10.0.0.0/20");
      return undefined;
    }
    return text;
  };
  return {
    project,
    region,
    locationType,
    zones,
    releaseChannel: r.oneOf("releaseChannel", ["RAPID", "REGULAR", "STABLE"], defaults.releaseChannel),
    authorizedNetworks,
    deletionProtection: r.boolean("deletionProtection", false),
    coreMachineType,
    corePoolMinNodes,
    corePoolMaxNodes,
    coreBootDiskGiB: r.number("coreBootDiskGiB", defaults.coreBootDiskGiB, 20, 500, true),
    userBootDiskGiB: r.number("userBootDiskGiB", defaults.userBootDiskGiB, 20, 500, true),
    nodeCidr: cidr("nodeCidr"),
    podCidr: cidr("podCidr"),
    serviceCidr: cidr("serviceCidr"),
  };
}

function parseAuthorizedNetworks(r: Reader): AuthorizedNetwork[] {
  const key = "authorizedNetworks";
  const items = r.list(key);
  if (items.length > limits.authorizedNetworksMax) {
    r.issues.add(key, items.length, `at most ${limits.authorizedNetworksMax} networks (GKE's limit)`);
  }
  return items.flatMap((item, i) => {
    const cidrBlock = isPlainObject(item) ? item.cidrBlock : item;
    const parsed = typeof cidrBlock === "string" ? parseIpv4Cidr(cidrBlock) : undefined;
    if (!parsed) {
      r.issues.add(`${key}[${i}]`, item, "an IPv4 CIDR (or {cidrBlock, displayName}) written as its network address");
      return [];
    }
    if (parsed.prefix < 8) {
      r.issues.add(`${key}[${i}]`, cidrBlock, "a network no wider than /8: the control plane must not be open to the internet (CIS GKE 5.6.3)");
      return [];
    }
    const displayName = isPlainObject(item) && typeof item.displayName === "string" ? item.displayName : `network-${i + 1}`;
    return [{ cidrBlock: parsed.text, displayName }];
  });
}

// Shared-core machines (e2-medium) share physical cores with other tenants and hold few pods and disks;
// the policy pack refuses them too (gke-node-machine-type).
const dedicatedCoreMachines = [...machineTypes.values()].filter((m) => !m.sharedCore).map((m) => m.name);

function machine(r: Reader, key: string, fallback: string): string {
  const name = r.string(key, fallback);
  if (!dedicatedCoreMachines.includes(name)) {
    r.issues.add(key, name, `a machine type with dedicated cores that the capacity model knows: ${dedicatedCoreMachines.join(", ")}`);
    return fallback;
  }
  return name;
}

function parseCapacity(r: Reader): CapacityConfig {
  const peakUsers = r.number("peakUsers", undefined, 1, limits.peakUsersMax, true);
  const userCpuGuarantee = r.number("userCpuGuarantee", defaults.userCpuGuarantee, 0.01, 64);
  const userCpuLimit = r.number("userCpuLimit", defaults.userCpuLimit, 0.01, 64);
  const userMemoryGuaranteeGiB = r.number("userMemoryGuaranteeGiB", defaults.userMemoryGuaranteeGiB, 0.125, 512);
  const userMemoryLimitGiB = r.number("userMemoryLimitGiB", defaults.userMemoryLimitGiB, 0.125, 512);
  if (userCpuGuarantee > userCpuLimit) {
    r.issues.add("userCpuGuarantee", userCpuGuarantee, `must not exceed userCpuLimit (${userCpuLimit})`);
  }
  if (userMemoryGuaranteeGiB > userMemoryLimitGiB) {
    r.issues.add("userMemoryGuaranteeGiB", userMemoryGuaranteeGiB, `must not exceed userMemoryLimitGiB (${userMemoryLimitGiB})`);
  }
  const overheadRaw = r.object("daemonSetOverhead") ?? {};
  const overhead: Record<keyof DaemonSetOverhead, number> = { ...defaults.daemonSetOverhead };
  for (const [k, v] of Object.entries(overheadRaw)) {
    if (!(k in overhead) || typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      r.issues.add(`daemonSetOverhead.${k}`, v, "keys cpuMillicores, memoryMiB and pods, each a whole number ≥ 0");
      continue;
    }
    overhead[k as keyof DaemonSetOverhead] = v;
  }
  return {
    peakUsers,
    userCpuGuarantee,
    userCpuLimit,
    userMemoryGuaranteeGiB,
    userMemoryLimitGiB,
    userStorageGiB: r.number("userStorageGiB", defaults.userStorageGiB, 1, 1_024, true),
    userMachineType: machine(r, "userMachineType", defaults.userMachineType),
    userPoolMaxPodsPerNode: parseMaxPods(r),
    arrivalRatePerMinute: r.number("arrivalRatePerMinute", defaults.arrivalRatePerMinute, 1, 5_000),
    nodeStartupMinutes: r.number("nodeStartupMinutes", defaults.nodeStartupMinutes, 1, 30),
    daemonSetOverhead: overhead,
  };
}

function parseMaxPods(r: Reader): number | undefined {
  const key = "userPoolMaxPodsPerNode";
  if (!r.has(key) || r.value(key) === "auto") return undefined;
  return r.number(key, undefined, limits.maxPodsPerNode.min, limits.maxPodsPerNode.max, true);
}

const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function parseEvent(r: Reader, now: Date | undefined): EventWindow {
  const when = (key: string): Date | undefined => {
    const text = r.string(key);
    if (!text) return undefined;
    const d = new Date(text);
    if (!isoTimestamp.test(text) || Number.isNaN(d.getTime())) {
      r.issues.add(key, text, "an ISO 8601 timestamp with a time zone, e.g. 2026-12-07T08:00:00Z");
      return undefined;
    }
    return d;
  };
  const start = when("eventStart");
  const end = when("eventEnd");
  if (start && end) {
    const days = (end.getTime() - start.getTime()) / 86_400_000;
    if (days <= 0) r.issues.add("eventEnd", end.toISOString(), `must be after eventStart (${start.toISOString()})`);
    else if (days > limits.eventMaxDays) {
      r.issues.add("eventEnd", end.toISOString(), `the event may last at most ${limits.eventMaxDays} days so a GKE maintenance exclusion (30 days at most) covers it`);
    }
  }
  // Refused rather than warned: a window that is over gives a "no upgrades" exclusion that protects
  // nothing, and a stack copied without new dates would otherwise reach its real event unprotected.
  // `pulumi destroy` does not run the program, so an ended stack can still be torn down.
  if (end && now && end.getTime() <= now.getTime()) {
    r.issues.add("eventEnd", end.toISOString(), `a time after now (${now.toISOString()}): the event is over, so its "no upgrades" maintenance exclusion would protect nothing; set the next event's eventStart and eventEnd, or tear the stack down with \`pulumi destroy\`, which does not run the program`);
  }
  return { start: start ?? new Date(0), end: end ?? new Date(0) };
}

function parsePrices(r: Reader): PriceTable {
  const overrides = r.object("priceOverrides");
  if (!overrides) return defaultPriceTable;
  const merged: Record<string, unknown> = { ...defaultPriceTable };
  for (const [k, v] of Object.entries(overrides)) {
    const base = (defaultPriceTable as unknown as Record<string, unknown>)[k];
    if (base === undefined || k === "currency") {
      r.issues.add(`priceOverrides.${k}`, v, `one of: ${Object.keys(defaultPriceTable).filter((x) => x !== "currency").join(", ")}`);
    } else if (typeof base === "number") {
      if (typeof v === "number" && v >= 0) merged[k] = v;
      else r.issues.add(`priceOverrides.${k}`, v, "a price ≥ 0");
    } else if (typeof base === "string") {
      if (typeof v === "string") merged[k] = v;
      else r.issues.add(`priceOverrides.${k}`, v, "a string");
    } else if (isPlainObject(v) && Object.values(v).every((x) => typeof x === "number" && x >= 0)) {
      merged[k] = { ...(base as object), ...v };
    } else {
      r.issues.add(`priceOverrides.${k}`, v, "an object of prices ≥ 0, keyed like the default table");
    }
  }
  return merged as unknown as PriceTable;
}

function parseEdge(r: Reader): EdgeConfig {
  const hubDomain = r.string("hubDomain");
  if (hubDomain && !isValidHubDomain(hubDomain)) {
    r.issues.add("hubDomain", hubDomain, "a lower-case DNS name of at least two labels, no wildcard, no trailing dot, at most 189 characters (room for a user's label), e.g. hub.example.com");
  }
  let existingZone: EdgeConfig["existingZone"];
  const zone = r.object("dnsZone");
  if (zone) {
    const name = typeof zone.name === "string" ? zone.name : "";
    const dnsName = typeof zone.dnsName === "string" ? zone.dnsName.replace(/\.$/, "") : "";
    if (!cloudDnsZoneName.test(name) || !isValidZoneName(dnsName)) {
      r.issues.add("dnsZone", zone, "{name: <existing Cloud DNS zone name>, dnsName: <its DNS name, e.g. example.com.>}");
    } else if (hubDomain && hubDomain !== dnsName && !hubDomain.endsWith(`.${dnsName}`)) {
      r.issues.add("dnsZone", zone, `the zone must contain hubDomain ${hubDomain}, e.g. dnsName ${hubDomain.split(".").slice(1).join(".")}.`);
    } else {
      existingZone = { name, dnsName: `${dnsName}.` };
    }
  }
  return {
    hubDomain,
    existingZone,
    backendTimeoutSeconds: r.number(
      "backendTimeoutSeconds", defaults.backendTimeoutSeconds,
      limits.backendTimeoutSeconds.min, limits.backendTimeoutSeconds.max, true,
    ),
  };
}

function isValidZoneName(name: string): boolean {
  const labels = name.split(".");
  return labels.length >= 1 && labels.every((l) => dnsLabel.test(l));
}

function parseEgress(r: Reader): EgressRule[] {
  const key = "egressAllowlist";
  return r.list(key).flatMap((item, i) => {
    const k = `${key}[${i}]`;
    const obj = isPlainObject(item) ? item : { cidr: item };
    const parsed = typeof obj.cidr === "string" ? parseIpv4Cidr(obj.cidr) : undefined;
    if (!parsed) {
      r.issues.add(k, item, "{cidr: <public IPv4 CIDR>, ports: [443], description: <why>}");
      return [];
    }
    if (parsed.prefix < 8 || touchesNonPublic(parsed)) {
      r.issues.add(k, obj.cidr, "a public destination no wider than /8: private ranges, link-local (the cloud metadata server 169.254.169.254) and the whole internet are never allowed to user pods");
      return [];
    }
    const ports = obj.ports ?? defaults.egressPorts;
    if (!Array.isArray(ports) || ports.length === 0 || !ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65_535)) {
      r.issues.add(`${k}.ports`, ports, "a non-empty list of TCP ports from 1 to 65535");
      return [];
    }
    return [{ cidr: parsed.text, ports: ports as number[], description: typeof obj.description === "string" ? obj.description : "" }];
  });
}

function parseGpu(r: Reader): GpuConfig | undefined {
  const g = r.object("gpuProfile");
  if (!g) return undefined;
  const machineType = typeof g.machineType === "string" ? lookupMachineType(g.machineType) : undefined;
  const acceleratorType = typeof g.acceleratorType === "string" ? g.acceleratorType : "";
  const families = acceleratorFamilies[acceleratorType];
  const count = g.acceleratorCount ?? 1;
  const maxNodes = g.maxNodes;
  const image = g.image;
  const allowed =
    "{machineType, acceleratorType, acceleratorCount: 1|2|4, maxNodes: 1-100, image: pinned}; accelerators: " +
    Object.entries(acceleratorFamilies).map(([a, f]) => `${a} on ${f.join("/")}-*`).join(", ");
  if (
    !machineType || !families || !families.includes(machineType.family) || ![1, 2, 4].includes(count as number) ||
    !Number.isInteger(maxNodes) || (maxNodes as number) < 1 || (maxNodes as number) > 100 ||
    typeof image !== "string" || !isPinnedImage(image)
  ) {
    r.issues.add("gpuProfile", g, allowed);
    return undefined;
  }
  return { machineType: machineType.name, acceleratorType, acceleratorCount: count as number, maxNodes: maxNodes as number, image };
}

function parseHub(r: Reader): HubConfig {
  const namespace = r.string("hubNamespace", defaults.hubNamespace);
  if (!dnsLabel.test(namespace) || ["default", "kube-system", "kube-public", "gke-managed-system"].includes(namespace)) {
    r.issues.add("hubNamespace", namespace, "a DNS label of its own (not default or a system namespace)");
  }
  const userImage = r.string("userImage", defaults.userImage);
  if (!isPinnedImage(userImage)) {
    r.issues.add("userImage", userImage, "an image pinned by tag or digest, e.g. quay.io/jupyter/scipy-notebook:2025-11-03 (never latest, main, stable or another moving tag)");
  }
  if (!r.has(oidcClientSecretKey)) {
    r.issues.add(oidcClientSecretKey, undefined, "required: set it with `pulumi config set --secret oidcClientSecret <value>`");
  }
  const allowedGroups = r.stringList("oidcAllowedGroups", [], /^\S+$/, "group names");
  if (allowedGroups.length === 0) {
    r.issues.add("oidcAllowedGroups", r.value("oidcAllowedGroups"), "at least one group: letting every account of the identity provider in is not offered");
  }
  const adminGroups = r.stringList("oidcAdminGroups", [], /^\S+$/, "group names");
  const fullAdminGroups = r.stringList("oidcFullAdminGroups", [], /^\S+$/, "group names");
  // A participants' group (allowed in, not staff) made full admin would let every participant open every
  // other participant's server.
  for (const group of fullAdminGroups.filter((g) => allowedGroups.includes(g) && !adminGroups.includes(g))) {
    r.issues.add("oidcFullAdminGroups", group, "groups of organisers only: this group is in oidcAllowedGroups but not in oidcAdminGroups, so it looks like participants, and each of them could open every user's server; list it in oidcAdminGroups too if it is organisers, or drop it from oidcAllowedGroups (full admins are let in anyway)");
  }
  const cullTimeoutSeconds = r.number("cullTimeoutSeconds", defaults.cullTimeoutSeconds, limits.cullTimeoutSeconds.min, limits.cullTimeoutSeconds.max, true);
  const cullEverySeconds = r.number("cullEverySeconds", defaults.cullEverySeconds, 60, 3_600, true);
  if (cullEverySeconds > cullTimeoutSeconds) {
    r.issues.add("cullEverySeconds", cullEverySeconds, `must not exceed cullTimeoutSeconds (${cullTimeoutSeconds})`);
  }
  return {
    namespace,
    oidc: {
      authorizeUrl: httpsUrl(r, "oidcAuthorizeUrl", true) ?? "",
      tokenUrl: httpsUrl(r, "oidcTokenUrl", true) ?? "",
      userdataUrl: httpsUrl(r, "oidcUserdataUrl", true) ?? "",
      clientId: r.string("oidcClientId"),
      scopes: r.stringList("oidcScopes", defaults.oidcScopes, /^\S+$/, "scope names"),
      usernameClaim: r.string("oidcUsernameClaim", defaults.oidcUsernameClaim),
      groupsClaim: r.string("oidcGroupsClaim", defaults.oidcGroupsClaim),
      allowedGroups,
      adminGroups,
      fullAdminGroups,
    },
    userImage,
    terminalsEnabled: r.boolean("terminalsEnabled", false),
    shellEscapeGuard: r.boolean("shellEscapeGuard", true),
    cullTimeoutSeconds,
    cullEverySeconds,
    // 0 would mean "no maximum age"; a short event always wants one.
    cullMaxAgeSeconds: r.number("cullMaxAgeSeconds", defaults.cullMaxAgeSeconds, 3_600, 7 * 86_400, true),
    activeServerLimit: r.optionalInteger("activeServerLimit", 1, limits.peakUsersMax),
    concurrentSpawnLimit: r.optionalInteger("concurrentSpawnLimit", 1, 500),
    egressAllowlist: parseEgress(r),
    packageIndexUrl: httpsUrl(r, "packageIndexUrl", false),
    dbType: r.oneOf("hubDbType", ["sqlite-pvc", "sqlite-memory"], defaults.dbType),
    gpu: parseGpu(r),
  };
}

/** What parsing needs besides the stack's config. */
export interface ParseOptions {
  /**
   * The moment the program runs (`pulumi preview`/`up`); an event window that has ended by then is refused.
   * The program passes the real clock (read.ts); without it the window is not compared with any time.
   */
  readonly now?: Date;
}

/**
 * Builds the typed config from raw stack config, applying every default once. Throws one ConfigError
 * listing every bad key, so nothing is declared from a config that is partly wrong.
 */
export function parseConfig(raw: RawConfig, options: ParseOptions = {}): StackConfig {
  const issues = new IssueList();
  const r = new Reader(raw, issues);
  for (const key of Object.keys(raw)) {
    if (!knownKeys.includes(key)) {
      issues.add(key, raw[key], `not a key this program reads; known keys: ${knownKeys.join(", ")}`);
    }
  }
  const config: StackConfig = {
    platform: parsePlatform(r),
    capacity: parseCapacity(r),
    event: parseEvent(r, options.now),
    prices: parsePrices(r),
    edge: parseEdge(r),
    hub: parseHub(r),
  };
  const userMachine = lookupMachineType(config.capacity.userMachineType);
  if (userMachine && issues.count === 0) {
    const fit = fitUsersOnNode(userMachine, config.capacity);
    if (fit.usersPerNode < 1) {
      issues.add("userMachineType", userMachine.name, `a machine whose allocatable resources hold at least one user: after GKE's reservation and DaemonSets it leaves ${fit.forUsers.memoryMiB} MiB and ${fit.forUsers.cpuMillicores} m CPU, and ${fit.bindingConstraint} binds (per-user guarantee ${config.capacity.userMemoryGuaranteeGiB} GiB, ${config.capacity.userCpuGuarantee} CPU)`);
    } else {
      const maxNodes = planUserPool(userMachine, config.capacity).userPoolMaxNodes;
      if (maxNodes > limits.maxNodesPerPool) {
        issues.add("userMachineType", userMachine.name, `a machine that holds the peak on at most ${limits.maxNodesPerPool} nodes; this one needs ${maxNodes} (${fit.usersPerNode} users per node)`);
      }
    }
  }
  if (config.hub.activeServerLimit !== undefined && config.hub.activeServerLimit > config.capacity.peakUsers) {
    issues.add("activeServerLimit", config.hub.activeServerLimit, `must not exceed peakUsers (${config.capacity.peakUsers}): the cluster is sized for the peak`);
  }
  issues.throwIfAny();
  return config;
}
