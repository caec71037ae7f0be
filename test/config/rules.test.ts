import * as assert from "assert";
import { ConfigError } from "../../infra/config/errors";
import { normalizeProjectName, parseConfig } from "../../infra/config/parse";
import { configIssues } from "../support/refusals";
import { rawWith, stacksAsOf } from "../support/stacks";

// The rules between keys and the structured keys (infra/config/parse.ts), each at both sides of its edge,
// with the whole message, and each kept quiet when one of the keys it compares is itself refused (one
// problem, under the key to change, not two). Mutation testing (docs/testing.md) found these edges
// untested: `users < 1` as `users <= 1`, `cullEverySeconds > cullTimeoutSeconds` as `>=`, a rule firing
// beside its own key's range error. The bounds of single keys are in bounds.test.ts.

interface Issue {
  readonly key: string;
  readonly allowed: string;
}

/** Every issue parseConfig raises for the event stack with `changes` (undefined removes a key). */
function issues(changes: Record<string, unknown>, stack = "event"): Issue[] {
  return configIssues(stack, changes, { now: stacksAsOf, parseOnly: true }).map(({ key, allowed }) => ({ key, allowed }));
}

function accepted(changes: Record<string, unknown>, stack = "event") {
  assert.deepStrictEqual(issues(changes, stack), [], `expected ${JSON.stringify(changes)} to be accepted`);
  return parseConfig(rawWith(stack, changes), { now: stacksAsOf });
}

/** The issues raised under `key` only: the rule's own, whatever else the change also breaks. */
const under = (key: string, changes: Record<string, unknown>, stack = "event") => issues(changes, stack).filter((i) => i.key === key).map((i) => i.allowed);

describe("rules between keys, at both sides of each edge, with the whole message", () => {
  it("the core pool's maximum may equal its minimum, not fall below it", () => {
    accepted({ corePoolMinNodes: 3, corePoolMaxNodes: 3 });
    assert.deepStrictEqual(issues({ corePoolMinNodes: 3, corePoolMaxNodes: 2 }), [{ key: "corePoolMaxNodes", allowed: "must be at least corePoolMinNodes (3)" }]);
    // A minimum already out of range is the only problem said.
    assert.deepStrictEqual(issues({ corePoolMinNodes: 11, corePoolMaxNodes: 2 }).map((i) => i.key), ["corePoolMinNodes"]);
    assert.deepStrictEqual(issues({ corePoolMinNodes: 2, corePoolMaxNodes: 0 }).map((i) => i.key), ["corePoolMaxNodes"]);
  });

  it("a guarantee may equal its limit, not exceed it, for CPU and memory", () => {
    accepted({ userCpuGuarantee: 2, userCpuLimit: 2, userMemoryGuaranteeGiB: 4, userMemoryLimitGiB: 4 });
    assert.deepStrictEqual(issues({ userCpuGuarantee: 2.5, userCpuLimit: 2 }), [{ key: "userCpuGuarantee", allowed: "must not exceed userCpuLimit (2)" }]);
    assert.deepStrictEqual(issues({ userMemoryGuaranteeGiB: 4.5, userMemoryLimitGiB: 4 }), [{ key: "userMemoryGuaranteeGiB", allowed: "must not exceed userMemoryLimitGiB (4)" }]);
    assert.deepStrictEqual(issues({ userCpuGuarantee: 65, userCpuLimit: 2 }).map((i) => i.key), ["userCpuGuarantee"]);
    assert.deepStrictEqual(issues({ userCpuGuarantee: 1, userCpuLimit: 0 }).map((i) => i.key), ["userCpuLimit"]);
    assert.deepStrictEqual(issues({ userMemoryGuaranteeGiB: 600, userMemoryLimitGiB: 4 }).map((i) => i.key), ["userMemoryGuaranteeGiB"]);
    assert.deepStrictEqual(issues({ userMemoryGuaranteeGiB: 1, userMemoryLimitGiB: 0 }).map((i) => i.key), ["userMemoryLimitGiB"]);
  });

  it("the culler may check as often as its timeout, not less often", () => {
    accepted({ cullEverySeconds: 600, cullTimeoutSeconds: 600 });
    assert.deepStrictEqual(issues({ cullEverySeconds: 601, cullTimeoutSeconds: 600 }), [{ key: "cullEverySeconds", allowed: "must not exceed cullTimeoutSeconds (600)" }]);
    assert.deepStrictEqual(issues({ cullEverySeconds: 3601, cullTimeoutSeconds: 600 }).map((i) => i.key), ["cullEverySeconds"]);
    assert.deepStrictEqual(issues({ cullEverySeconds: 600, cullTimeoutSeconds: 100 }).map((i) => i.key), ["cullTimeoutSeconds"]);
  });

  it("the active-server limit may equal peakUsers, not exceed it", () => {
    accepted({ activeServerLimit: 1000 });
    assert.deepStrictEqual(issues({ activeServerLimit: 1001 }), [{ key: "activeServerLimit", allowed: "must not exceed peakUsers (1000): the cluster is sized for the peak" }]);
    // A bad peak is the only problem said; the timetable's classes are then checked against no peak.
    assert.deepStrictEqual(under("activeServerLimit", { peakUsers: 0, activeServerLimit: 1000 }), []);
    assert.deepStrictEqual(under("peakUsers", { activeServerLimit: 6000 }), []);
  });

  it("the event lasts more than nothing and at most 28 days", () => {
    accepted({ eventStart: "2027-12-06T08:00:00Z", eventEnd: "2027-12-06T08:00:01Z", timetable: undefined });
    assert.deepStrictEqual(under("eventEnd", { eventEnd: "2027-12-06T08:00:00Z", timetable: undefined }), ["must be after eventStart (2027-12-06T08:00:00.000Z)"]);
    accepted({ eventEnd: "2028-01-03T08:00:00Z" });
    assert.deepStrictEqual(under("eventEnd", { eventEnd: "2028-01-03T08:00:01Z" }), [
      "the event may last at most 28 days so a GKE maintenance exclusion (30 days at most) covers it",
    ]);
    // A start that is not a time: only that is said, not a window compared with nothing.
    assert.deepStrictEqual(under("eventEnd", { eventStart: "next monday" }), []);
  });

  it("a participants' group made full admin is refused; an organisers' group or one not let in is not", () => {
    accepted({ oidcFullAdminGroups: ["course-2026-staff"] });
    accepted({ oidcFullAdminGroups: ["hub-operators"] });
    assert.deepStrictEqual(issues({ oidcFullAdminGroups: ["course-2026-participants"] }), [{
      key: "oidcFullAdminGroups",
      allowed: "groups of organisers only: this group is in oidcAllowedGroups but not in oidcAdminGroups, so it looks like participants, and each of them could open every user's server; list it in oidcAdminGroups too if it is organisers, or drop it from oidcAllowedGroups (full admins are let in anyway)",
    }]);
    // Not judged while one of the three lists is itself refused.
    assert.deepStrictEqual(under("oidcFullAdminGroups", { oidcFullAdminGroups: ["course-2026-participants"], oidcAdminGroups: "not a list" }), []);
  });

  it("a budget notifies at most five addresses", () => {
    const five = ["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"];
    accepted({ notificationEmails: five });
    assert.deepStrictEqual(issues({ notificationEmails: [...five, "f@example.com"] }), [{
      key: "notificationEmails", allowed: "at most 5 addresses (a budget notifies at most 5 channels); use a mailing list",
    }]);
  });

  it("a zonal cluster has exactly one zone, in the stack's region", () => {
    const zonal = accepted({ clusterLocationType: "zonal", zones: ["us-central1-b"] });
    assert.deepStrictEqual(zonal.platform.location, { type: "zonal", zone: "us-central1-b" });
    assert.deepStrictEqual(issues({ clusterLocationType: "zonal", zones: ["us-central1-b", "us-central1-c"] }), [
      { key: "zones", allowed: "a zonal cluster needs exactly one zone, e.g. [\"us-central1-b\"]" },
    ]);
    assert.deepStrictEqual(issues({ clusterLocationType: "regional", zones: ["us-central1-b", "europe-west1-b"] }), [
      { key: "zones", allowed: "every zone must be in region us-central1 (e.g. us-central1-b)" },
    ]);
    const regional = accepted({ zones: ["us-central1-b", "us-central1-c"] });
    assert.deepStrictEqual(regional.platform.location, { type: "regional", nodeZones: ["us-central1-b", "us-central1-c"] });
  });
});

describe("a refused key's default never trips a rule between keys", () => {
  // A refused key reads as its default (infra/config/reader.ts), so each rule checks that its keys read
  // well before comparing them: otherwise the organiser would also be told that the default they never set
  // breaks the rule. Each case below is a default that would break it.
  it("says only the refused key's own problem", () => {
    const only = (changes: Record<string, unknown>, key: string) =>
      assert.deepStrictEqual(issues(changes).map((i) => i.key), [key], `${JSON.stringify(changes)}: only ${key}`);
    only({ userCpuGuarantee: 65, userCpuLimit: 0.05 }, "userCpuGuarantee"); // default guarantee 0.1 > 0.05
    only({ userCpuGuarantee: 2, userCpuLimit: 0 }, "userCpuLimit"); // default limit 1 < 2
    only({ userMemoryGuaranteeGiB: 600, userMemoryLimitGiB: 0.5 }, "userMemoryGuaranteeGiB"); // default 1 GiB > 0.5
    only({ userMemoryGuaranteeGiB: 3, userMemoryLimitGiB: 0 }, "userMemoryLimitGiB"); // default 2 GiB < 3
    only({ corePoolMinNodes: 4, corePoolMaxNodes: 0 }, "corePoolMaxNodes"); // default maximum 3 < 4
    only({ clusterLocationType: "zonal", zones: "us-central1-b" }, "zones"); // not a list: no zones, yet zonal
  });
});

describe("the timetable's fields, at both sides of each edge", () => {
  const klass = (overrides: Record<string, unknown> = {}) => ({ name: "a", start: "2027-12-06T09:00:00Z", users: 100, arrivalMinutes: 10, durationMinutes: 60, ...overrides });
  const field = (overrides: Record<string, unknown>, name: string) => under(`timetable[0].${name}`, { timetable: [klass(overrides)] });

  it("users from 1 to peakUsers", () => {
    assert.deepStrictEqual(accepted({ timetable: [klass({ users: 1 })] }).rush.classes.map((c) => c.users), [1]);
    assert.deepStrictEqual(accepted({ timetable: [klass({ users: 1000 })] }).rush.classes.map((c) => c.users), [1000]);
    const message = "a whole number from 1 to peakUsers (1000): the hub never runs more servers at once";
    for (const users of [0, 1001, 2.5, "10"]) assert.deepStrictEqual(field({ users }, "users"), [message], `users ${JSON.stringify(users)}`);
    // With no valid peak, the class's users are still checked, against 1 alone.
    assert.deepStrictEqual(under("timetable[0].users", { peakUsers: 0, timetable: [klass({ users: 0 })] }), ["a whole number of at least 1"]);
    assert.deepStrictEqual(under("timetable[0].users", { peakUsers: 0, timetable: [klass({ users: 5000 })] }), []);
  });

  it("arrivalMinutes from 1 to 240, and durationMinutes from 10 to 1,440 and no shorter than the arrival", () => {
    for (const arrivalMinutes of [1, 240]) accepted({ timetable: [klass({ arrivalMinutes, durationMinutes: 300 })] });
    for (const arrivalMinutes of [0.99, 240.01, "10", Number.NaN]) {
      assert.deepStrictEqual(field({ arrivalMinutes, durationMinutes: 300 }, "arrivalMinutes"), ["minutes over which the class arrives, from 1 to 240"], `arrivalMinutes ${arrivalMinutes}`);
    }
    for (const durationMinutes of [10, 1440]) accepted({ timetable: [klass({ arrivalMinutes: 10, durationMinutes })] });
    for (const durationMinutes of [9.99, 1440.01, "60", Number.POSITIVE_INFINITY]) {
      assert.deepStrictEqual(field({ durationMinutes }, "durationMinutes"), ["the class's length in minutes, from 10 to 1440"], `durationMinutes ${durationMinutes}`);
    }
    accepted({ timetable: [klass({ arrivalMinutes: 30, durationMinutes: 30 })] });
    assert.deepStrictEqual(field({ arrivalMinutes: 30, durationMinutes: 29 }, "durationMinutes"), ["at least the class's arrivalMinutes (30)"]);
  });

  it("a class starts at or after eventStart and before eventEnd, and ends by eventEnd", () => {
    accepted({ timetable: [klass({ start: "2027-12-06T08:00:00Z" })] });
    const window = "a time inside the event window, from eventStart (2027-12-06T08:00:00.000Z) to before eventEnd (2027-12-09T08:00:00.000Z)";
    assert.deepStrictEqual(field({ start: "2027-12-06T07:59:59Z" }, "start"), [window]);
    assert.deepStrictEqual(field({ start: "2027-12-09T08:00:00Z", durationMinutes: 10 }, "start"), [window]);
    accepted({ timetable: [klass({ start: "2027-12-09T07:00:00Z", durationMinutes: 60 })] });
    assert.deepStrictEqual(field({ start: "2027-12-09T07:00:00Z", durationMinutes: 61 }, "durationMinutes"), [
      "a class that ends by eventEnd (2027-12-09T08:00:00.000Z); this one would end at 2027-12-09T08:01:00.000Z",
    ]);
    assert.deepStrictEqual(field({ start: 9 }, "start"), ["an ISO 8601 timestamp with a time zone, e.g. 2027-12-06T09:00:00Z"]);
  });

  it("a name of 1 to 60 characters, or `class <n>` when left out", () => {
    accepted({ timetable: [klass({ name: "x".repeat(60) })] });
    const message = "a name of 1 to 60 characters (it titles the class's chart panel)";
    for (const name of ["x".repeat(61), "   ", 7]) assert.deepStrictEqual(field({ name }, "name"), [message], `name ${JSON.stringify(name)}`);
    const { classes } = accepted({ timetable: [{ start: "2027-12-06T09:00:00Z", users: 10, arrivalMinutes: 5, durationMinutes: 60 }, klass({ name: undefined, start: "2027-12-07T09:00:00Z" })] }).rush;
    assert.deepStrictEqual(classes.map((c) => c.name), ["class 1", "class 2"]);
  });

  it("a class with any bad field is left out of the plan, so the sum over classes is not judged on it", () => {
    // Two classes at once over the peak, but one is refused for its own field: only that is said.
    const found = issues({ timetable: [klass({ users: 900 }), klass({ name: "b", users: 900, arrivalMinutes: 0 })] });
    assert.deepStrictEqual(found.map((i) => i.key), ["timetable[1].arrivalMinutes"]);
  });

  it("classes that touch do not overlap: one may start the minute another ends", () => {
    accepted({ timetable: [klass({ users: 1000, durationMinutes: 60 }), klass({ name: "b", start: "2027-12-06T10:00:00Z", users: 1000 })] });
    const [together] = issues({ timetable: [klass({ users: 1000, durationMinutes: 60 }), klass({ name: "b", start: "2027-12-06T09:59:00Z", users: 1 })] });
    assert.deepStrictEqual(together, {
      key: "timetable",
      allowed: "classes that run at once must hold at most peakUsers (1000) users together; at 2027-12-06T09:59:00.000Z a (1000) and b (1) hold 1001: raise peakUsers or move a class",
    });
  });

  it("at most 200 classes", () => {
    const day = (i: number) => klass({ name: `c${i}`, start: new Date(Date.parse("2027-12-06T08:00:00Z") + i * 20 * 60_000).toISOString(), users: 1, durationMinutes: 10 });
    accepted({ timetable: Array.from({ length: 200 }, (_, i) => day(i)) });
    assert.deepStrictEqual(under("timetable", { timetable: Array.from({ length: 201 }, (_, i) => day(i)) }), ["at most 200 classes"]);
  });

  it("unset, one class of the peak over the whole window when it is shorter than three hours", () => {
    const { classes } = accepted({ eventStart: "2027-12-06T08:00:00Z", eventEnd: "2027-12-06T09:00:00Z", timetable: undefined }).rush;
    assert.deepStrictEqual(classes, [{ name: "class 1", start: new Date("2027-12-06T08:00:00Z"), users: 1000, arrivalMinutes: 10, durationMinutes: 60 }]);
    const short = accepted({ eventStart: "2027-12-06T08:00:00Z", eventEnd: "2027-12-06T08:05:00Z", timetable: undefined });
    assert.strictEqual(short.rush.classes[0].durationMinutes, 10, "never shorter than the shortest class");
  });
});

describe("structured keys: each item checked, and the good ones kept as given", () => {
  it("authorised networks: at most 50, none wider than /8, named network-<n> when not named", () => {
    const config = accepted({ authorizedNetworks: ["198.51.100.0/27", { cidrBlock: "8.0.0.0/8", displayName: "ops" }, { cidrBlock: "192.0.2.0/28", displayName: 5 }] });
    assert.deepStrictEqual(config.platform.authorizedNetworks, [
      { cidrBlock: "198.51.100.0/27", displayName: "network-1" },
      { cidrBlock: "8.0.0.0/8", displayName: "ops" },
      { cidrBlock: "192.0.2.0/28", displayName: "network-3" },
    ]);
    assert.deepStrictEqual(issues({ authorizedNetworks: ["8.0.0.0/7"] }), [{
      key: "authorizedNetworks[0]",
      allowed: "/7 is wider than /8: the control plane must not be open to the internet (CIS GKE 5.6.3); list your offices' or runners' own ranges",
    }]);
    const fifty = Array.from({ length: 50 }, (_, i) => `198.51.${i}.0/24`);
    accepted({ authorizedNetworks: fifty });
    assert.deepStrictEqual(issues({ authorizedNetworks: [...fifty, "203.0.113.0/24"] }), [{ key: "authorizedNetworks", allowed: "at most 50 networks (GKE's limit)" }]);
  });

  it("Cloud Armor client ranges: at most 5, none wider than /8, public only", () => {
    const five = ["198.51.100.0/24", "203.0.113.0/24", "8.0.0.0/8", "192.0.2.0/24", "11.0.0.0/8"];
    assert.deepStrictEqual(accepted({ edgeAllowedRanges: five }).edge.cloudArmor.allowedClientRanges, five);
    assert.deepStrictEqual(issues({ edgeAllowedRanges: [...five, "9.9.9.0/24"] }), [{ key: "edgeAllowedRanges", allowed: "at most 5 ranges" }]);
    assert.deepStrictEqual(issues({ edgeDeniedRanges: ["8.0.0.0/7"] }), [{
      key: "edgeDeniedRanges[0]",
      allowed: "/7 is wider than /8: a range that wide is a large part of the internet; name the clients' own ranges (e.g. the venue's NAT)",
    }]);
  });

  it("egress allowlist: ports 1 to 65,535 (443 when left out), a description kept, bad ports named", () => {
    const config = accepted({ egressAllowlist: [{ cidr: "203.0.113.16/28", ports: [1, 65535] }, "198.51.100.7/32", { cidr: "8.0.0.0/8", description: "data" }] });
    assert.deepStrictEqual(config.hub.egressAllowlist, [
      { cidr: "203.0.113.16/28", ports: [1, 65535], description: "" },
      { cidr: "198.51.100.7/32", ports: [443], description: "" },
      { cidr: "8.0.0.0/8", ports: [443], description: "data" },
    ]);
    const message = "a non-empty list of TCP ports from 1 to 65535";
    for (const ports of [[0], [65536], [], [443.5], ["443"], 443]) {
      assert.deepStrictEqual(issues({ egressAllowlist: [{ cidr: "203.0.113.16/28", ports }] }), [{ key: "egressAllowlist[0].ports", allowed: message }], `ports ${JSON.stringify(ports)}`);
    }
    assert.deepStrictEqual(issues({ egressAllowlist: [{ cidr: "203.0.113.16/28", ports: [443, 0] }] }).map((i) => i.key), ["egressAllowlist[0].ports"], "every port checked, not only the first");
    assert.deepStrictEqual(issues({ egressAllowlist: [{ cidr: "8.0.0.0/7" }] }), [{
      key: "egressAllowlist[0]", allowed: "/7 is wider than /8: user pods may reach named destinations, never the whole internet",
    }]);
  });

  it("DaemonSet and gVisor overheads: each known key a whole number ≥ 0, the others kept at their defaults", () => {
    const config = accepted({ daemonSetOverhead: { memoryMiB: 0 }, sandboxPodOverhead: { cpuMillicores: 0 } });
    assert.strictEqual(config.capacity.daemonSetOverhead.memoryMiB, 0);
    assert.strictEqual(config.sandbox.podOverhead.cpuMillicores, 0);
    assert.strictEqual(config.sandbox.podOverhead.memoryMiB, 128, "the default gVisor memory allowance (docs/gvisor.md)");
    for (const v of [-1, 1.5, "10"]) {
      assert.deepStrictEqual(issues({ daemonSetOverhead: { pods: v } }), [{ key: "daemonSetOverhead.pods", allowed: "keys cpuMillicores, memoryMiB and pods, each a whole number ≥ 0" }], `pods ${v}`);
      assert.deepStrictEqual(issues({ sandboxPodOverhead: { memoryMiB: v } }), [{ key: "sandboxPodOverhead.memoryMiB", allowed: "keys cpuMillicores and memoryMiB, each a whole number ≥ 0" }], `memoryMiB ${v}`);
    }
    assert.deepStrictEqual(issues({ daemonSetOverhead: { gpus: 1 } }).map((i) => i.key), ["daemonSetOverhead.gpus"]);
    assert.deepStrictEqual(issues({ sandboxPodOverhead: { pods: 1 } }).map((i) => i.key), ["sandboxPodOverhead.pods"]);
  });

  it("price overrides: prices ≥ 0, rate maps merged over the region's, text fields as strings", () => {
    const config = accepted({ priceOverrides: { clusterFeeHour: 0, vcpuHour: { e2: 0.02 }, source: "our contract" } });
    assert.strictEqual(config.prices.clusterFeeHour, 0);
    assert.strictEqual(config.prices.vcpuHour.e2, 0.02);
    assert.ok(Object.keys(config.prices.vcpuHour).length > 1, "the other families keep the region's prices");
    assert.strictEqual(config.prices.source, "our contract");
    assert.deepStrictEqual(issues({ priceOverrides: { clusterFeeHour: -0.01 } }), [{ key: "priceOverrides.clusterFeeHour", allowed: "a price ≥ 0" }]);
    assert.deepStrictEqual(issues({ priceOverrides: { vcpuHour: { e2: -1 } } }), [{ key: "priceOverrides.vcpuHour", allowed: "an object of prices ≥ 0, keyed like the default table" }]);
    assert.deepStrictEqual(issues({ priceOverrides: { vcpuHour: { e2: "1" } } }).map((i) => i.key), ["priceOverrides.vcpuHour"]);
    assert.deepStrictEqual(issues({ priceOverrides: { vcpuHour: 1 } }).map((i) => i.key), ["priceOverrides.vcpuHour"]);
    assert.deepStrictEqual(issues({ priceOverrides: { asOf: 2026 } }), [{ key: "priceOverrides.asOf", allowed: "a string" }]);
    const [unknown] = issues({ priceOverrides: { tax: 0.2 } });
    assert.strictEqual(unknown.key, "priceOverrides.tax");
    assert.match(unknown.allowed, /^one of: [a-zA-Z]+(, [a-zA-Z]+)+$/);
    assert.ok(unknown.allowed.includes("clusterFeeHour") && !unknown.allowed.includes("currency"), unknown.allowed);
  });

  it("an existing DNS zone must contain hubDomain", () => {
    assert.deepStrictEqual(accepted({ dnsZone: { name: "example", dnsName: "example.com." } }).edge.existingZone, { name: "example", dnsName: "example.com." });
    assert.deepStrictEqual(accepted({ dnsZone: { name: "hub", dnsName: "hub.example.com" } }).edge.existingZone, { name: "hub", dnsName: "hub.example.com." });
    assert.deepStrictEqual(issues({ dnsZone: { name: "other", dnsName: "ample.com." } }), [{ key: "dnsZone", allowed: "the zone must contain hubDomain hub.example.com, e.g. dnsName example.com." }]);
    const shape = "{name: <existing Cloud DNS zone name>, dnsName: <its DNS name, e.g. example.com.>}";
    for (const zone of [{ name: "Example", dnsName: "example.com." }, { name: "example", dnsName: "exa mple.com." }, { dnsName: "example.com." }, { name: "example" }]) {
      assert.deepStrictEqual(issues({ dnsZone: zone }), [{ key: "dnsZone", allowed: shape }], JSON.stringify(zone));
    }
  });

  it("a package deny list is stored as PEP 503 names, once each", () => {
    assert.strictEqual(normalizeProjectName("Foo__Bar.baz-Qux"), "foo-bar-baz-qux");
    const config = accepted({ packageDenyList: ["Torch", "torch", "scikit_learn", "Scikit.Learn"] });
    assert.deepStrictEqual(config.hub.packages.denyList, ["torch", "scikit-learn"]);
    assert.deepStrictEqual(issues({ packageDenyList: ["torch"], packageIndexUrl: "https://pypi.example.org/simple" }), [{
      key: "packageDenyList",
      allowed: "no deny list with packageIndexUrl: the list is enforced by this program's registry proxy, which your own index bypasses; enforce it in that index, or drop packageIndexUrl to use Artifact Registry (for a list of what may be installed, use packageMode curated)",
    }]);
  });
});

describe("values as Pulumi stores them (strings), decoded once and refused by kind", () => {
  it("reads numbers in any JSON spelling, booleans and JSON structures; leaves other text as text", () => {
    const config = accepted({ peakUsers: " 1e3 ", userCpuGuarantee: "0.25", deletionProtection: "false", timetable: "[]", zones: '["us-central1-b"]' });
    assert.strictEqual(config.capacity.peakUsers, 1000, "1e3, padded with spaces");
    assert.strictEqual(config.capacity.userCpuGuarantee, 0.25);
    assert.strictEqual(config.platform.deletionProtection, false);
    assert.deepStrictEqual(config.platform.location, { type: "regional", nodeZones: ["us-central1-b"] });
    assert.strictEqual(accepted({ peakUsers: "5E+2", timetable: undefined, activeServerLimit: undefined }).capacity.peakUsers, 500);
  });

  it("keeps text that only looks like a number or a word as text, and refuses it for a number key", () => {
    for (const text of ["12 users", "e3", "1e", "1.e3", "truey", "nulls", "x true", "0x10"]) {
      assert.deepStrictEqual(issues({ peakUsers: text }), [{ key: "peakUsers", allowed: "allowed: a whole number from 1 to 5000" }], text);
    }
    assert.deepStrictEqual(issues({ deletionProtection: "yes" }), [{ key: "deletionProtection", allowed: "allowed: true or false" }]);
    assert.deepStrictEqual(issues({ deletionProtection: "1" }), [{ key: "deletionProtection", allowed: "allowed: true or false" }]);
    assert.deepStrictEqual(issues({ zones: "{not json" }), [{ key: "zones", allowed: "a list of zone names such as europe-west1-b is required" }]);
  });

  it("treats an empty or null value as unset: the default, or the key's own 'required' message", () => {
    assert.strictEqual(accepted({ deletionProtection: "" }).platform.deletionProtection, false);
    assert.strictEqual(accepted({ releaseChannel: null }).platform.releaseChannel, "REGULAR");
    assert.deepStrictEqual(issues({ peakUsers: "" }).map((i) => i.key), ["peakUsers"]);
    assert.deepStrictEqual(issues({ peakUsers: null }), [{
      key: "peakUsers", allowed: "required: concurrent users at the busiest moment (a whole number from 1 to 5000); set it with `pulumi config set peakUsers 500`",
    }]);
  });

  it("refuses a string key given a structure, and an enum given a number it does not list", () => {
    assert.deepStrictEqual(issues({ coreMachineType: '{"a": 1}' }), [{ key: "coreMachineType", allowed: "a string is required" }]);
    assert.deepStrictEqual(issues({ releaseChannel: "7" }), [{ key: "releaseChannel", allowed: "allowed: RAPID, REGULAR, STABLE" }]);
    assert.deepStrictEqual(issues({ userSandbox: "GVISOR" }).map((i) => i.key), ["userSandbox"], "enum values are case-sensitive");
  });

  it("refuses a list key given a scalar, and a string list with any bad item", () => {
    assert.deepStrictEqual(issues({ egressAllowlist: "203.0.113.16/28" }), [{ key: "egressAllowlist", allowed: "a list is required" }]);
    assert.deepStrictEqual(issues({ oidcAdminGroups: ["staff", 7] }).map((i) => i.key), ["oidcAdminGroups"]);
    assert.deepStrictEqual(issues({ oidcAdminGroups: ["staff", ""] }).map((i) => i.key), ["oidcAdminGroups"]);
    assert.deepStrictEqual(issues({ dnsZone: "[1]" }), [{ key: "dnsZone", allowed: "an object is required" }]);
  });
});

describe("the refusal itself: what the organiser reads", () => {
  it("is one ConfigError, each value shown as it was written (strings quoted, structures as JSON)", () => {
    let error: unknown;
    try {
      parseConfig(rawWith("event", { releaseChannel: "7", zones: '{"a": 1}', hubDomain: "hub" }), { now: stacksAsOf });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError, "a ConfigError");
    assert.strictEqual(error.name, "ConfigError", "the name the Pulumi CLI prints before the message");
    const lines = error.message.split("\n");
    assert.strictEqual(lines[0], "Invalid stack configuration (3 problems):");
    assert.strictEqual(lines[1], "  - zones: got {\"a\":1}; a list of zone names such as europe-west1-b is required");
    assert.ok(lines.includes("  - releaseChannel: got 7; allowed: RAPID, REGULAR, STABLE"), "a number shown as a number");
    assert.ok(lines.some((l) => l.startsWith("  - hubDomain: got \"hub\"; ")), "a string shown quoted");
  });

  it("https URLs only, with a host and without credentials, for the identity provider and package indexes", () => {
    const message = "an https:// URL without credentials is required";
    for (const url of ["http://login.example.com/token", "https://user:pw@login.example.com/token", "https://user@login.example.com/token", "login.example.com/token"]) {
      assert.deepStrictEqual(issues({ oidcTokenUrl: url }), [{ key: "oidcTokenUrl", allowed: message }], url);
    }
    accepted({ oidcTokenUrl: "https://login.example.com:8443/token" });
    // (An https URL with an empty host cannot be written: the WHATWG URL parser reads "https:///token" as
    // host "token" and refuses "https://" outright, so schema.ts's `hostname !== ""` is belt and braces.)
  });

  it("a hub domain of two or more DNS labels whose last is not all digits", () => {
    accepted({ hubDomain: "a.io" });
    accepted({ hubDomain: "hub.example.c0m" });
    for (const domain of ["localhost", "hub.example.123", "10.0.0.1"]) {
      assert.deepStrictEqual(issues({ hubDomain: domain }).map((i) => i.key), ["hubDomain"], domain);
    }
  });
});

describe("the GPU profile", () => {
  // Only T4s on N1 machines are offered (infra/catalog/machineTypes.ts acceleratorFamilies): GKE attaches
  // T4s to N1 shapes only ("About GPUs in GKE", GPU and machine-type compatibility).
  const gpu = { machineType: "n1-standard-8", acceleratorType: "nvidia-tesla-t4", acceleratorCount: 1, maxNodes: 2, image: "quay.io/jupyter/pytorch-notebook:cuda12-2025-11-03" };
  const shape = "{machineType, acceleratorType, acceleratorCount: 1|2|4, maxNodes: 1-100, image: pinned}; accelerators: nvidia-tesla-t4 on n1-*";

  it("is read as given, one accelerator when the count is left out", () => {
    assert.deepStrictEqual(accepted({ gpuProfile: gpu }).hub.gpu, gpu);
    assert.strictEqual(accepted({ gpuProfile: { ...gpu, acceleratorCount: undefined } }).hub.gpu?.acceleratorCount, 1);
    for (const acceleratorCount of [2, 4]) assert.strictEqual(accepted({ gpuProfile: { ...gpu, acceleratorCount } }).hub.gpu?.acceleratorCount, acceleratorCount);
    for (const maxNodes of [1, 100]) assert.strictEqual(accepted({ gpuProfile: { ...gpu, maxNodes } }).hub.gpu?.maxNodes, maxNodes);
    assert.strictEqual(accepted({}).hub.gpu, undefined, "no profile unless asked for");
  });

  it("refuses anything else as one problem naming the whole shape", () => {
    const bad: Record<string, unknown>[] = [
      { machineType: "e2-standard-8" }, // a T4 on a family GKE does not attach it to
      { machineType: "n1-standard-999" }, // no such machine
      { machineType: 8 },
      { acceleratorType: "nvidia-l4" },
      { acceleratorType: undefined },
      { acceleratorCount: 3 },
      { acceleratorCount: 0 },
      { maxNodes: 0 },
      { maxNodes: 101 },
      { maxNodes: 1.5 },
      { maxNodes: "2" },
      { image: "quay.io/jupyter/pytorch-notebook:latest" },
      { image: 7 },
    ];
    for (const change of bad) {
      assert.deepStrictEqual(issues({ gpuProfile: { ...gpu, ...change } }), [{ key: "gpuProfile", allowed: shape }], JSON.stringify(change));
    }
  });
});
