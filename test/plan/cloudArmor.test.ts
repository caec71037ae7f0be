// Cloud Armor at the edge, the plan's half: the per-client limits derived from the arrival rate and the
// policy's rules (order, Cloud Armor's bounds, the preview switch, the range lists). Their path scoping
// against a real JupyterHub is test/hub/hubRoutes.test.ts; the resources, test/components/cloudArmor.test.ts.
// Sources for every number are in infra/plan/cloudArmor.ts.

import * as assert from "assert";
import { CloudArmorConfig } from "../../infra/config/types";
import {
  ArmorRule,
  DEFAULT_RULE_PRIORITY,
  edgeRateLimits,
  peakArrivalPerMinute,
  HEADROOM,
  HUB_API_REQUESTS_PER_START,
  REQUESTS_PER_LOGIN,
  securityPolicyRules,
  STAFF_HUB_API_REQUESTS_PER_MINUTE,
  wafRuleSets,
} from "../../infra/plan/cloudArmor";
import { matches, rulesFor, subexpressions } from "../support/cloudArmorRules";
import { loadStackConfig } from "../support/stacks";

const noRanges: CloudArmorConfig = { wafMode: "preview", allowedClientRanges: [], deniedClientRanges: [], logSampleRate: 1 };

// Cloud Armor's documented bounds ("Rate limiting overview"): intervals and counts.
const ALLOWED_INTERVALS = [10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600];
const ALLOWED_BAN_DURATIONS = [60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600];

describe("Cloud Armor at the edge: the plan", () => {
  describe("per-client limits, derived from the arrival rate", () => {
    it("the event stack (its busiest class: 1,000 users over 10 minutes, 100 a minute): 600 logins and 720 hub API requests a minute per IP, a ban above 3,000 logins in 5 minutes", () => {
      const limits = edgeRateLimits(peakArrivalPerMinute(loadStackConfig("event").rush.classes));
      // Login: 100 users × 3 requests (login page, redirect, callback) × headroom 2 = 600.
      assert.deepStrictEqual(limits.login.threshold, { count: 600, intervalSec: 60 });
      // Five minutes at that rate: 3,000; a client above it is banned ten minutes.
      assert.deepStrictEqual(limits.login.ban, { threshold: { count: 3000, intervalSec: 300 }, durationSec: 600 });
      // Hub API: (100 starts × 3 requests + 60 staff requests) × 2 = 720.
      assert.deepStrictEqual(limits.hubApi.threshold, { count: 720, intervalSec: 60 });
    });

    it("the dev rehearsal (10 users over 5 minutes, 2 a minute) keeps a floor of a request a second for a person reloading a page", () => {
      const limits = edgeRateLimits(peakArrivalPerMinute(loadStackConfig("dev").rush.classes));
      assert.deepStrictEqual(limits.login.threshold, { count: 60, intervalSec: 60 }); // 2 × 3 × 2 = 12 < 60
      assert.deepStrictEqual(limits.hubApi.threshold, { count: 132, intervalSec: 60 }); // (6 + 60) × 2
    });

    it("reads the busiest class, whole: 600 over 15 minutes is 40 a minute, 1,000 over 10 is 100", () => {
      assert.strictEqual(peakArrivalPerMinute([{ users: 600, arrivalMinutes: 15 }, { users: 1000, arrivalMinutes: 10 }]), 100);
    });

    it("at 5,000 arrivals a minute shortens the login window to stay within a ban rule's 10,000, and only throttles", () => {
      const limits = edgeRateLimits(5_000);
      assert.deepStrictEqual(limits.login.threshold, { count: 5_000, intervalSec: 10 }); // 30,000 a minute
      assert.strictEqual(limits.login.ban, undefined); // 150,000 in five minutes is beyond the ban's bound
      const rule = securityPolicyRules(noRanges, limits).find((r) => r.priority === 3000)!;
      assert.strictEqual(rule.action, "throttle");
      assert.strictEqual(rule.rateLimitOptions?.banThreshold, undefined);
    });

    it("for every arrival rate from 1 to 5,000 a minute (a timetable's users over its arrivalMinutes), admits the whole event's peak from one NAT'd address, within Cloud Armor's bounds", () => {
      for (let rate = 1; rate <= 5_000; rate += rate < 100 ? 1 : 37) {
        const { login, hubApi } = edgeRateLimits(rate);
        const perMinute = (t: { count: number; intervalSec: number }) => (t.count * 60) / t.intervalSec;
        assert.ok(perMinute(login.threshold) >= rate * REQUESTS_PER_LOGIN * HEADROOM - 1e-9, `login at ${rate}`);
        assert.ok(perMinute(hubApi.threshold) >= (rate * HUB_API_REQUESTS_PER_START + STAFF_HUB_API_REQUESTS_PER_MINUTE) * HEADROOM - 1e-9, `api at ${rate}`);
        for (const t of [login.threshold, hubApi.threshold, ...(login.ban ? [login.ban.threshold] : [])]) {
          assert.ok(ALLOWED_INTERVALS.includes(t.intervalSec), `interval ${t.intervalSec} at ${rate}`);
          assert.ok(Number.isInteger(t.count) && t.count >= 1, `count ${t.count} at ${rate}`);
        }
        assert.ok(login.threshold.count <= 10_000 && (login.ban?.threshold.count ?? 0) <= 10_000, `ban bounds at ${rate}`);
        assert.ok(hubApi.threshold.count <= 1_000_000, `throttle bound at ${rate}`);
        if (login.ban) assert.ok(ALLOWED_BAN_DURATIONS.includes(login.ban.durationSec));
      }
    });

  });

  describe("the policy's rules", () => {
    // Computed before each test, not while mocha loads the file (docs/testing.md).
    let limits: ReturnType<typeof edgeRateLimits>;
    beforeEach(() => {
      limits = edgeRateLimits(peakArrivalPerMinute(loadStackConfig("event").rush.classes));
    });

    it("run range lists first, then the WAF, then the rate limits (which allow what they do not limit), then the default allow", () => {
      const rules = securityPolicyRules({ ...noRanges, allowedClientRanges: ["198.51.100.0/24"], deniedClientRanges: ["203.0.113.0/24"] }, limits);
      const priorities = rules.map((r) => r.priority);
      assert.deepStrictEqual(priorities, [...priorities].sort((a, b) => a - b));
      assert.strictEqual(new Set(priorities).size, priorities.length);
      const kind = (r: ArmorRule) =>
        r.priority === DEFAULT_RULE_PRIORITY ? "default" : r.rateLimitOptions ? "limit" : r.description.startsWith("WAF") ? "waf" : "ranges";
      assert.deepStrictEqual([...new Set(rules.map(kind))], ["ranges", "waf", "limit", "default"]);
      assert.deepStrictEqual(rules[rules.length - 1], {
        priority: DEFAULT_RULE_PRIORITY, description: "Default: allow", action: "allow", match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
      });
    });

    it("stay within Cloud Armor's limits: five subexpressions, ten ranges a rule, 64-character descriptions", () => {
      const denied = Array.from({ length: 25 }, (_, i) => `203.0.${i}.0/24`);
      const allowed = Array.from({ length: 5 }, (_, i) => `198.51.${i}.0/24`);
      const rules = securityPolicyRules({ ...noRanges, allowedClientRanges: allowed, deniedClientRanges: denied }, limits);
      assert.strictEqual(rules.filter((r) => r.description.startsWith("Refused")).length, 3);
      for (const rule of rules) {
        assert.ok(subexpressions(rule) <= 5, `${rule.description}: ${subexpressions(rule)} subexpressions`);
        if ("versionedExpr" in rule.match) assert.ok(rule.match.config.srcIpRanges.length <= 10, rule.description);
        assert.ok(rule.description.length <= 64, rule.description);
      }
      // Every refused range is refused, and nothing outside the allowed ranges gets through.
      for (const range of denied) assert.ok(rules.some((r) => r.action === "deny(403)" && matches(r, { path: "/", ip: range.replace("0/24", "7") })), range);
      const outsider = rulesFor({ path: "/user/a/lab", ip: "192.0.2.1" }, rules);
      assert.deepStrictEqual(outsider.map((r) => r.description), ["Clients outside edgeAllowedRanges"]);
      assert.deepStrictEqual(rulesFor({ path: "/user/a/lab", ip: "198.51.3.9" }, rules), []);
    });

    it("keep the WAF in preview until edgeWafMode is enforce, and never preview the rate limits", () => {
      for (const wafMode of ["preview", "enforce"] as const) {
        const rules = securityPolicyRules({ ...noRanges, wafMode }, limits);
        const waf = rules.filter((r) => r.description.startsWith("WAF"));
        assert.deepStrictEqual(waf.map((r) => r.preview), waf.map(() => wafMode === "preview"));
        assert.ok(rules.filter((r) => r.rateLimitOptions).every((r) => r.preview === undefined));
      }
    });

    it("evaluate Google's CRS 4.22 rule sets at sensitivity 1, without methodenforcement, which would refuse the hub API's DELETE and PATCH", () => {
      const rules = securityPolicyRules(noRanges, limits).filter((r) => r.description.startsWith("WAF"));
      assert.deepStrictEqual(rules.map((r) => ("expr" in r.match ? /evaluatePreconfiguredWaf\('([^']+)'/.exec(r.match.expr.expression)?.[1] : "")), [...wafRuleSets]);
      assert.ok(wafRuleSets.every((s) => /^[a-z]+-v422-stable$/.test(s)));
      assert.ok(!wafRuleSets.some((s) => s.startsWith("methodenforcement")));
    });

    it("count requests per client IP and answer 429 above the limit", () => {
      for (const rule of securityPolicyRules(noRanges, limits).filter((r) => r.rateLimitOptions)) {
        assert.strictEqual(rule.rateLimitOptions?.enforceOnKey, "IP");
        assert.strictEqual(rule.rateLimitOptions?.exceedAction, "deny(429)");
        assert.strictEqual(rule.rateLimitOptions?.conformAction, "allow");
      }
    });
  });
});
