// Cloud Armor at the edge: the per-client limits derived from the arrival rate, the policy's rules (order,
// Cloud Armor's bounds, the preview switch, the range lists), their path scoping checked against a real
// JupyterHub's routing (hub_routes_driver.py), and the SecurityPolicy and GCPBackendPolicy the components
// declare, the latter validated against GKE's own CRD schema (@kubernetes-models/gke 4.6.2).
// Sources for every number are in infra/plan/cloudArmor.ts.

import * as assert from "assert";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import { GCPBackendPolicy } from "@kubernetes-models/gke/networking.gke.io/v1/GCPBackendPolicy";
import { ConfigError } from "../../infra/config/errors";
import { parseConfig } from "../../infra/config/parse";
import { CloudArmorConfig, StackConfig } from "../../infra/config/types";
import { HubEdge } from "../../infra/components/edge";
import { gcpBackendPolicyDefaults, HubGateway } from "../../infra/components/gateway";
import { planAll } from "../../infra/plan";
import {
  ArmorRule,
  DEFAULT_RULE_PRIORITY,
  edgeRateLimits,
  HEADROOM,
  HUB_API_REQUESTS_PER_START,
  hubApiPrefix,
  loginPaths,
  planSecurityPolicy,
  REQUESTS_PER_LOGIN,
  securityPolicyRules,
  STAFF_HUB_API_REQUESTS_PER_MINUTE,
  wafRuleSets,
} from "../../infra/plan/cloudArmor";
import { hubHostnameList } from "../../infra/plan/hostnames";
import { runOffline } from "../../infra/tools/offline";
import { contains, parseIpv4Cidr } from "../../policy-pack/contracts/cidr";
import { inputs, one } from "../support/resources";
import { loadStackConfig, rawWith } from "../support/stacks";
import { removeScratchDirs, requirePythonModule, runPython, scratchDir } from "../hub/python";

const noRanges: CloudArmorConfig = { wafMode: "preview", allowedClientRanges: [], deniedClientRanges: [], logSampleRate: 1 };

// Cloud Armor's documented bounds ("Rate limiting overview"): intervals and counts.
const ALLOWED_INTERVALS = [10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600];
const ALLOWED_BAN_DURATIONS = [60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600];

/**
 * Evaluates the subset of Cloud Armor's rules language these rules use, as the rules language reference
 * defines it: `||` of `&&` of atoms (NOT binds tighter than AND, AND than OR). An atom it does not know
 * fails the test rather than being guessed. A WAF call counts as matching: the question here is which
 * requests a rule inspects.
 */
function matches(rule: ArmorRule, request: { path: string; ip: string }): boolean {
  if ("versionedExpr" in rule.match) {
    const ranges = rule.match.config.srcIpRanges;
    return ranges.includes("*") || ranges.some((r) => contains(parseIpv4Cidr(r)!, parseIpv4Cidr(`${request.ip}/32`)!));
  }
  const atom = (text: string): boolean => {
    const t = text.trim();
    let m: RegExpExecArray | null;
    if ((m = /^request\.path == '([^']*)'$/.exec(t))) return request.path === m[1];
    if ((m = /^request\.path\.startsWith\('([^']*)'\)$/.exec(t))) return request.path.startsWith(m[1]!);
    if ((m = /^(!?)inIpRange\(origin\.ip, '([^']*)'\)$/.exec(t))) {
      const inside = contains(parseIpv4Cidr(m[2]!)!, parseIpv4Cidr(`${request.ip}/32`)!);
      return m[1] === "!" ? !inside : inside;
    }
    if (/^evaluatePreconfiguredWaf\('[a-z0-9-]+', \{'sensitivity': [0-4]\}\)$/.test(t)) return true;
    throw new Error(`unknown atom in a rule expression: ${t}`);
  };
  return rule.match.expr.expression.split("||").some((clause) => clause.split("&&").every(atom));
}

/** Subexpressions of a rule (Cloud Armor allows five): the atoms joined by && and ||. */
const subexpressions = (rule: ArmorRule) => ("expr" in rule.match ? rule.match.expr.expression.split(/&&|\|\|/).length : 0);

const rulesFor = (request: { path: string; ip: string }, rules: readonly ArmorRule[]) => rules.filter((r) => r.priority !== DEFAULT_RULE_PRIORITY && matches(r, request));

describe("Cloud Armor at the edge", function () {
  this.timeout(120_000);

  describe("per-client limits, derived from the arrival rate", () => {
    it("the event stack (60 arrivals a minute): 360 logins and 480 hub API requests a minute per IP, a ban above 1,800 logins in 5 minutes", () => {
      const limits = edgeRateLimits(loadStackConfig("event").capacity.arrivalRatePerMinute);
      // Login: 60 users × 3 requests (login page, redirect, callback) × headroom 2 = 360.
      assert.deepStrictEqual(limits.login.threshold, { count: 360, intervalSec: 60 });
      // Five minutes at that rate: 1,800; a client above it is banned ten minutes.
      assert.deepStrictEqual(limits.login.ban, { threshold: { count: 1800, intervalSec: 300 }, durationSec: 600 });
      // Hub API: (60 starts × 3 requests + 60 staff requests) × 2 = 480.
      assert.deepStrictEqual(limits.hubApi.threshold, { count: 480, intervalSec: 60 });
    });

    it("the dev rehearsal (1 a minute) keeps a floor of a request a second for a person reloading a page", () => {
      const limits = edgeRateLimits(loadStackConfig("dev").capacity.arrivalRatePerMinute);
      assert.deepStrictEqual(limits.login.threshold, { count: 60, intervalSec: 60 }); // 1 × 3 × 2 = 6 < 60
      assert.deepStrictEqual(limits.hubApi.threshold, { count: 126, intervalSec: 60 }); // (3 + 60) × 2
    });

    it("at 5,000 arrivals a minute shortens the login window to stay within a ban rule's 10,000, and only throttles", () => {
      const limits = edgeRateLimits(5_000);
      assert.deepStrictEqual(limits.login.threshold, { count: 5_000, intervalSec: 10 }); // 30,000 a minute
      assert.strictEqual(limits.login.ban, undefined); // 150,000 in five minutes is beyond the ban's bound
      const rule = securityPolicyRules(noRanges, limits).find((r) => r.priority === 3000)!;
      assert.strictEqual(rule.action, "throttle");
      assert.strictEqual(rule.rateLimitOptions?.banThreshold, undefined);
    });

    it("for every arrival rate the config allows, admits the whole event's peak from one NAT'd address, within Cloud Armor's bounds", () => {
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
    const event = loadStackConfig("event");
    const limits = edgeRateLimits(event.capacity.arrivalRatePerMinute);

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

  describe("path scoping, against a real JupyterHub's routing", () => {
    const rules = securityPolicyRules(noRanges, edgeRateLimits(60));
    const waf = rules.filter((r) => r.description.startsWith("WAF"));
    const login = rules.find((r) => r.priority === 3000)!;
    const api = rules.find((r) => r.priority === 3100)!;
    const ip = "203.0.113.50";
    const probes = [
      ...loginPaths,
      "/hub/logout",
      "/hub/",
      "/hub/home",
      "/hub/admin",
      "/hub/spawn",
      "/hub/spawn-pending/alice",
      "/hub/token",
      "/hub/api",
      "/hub/api/",
      "/hub/api/users",
      "/hub/api/users/alice/server",
      "/hub/api/users/alice/server/progress",
      "/hub/api/oauth2/authorize",
      "/hub/api/oauth2/token",
      // A user's server, on the user's own host; the kernel's websocket is one request to Cloud Armor.
      "/user/alice/api/kernels/6c1a/channels",
      "/user/alice/api/contents/notebook.ipynb",
      "/user/alice/lab",
      // Spellings that dodge the rules' match.
      "/%68ub/login",
      "/HUB/login",
      "/hub//login",
      "/hub/./login",
      "/Hub/api/users",
    ];
    let routes: Record<string, { handler: string | null; api: boolean }>;

    before(() => {
      requirePythonModule("jupyterhub");
      const result = runPython([path.join(__dirname, "..", "hub", "hub_routes_driver.py")], { input: JSON.stringify(probes), cwd: scratchDir("hub-routes-") });
      assert.strictEqual(result.status, 0, result.stderr);
      routes = JSON.parse(result.stdout);
    });
    after(removeScratchDirs);

    it("limits every path the hub answers with its login or OAuth handlers", () => {
      const loginHandlers = probes.filter((p) => ["LoginHandler", "OAuthLoginHandler", "OAuthCallbackHandler"].includes(routes[p]!.handler ?? ""));
      assert.deepStrictEqual(loginHandlers.sort(), [...loginPaths].sort());
      for (const p of loginHandlers) assert.ok(matches(login, { path: p, ip }), p);
    });

    it("limits every path the hub answers with its REST API, but the bare /hub/api version page", () => {
      const apiPaths = probes.filter((p) => routes[p]!.api);
      assert.ok(apiPaths.length >= 6, apiPaths.join(", "));
      for (const p of apiPaths) {
        if (p === "/hub/api") assert.strictEqual(routes[p]!.handler, "RootAPIHandler");
        else assert.ok(matches(api, { path: p, ip }), p);
      }
      assert.ok(apiPaths.every((p) => p.startsWith(hubApiPrefix) || p === "/hub/api"));
    });

    it("inspects with the WAF every path the hub serves a page or API for", () => {
      const served = probes.filter((p) => routes[p]!.handler !== null && !["PrefixRedirectHandler", "AddSlashHandler"].includes(routes[p]!.handler!));
      assert.ok(served.length >= 15, served.join(", "));
      for (const p of served) assert.ok(waf.every((r) => matches(r, { path: p, ip })), p);
    });

    it("leaves users' servers (their kernels' websockets, notebooks and pages) to the range lists alone", () => {
      for (const p of probes.filter((x) => x.startsWith("/user/"))) {
        assert.deepStrictEqual(rulesFor({ path: p, ip }, rules), [], p);
        assert.notStrictEqual(routes[p]!.handler, "LoginHandler");
      }
    });

    it("gains an attacker nothing by spelling a path so the rules miss it: the hub does not route it to those handlers either", () => {
      // Tornado matches routes against the raw path (tornado.routing.PathMatches), as Cloud Armor matches request.path.
      for (const p of ["/%68ub/login", "/HUB/login", "/hub//login", "/hub/./login", "/Hub/api/users"]) {
        assert.ok(!matches(login, { path: p, ip }) && !matches(api, { path: p, ip }), p);
        assert.ok(!["LoginHandler", "OAuthLoginHandler", "OAuthCallbackHandler"].includes(routes[p]!.handler ?? "") && !routes[p]!.api, `${p} reaches ${routes[p]!.handler}`);
      }
    });
  });

  describe("config", () => {
    const issuesOf = (changes: Record<string, unknown>) => {
      try {
        parseConfig(rawWith("dev", changes));
      } catch (e) {
        if (e instanceof ConfigError) return e.issues.map((i) => i.key);
        throw e;
      }
      return assert.fail(`expected ${JSON.stringify(changes)} to be refused`);
    };

    it("defaults to the WAF in preview, no range lists and every request logged", () => {
      assert.deepStrictEqual(loadStackConfig("dev").edge.cloudArmor, noRanges);
      const enforced = parseConfig(rawWith("dev", { edgeWafMode: "enforce", edgeLogSampleRate: 0.25, edgeDeniedRanges: ["203.0.113.0/24"] })).edge.cloudArmor;
      assert.deepStrictEqual(enforced, { wafMode: "enforce", allowedClientRanges: [], deniedClientRanges: ["203.0.113.0/24"], logSampleRate: 0.25 });
      assert.strictEqual(planSecurityPolicy(enforced, 1).logSampleRate, 250_000);
    });

    it("refuses private, too wide or misspelt ranges, more than five allowed ranges, and an unknown WAF mode", () => {
      assert.deepStrictEqual(issuesOf({ edgeAllowedRanges: ["10.0.0.0/8"] }), ["edgeAllowedRanges[0]"]);
      assert.deepStrictEqual(issuesOf({ edgeDeniedRanges: ["0.0.0.0/0", "203.0.113.1/24"] }), ["edgeDeniedRanges[0]", "edgeDeniedRanges[1]"]);
      assert.deepStrictEqual(issuesOf({ edgeAllowedRanges: Array.from({ length: 6 }, (_, i) => `198.51.${i}.0/24`) }), ["edgeAllowedRanges"]);
      assert.deepStrictEqual(issuesOf({ edgeWafMode: "block" }), ["edgeWafMode"]);
      assert.deepStrictEqual(issuesOf({ edgeLogSampleRate: 2 }), ["edgeLogSampleRate"]);
      // No logging would leave no record of Cloud Armor's decisions (and fail edge-backend-security-policy).
      assert.deepStrictEqual(issuesOf({ edgeLogSampleRate: 0 }), ["edgeLogSampleRate"]);
    });
  });

  describe("the components", () => {
    async function declare(config: StackConfig) {
      const plan = planAll(config);
      return runOffline("event", {}, [], () => {
        const edge = new HubEdge("edge", {
          project: config.platform.project,
          hubDomain: config.edge.hubDomain,
          namePrefix: "event",
          securityPolicy: plan.securityPolicy,
        });
        const provider = new k8s.Provider("k8s", { kubeconfig: "dummy" });
        new HubGateway("hub-gateway", {
          namespace: config.hub.namespace,
          hostnames: hubHostnameList(config.edge.hubDomain),
          certificateMapName: edge.certificateMapName,
          addressName: edge.addressName,
          sslPolicyName: edge.sslPolicyName,
          loadBalancerResources: edge.loadBalancerResources,
          backendTimeoutSeconds: config.edge.backendTimeoutSeconds,
          securityPolicyName: edge.securityPolicyName,
          logSampleRate: plan.securityPolicy.logSampleRate,
        }, { provider });
        return {};
      });
    }
    const securityPolicyType = "gcp:compute/securityPolicy:SecurityPolicy";
    const backendPolicyType = "kubernetes:networking.gke.io/v1:GCPBackendPolicy";

    it("declare a Cloud Armor backend policy with the plan's rules and layer 7 DDoS detection", async () => {
      const config = loadStackConfig("event");
      const policy = inputs(one(await declare(config), securityPolicyType));
      assert.strictEqual(policy.type, "CLOUD_ARMOR");
      assert.strictEqual(policy.name, "event-hub-armor");
      assert.strictEqual(policy.project, config.platform.project);
      assert.deepStrictEqual(policy.rules, planAll(config).securityPolicy.rules);
      assert.deepStrictEqual(policy.adaptiveProtectionConfig, { layer7DdosDefenseConfig: { enable: true } });
    });

    it("attach it to the proxy's backend with every request logged, in a GCPBackendPolicy GKE's CRD schema accepts", async () => {
      const run = await declare(loadStackConfig("event"));
      const securityPolicy = one(run, securityPolicyType);
      const backendPolicy = one(run, backendPolicyType);
      const manifest = inputs(backendPolicy);
      assert.strictEqual(manifest.spec.default.securityPolicy, inputs(securityPolicy).name);
      assert.deepStrictEqual(manifest.spec.default.logging, { enabled: true, sampleRate: 1_000_000 });
      assert.ok(backendPolicy.dependencies.includes(securityPolicy.urn), "the backend policy waits for the security policy");
      new GCPBackendPolicy(manifest).validate();
    });

    it("make the Gateway depend on the policy, so `pulumi destroy` deletes the load balancer before it", async () => {
      // Cloud Armor refuses to delete a policy a backend service still uses (Cloud Armor docs, "Security
      // policy overview"); GKE removes the backend service with the Gateway.
      const run = await declare(loadStackConfig("event"));
      const gateway = one(run, "kubernetes:gateway.networking.k8s.io/v1:Gateway");
      assert.ok(gateway.dependencies.includes(one(run, securityPolicyType).urn));
    });

    it("turn the load balancer's logging off only when the sample rate is 0, and refuse a rate GKE's CRD would not take", () => {
      const base = { backendTimeoutSeconds: 3600, securityPolicyName: "p" };
      assert.deepStrictEqual(gcpBackendPolicyDefaults({ ...base, logSampleRate: 0 }).logging, { enabled: false });
      assert.throws(() => gcpBackendPolicyDefaults({ ...base, logSampleRate: 0.5 }), /whole number from 0 to 1,000,000/);
      // The CRD schema itself refuses a fraction: the same check, by GKE's rules.
      const withFraction = { apiVersion: "networking.gke.io/v1" as const, kind: "GCPBackendPolicy" as const, metadata: { name: "x" }, spec: { default: { logging: { enabled: true, sampleRate: 0.5 } }, targetRef: { group: "", kind: "Service", name: "proxy-public" } } };
      assert.throws(() => new GCPBackendPolicy(withFraction).validate(), /sampleRate must be integer/);
    });
  });
});
