// SLOW: starts a real JupyterHub (Python) for each stack.
import * as assert from "assert";
import * as path from "path";
import { parseConfig } from "../../infra/config/parse";
import { StackConfig } from "../../infra/config/types";
import { readShippedFiles } from "../../infra/files";
import { planAll } from "../../infra/plan";
import { buildChartValues, summarizeHubSecurity, Z2jhValues } from "../../infra/plan/chart";
import { reachesOtherUsers, staffRoleName, staffScopes } from "../../infra/plan/hubRoles";
import { loadStackConfig, rawWith, stackNames } from "../support/stacks";
import { removeScratchDirs, requirePythonModule, runPython, scratchDir } from "./python";

// Who can do what on the hub, asked of a real JupyterHub: Debian's jupyterhub 3.0 (`apt-get install
// jupyterhub`, .ci/run), whose role loading, admin-flag sync, login bookkeeping and scope table are
// JupyterHub's own (hub_roles_driver.py says what the driver rebuilds). The chart ships JupyterHub 5.5.0;
// the parts used here are the same in both (jupyterhub/app.py init_role_assignment, handlers/base.py
// auth_to_user, roles.py, scopes.py at 5.5.0). 5.5 only adds scopes: admin:services, shares, read:shares,
// users:shares, read:users:shares, groups:shares and read:groups:shares (5.5.0 scopes.py); the built-in
// admin role gains admin:services and shares, and every scope both versions define has the same subscopes.
// None of the 5.5-only scopes is granted to staff.

const driver = path.join(__dirname, "hub_roles_driver.py");

interface UserState {
  readonly admin: boolean;
  readonly roles: string[];
  readonly groups: string[];
  readonly scopes: string[];
}
interface HubState {
  readonly jupyterhub: string;
  readonly unknownScopes: string[];
  readonly refused: string[];
  readonly users: Record<string, UserState>;
}
interface Login {
  readonly name: string;
  readonly groups: readonly string[];
}

interface HubSettings {
  readonly loadRoles: unknown;
  readonly authenticator: { readonly admin_users: readonly string[]; readonly admin_groups: readonly string[]; readonly allowed_groups: readonly string[] };
}

/** What the values give JupyterHub: the loaded roles and OAuthenticator's admin and allow settings. */
function hubSettings(values: Z2jhValues): HubSettings {
  const auth = values.hub.config.GenericOAuthenticator;
  return {
    loadRoles: values.hub.loadRoles ?? null,
    authenticator: { admin_users: auth.admin_users ?? [], admin_groups: auth.admin_groups, allowed_groups: auth.allowed_groups },
  };
}

/** One start of the hub in `dir` (a database kept across starts), then the logins. */
function startHub(dir: string, settings: HubSettings, logins: readonly Login[]): HubState {
  const result = runPython([driver], { input: JSON.stringify({ ...settings, logins }), cwd: dir });
  assert.strictEqual(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as HubState;
}

function valuesOf(config: StackConfig): Z2jhValues {
  return buildChartValues(config, planAll(config), readShippedFiles(), { secretName: "hub-test-secret" });
}

/** Scopes that let the holder into other users' servers, or act as or read them beyond the admin page. */
const beyondStaff = ["access:servers", "tokens", "read:tokens", "admin:auth_state", "admin:users", "admin:server_state", "groups", "admin:groups", "shutdown", "proxy", "shares"];

/** Expanded scopes of `user` that reach someone else's resources (their own, `!user=<name>`, are fine). */
function reachingOthers(state: HubState, user: string, bases: readonly string[]): string[] {
  return state.users[user].scopes.filter((s) => bases.includes(s.split("!")[0]) && s !== `${s.split("!")[0]}!user=${user}`);
}

describe("hub roles, asked of a real JupyterHub", () => {
before(() => requirePythonModule("jupyterhub"));
after(removeScratchDirs);

for (const stack of stackNames) {
  describe(`hub roles of the ${stack} stack, in a real JupyterHub`, function () {
    this.timeout(60_000);
    const config = loadStackConfig(stack);
    const values = valuesOf(config);
    const { allowedGroups, adminGroups: staffGroups } = config.hub.oidc;
    const staffGroup = staffGroups[0];
    const participantGroup = allowedGroups.find((g) => !staffGroups.includes(g)) ?? "participants";
    let state: HubState;

    before(() => {
      const dir = scratchDir("hub-roles-");
      // The hub as this program configured it before: staff were OAuthenticator admin_groups, and so admins.
      const earlier = startHub(dir, { loadRoles: null, authenticator: { admin_users: [], admin_groups: [...staffGroups], allowed_groups: [...allowedGroups] } }, [
        { name: "earlier-staffer", groups: [staffGroup] },
      ]);
      assert.ok(earlier.users["earlier-staffer"].scopes.includes("access:servers"), "the old configuration is the problem: staff could open servers");
      // The same hub restarted with this program's values (a helm upgrade), then people log in.
      state = startHub(dir, hubSettings(values), [
        { name: "staffer", groups: [staffGroup] },
        { name: "participant", groups: [participantGroup] },
        { name: "stranger", groups: ["not-an-event-group"] },
      ]);
    });

    it("grants only scope names JupyterHub defines", () => {
      assert.deepStrictEqual(state.unknownScopes, [], `JupyterHub ${state.jupyterhub} has no such scope`);
      assert.deepStrictEqual(values.hub.loadRoles[staffRoleName].scopes, staffScopes);
    });

    it("lets staff use the admin page, list users and start and stop their servers", () => {
      const staffer = state.users.staffer;
      for (const scope of ["admin-ui", "list:users", "read:users", "read:servers", "servers", "delete:servers", "list:groups"]) {
        assert.ok(staffer.scopes.includes(scope), `staff lack ${scope}`);
      }
    });

    it("never lets staff delete a user, which would delete that user's home disk (KubeSpawner delete_pvc)", () => {
      assert.ok(!state.users.staffer.scopes.includes("delete:users"), "staff hold delete:users");
    });

    it("never lets staff open, act as or read the secrets of another user, nor hold the built-in admin role", () => {
      const staffer = state.users.staffer;
      assert.strictEqual(staffer.admin, false);
      assert.ok(!staffer.roles.includes("admin"));
      assert.deepStrictEqual(reachingOthers(state, "staffer", beyondStaff), []);
    });

    it("demotes at start-up an admin left in the database by the earlier configuration", () => {
      const earlier = state.users["earlier-staffer"];
      assert.strictEqual(earlier.admin, false);
      assert.ok(!earlier.roles.includes("admin"));
      assert.deepStrictEqual(reachingOthers(state, "earlier-staffer", beyondStaff), []);
    });

    it("gives participants their own server only, and lets in nobody outside the groups", () => {
      assert.deepStrictEqual(state.users.participant.scopes.filter((s) => !s.endsWith("!user=participant")), []);
      assert.deepStrictEqual(state.refused, ["stranger"]);
      assert.ok(!("stranger" in state.users));
    });

    it("says so in the security summary", () => {
      assert.match(summarizeHubSecurity(values).join("\n"), /admins can open users' servers: no; .*built-in admin role: nobody/);
    });
  });
}

describe("full admins, only when the stack names them (oidcFullAdminGroups)", function () {
  this.timeout(60_000);
  const values = valuesOf(parseConfig(rawWith("event", { oidcFullAdminGroups: ["hub-operators"] })));
  let firstStart: HubState;
  let restart: HubState;

  before(() => {
    const dir = scratchDir("hub-full-admins-");
    firstStart = startHub(dir, hubSettings(values), [
      { name: "operator", groups: ["hub-operators"] },
      { name: "staffer", groups: ["course-2026-staff"] },
    ]);
    restart = startHub(dir, hubSettings(values), []);
  });

  it("makes their members JupyterHub admins, who can open any server, and no one else", () => {
    assert.strictEqual(firstStart.users.operator.admin, true);
    assert.ok(firstStart.users.operator.scopes.includes("access:servers"));
    assert.strictEqual(firstStart.users.staffer.admin, false);
    assert.deepStrictEqual(reachingOthers(firstStart, "staffer", beyondStaff), []);
    assert.match(summarizeHubSecurity(values).join("\n"), /admins can open users' servers: yes: built-in admin group hub-operators/);
  });

  it("takes the role back at a hub restart until they log in again (no one is an admin by name)", () => {
    assert.strictEqual(restart.users.operator.admin, false);
    assert.ok(!restart.users.operator.scopes.includes("access:servers"));
  });
});

});

describe("the rule the policy pack and the summary use for scopes that reach other users", () => {
  it("flags open and targeted grants, and leaves the bearer's own and harmless scopes alone", () => {
    for (const scope of ["access:servers", "access:servers!group=students", "access:servers!user=alice", "shares", "tokens", "admin:users", "admin:auth_state", "inherit"]) {
      assert.ok(reachesOtherUsers(scope), scope);
    }
    for (const scope of ["access:servers!server", "access:servers!user", ...staffScopes, "delete:servers", "read:tokens"]) {
      assert.ok(!reachesOtherUsers(scope), scope);
    }
  });
});
