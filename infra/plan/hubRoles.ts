// Who may do what on the hub, as JupyterHub RBAC roles for the chart's `hub.loadRoles`. Sources, all at
// the tags the chart ships (Z2JH 4.4.0 images/hub/requirements.txt: JupyterHub 5.5.0, OAuthenticator 17.4.0):
// - JupyterHub 5.5.0 jupyterhub/roles.py, get_default_roles(): the built-in `admin` role carries
//   `access:servers`, `tokens`, `admin:users` (which includes `admin:auth_state`) and `shares`, whatever
//   `JupyterHub.admin_access` says (deprecated since 2.0, app.py).
// - JupyterHub 5.5.0 jupyterhub/scopes.py, scope_definitions: the scope names and their subscopes.
// - JupyterHub 5.5.0 docs/source/rbac/scopes.md: the admin page needs `admin-ui`, and is of no use
//   without `list:users`; actions taken from it need their own scopes.
// - Z2JH 4.4.0 files/hub/jupyterhub_config.py: `hub.loadRoles` is a dict; each key becomes the role's name
//   (unless it sets one) and the role is appended to `JupyterHub.load_roles`.

export { reachesOtherUsers, scopesReachingOtherUsers } from "../../policy-pack/contracts/hubScopes";

/** The role the staff groups (`oidcAdminGroups`) get instead of JupyterHub's built-in admin role. */
export const staffRoleName = "hub-staff";

/**
 * What staff may do, and nothing else: open the admin page; list and read users (names, groups, last
 * activity); start and stop users' servers (`servers` includes `read:servers` and `delete:servers`); and see
 * the groups. Missing on purpose: `delete:users` (KubeSpawner deletes a deleted user's home disk, and the
 * event promises no user data lost: deleting a user is for full admins, after the export), `access:servers` (open a
 * server), `tokens` (act as a user), `admin:users` (edit users, read auth state), `admin:server_state`,
 * `shares` (which includes `access:servers`) and `groups` (adding someone to a group can grant its roles).
 * Each name exists in JupyterHub 3.0 and 5.5 with the same subscopes (test/hub/hubRoles.test.ts checks them
 * against the real scope table).
 */
export const staffScopes: readonly string[] = [
  "admin-ui",
  "list:users",
  "read:users",
  "servers",
  "list:groups",
  "read:groups",
];

/** A role as the chart's `hub.loadRoles` takes it (keyed by name). */
export interface HubRole {
  readonly description?: string;
  readonly scopes?: readonly string[];
  readonly users?: readonly string[];
  readonly groups?: readonly string[];
}

/**
 * `hub.loadRoles` for the stack. Staff get `staffRoleName` through their JupyterHub groups (OAuthenticator's
 * `manage_groups` copies the identity provider's groups into JupyterHub groups at each login).
 *
 * The built-in admin role is declared too, with empty member lists. JupyterHub then makes its membership
 * exact at every start (5.5.0 app.py, init_role_assignment: "Admin role specifies static users list", and
 * anyone else loses `admin=True`), so no one holds it by name, and an admin left in the database by an
 * earlier configuration is demoted at the next start. Full admins (`oidcFullAdminGroups`) come only from
 * OAuthenticator's `admin_groups` at login, so after a hub restart they log in again to be admins again.
 * The role cannot name their groups instead: JupyterHub 5.5.0 (and 3.0) stops at start-up when the admin
 * role names a group that does not exist yet (init_role_assignment sets `orm_obj.admin` on None).
 */
export function hubRoles(staffGroups: readonly string[]): Record<string, HubRole> {
  return {
    [staffRoleName]: {
      description: "Event staff: the admin page, users and their servers, without opening servers or acting as users",
      scopes: [...staffScopes],
      groups: [...staffGroups],
    },
    admin: { users: [], groups: [] },
  };
}
