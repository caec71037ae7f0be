import * as assert from "assert";
import { CloudArmorConfig } from "../../infra/config/types";
import { edgeProtectionOutput, edgeRateLimits, planSecurityPolicy, securityPolicyRules } from "../../infra/plan/cloudArmor";

// The security policy written out whole: every rule as Cloud Armor receives it, and the `edgeProtection`
// output an organiser reads. Rule names: Cloud Armor "Preconfigured WAF rules overview" (CRS 4.22, the
// -v422-stable sets); expressions: Cloud Armor "Custom rules language reference" (`inIpRange`,
// `request.path`, `evaluatePreconfiguredWaf`); rate-limit fields: @pulumi/gcp 9.37 SecurityPolicyRule.

const waf = ["sqli", "xss", "lfi", "rfi", "rce", "scannerdetection", "protocolattack", "sessionfixation"].map((s) => `${s}-v422-stable`);
const denied = Array.from({ length: 11 }, (_, i) => `203.0.113.${i}/32`);
const armor: CloudArmorConfig = { wafMode: "enforce", allowedClientRanges: ["10.0.0.0/8", "192.168.0.0/16"], deniedClientRanges: denied, logSampleRate: 0.5 };
const open: CloudArmorConfig = { wafMode: "preview", allowedClientRanges: [], deniedClientRanges: [], logSampleRate: 1 };

describe("Cloud Armor's security policy, written out", () => {
  it("every rule in order: denied ranges ten to a rule, the allow-list, the WAF on /hub/, login and API limits, the default", () => {
    // 100 arrivals a minute: 600 logins a minute, a ban above 3,000 in 5 minutes, 720 API requests a minute.
    assert.deepStrictEqual(securityPolicyRules(armor, edgeRateLimits(100)), [
      { priority: 1000, description: "Refused client ranges (edgeDeniedRanges)", action: "deny(403)", match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: denied.slice(0, 10) } } },
      { priority: 1001, description: "Refused client ranges (edgeDeniedRanges)", action: "deny(403)", match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["203.0.113.10/32"] } } },
      {
        priority: 1100,
        description: "Clients outside edgeAllowedRanges",
        action: "deny(403)",
        match: { expr: { expression: "!inIpRange(origin.ip, '10.0.0.0/8') && !inIpRange(origin.ip, '192.168.0.0/16')" } },
      },
      ...waf.map((set, i) => ({
        priority: 2000 + i,
        description: `WAF ${set} on hub paths`,
        action: "deny(403)",
        match: { expr: { expression: `request.path.startsWith('/hub/') && evaluatePreconfiguredWaf('${set}', {'sensitivity': 1})` } },
        preview: false,
      })),
      {
        priority: 3000,
        description: "Login requests per client IP",
        action: "rate_based_ban",
        match: { expr: { expression: "request.path == '/hub/login' || request.path == '/hub/oauth_login' || request.path == '/hub/oauth_callback'" } },
        rateLimitOptions: {
          conformAction: "allow",
          exceedAction: "deny(429)",
          enforceOnKey: "IP",
          rateLimitThreshold: { count: 600, intervalSec: 60 },
          banThreshold: { count: 3000, intervalSec: 300 },
          banDurationSec: 600,
        },
      },
      {
        priority: 3100,
        description: "Hub API requests per client IP",
        action: "throttle",
        match: { expr: { expression: "request.path.startsWith('/hub/api/')" } },
        rateLimitOptions: { conformAction: "allow", exceedAction: "deny(429)", enforceOnKey: "IP", rateLimitThreshold: { count: 720, intervalSec: 60 } },
      },
      { priority: 2147483647, description: "Default: allow", action: "allow", match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } } },
    ]);
  });

  it("exactly ten denied ranges make one rule; none, no rule, and no allow-list rule without allowed ranges", () => {
    const ten = securityPolicyRules({ ...open, deniedClientRanges: denied.slice(0, 10) }, edgeRateLimits(100));
    assert.deepStrictEqual(ten.filter((r) => r.priority < 2000).map((r) => r.priority), [1000]);
    const none = securityPolicyRules(open, edgeRateLimits(100));
    assert.deepStrictEqual(none.map((r) => r.priority).slice(0, 2), [2000, 2001]);
    assert.ok(none.filter((r) => r.priority >= 2000 && r.priority < 3000).every((r) => r.preview === true), "preview mode logs the WAF rules only");
  });

  it("a login window at exactly Cloud Armor's count bound keeps the minute; one more shortens it (bounds: 10,000 for a ban rule)", () => {
    // 1,666.6666 arrivals × 3 × 2 = 9,999.9996 → 10,000 a minute; 1,666.67 → 10,001 → 5,001 per 30 s.
    assert.deepStrictEqual(edgeRateLimits(1666.6666).login.threshold, { count: 10000, intervalSec: 60 });
    assert.deepStrictEqual(edgeRateLimits(1666.67).login.threshold, { count: 5001, intervalSec: 30 });
  });

  it("a ban at exactly 10,000 logins in five minutes; above it, a throttle only", () => {
    // 333.3333 × 6 → 2,000 a minute → 10,000 in 300 s; 333.34 → 2,001 → 10,005.
    assert.deepStrictEqual(edgeRateLimits(333.3333).login.ban, { threshold: { count: 10000, intervalSec: 300 }, durationSec: 600 });
    assert.strictEqual(edgeRateLimits(333.34).login.ban, undefined);
    const rule = securityPolicyRules(open, edgeRateLimits(333.34)).find((r) => r.priority === 3000);
    assert.deepStrictEqual([rule?.action, rule?.rateLimitOptions], ["throttle", { conformAction: "allow", exceedAction: "deny(429)", enforceOnKey: "IP", rateLimitThreshold: { count: 2001, intervalSec: 60 } }]);
  });

  it("the plan and the edgeProtection output, enforced with ranges and a ban", () => {
    const policy = planSecurityPolicy(armor, 100);
    assert.deepStrictEqual([policy.wafMode, policy.clientRanges, policy.adaptiveProtection, policy.logSampleRate], ["enforce", { allowed: armor.allowedClientRanges, denied }, true, 500000]);
    assert.deepStrictEqual(edgeProtectionOutput(policy), {
      waf: `enforced on /hub/*: ${waf.join(", ")} at sensitivity 1`,
      loginPerClientIp: "600 per 60 s; banned 600 s above 3000 per 300 s",
      hubApiPerClientIp: "720 per 60 s",
      allowedClientRanges: ["10.0.0.0/8", "192.168.0.0/16"],
      deniedClientRanges: denied,
      adaptiveProtection: "layer 7 DDoS detection on",
      logSampleRate: 0.5,
    });
  });

  it("the edgeProtection output in preview, open to everyone, throttled without a ban", () => {
    // 5,000 a minute: 30,000 logins a minute → 5,000 per 10 s; (15,000 + 60) × 2 = 30,120 API requests a minute.
    assert.deepStrictEqual(edgeProtectionOutput(planSecurityPolicy(open, 5000)), {
      waf: `preview (logged, not enforced) on /hub/*: ${waf.join(", ")} at sensitivity 1`,
      loginPerClientIp: "5000 per 10 s",
      hubApiPerClientIp: "30120 per 60 s",
      allowedClientRanges: "everyone",
      deniedClientRanges: [],
      adaptiveProtection: "layer 7 DDoS detection on",
      logSampleRate: 1,
    });
  });

  it("refuses a rate beyond Cloud Armor's count even per 10 s, naming both", () => {
    // The login window is held to 10,000 even per 10 s: 10,000 arrivals a minute fit (60,000 logins a
    // minute, 10,000 per 10 s), 10,001 do not (60,006).
    assert.deepStrictEqual(edgeRateLimits(10_000).login.threshold, { count: 10000, intervalSec: 10 });
    assert.throws(() => edgeRateLimits(10_001), (e: unknown) => e instanceof RangeError && e.message === "60006 requests a minute exceed Cloud Armor's 10000 per 10 s");
  });
});
