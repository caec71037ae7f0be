import * as assert from "assert";
import { parseConfig } from "../../infra/config/parse";
import { configSchema } from "../../infra/config/schema";
import { StackConfig } from "../../infra/config/types";
import { assertRefused, configIssues } from "../support/refusals";
import { loadStackConfig, rawWith, stackNames } from "../support/stacks";

// The edge's config keys (hubDomain, dnsZone, backendTimeoutSeconds) on every shipped stack: what is
// refused and with which message (that the program refuses them before declaring any resource:
// test/refusals.test.ts). Complements test/config/parse.test.ts, which covers one case of each on the dev stack.

const badHubDomains: [what: string, value: string, allowed: RegExp][] = [
  ["a leading wildcard", "*.hub.example.com", /no wildcard/],
  ["a wildcard inside", "hub.*.example.com", /no wildcard/],
  ["upper case", "HUB.example.com", /lower-case/],
  ["a trailing dot", "hub.example.com.", /no trailing dot/],
  ["an empty label", "hub..example.com", /DNS name/],
  ["a label starting with a hyphen", "-hub.example.com", /DNS name/],
  ["a label of 64 characters", `${"a".repeat(64)}.example.com`, /DNS name/],
  ["a numeric top-level label (an IP address)", "203.0.113.10", /DNS name/],
  ["a URL instead of a name", "https://hub.example.com", /DNS name/],
  ["a port", "hub.example.com:443", /DNS name/],
  ["an underscore", "hub_1.example.com", /DNS name/],
  ["a space", "hub example.com", /DNS name/],
  ["a Unicode name (the A-label is needed)", "hüb.example.com", /DNS name/],
  ["a name with no room for a user's label", `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.example.com`, /at most 189 characters/],
];

const badZones: [what: string, value: unknown, allowed: RegExp][] = [
  ["a zone for another domain", { name: "other", dnsName: "other.org." }, /must contain hubDomain/],
  ["a zone whose name is only a suffix of the hub's", { name: "ample", dnsName: "ample.com." }, /must contain hubDomain/],
  ["a zone below the hub domain", { name: "users", dnsName: "users.HUB." }, /must contain hubDomain/],
  ["a zone name starting with a digit (Cloud DNS refuses it)", { name: "1zone", dnsName: "example.com." }, /existing Cloud DNS zone name/],
  ["an upper-case zone name", { name: "Example", dnsName: "example.com." }, /existing Cloud DNS zone name/],
  ["a wildcard zone", { name: "wild", dnsName: "*.example.com." }, /existing Cloud DNS zone name/],
  ["a zone without its DNS name", { name: "example-com" }, /existing Cloud DNS zone name/],
  ["a zone given as a bare name", "example-com", /an object is required/],
];

const badTimeouts: [what: string, value: unknown][] = [
  ["Google's 30-second default", 30],
  // Written out, not taken from the schema these tests check (issue 10).
  ["one second under an hour", 3599],
  ["one second over a day", 86_401],
  ["zero", 0],
  ["a negative number", -3600],
  ["a fraction", 3600.5],
  ["words", "an hour"],
  ["a boolean", true],
];

for (const stack of stackNames) {
  describe(`edge config on the ${stack} stack`, () => {
    // Parsed before each test, not while mocha loads the file (docs/testing.md).
    let shipped: StackConfig;
    beforeEach(() => {
      shipped = loadStackConfig(stack);
    });

    it("ships a hub domain and a websocket timeout of hours, within Google's advised day", () => {
      assert.match(shipped.edge.hubDomain, /^[a-z0-9.-]+$/);
      assert.ok(shipped.edge.backendTimeoutSeconds >= 3_600 && shipped.edge.backendTimeoutSeconds <= 86_400);
      assert.strictEqual(shipped.edge.existingZone, undefined); // both stacks own their zone
    });

    for (const [what, hubDomain, allowed] of badHubDomains) {
      it(`refuses a hub domain with ${what}`, () => assertRefused(stack, { hubDomain }, "hubDomain", allowed));
    }

    it("accepts the longest hub domain that leaves room for a 63-character user label", () => {
      const longest = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(57)}.com`;
      assert.strictEqual(longest.length, 189);
      assert.strictEqual(parseConfig(rawWith(stack, { hubDomain: longest })).edge.hubDomain, longest);
      assert.strictEqual(parseConfig(rawWith(stack, { hubDomain: "xn--hb-xka.example.com" })).edge.hubDomain, "xn--hb-xka.example.com");
    });

    for (const [what, dnsZone, allowed] of badZones) {
      it(`refuses ${what}`, () =>
        assertRefused(stack, { dnsZone: substituteHub(dnsZone, shipped.edge.hubDomain) }, "dnsZone", allowed));
    }

    it("accepts an existing zone for the hub domain itself or a parent, with or without the final dot", () => {
      const hub = shipped.edge.hubDomain;
      const parent = hub.split(".").slice(1).join(".");
      assert.deepStrictEqual(parseConfig(rawWith(stack, { dnsZone: { name: "hub-zone", dnsName: hub } })).edge.existingZone,
        { name: "hub-zone", dnsName: `${hub}.` });
      assert.deepStrictEqual(parseConfig(rawWith(stack, { dnsZone: JSON.stringify({ name: "parent", dnsName: `${parent}.` }) })).edge.existingZone,
        { name: "parent", dnsName: `${parent}.` });
    });

    for (const [what, value] of badTimeouts) {
      it(`refuses a backend timeout of ${what}`, () =>
        assertRefused(stack, { backendTimeoutSeconds: value }, "backendTimeoutSeconds", /whole number from 3600 to 86400/));
    }

    it("accepts the bounds and Pulumi's string form, and defaults to a day", () => {
      const timeout = (value: unknown) => parseConfig(rawWith(stack, { backendTimeoutSeconds: value })).edge.backendTimeoutSeconds;
      assert.strictEqual(timeout(3_600), 3_600);
      assert.strictEqual(timeout(86_400), 86_400);
      assert.strictEqual(timeout("7200"), 7_200);
      assert.strictEqual(timeout(undefined), configSchema.backendTimeoutSeconds.default);
      assert.strictEqual(configSchema.backendTimeoutSeconds.default, 86_400);
    });

    it("reports every bad edge key at once", () => {
      const issues = configIssues(stack, { hubDomain: "*.bad", dnsZone: { name: "1", dnsName: "x." }, backendTimeoutSeconds: 30 });
      assert.deepStrictEqual(issues.map((i) => i.key).sort(), ["backendTimeoutSeconds", "dnsZone", "hubDomain"]);
    });
  });
}

/** Lets a case name the stack's hub domain as "HUB". */
function substituteHub(value: unknown, hubDomain: string): unknown {
  return value !== null && typeof value === "object"
    ? JSON.parse(JSON.stringify(value).split("HUB").join(hubDomain))
    : value;
}
