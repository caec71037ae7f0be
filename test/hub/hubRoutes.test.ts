// SLOW: starts a real JupyterHub's routing in Python (hub_routes_driver.py).
// Cloud Armor's path scoping (infra/plan/cloudArmor.ts), checked against what a real JupyterHub 3.0 routes
// where: the login and API rules reach every path the hub answers with those handlers, the WAF every page
// the hub serves, and nothing reaches users' servers (their kernels' websockets included).

import * as assert from "assert";
import * as path from "path";
import { CloudArmorConfig } from "../../infra/config/types";
import { edgeRateLimits, hubApiPrefix, loginPaths, securityPolicyRules } from "../../infra/plan/cloudArmor";
import { matches, rulesFor } from "../support/cloudArmorRules";
import { removeScratchDirs, requirePythonModule, runPython, scratchDir } from "./python";

const noRanges: CloudArmorConfig = { wafMode: "preview", allowedClientRanges: [], deniedClientRanges: [], logSampleRate: 1 };

describe("Cloud Armor's path scoping, against a real JupyterHub's routing", function () {
  this.timeout(120_000);
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
    const result = runPython([path.join(__dirname, "hub_routes_driver.py")], { input: JSON.stringify(probes), cwd: scratchDir("hub-routes-") });
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
