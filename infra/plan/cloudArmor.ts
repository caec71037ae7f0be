// Cloud Armor in front of the hub and the user servers, as plain data: the rate limits, derived from the
// event's arrival rate, and the security policy's rules in the order Cloud Armor evaluates them. HubEdge
// (components/edge.ts) declares the policy from this; HubGateway attaches it to the proxy's backend.
//
// How Cloud Armor evaluates (Cloud Armor docs, "Configure custom rules language attributes"): the action of
// the highest-priority (lowest number) matching rule is taken and no later rule is evaluated; a rule in
// preview is logged but not enforced, and evaluation goes on. A throttle or rate-based ban *allows* a
// request under its limit, so the WAF rules must come before the rate limits. An expression holds at most
// five subexpressions, a basic match at most ten ranges.
//
// What the policy sees (Cloud Armor docs, "Security policy overview"): one load balancer backend, the
// proxy, serves the hub (`<hubDomain>/hub/...`) and every user's server (`<user>.<hubDomain>/user/...`).
// "WebSocket channels are initiated from HTTP(S) requests … Cloud Armor doesn't evaluate any messages
// after the first request", so a kernel's websocket (`/user/<name>/api/kernels/<id>/channels`) is one
// request to the rules, however long it lives. The rules below leave user servers' paths alone except for
// the client range lists: WAF signatures would read notebooks full of code (saved through the contents
// API) as injection attempts, and a user's own server is already theirs alone.
//
// The hub's own background traffic never passes the load balancer: the idle culler calls
// http://localhost:8081/hub/api inside the hub pod, and user servers reach the hub at its cluster Service
// (`hub_connect_url`, Z2JH 4.4.0 files/hub/jupyterhub_config.py), so activity reports and token checks are
// not counted against any client here.

import { ClassSpec, CloudArmorConfig } from "../config/types";

/** Where the hub serves its pages and API (JupyterHub's `/hub/` prefix; base_url is `/`). */
export const hubPathPrefix = "/hub/";
export const hubApiPrefix = "/hub/api/";

/**
 * The login flow: JupyterHub's login page, and OAuthenticator's redirect to the identity provider and the
 * callback from it (oauthenticator 17 `OAuthenticator.get_handlers`; the callback is the
 * `oauth_callback_url` the program configures, chart/identity.ts).
 */
export const loginPaths = ["/hub/login", "/hub/oauth_login", "/hub/oauth_callback"] as const;

/**
 * Google's preconfigured WAF rules (OWASP CRS 4.22; Cloud Armor docs, "Preconfigured WAF rules overview"),
 * the classes that apply to a Python web app behind a login. Left out: `methodenforcement`, whose CRS rule
 * 911100 admits only GET, HEAD, POST and OPTIONS while the hub's REST API stops servers with DELETE and
 * edits users with PATCH; and `php`, `java`, `nodejs`, which target runtimes the hub does not have.
 */
export const wafRuleSets = [
  "sqli-v422-stable",
  "xss-v422-stable",
  "lfi-v422-stable",
  "rfi-v422-stable",
  "rce-v422-stable",
  "scannerdetection-v422-stable",
  "protocolattack-v422-stable",
  "sessionfixation-v422-stable",
] as const;

/** Sensitivity 1: only CRS paranoia level 1, the highest-confidence signatures (Cloud Armor "Tune preconfigured WAF rules"). */
export const WAF_SENSITIVITY = 1;

// The derivation of the per-client limits. A client is an IP address: the only key a browser cannot set
// itself (XFF_IP and HTTP headers are the client's to write) and that exists before login (HTTP_COOKIE
// "defaults to ALL if no such cookie is present", so every cookieless login request would share one
// bucket; Cloud Armor docs, "Rate limiting overview"). A classroom behind one NAT is one IP, so each limit
// admits the whole event's peak from a single address, twice over: a venue where everyone shares one
// address never meets it, and one source sending more than the entire event ever would is slowed or banned.

/** A login is the login page, the redirect to the identity provider and its callback. */
export const REQUESTS_PER_LOGIN = loginPaths.length;
/** A server start: its progress stream, the server's OAuth authorize, a start or stop from the home page. */
export const HUB_API_REQUESTS_PER_START = 3;
/** Staff on the admin page: paging, searching and stopping servers, a request a second at most. */
export const STAFF_HUB_API_REQUESTS_PER_MINUTE = 60;
/** Twice the derived peak: a burst inside the minute, a reload or a retry after an identity-provider error. */
export const HEADROOM = 2;
/** Never below a request a second, what one person reloading a page sends, whatever a tiny event's rate. */
const MIN_REQUESTS_PER_MINUTE = 60;

// Cloud Armor's bounds (Cloud Armor docs, "Rate limiting overview"): intervals of 10, 30, 60 … 3600 s;
// a throttle counts up to 1,000,000 requests, a rate-based ban up to 10,000 (the ban threshold's own
// maximum is not given; it is held to the same); ban durations of 60 … 3600 s.
const THROTTLE_MAX_COUNT = 1_000_000;
const BAN_MAX_COUNT = 10_000;
const WINDOWS_SEC = [60, 30, 10] as const;
/** A client is banned after sending five minutes' worth of over-limit login requests, for ten minutes. */
const BAN_WINDOW_SEC = 300;
export const BAN_DURATION_SEC = 600;

export interface RateLimitThreshold {
  readonly count: number;
  readonly intervalSec: number;
}

export interface EdgeRateLimits {
  /** Login requests per client IP: a ban when the ban threshold fits Cloud Armor's bounds, else a throttle. */
  readonly login: {
    readonly perMinute: number;
    readonly threshold: RateLimitThreshold;
    readonly ban?: { readonly threshold: RateLimitThreshold; readonly durationSec: number };
  };
  /** Hub API requests per client IP, throttled. */
  readonly hubApi: { readonly perMinute: number; readonly threshold: RateLimitThreshold };
}

/** The longest window up to a minute whose count stays within `max` (shorter windows divide the count). */
function windowFor(perMinute: number, max: number): RateLimitThreshold {
  for (const intervalSec of WINDOWS_SEC) {
    const count = Math.ceil((perMinute * intervalSec) / 60);
    if (count <= max) return { count, intervalSec };
  }
  throw new RangeError(`${perMinute} requests a minute exceed Cloud Armor's ${max} per 10 s`);
}

/**
 * The timetable's busiest arrival in users a minute: a class's users over its arrivalMinutes, as the rush
 * model reads it (rush/hub.ts peakArrivalPerSecond, per second). Per minute so a whole rate stays whole.
 */
export function peakArrivalPerMinute(classes: readonly Pick<ClassSpec, "users" | "arrivalMinutes">[]): number {
  return Math.max(0, ...classes.map((c) => c.users / c.arrivalMinutes));
}

/** The per-client limits for an event whose busiest minute brings `arrivalRatePerMinute` users. */
export function edgeRateLimits(arrivalRatePerMinute: number): EdgeRateLimits {
  const loginPerMinute = Math.max(MIN_REQUESTS_PER_MINUTE, Math.ceil(arrivalRatePerMinute * REQUESTS_PER_LOGIN * HEADROOM));
  const apiPerMinute = Math.max(
    MIN_REQUESTS_PER_MINUTE,
    Math.ceil((arrivalRatePerMinute * HUB_API_REQUESTS_PER_START + STAFF_HUB_API_REQUESTS_PER_MINUTE) * HEADROOM),
  );
  const banCount = Math.ceil((loginPerMinute * BAN_WINDOW_SEC) / 60);
  return {
    login: {
      perMinute: loginPerMinute,
      threshold: windowFor(loginPerMinute, BAN_MAX_COUNT),
      ...(banCount <= BAN_MAX_COUNT
        ? { ban: { threshold: { count: banCount, intervalSec: BAN_WINDOW_SEC }, durationSec: BAN_DURATION_SEC } }
        : {}),
    },
    hubApi: { perMinute: apiPerMinute, threshold: windowFor(apiPerMinute, THROTTLE_MAX_COUNT) },
  };
}

/** A security policy rule as @pulumi/gcp 9.37 `compute.SecurityPolicyRule` takes it, as plain data. */
export interface ArmorRule {
  readonly priority: number;
  /** At most 64 characters (the API's limit). */
  readonly description: string;
  readonly action: "allow" | "deny(403)" | "throttle" | "rate_based_ban";
  readonly match:
    | { readonly versionedExpr: "SRC_IPS_V1"; readonly config: { readonly srcIpRanges: readonly string[] } }
    | { readonly expr: { readonly expression: string } };
  readonly preview?: boolean;
  readonly rateLimitOptions?: {
    readonly conformAction: "allow";
    readonly exceedAction: "deny(429)";
    readonly enforceOnKey: "IP";
    readonly rateLimitThreshold: RateLimitThreshold;
    readonly banThreshold?: RateLimitThreshold;
    readonly banDurationSec?: number;
  };
}

export interface SecurityPolicyPlan {
  readonly rules: readonly ArmorRule[];
  readonly limits: EdgeRateLimits;
  readonly wafMode: CloudArmorConfig["wafMode"];
  readonly clientRanges: { readonly allowed: readonly string[]; readonly denied: readonly string[] };
  /** Layer 7 DDoS detection (Adaptive Protection); alerts only, unless the project has Cloud Armor Enterprise. */
  readonly adaptiveProtection: true;
  /** The load balancer's log sample rate as GCPBackendPolicy takes it: 0 to 1,000,000. */
  readonly logSampleRate: number;
}

export const DEFAULT_RULE_PRIORITY = 2_147_483_647;
const MAX_RANGES_PER_RULE = 10;
const quote = (s: string) => `'${s}'`;

/** `request.path` is one of `paths`. */
const pathIsOneOf = (paths: readonly string[]) => paths.map((p) => `request.path == ${quote(p)}`).join(" || ");

/** The rules, in Cloud Armor's order. */
export function securityPolicyRules(armor: CloudArmorConfig, limits: EdgeRateLimits): ArmorRule[] {
  const rules: ArmorRule[] = [];
  // 1. Refused ranges, ten to a rule.
  for (let i = 0; i * MAX_RANGES_PER_RULE < armor.deniedClientRanges.length; i++) {
    rules.push({
      priority: 1000 + i,
      description: "Refused client ranges (edgeDeniedRanges)",
      action: "deny(403)",
      match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: armor.deniedClientRanges.slice(i * MAX_RANGES_PER_RULE, (i + 1) * MAX_RANGES_PER_RULE) } },
    });
  }
  // 2. Everyone outside the allowed ranges, when there are any: one expression, five ranges at most.
  if (armor.allowedClientRanges.length > 0) {
    rules.push({
      priority: 1100,
      description: "Clients outside edgeAllowedRanges",
      action: "deny(403)",
      match: { expr: { expression: armor.allowedClientRanges.map((r) => `!inIpRange(origin.ip, ${quote(r)})`).join(" && ") } },
    });
  }
  // 3. Google's WAF rules on the hub's own paths, in preview until edgeWafMode is `enforce`.
  wafRuleSets.forEach((ruleSet, i) => {
    rules.push({
      priority: 2000 + i,
      description: `WAF ${ruleSet} on hub paths`,
      action: "deny(403)",
      match: { expr: { expression: `request.path.startsWith(${quote(hubPathPrefix)}) && evaluatePreconfiguredWaf(${quote(ruleSet)}, {'sensitivity': ${WAF_SENSITIVITY}})` } },
      preview: armor.wafMode === "preview",
    });
  });
  // 4. Rate limits per client IP: login, then the hub API.
  const { login, hubApi } = limits;
  rules.push({
    priority: 3000,
    description: "Login requests per client IP",
    action: login.ban ? "rate_based_ban" : "throttle",
    match: { expr: { expression: pathIsOneOf(loginPaths) } },
    rateLimitOptions: {
      conformAction: "allow",
      exceedAction: "deny(429)",
      enforceOnKey: "IP",
      rateLimitThreshold: login.threshold,
      ...(login.ban ? { banThreshold: login.ban.threshold, banDurationSec: login.ban.durationSec } : {}),
    },
  });
  rules.push({
    priority: 3100,
    description: "Hub API requests per client IP",
    action: "throttle",
    match: { expr: { expression: `request.path.startsWith(${quote(hubApiPrefix)})` } },
    rateLimitOptions: { conformAction: "allow", exceedAction: "deny(429)", enforceOnKey: "IP", rateLimitThreshold: hubApi.threshold },
  });
  // 5. Everything else: allowed (the API requires this default rule).
  rules.push({
    priority: DEFAULT_RULE_PRIORITY,
    description: "Default: allow",
    action: "allow",
    match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
  });
  return rules;
}

/** The security policy of a stack: its rules, limits and logging. */
export function planSecurityPolicy(armor: CloudArmorConfig, arrivalRatePerMinute: number): SecurityPolicyPlan {
  const limits = edgeRateLimits(arrivalRatePerMinute);
  return {
    rules: securityPolicyRules(armor, limits),
    limits,
    wafMode: armor.wafMode,
    clientRanges: { allowed: armor.allowedClientRanges, denied: armor.deniedClientRanges },
    adaptiveProtection: true,
    logSampleRate: Math.round(armor.logSampleRate * 1_000_000),
  };
}

/** The `edgeProtection` stack output: what an organiser checks before the event. */
export function edgeProtectionOutput(policy: SecurityPolicyPlan) {
  const { login, hubApi } = policy.limits;
  const per = (t: RateLimitThreshold) => `${t.count} per ${t.intervalSec} s`;
  return {
    waf: `${policy.wafMode === "preview" ? "preview (logged, not enforced)" : "enforced"} on ${hubPathPrefix}*: ${wafRuleSets.join(", ")} at sensitivity ${WAF_SENSITIVITY}`,
    loginPerClientIp: `${per(login.threshold)}${login.ban ? `; banned ${login.ban.durationSec} s above ${per(login.ban.threshold)}` : ""}`,
    hubApiPerClientIp: per(hubApi.threshold),
    allowedClientRanges: policy.clientRanges.allowed.length > 0 ? policy.clientRanges.allowed : "everyone",
    deniedClientRanges: policy.clientRanges.denied,
    adaptiveProtection: "layer 7 DDoS detection on",
    logSampleRate: policy.logSampleRate / 1_000_000,
  };
}
