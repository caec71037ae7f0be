import * as assert from "assert";
import { authenticatorConfig } from "../../infra/plan/chart/identity";
import type { OidcConfig } from "../../infra/config/types";

// GenericOAuthenticator's identity values as the plan produces them, for an IdP configured away from every
// default: each configured value must reach the values unchanged (oauthenticator 17.x generic.py reads
// `username_claim`, `scope`, `auth_state_groups_key`), so a constant written in place of one fails here.
const oidc: OidcConfig = {
  authorizeUrl: "https://idp.example.net/authorize",
  tokenUrl: "https://idp.example.net/token",
  userdataUrl: "https://idp.example.net/userinfo",
  clientId: "hub-client",
  scopes: ["openid", "profile", "roles"],
  usernameClaim: "preferred_username",
  groupsClaim: "realm_groups",
  allowedGroups: ["learners"],
  adminGroups: ["tutors"],
  fullAdminGroups: ["operators"],
};

describe("the authenticator's identity values", () => {
  // Built before each test, not while mocha loads the file (docs/testing.md).
  let auth: ReturnType<typeof authenticatorConfig>;
  beforeEach(() => {
    auth = authenticatorConfig(oidc, "hub.example.net");
  });

  it("names users by the configured claim and asks for exactly the configured scopes", () => {
    assert.strictEqual(auth.username_claim, "preferred_username", "the username claim is not the configured one: users would get names from another claim");
    assert.deepStrictEqual(auth.scope, ["openid", "profile", "roles"], "the requested scopes are not the configured ones");
  });

  it("reads groups from the configured claim in the userinfo, and lets in allowed and staff groups only", () => {
    assert.strictEqual(auth.auth_state_groups_key, "oauth_user.realm_groups");
    assert.strictEqual(auth.manage_groups, true, "group rules need manage_groups (oauthenticator 17)");
    assert.deepStrictEqual(auth.allowed_groups, ["learners", "tutors"]);
    assert.deepStrictEqual(auth.admin_groups, ["operators"], "only full-admin groups get JupyterHub's admin role");
    assert.deepStrictEqual(auth.admin_users, []);
    assert.strictEqual(auth.allow_all, false);
    assert.strictEqual(auth.allow_existing_users, false);
    // Authenticator.enable_auth_state (JupyterHub 5.5.0 auth.py, default False): with it on, the hub would keep
    // each user's IdP tokens in its database and, from OAuthenticator 17.2, force a new login whenever an
    // access token expires without a refresh token (oauthenticator docs, how-to/refresh.md).
    assert.strictEqual(auth.enable_auth_state, false, "the hub keeps no IdP tokens: auth state stays off");
    assert.strictEqual(auth.oauth_callback_url, "https://hub.example.net/hub/oauth_callback");
    assert.strictEqual(auth.client_id, "hub-client");
    assert.deepStrictEqual([auth.authorize_url, auth.token_url, auth.userdata_url], ["https://idp.example.net/authorize", "https://idp.example.net/token", "https://idp.example.net/userinfo"]);
  });
});
