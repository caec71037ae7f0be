import { closest, didYouMean, IssueList, notShown } from "./errors";
import { isPlainObject, RawConfig, Reader } from "./reader";
import {
  AuthorizedNetwork,
  CapacityConfig,
  ClassSpec,
  ClusterLocation,
  DaemonSetOverhead,
  EdgeConfig,
  EgressRule,
  EventWindow,
  GpuConfig,
  HubConfig,
  LifecycleConfig,
  PackagesConfig,
  PlatformConfig,
  PriceTable,
  RushConfig,
  SandboxConfig,
  SandboxPodOverhead,
  StackConfig,
} from "./types";
import { configSchema, dnsLabel, knownKeys, oidcClientSecretKey, parseTimestamp, retiredKeys, ruleLimits } from "./schema";
import { acceleratorFamilies, lookupMachineType } from "../catalog/machineTypes";
import { defaultPriceTable, pricesFor } from "../catalog/prices";
import { nonPublicPart, overlaps, parseIpv4Cidr, readCidr, sharedAddresses } from "../catalog/cidr";
import { isPinnedImage } from "../catalog/images";
import { publicIndexHosts } from "../../policy-pack/contracts/packages";

export { knownKeys, oidcClientSecretKey };

export type { RawConfig };

function parseLocation(r: Reader, region: string): ClusterLocation {
  const type = r.oneOf("clusterLocationType");
  const zones = r.stringList("zones");
  const zonesRead = r.valid("zones");
  if (type === "zonal" && zones.length !== 1 && zonesRead && r.valid("clusterLocationType")) {
    r.report("zones", zones, "a zonal cluster needs exactly one zone, e.g. [\"" + (region || "europe-west1") + "-b\"]");
  }
  if (zonesRead && r.valid("gcp:region")) {
    zones.filter((z) => !z.startsWith(`${region}-`)).forEach((z) =>
      r.report("zones", z, `every zone must be in region ${region} (e.g. ${region}-b)`),
    );
  }
  return type === "zonal" ? { type, zone: zones[0] ?? "" } : { type, nodeZones: zones };
}

function parsePlatform(r: Reader): PlatformConfig {
  const project = r.string("gcp:project");
  const region = r.string("gcp:region");
  const location = parseLocation(r, region);
  const releaseChannel = r.oneOf("releaseChannel");
  const authorizedNetworks = parseAuthorizedNetworks(r);
  const deletionProtection = r.boolean("deletionProtection");
  const coreMachineType = r.string("coreMachineType");
  const corePoolMinNodes = r.integer("corePoolMinNodes");
  const corePoolMaxNodes = r.integer("corePoolMaxNodes");
  if (corePoolMaxNodes < corePoolMinNodes && r.valid("corePoolMinNodes", "corePoolMaxNodes")) {
    r.report("corePoolMaxNodes", corePoolMaxNodes, `must be at least corePoolMinNodes (${corePoolMinNodes})`);
  }
  const platform: PlatformConfig = {
    project,
    region,
    location,
    releaseChannel,
    authorizedNetworks,
    deletionProtection,
    coreMachineType,
    corePoolMinNodes,
    corePoolMaxNodes,
    coreBootDiskGiB: r.integer("coreBootDiskGiB"),
    userBootDiskGiB: r.integer("userBootDiskGiB"),
    nodeCidr: r.string("nodeCidr"),
    podCidr: r.string("podCidr"),
    serviceCidr: r.string("serviceCidr"),
  };
  checkRangesApart(r, platform);
  return platform;
}

/**
 * The three cluster ranges must not share an address. Each overlap is reported once, under the key the
 * stack sets (the later one when it sets both), so a changed range is not blamed on a default beside it.
 */
function checkRangesApart(r: Reader, platform: PlatformConfig): void {
  const keys = ["nodeCidr", "podCidr", "serviceCidr"] as const;
  const ranges = keys.flatMap((key) => {
    const cidr = parseIpv4Cidr(platform[key]);
    return cidr && r.valid(key) ? [{ key, cidr }] : [];
  });
  ranges.forEach((a, i) =>
    ranges.slice(i + 1).forEach((b) => {
      if (!overlaps(a.cidr, b.cidr)) return;
      const [blamed, other] = r.has(b.key) || !r.has(a.key) ? [b, a] : [a, b];
      r.report(blamed.key, blamed.cidr.text, `must not overlap ${other.key} (${other.cidr.text}): both hold ${sharedAddresses(a.cidr, b.cidr)}`);
    }),
  );
}

function parseAuthorizedNetworks(r: Reader): AuthorizedNetwork[] {
  const key = "authorizedNetworks";
  const { maxItems, widestPrefix } = configSchema[key].limits;
  const items = r.list(key);
  if (items.length > maxItems) {
    r.report(key, items.length, `at most ${maxItems} networks (GKE's limit)`);
  }
  return items.flatMap((item, i) => {
    const cidrBlock = isPlainObject(item) ? item.cidrBlock : item;
    const read = readCidr(cidrBlock, "203.0.113.0/28");
    if ("problem" in read) {
      r.report(key, item, `an item is a CIDR or {cidrBlock, displayName}: ${read.problem}`, `${key}[${i}]`);
      return [];
    }
    const parsed = read.cidr;
    if (parsed.prefix < widestPrefix) {
      r.report(key, cidrBlock, `/${parsed.prefix} is wider than /${widestPrefix}: the control plane must not be open to the internet (CIS GKE 5.6.3); list your offices' or runners' own ranges`, `${key}[${i}]`);
      return [];
    }
    const displayName = isPlainObject(item) && typeof item.displayName === "string" ? item.displayName : `network-${i + 1}`;
    return [{ cidrBlock: parsed.text, displayName }];
  });
}

const overheadFields = ["cpuMillicores", "memoryMiB", "pods"] as const satisfies readonly (keyof DaemonSetOverhead)[];

function parseDaemonSetOverhead(r: Reader): DaemonSetOverhead {
  const key = "daemonSetOverhead";
  const overhead: { -readonly [F in keyof DaemonSetOverhead]: number } = { ...configSchema[key].default };
  for (const [k, v] of Object.entries(r.object(key))) {
    const field = overheadFields.find((f) => f === k);
    if (field === undefined || typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      r.report(key, v, "keys cpuMillicores, memoryMiB and pods, each a whole number ≥ 0", `${key}.${k}`);
      continue;
    }
    overhead[field] = v;
  }
  return overhead;
}

const sandboxOverheadFields = ["cpuMillicores", "memoryMiB"] as const satisfies readonly (keyof SandboxPodOverhead)[];

function parseSandbox(r: Reader): SandboxConfig {
  const key = "sandboxPodOverhead";
  const podOverhead: { -readonly [F in keyof SandboxPodOverhead]: number } = { ...configSchema[key].default };
  for (const [k, v] of Object.entries(r.object(key))) {
    const field = sandboxOverheadFields.find((f) => f === k);
    if (field === undefined || typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      r.report(key, v, "keys cpuMillicores and memoryMiB, each a whole number ≥ 0", `${key}.${k}`);
      continue;
    }
    podOverhead[field] = v;
  }
  return { userSandbox: r.oneOf("userSandbox"), podOverhead };
}

function parseCapacity(r: Reader): CapacityConfig {
  const userCpuGuarantee = r.number("userCpuGuarantee");
  const userCpuLimit = r.number("userCpuLimit");
  const userMemoryGuaranteeGiB = r.number("userMemoryGuaranteeGiB");
  const userMemoryLimitGiB = r.number("userMemoryLimitGiB");
  if (userCpuGuarantee > userCpuLimit && r.valid("userCpuGuarantee", "userCpuLimit")) {
    r.report("userCpuGuarantee", userCpuGuarantee, `must not exceed userCpuLimit (${userCpuLimit})`);
  }
  if (userMemoryGuaranteeGiB > userMemoryLimitGiB && r.valid("userMemoryGuaranteeGiB", "userMemoryLimitGiB")) {
    r.report("userMemoryGuaranteeGiB", userMemoryGuaranteeGiB, `must not exceed userMemoryLimitGiB (${userMemoryLimitGiB})`);
  }
  return {
    peakUsers: r.integer("peakUsers"),
    userCpuGuarantee,
    userCpuLimit,
    userMemoryGuaranteeGiB,
    userMemoryLimitGiB,
    userStorageGiB: r.integer("userStorageGiB"),
    userMachineType: r.string("userMachineType"),
    userNodesPackingSlack: r.number("userNodesPackingSlack"),
    userMachineFamilies: r.stringList("userMachineFamilies"),
    userPoolMaxPodsPerNode: r.autoOrInteger("userPoolMaxPodsPerNode"),
    daemonSetOverhead: parseDaemonSetOverhead(r),
  };
}

const classFields = ["name", "start", "users", "arrivalMinutes", "durationMinutes"] as const;
const MINUTE_MS = 60_000;

/**
 * The timetable: each class an object with a start inside the event window, at most `peakUsers` users
 * (the hub's active-server limit), and classes that run at once holding no more than `peakUsers` together.
 * Unset (or empty), one class: the peak arriving over ten minutes from the event's start.
 */
function parseTimetable(r: Reader, peakUsers: number, event: EventWindow): readonly ClassSpec[] {
  const key = "timetable";
  const { maxClasses, arrivalMinutes: arrival, durationMinutes: duration } = configSchema[key].limits;
  const peakKnown = r.valid("peakUsers");
  const windowKnown = r.valid("eventStart", "eventEnd") && event.end.getTime() > event.start.getTime();
  const items = r.list(key);
  if (items.length === 0) {
    const minutes = windowKnown ? Math.min(180, (event.end.getTime() - event.start.getTime()) / MINUTE_MS) : 180;
    return [{ name: "class 1", start: event.start, users: peakUsers, arrivalMinutes: 10, durationMinutes: Math.max(10, minutes) }];
  }
  if (items.length > maxClasses) r.report(key, items.length, `at most ${maxClasses} classes`);
  const shape = `{name, start: <ISO 8601 time>, users: 1–${peakKnown ? peakUsers : "peakUsers"}, arrivalMinutes: ${arrival.min}–${arrival.max}, durationMinutes: ${duration.min}–${duration.max}}`;
  const classes: ClassSpec[] = [];
  items.forEach((item, i) => {
    const at = `${key}[${i}]`;
    if (!isPlainObject(item)) {
      r.report(key, item, `a class is an object ${shape}`, at);
      return;
    }
    let ok = true;
    const bad = (field: string, value: unknown, allowed: string) => {
      r.report(key, value, allowed, `${at}.${field}`);
      ok = false;
    };
    for (const field of Object.keys(item).filter((f) => !classFields.some((c) => c === f))) {
      bad(field, item[field], `not a field of a class; a class is ${shape}`);
    }
    const name = item.name === undefined ? `class ${i + 1}` : item.name;
    if (typeof name !== "string" || name.trim() === "" || name.length > 60) bad("name", item.name, "a name of 1 to 60 characters (it titles the class's chart panel)");
    const start = typeof item.start === "string" ? parseTimestamp(item.start) : undefined;
    if (!start) bad("start", item.start, "an ISO 8601 timestamp with a time zone, e.g. 2027-12-06T09:00:00Z");
    else if (windowKnown && (start < event.start || start >= event.end)) {
      bad("start", item.start, `a time inside the event window, from eventStart (${event.start.toISOString()}) to before eventEnd (${event.end.toISOString()})`);
    }
    const users = item.users;
    if (typeof users !== "number" || !Number.isInteger(users) || users < 1 || (peakKnown && users > peakUsers)) {
      bad("users", users, peakKnown ? `a whole number from 1 to peakUsers (${peakUsers}): the hub never runs more servers at once` : "a whole number of at least 1");
    }
    const a = item.arrivalMinutes;
    if (typeof a !== "number" || !Number.isFinite(a) || a < arrival.min || a > arrival.max) {
      bad("arrivalMinutes", a, `minutes over which the class arrives, from ${arrival.min} to ${arrival.max}`);
    }
    const d = item.durationMinutes;
    if (typeof d !== "number" || !Number.isFinite(d) || d < duration.min || d > duration.max) {
      bad("durationMinutes", d, `the class's length in minutes, from ${duration.min} to ${duration.max}`);
    } else if (typeof a === "number" && d < a) {
      bad("durationMinutes", d, `at least the class's arrivalMinutes (${a})`);
    } else if (start && windowKnown && start.getTime() + d * MINUTE_MS > event.end.getTime()) {
      bad("durationMinutes", d, `a class that ends by eventEnd (${event.end.toISOString()}); this one would end at ${new Date(start.getTime() + d * MINUTE_MS).toISOString()}`);
    }
    if (ok && start && typeof name === "string" && typeof users === "number" && typeof a === "number" && typeof d === "number") {
      classes.push({ name, start, users, arrivalMinutes: a, durationMinutes: d });
    }
  });
  const names = classes.map((c) => c.name);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    r.report(key, dup, "class names must differ: each titles its own chart panel and report line", `${key}.name`);
  }
  classes.sort((x, y) => x.start.getTime() - y.start.getTime());
  if (peakKnown) {
    // The most users in class at once is reached when some class starts.
    for (const c of classes) {
      const running = classes.filter((o) => o.start <= c.start && c.start.getTime() < o.start.getTime() + o.durationMinutes * MINUTE_MS);
      const together = running.reduce((n, o) => n + o.users, 0);
      if (together > peakUsers) {
        r.report(key, running.map((o) => o.name), `classes that run at once must hold at most peakUsers (${peakUsers}) users together; at ${c.start.toISOString()} ${running.map((o) => `${o.name} (${o.users})`).join(" and ")} hold ${together}: raise peakUsers or move a class`, key);
        break;
      }
    }
  }
  return classes;
}

function parseRush(r: Reader, peakUsers: number, event: EventWindow): RushConfig {
  return {
    classes: parseTimetable(r, peakUsers, event),
    timings: {
      hubLoginsPerSecond: r.number("hubLoginsPerSecond"),
      autoscalerReactionSeconds: r.integer("autoscalerReactionSeconds"),
      nodeBootSeconds: r.integer("nodeBootSeconds"),
      imagePullSeconds: r.integer("imagePullSeconds"),
      podStartSeconds: r.integer("podStartSeconds"),
    },
    waitTargetSeconds: r.integer("rushWaitTargetSeconds"),
    seed: r.integer("rushSeed"),
  };
}

function parseEvent(r: Reader, now: Date | undefined): EventWindow {
  const start = parseTimestamp(r.string("eventStart"));
  const end = parseTimestamp(r.string("eventEnd"));
  const endRead = end !== undefined && r.valid("eventEnd");
  if (start && end && r.valid("eventStart", "eventEnd")) {
    const days = (end.getTime() - start.getTime()) / 86_400_000;
    if (days <= 0) r.report("eventEnd", end.toISOString(), `must be after eventStart (${start.toISOString()})`);
    else if (days > ruleLimits.eventMaxDays) {
      r.report("eventEnd", end.toISOString(), `the event may last at most ${ruleLimits.eventMaxDays} days so a GKE maintenance exclusion (30 days at most) covers it`);
    }
  }
  // Refused rather than warned: a window that is over gives a "no upgrades" exclusion that protects
  // nothing, and a stack copied without new dates would otherwise reach its real event unprotected.
  // `pulumi destroy` does not run the program, so an ended stack can still be torn down.
  if (end && now && endRead && end.getTime() <= now.getTime()) {
    r.report("eventEnd", end.toISOString(), `a time after now (${now.toISOString()}): the event is over, so its "no upgrades" maintenance exclusion would protect nothing; set the next event's eventStart and eventEnd, or tear the stack down with \`pulumi destroy\`, which does not run the program`);
  }
  return { start: start ?? new Date(0), end: end ?? new Date(0) };
}

// The price table's fields by what they hold, so an override is checked against the field it replaces.
type FieldsOf<T> = { [K in keyof PriceTable]: PriceTable[K] extends T ? K : never }[keyof PriceTable];
const priceFields = Object.keys(defaultPriceTable).filter((k) => k !== "currency");
const numberFields: readonly FieldsOf<number>[] = [
  "balancedDiskGiBMonth", "clusterFeeHour", "forwardingRulesFirstFiveHour", "forwardingRuleExtraHour",
  "natGatewayVmHour", "natGatewayHourCap", "natIpHour", "hoursPerMonth",
];
const rateFields: readonly FieldsOf<Readonly<Record<string, number>>>[] = ["vcpuHour", "memoryGiBHour", "gpuHour"];
const textFields: readonly Exclude<FieldsOf<string>, "currency">[] = ["source", "asOf", "region"];

function isPriceMap(v: unknown): v is Record<string, number> {
  return isPlainObject(v) && Object.values(v).every((x) => typeof x === "number" && x >= 0);
}

/** The region's published prices (or us-central1's, which the plan then flags), with the stack's overrides. */
function parsePrices(r: Reader, region: string): PriceTable {
  const key = "priceOverrides";
  const base = pricesFor(region);
  const table: { -readonly [F in keyof PriceTable]: PriceTable[F] } = { ...base };
  for (const [k, v] of Object.entries(r.object(key))) {
    const path = `${key}.${k}`;
    const numberField = numberFields.find((f) => f === k);
    const rateField = rateFields.find((f) => f === k);
    const textField = textFields.find((f) => f === k);
    if (numberField !== undefined) {
      if (typeof v === "number" && v >= 0) table[numberField] = v;
      else r.report(key, v, "a price ≥ 0", path);
    } else if (rateField !== undefined) {
      if (isPriceMap(v)) table[rateField] = { ...base[rateField], ...v };
      else r.report(key, v, "an object of prices ≥ 0, keyed like the default table", path);
    } else if (textField !== undefined) {
      if (typeof v === "string") table[textField] = v;
      else r.report(key, v, "a string", path);
    } else {
      r.report(key, v, `one of: ${priceFields.join(", ")}`, path);
    }
  }
  return table;
}

function isValidZoneName(name: string): boolean {
  const labels = name.split(".");
  return labels.length >= 1 && labels.every((l) => dnsLabel.test(l));
}

// Cloud DNS zone names: 1-63 characters, "must begin with a letter, end with a letter or digit, and only
// contain lowercase letters, digits or dashes" (Cloud DNS API, ManagedZone.name).
const cloudDnsZoneName = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Client ranges for Cloud Armor: public IPv4 CIDRs written as their network address (the load balancer's
 * address is IPv4 only, and a private range never reaches it), at most `maxItems`, none wider than
 * `widestPrefix`.
 */
function parseClientRanges(r: Reader, key: "edgeAllowedRanges" | "edgeDeniedRanges"): string[] {
  const { maxItems, widestPrefix } = configSchema[key].limits;
  const items = r.list(key);
  if (items.length > maxItems) r.report(key, items.length, `at most ${maxItems} ranges`);
  return items.flatMap((item, i) => {
    const k = `${key}[${i}]`;
    // Said as the other CIDR keys say it (readCidr, nonPublicPart): what is wrong with this range.
    const read = readCidr(item, "203.0.113.0/24");
    if ("problem" in read) {
      r.report(key, item, `an item is a public IPv4 CIDR: ${read.problem}`, k);
      return [];
    }
    const parsed = read.cidr;
    if (parsed.prefix < widestPrefix) {
      r.report(key, item, `/${parsed.prefix} is wider than /${widestPrefix}: a range that wide is a large part of the internet; name the clients' own ranges (e.g. the venue's NAT)`, k);
      return [];
    }
    const nonPublic = nonPublicPart(parsed);
    if (nonPublic !== undefined) {
      r.report(key, item, `not a public client range: ${nonPublic}; clients reach the load balancer from the internet, so Cloud Armor never sees such an address`, k);
      return [];
    }
    return [parsed.text];
  });
}

function parseEdge(r: Reader): EdgeConfig {
  const hubDomain = r.string("hubDomain");
  let existingZone: EdgeConfig["existingZone"];
  const zone = r.optionalObject("dnsZone");
  if (zone) {
    const name = typeof zone.name === "string" ? zone.name : "";
    const dnsName = typeof zone.dnsName === "string" ? zone.dnsName.replace(/\.$/, "") : "";
    if (!cloudDnsZoneName.test(name) || !isValidZoneName(dnsName)) {
      r.report("dnsZone", zone, "{name: <existing Cloud DNS zone name>, dnsName: <its DNS name, e.g. example.com.>}");
    } else if (hubDomain && r.valid("hubDomain") && hubDomain !== dnsName && !hubDomain.endsWith(`.${dnsName}`)) {
      r.report("dnsZone", zone, `the zone must contain hubDomain ${hubDomain}, e.g. dnsName ${hubDomain.split(".").slice(1).join(".")}.`);
    } else {
      existingZone = { name, dnsName: `${dnsName}.` };
    }
  }
  return {
    hubDomain,
    existingZone,
    backendTimeoutSeconds: r.integer("backendTimeoutSeconds"),
    cloudArmor: {
      wafMode: r.oneOf("edgeWafMode"),
      allowedClientRanges: parseClientRanges(r, "edgeAllowedRanges"),
      deniedClientRanges: parseClientRanges(r, "edgeDeniedRanges"),
      logSampleRate: r.number("edgeLogSampleRate"),
    },
  };
}

function parseEgress(r: Reader): EgressRule[] {
  const key = "egressAllowlist";
  const { widestPrefix, ports: portRange, defaultPorts } = configSchema[key].limits;
  return r.list(key).flatMap((item, i) => {
    const k = `${key}[${i}]`;
    const obj = isPlainObject(item) ? item : { cidr: item };
    const read = readCidr(obj.cidr, "203.0.113.16/28");
    if ("problem" in read) {
      r.report(key, item, `an item is {cidr: <public IPv4 CIDR>, ports: [443], description: <why>}: ${read.problem}`, k);
      return [];
    }
    const parsed = read.cidr;
    if (parsed.prefix < widestPrefix) {
      r.report(key, obj.cidr, `/${parsed.prefix} is wider than /${widestPrefix}: user pods may reach named destinations, never the whole internet`, k);
      return [];
    }
    const nonPublic = nonPublicPart(parsed);
    if (nonPublic !== undefined) {
      r.report(key, obj.cidr, `not a public destination: ${nonPublic}; user pods never reach private ranges, link-local (the cloud metadata server) or loopback`, k);
      return [];
    }
    const ports: unknown = obj.ports ?? defaultPorts;
    const isPort = (p: unknown): p is number => typeof p === "number" && Number.isInteger(p) && p >= portRange.min && p <= portRange.max;
    if (!Array.isArray(ports) || ports.length === 0 || !ports.every(isPort)) {
      r.report(key, ports, `a non-empty list of TCP ports from ${portRange.min} to ${portRange.max}`, `${k}.ports`);
      return [];
    }
    return [{ cidr: parsed.text, ports, description: typeof obj.description === "string" ? obj.description : "" }];
  });
}

function parseGpu(r: Reader): GpuConfig | undefined {
  const key = "gpuProfile";
  const g = r.optionalObject(key);
  if (!g) return undefined;
  const { acceleratorCounts, maxNodes: nodeRange } = configSchema[key].limits;
  const machineType = typeof g.machineType === "string" ? lookupMachineType(g.machineType) : undefined;
  const acceleratorType = typeof g.acceleratorType === "string" ? g.acceleratorType : "";
  const families = acceleratorFamilies[acceleratorType];
  const count = acceleratorCounts.find((c) => c === (g.acceleratorCount ?? 1));
  const maxNodes = g.maxNodes;
  const image = g.image;
  const allowed =
    `{machineType, acceleratorType, acceleratorCount: ${acceleratorCounts.join("|")}, maxNodes: ${nodeRange.min}-${nodeRange.max}, image: pinned}; accelerators: ` +
    Object.entries(acceleratorFamilies).map(([a, f]) => `${a} on ${f.join("/")}-*`).join(", ");
  if (
    !machineType || !families || !families.includes(machineType.family) || count === undefined ||
    typeof maxNodes !== "number" || !Number.isInteger(maxNodes) || maxNodes < nodeRange.min || maxNodes > nodeRange.max ||
    typeof image !== "string" || !isPinnedImage(image)
  ) {
    r.report(key, g, allowed);
    return undefined;
  }
  return { machineType: machineType.name, acceleratorType, acceleratorCount: count, maxNodes, image };
}

/** PEP 503 normalisation: runs of `-`, `_` and `.` become one `-`, lower case. */
export function normalizeProjectName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

// PyPI's own hosts (the contract the pack checks too): an organisation that wants PyPI uses packageMode
// mirror, which goes through Artifact Registry and the registry proxy, rather than opening PyPI's CDN to
// user pods.
const publicIndexHostList: readonly string[] = publicIndexHosts;

function parsePackages(r: Reader): PackagesConfig {
  const mode = r.oneOf("packageMode");
  const denyList = r.stringList("packageDenyList");
  const indexUrl = r.optionalString("packageIndexUrl");
  const condaChannelUrl = r.optionalString("condaChannelUrl");
  const modeRead = r.valid("packageMode");
  if (modeRead && mode === "none") {
    if (denyList.length > 0) {
      r.report("packageDenyList", denyList, "no deny list with packageMode none, where nothing can be installed at all; set packageMode mirror (or curated) to allow installs with a deny list");
    }
    if (indexUrl !== undefined) {
      r.report("packageIndexUrl", indexUrl, "only with packageMode mirror or curated: with packageMode none users install nothing, so an index would never be used; set packageMode mirror or remove packageIndexUrl");
    }
    if (condaChannelUrl !== undefined) {
      r.report("condaChannelUrl", condaChannelUrl, "only with packageMode mirror or curated: with packageMode none users install nothing, so a channel would never be used; set packageMode mirror or remove condaChannelUrl");
    }
  }
  if (indexUrl !== undefined && publicIndexHostList.includes(new URL(indexUrl).hostname)) {
    r.report("packageIndexUrl", indexUrl, "an index your organisation runs, not the public PyPI: for PyPI set packageMode mirror and leave packageIndexUrl out (Artifact Registry then proxies PyPI)");
  }
  if (indexUrl !== undefined && denyList.length > 0 && r.valid("packageDenyList")) {
    r.report("packageDenyList", denyList, "no deny list with packageIndexUrl: the list is enforced by this program's registry proxy, which your own index bypasses; enforce it in that index, or drop packageIndexUrl to use Artifact Registry (for a list of what may be installed, use packageMode curated)");
  }
  return { mode, denyList: [...new Set(denyList.map(normalizeProjectName))], indexUrl, condaChannelUrl };
}

function parseHub(r: Reader): HubConfig {
  const namespace = r.string("hubNamespace");
  const oidc = {
    authorizeUrl: r.string("oidcAuthorizeUrl"),
    tokenUrl: r.string("oidcTokenUrl"),
    userdataUrl: r.string("oidcUserdataUrl"),
    clientId: r.string("oidcClientId"),
  };
  r.secret(oidcClientSecretKey);
  const allowedGroups = r.stringList("oidcAllowedGroups");
  const adminGroups = r.stringList("oidcAdminGroups");
  const fullAdminGroups = r.stringList("oidcFullAdminGroups");
  // A participants' group (allowed in, not staff) made full admin would let every participant open every
  // other participant's server.
  if (r.valid("oidcAllowedGroups", "oidcAdminGroups", "oidcFullAdminGroups")) {
    for (const group of fullAdminGroups.filter((g) => allowedGroups.includes(g) && !adminGroups.includes(g))) {
      r.report("oidcFullAdminGroups", group, "groups of organisers only: this group is in oidcAllowedGroups but not in oidcAdminGroups, so it looks like participants, and each of them could open every user's server; list it in oidcAdminGroups too if it is organisers, or drop it from oidcAllowedGroups (full admins are let in anyway)");
    }
  }
  const cullTimeoutSeconds = r.integer("cullTimeoutSeconds");
  const cullEverySeconds = r.integer("cullEverySeconds");
  if (cullEverySeconds > cullTimeoutSeconds && r.valid("cullEverySeconds", "cullTimeoutSeconds")) {
    r.report("cullEverySeconds", cullEverySeconds, `must not exceed cullTimeoutSeconds (${cullTimeoutSeconds})`);
  }
  return {
    namespace,
    oidc: {
      ...oidc,
      scopes: r.stringList("oidcScopes"),
      usernameClaim: r.string("oidcUsernameClaim"),
      groupsClaim: r.string("oidcGroupsClaim"),
      allowedGroups,
      adminGroups,
      fullAdminGroups,
    },
    userImage: r.string("userImage"),
    terminalsEnabled: r.boolean("terminalsEnabled"),
    shellEscapeGuard: r.boolean("shellEscapeGuard"),
    cullTimeoutSeconds,
    cullEverySeconds,
    cullMaxAgeSeconds: r.integer("cullMaxAgeSeconds"),
    activeServerLimit: r.optionalInteger("activeServerLimit"),
    concurrentSpawnLimit: r.optionalInteger("concurrentSpawnLimit"),
    egressAllowlist: parseEgress(r),
    packages: parsePackages(r),
    dbType: r.oneOf("hubDbType"),
    gpu: parseGpu(r),
  };
}

// Cloud Billing sends a budget's alerts to at most five Monitoring channels (billing/budget.d.ts,
// allUpdatesRule.monitoringNotificationChannels).
const maxNotificationChannels = 5;

function parseLifecycle(r: Reader): LifecycleConfig {
  const notificationEmails = r.stringList("notificationEmails");
  if (notificationEmails.length > maxNotificationChannels && r.valid("notificationEmails")) {
    r.report("notificationEmails", notificationEmails, `at most ${maxNotificationChannels} addresses (a budget notifies at most ${maxNotificationChannels} channels); use a mailing list`);
  }
  return {
    billingAccount: r.optionalString("billingAccount"),
    notificationEmails,
    exportRetentionDays: r.integer("exportRetentionDays"),
    teardownTimeoutMinutes: r.integer("teardownTimeoutMinutes"),
  };
}

/** What parsing needs besides the stack's config. */
export interface ParseOptions {
  /**
   * The moment the program runs (`pulumi preview`/`up`); an event window that has ended by then is refused.
   * The program passes the real clock (read.ts); without it the window is not compared with any time.
   */
  readonly now?: Date;
  /**
   * The keys Pulumi handed over as secrets (without the project prefix). When given, a key the schema marks
   * `secret` that is set but not among them was written in plain text in the stack file, and is refused.
   */
  readonly secretKeys?: readonly string[];
}

/** A key the program does not read: the known keys it is closest to, and never the value of a near-secret. */
function reportUnknownKey(issues: IssueList, key: string, value: unknown): void {
  const near = closest(key, knownKeys);
  const nearSecret = near.some((k) => { const spec = configSchema[k as keyof typeof configSchema]; return spec.kind === "string" && "secret" in spec; });
  const hint = didYouMean(key, knownKeys) ?? "the keys are listed in docs/configuration.md and in Pulumi.yaml";
  issues.add(key, nearSecret ? notShown : value, `not a key this program reads; ${hint}`);
}

/**
 * Builds the typed config from raw stack config, applying every default once. Throws one ConfigError
 * listing every bad key, so nothing is declared from a config that is partly wrong. Whether the config
 * can be planned (a machine that holds a user, ranges big enough) is the plan's to say: `planAll`.
 */
export function parseConfig(raw: RawConfig, options: ParseOptions = {}): StackConfig {
  const issues = new IssueList();
  const r = new Reader(raw, issues, options.secretKeys);
  for (const key of Object.keys(raw)) {
    if (!knownKeys.includes(key)) {
      if (retiredKeys[key] !== undefined) issues.add(key, raw[key], retiredKeys[key]);
      else reportUnknownKey(issues, key, raw[key]);
    }
  }
  const platform = parsePlatform(r);
  const capacity = parseCapacity(r);
  const event = parseEvent(r, options.now);
  const config: StackConfig = {
    platform,
    capacity,
    event,
    rush: parseRush(r, capacity.peakUsers, event),
    prices: parsePrices(r, platform.region),
    edge: parseEdge(r),
    hub: parseHub(r),
    sandbox: parseSandbox(r),
    lifecycle: parseLifecycle(r),
  };
  const { activeServerLimit } = config.hub;
  if (activeServerLimit !== undefined && activeServerLimit > config.capacity.peakUsers && r.valid("peakUsers", "activeServerLimit")) {
    r.report("activeServerLimit", activeServerLimit, `must not exceed peakUsers (${config.capacity.peakUsers}): the cluster is sized for the peak`);
  }
  // A programming error, not a config one: every entry of the schema must be read, or a key the docs
  // document would be accepted and ignored.
  if (r.unread().length > 0) throw new Error(`config keys in the schema that parse.ts never reads: ${r.unread().join(", ")}`);
  issues.throwIfAny();
  return config;
}
