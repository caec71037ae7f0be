// Identity: who may log in to the hub and who is a JupyterHub admin (GenericOAuthenticator's values).
import { OidcConfig } from "../../config/types";
import { GenericOAuthenticatorConfig } from "./types";

/**
 * GenericOAuthenticator (oauthenticator 17.4 in the 4.4.0 hub image) for OIDC. From 17.0, group-based
 * allow/admin rules need `manage_groups` and read groups at `auth_state_groups_key`, a path into the auth
 * state, whose userinfo part is `oauth_user` (oauthenticator/generic.py). Auth state is not persisted: the
 * hub keeps no IdP tokens it does not need, and OAuthenticator 17.2+ would otherwise force re-logins
 * whenever an access token expires without a refresh token (oauthenticator docs, how-to/refresh.md).
 * No allow_all, and no allow_existing_users, so only current group membership lets anyone in.
 *
 * Admin rights: OAuthenticator makes every member of `admin_groups` (and every name in `admin_users`) a
 * JupyterHub admin, and in JupyterHub 5 an admin holds the built-in admin role, which can open every
 * user's server (see hubRoles.ts). So staff groups are only allowed in here and get their narrower role
 * from `hub.loadRoles`; `admin_groups` holds nothing but the explicit `oidcFullAdminGroups`, and no one is an
 * admin by name.
 */
export function authenticatorConfig(oidc: OidcConfig, hubDomain: string): GenericOAuthenticatorConfig {
  return {
    client_id: oidc.clientId,
    oauth_callback_url: `https://${hubDomain}/hub/oauth_callback`,
    authorize_url: oidc.authorizeUrl,
    token_url: oidc.tokenUrl,
    userdata_url: oidc.userdataUrl,
    scope: [...oidc.scopes],
    username_claim: oidc.usernameClaim,
    manage_groups: true,
    auth_state_groups_key: `oauth_user.${oidc.groupsClaim}`,
    // OAuthenticator 17 lets admins in by themselves (oauth2.py, check_allowed); staff now need listing.
    allowed_groups: [...new Set([...oidc.allowedGroups, ...oidc.adminGroups])],
    admin_groups: [...oidc.fullAdminGroups],
    admin_users: [],
    allow_all: false,
    allow_existing_users: false,
    enable_auth_state: false,
  };
}
