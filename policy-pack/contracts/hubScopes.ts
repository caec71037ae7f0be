// Which JupyterHub RBAC scopes reach other users' servers or identities: the contract between the roles
// the program loads (infra/plan/hubRoles.ts) and the pack's check of any loaded role, so both judge a scope
// the same way. Source: JupyterHub 5.5.0 jupyterhub/scopes.py (scope_definitions) and roles.py.

/**
 * Scopes that let their holder open another user's server or act as that user: `access:servers`; `shares`
 * (its subscopes include `access:servers`); `tokens` (make an API token for the user, scopes.py); and
 * `admin:users`/`admin:auth_state` (read the user's identity-provider tokens from auth state). `inherit` is
 * the tokens' "everything the owner can do" metascope.
 */
export const scopesReachingOtherUsers: readonly string[] = [
  "access:servers",
  "shares",
  "tokens",
  "admin:users",
  "admin:auth_state",
  "inherit",
];

/**
 * Whether a role scope reaches other users: a scope above with no filter, or one filtered to a named user,
 * group or server (`access:servers!group=students`). Bare filters (`!user`, `!server`) name the bearer
 * itself, as in JupyterHub's default `server` role (`access:servers!server`), so they stay allowed.
 */
export function reachesOtherUsers(scope: string): boolean {
  const [base, filter] = scope.split("!", 2);
  if (!scopesReachingOtherUsers.includes(base)) return false;
  return filter === undefined || filter.includes("=");
}
