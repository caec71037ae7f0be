// The holes mutation testing found in the JupyterHub values policies on identity, the hub's Python, images,
// limits, the chart's network settings and pod security (issue 10; docs/testing.md): each case runs one
// policy alone on the hand-built hardened stack with one input changed, and asserts the whole list of
// messages the user sees (so an emptied `where`, fix or found value, a second or a missing finding all
// fail), or none. Inputs: a setting absent where the chart's default is insecure, an explicit insecure
// value, values unknown at preview (no verdict, no throw), odd types where the code guards on type, and
// each side of a threshold.

import * as assert from "assert";
import { findingsOfAlone } from "./caseRunner";
import { all, values, type Mutation } from "./mutations";
import { UNKNOWN_STRING } from "./support";
import { RESTRICTED } from "./valuesPodCases";

interface Exactly {
  readonly policy: string;
  readonly title: string;
  readonly mutate: Mutation;
  /** Every message the policy reports, in order; [] when the change must be accepted. */
  readonly messages: readonly string[];
  readonly config?: unknown;
}

function itReportsExactly(cases: readonly Exactly[]): void {
  for (const c of cases) {
    it(`${c.policy} ${c.messages.length === 0 ? "leaves alone" : "reports exactly"} ${c.title}`, async () => {
      const found = await findingsOfAlone(c.policy, c.mutate, c.config);
      assert.deepStrictEqual(found.map((f) => f.message), c.messages, `${c.policy}'s findings for ${c.title}`);
      assert.ok(found.every((f) => f.level === "mandatory"), `${c.policy} reported below mandatory`);
    });
  }
}

const AUTH = "hub.config.JupyterHub.authenticator_class";
const REAL_IDP = "Users must log in through a real identity provider: set values.hub.config.JupyterHub.authenticator_class to \"generic-oauth\" (or another OAuthenticator)";
const NO_ALLOWLIST =
  "The hub must admit only an allowlist of users or groups: set values.hub.config.GenericOAuthenticator.allowed_groups to the groups allowed in (or Authenticator.allowed_users) (found: not set).";
const ADMIN_ROLE = "No one may hold JupyterHub's built-in admin role, which can open every user's server (allowFullAdmins is false)";
const CERT = "The hub must verify the identity provider's certificate";
const GENERIC = "values.hub.config.GenericOAuthenticator";
const LDAP_CLASS = "ldapauthenticator.LDAPAuthenticator";
const LDAP_VALIDATE = (found: string) =>
  `The hub must verify the LDAP server's certificate (ldap3 accepts any certificate by default): set values.hub.config.LDAPAuthenticator.tls_kwargs.validate to 2 (ssl.CERT_REQUIRED), with ca_certs_file (found: ${found}).`;
// OAuthenticator 17.4.0 cilogon.py: allowed_idps maps an identity provider's entity id to its settings.
const IDP = "https://idp.example.org/idp/shibboleth";

const IDENTITY: readonly Exactly[] = [
  // jupyterhub-authenticator: Z2JH 4.4.0 values.yaml leaves authenticator_class at "dummy".
  { policy: "jupyterhub-authenticator", title: "an empty authenticator class", mutate: values(AUTH, ""), messages: [`${REAL_IDP} (found: "").`] },
  { policy: "jupyterhub-authenticator", title: "a blank authenticator class", mutate: values(AUTH, "   "), messages: [`${REAL_IDP} (found: "   ").`] },
  { policy: "jupyterhub-authenticator", title: "a number as the authenticator class", mutate: values(AUTH, 42), messages: [`${REAL_IDP} (found: 42).`] },
  { policy: "jupyterhub-authenticator", title: "the authenticator class unknown at preview", mutate: values(AUTH, UNKNOWN_STRING), messages: [] },
  {
    policy: "jupyterhub-authenticator",
    title: "a dummy authenticator set in extraConfig",
    mutate: values("hub.extraConfig.auth", "c.JupyterHub.authenticator_class = 'jupyterhub.auth.DummyAuthenticator'"),
    messages: ["hub.extraConfig must not configure a dummy or shared-password authenticator: remove it from values.hub.extraConfig.auth and set hub.config.JupyterHub.authenticator_class instead."],
  },
  { policy: "jupyterhub-authenticator", title: "an extraConfig block that configures no authenticator", mutate: values("hub.extraConfig.ui", "c.Spawner.default_url = '/lab'\n"), messages: [] },
  // Z2JH 4.4.0 jupyterhub_config.py exec()s each extraConfig entry: a list is no code the hub runs (the
  // hub fails to start on it), so there is no authenticator in it to refuse.
  { policy: "jupyterhub-authenticator", title: "an extraConfig entry that is a list, not code", mutate: values("hub.extraConfig.auth", ["c.JupyterHub.authenticator_class = 'jupyterhub.auth.DummyAuthenticator'"]), messages: [] },

  // jupyterhub-allowlist (JupyterHub 5.5 auth.py allow_all; OAuthenticator 17 allowed_* traits).
  {
    policy: "jupyterhub-allowlist",
    title: "allow_all on the OAuthenticator",
    mutate: values("hub.config.GenericOAuthenticator.allow_all", true),
    messages: ["The hub must not admit every account of the identity provider: set values.hub.config.GenericOAuthenticator.allow_all to false (found: true)."],
  },
  {
    policy: "jupyterhub-allowlist",
    title: "one CILogon identity provider admitting every account",
    mutate: all(values("hub.config.GenericOAuthenticator.allowed_groups", undefined), values("hub.config.CILogonOAuthenticator.allowed_idps", { [IDP]: { username_derivation: { username_claim: "email" }, allow_all: true } })),
    messages: [`The hub must not admit every account of an identity provider: set values.hub.config.CILogonOAuthenticator.allowed_idps["${IDP}"].allow_all to false (and list allowed users or groups) (found: true).`],
  },
  {
    policy: "jupyterhub-allowlist",
    title: "CILogon identity providers listed without allow_all (an allowlist)",
    mutate: all(values("hub.config.GenericOAuthenticator.allowed_groups", undefined), values("hub.config.CILogonOAuthenticator.allowed_idps", { [IDP]: { username_derivation: { username_claim: "email" } } })),
    messages: [],
  },
  { policy: "jupyterhub-allowlist", title: "an empty allowed_idps map and no other allow rule", mutate: all(values("hub.config.GenericOAuthenticator.allowed_groups", undefined), values("hub.config.CILogonOAuthenticator.allowed_idps", {})), messages: [NO_ALLOWLIST] },
  { policy: "jupyterhub-allowlist", title: "allowed_groups absent", mutate: values("hub.config.GenericOAuthenticator.allowed_groups", undefined), messages: [NO_ALLOWLIST] },
  { policy: "jupyterhub-allowlist", title: "allowed_groups null", mutate: values("hub.config.GenericOAuthenticator.allowed_groups", null), messages: [NO_ALLOWLIST] },
  { policy: "jupyterhub-allowlist", title: "allowed_groups a number", mutate: values("hub.config.GenericOAuthenticator.allowed_groups", 5), messages: [NO_ALLOWLIST] },
  { policy: "jupyterhub-allowlist", title: "allowed_groups a blank string", mutate: values("hub.config.GenericOAuthenticator.allowed_groups", "  "), messages: [NO_ALLOWLIST] },
  { policy: "jupyterhub-allowlist", title: "allowed_groups one group written as a string", mutate: values("hub.config.GenericOAuthenticator.allowed_groups", "workshop-staff"), messages: [] },
  { policy: "jupyterhub-allowlist", title: "allowed_groups unknown at preview", mutate: values("hub.config.GenericOAuthenticator.allowed_groups", UNKNOWN_STRING), messages: [] },

  // jupyterhub-admin-access-off (JupyterHub 5.5 roles.py; Z2JH values.yaml admin_access default true).
  {
    policy: "jupyterhub-admin-access-off",
    title: "admin_access absent (the chart's default is true)",
    mutate: values("hub.config.JupyterHub.admin_access", undefined),
    messages: ["Admins must not be able to access other users' servers: set values.hub.config.JupyterHub.admin_access to false (found: not set)."],
  },
  {
    policy: "jupyterhub-admin-access-off",
    title: "staff as OAuthenticator admin_groups",
    mutate: values("hub.config.GenericOAuthenticator.admin_groups", ["workshop-admins"]),
    messages: [`${ADMIN_ROLE}: set values.hub.config.GenericOAuthenticator.admin_groups to [] (give organisers a narrower role in hub.loadRoles) (found: ["workshop-admins"]).`],
  },
  {
    policy: "jupyterhub-admin-access-off",
    title: "an admin by the deprecated JupyterHub.admin_users",
    mutate: values("hub.config.JupyterHub.admin_users", ["alice"]),
    messages: [`${ADMIN_ROLE}: set values.hub.config.JupyterHub.admin_users to [] (give organisers a narrower role in hub.loadRoles) (found: ["alice"]).`],
  },
  {
    policy: "jupyterhub-admin-access-off",
    title: "a role under another key named admin, with members",
    mutate: values(["hub", "loadRoles", "full-admins"], { name: "admin", users: ["bob"] }),
    messages: [`${ADMIN_ROLE}: set values.hub.loadRoles.full-admins.users to [] (give organisers a narrower role in hub.loadRoles) (found: ["bob"]).`],
  },
  // The built-in admin role's scopes are JupyterHub's own (roles.py), so scopes written on it are not a
  // loaded role's; its members are what the policy refuses.
  { policy: "jupyterhub-admin-access-off", title: "scopes written on the admin role itself, without members", mutate: values("hub.loadRoles.admin.scopes", ["access:servers", "tokens"]), messages: [] },
  {
    policy: "jupyterhub-admin-access-off",
    title: "scopes written on a role named admin under another key, without members",
    mutate: values(["hub", "loadRoles", "full-admins"], { name: "admin", scopes: ["access:servers"] }),
    messages: [],
  },
  {
    policy: "jupyterhub-admin-access-off",
    title: "a role making tokens, beside scopes of other types",
    mutate: values(["hub", "loadRoles", "hub-staff", "scopes"], ["admin-ui", 42, null, UNKNOWN_STRING, "tokens"]),
    messages: [
      `Role hub-staff must not let its holders open other users' servers or act as them (tokens): set values.hub.loadRoles.hub-staff.scopes to scopes without access:servers, shares, tokens, admin:users or admin:auth_state (found: ["admin-ui",42,null,"${UNKNOWN_STRING}","tokens"]).`,
    ],
  },
  {
    policy: "jupyterhub-admin-access-off",
    title: "a role opening servers and making tokens",
    mutate: values(["hub", "loadRoles", "hub-staff", "scopes"], ["access:servers", "list:users", "tokens"]),
    messages: [
      `Role hub-staff must not let its holders open other users' servers or act as them (access:servers, tokens): set values.hub.loadRoles.hub-staff.scopes to scopes without access:servers, shares, tokens, admin:users or admin:auth_state (found: ["access:servers","list:users","tokens"]).`,
    ],
  },
  { policy: "jupyterhub-admin-access-off", title: "a role's scopes unknown at preview", mutate: values(["hub", "loadRoles", "hub-staff", "scopes"], UNKNOWN_STRING), messages: [] },

  // jupyterhub-idp-tls-verified (OAuthenticator 17.4.0 oauth2.py; ldapauthenticator 2.0.2; ldap3 2.9.1).
  {
    policy: "jupyterhub-idp-tls-verified",
    title: "validate_server_cert false",
    mutate: values("hub.config.GenericOAuthenticator.validate_server_cert", false),
    messages: [`${CERT}: set ${GENERIC}.validate_server_cert to true (or remove it) (found: false).`],
  },
  {
    policy: "jupyterhub-idp-tls-verified",
    title: "http_request_kwargs.validate_cert false",
    mutate: values("hub.config.GenericOAuthenticator.http_request_kwargs", { validate_cert: false }),
    messages: [`${CERT}: set ${GENERIC}.http_request_kwargs.validate_cert to true (or remove it) (found: false).`],
  },
  {
    policy: "jupyterhub-idp-tls-verified",
    title: "a plain-HTTP token URL written with a leading space",
    mutate: values("hub.config.GenericOAuthenticator.token_url", " http://login.example.com/oauth2/v1/token"),
    messages: [`The hub must reach the identity provider over TLS: set ${GENERIC}.token_url to an https:// URL (found: " http://login.example.com/oauth2/v1/token").`],
  },
  { policy: "jupyterhub-idp-tls-verified", title: "an https token URL that carries an http URL in its query", mutate: values("hub.config.GenericOAuthenticator.token_url", "https://login.example.com/oauth2/v1/token?next=http://hub.example.com/"), messages: [] },
  {
    policy: "jupyterhub-idp-tls-verified",
    title: "LDAP with tls_strategy insecure",
    mutate: all(values(AUTH, "ldap"), values("hub.config.LDAPAuthenticator", { server_address: "ldap.example.org", tls_strategy: "insecure", tls_kwargs: { validate: 2 } })),
    messages: ['The hub must not send LDAP passwords without TLS: set values.hub.config.LDAPAuthenticator.tls_strategy to "before_bind" or "on_connect" (found: "insecure").'],
  },
  {
    policy: "jupyterhub-idp-tls-verified",
    title: "OAUTH_TLS_VERIFY=0 in the list form of extraEnv",
    mutate: values("hub.extraEnv", [{ name: "TZ", value: "Europe/Paris" }, { name: "OAUTH_TLS_VERIFY", value: "0" }]),
    messages: [`${CERT}: set values.hub.extraEnv[1].value to nothing (remove it; "0" turns verification off) (found: "0").`],
  },
  {
    policy: "jupyterhub-idp-tls-verified",
    title: "OAUTH_TLS_VERIFY=0 in the map form of extraEnv",
    mutate: values("hub.extraEnv.OAUTH_TLS_VERIFY", "0"),
    messages: [`${CERT}: set values.hub.extraEnv.OAUTH_TLS_VERIFY to nothing (remove it; "0" turns verification off) (found: "0").`],
  },
  // OAuthenticator 17.4.0 oauth2.py `_validate_server_cert_default`: only "0" turns verification off.
  { policy: "jupyterhub-idp-tls-verified", title: "OAUTH_TLS_VERIFY=1", mutate: values("hub.extraEnv.OAUTH_TLS_VERIFY", "1"), messages: [] },
  { policy: "jupyterhub-idp-tls-verified", title: 'another variable set to "0"', mutate: values("hub.extraEnv", [{ name: "JUPYTERHUB_DEBUG", value: "0" }]), messages: [] },
  { policy: "jupyterhub-idp-tls-verified", title: "the LDAP authenticator by class, without tls_kwargs", mutate: values(AUTH, LDAP_CLASS), messages: [LDAP_VALIDATE("not set")] },
  { policy: "jupyterhub-idp-tls-verified", title: "the LDAP authenticator by class, validating certificates", mutate: all(values(AUTH, LDAP_CLASS), values("hub.config.LDAPAuthenticator.tls_kwargs.validate", 2)), messages: [] },
  { policy: "jupyterhub-idp-tls-verified", title: "an LDAP server address under another class", mutate: values("hub.config.LDAPAuthenticator.server_address", "ldap.example.org"), messages: [LDAP_VALIDATE("not set")] },
  { policy: "jupyterhub-idp-tls-verified", title: "the LDAP class written as a list (not a class name)", mutate: values(AUTH, [LDAP_CLASS]), messages: [] },
];

const CONFIG_D = "/usr/local/etc/jupyterhub/jupyterhub_config.d";
const REVIEW = (where: string, digest: string) =>
  `Python the hub runs must be reviewed: ${where} is not a block the program ships and its digest is not acknowledged; read it (it runs in the hub with the hub's credentials and can undo any setting checked here), then remove it or add "${digest}" to acknowledgedDigests of jupyterhub-extra-config-reviewed in the policy config.`;
// The digests below are `sha256sum` of the UTF-8 text (for a mount or a file without stringData, of the
// JSON text the message says is acknowledged), computed outside the code under test.
const WELCOME = 'c.JupyterHub.template_vars = {"welcome": "Bienvenue à l’atelier"}\n';
const WELCOME_DIGEST = "sha256:b29b724d6fad3419360e1f63f627b7a5640c45cdc272ebd8e3cc6849b302e04c";
const CONFIG_D_MOUNT = { mountPath: `${CONFIG_D}/`, name: "hub-python" };
const CONFIG_D_MOUNT_DIGEST = "sha256:ea3bb87f1f01b9bf791a28d7a21333e64a72a6f4365f0d7354ef0096933ba01a";
const DATA_FILE = { mountPath: `${CONFIG_D}/extra.py`, data: { tune: "Yy5KdXB5dGVySHViLnNodXRkb3duX29uX2xvZ291dCA9IFRydWUK" } };
const DATA_FILE_DIGEST = "sha256:dfe75c10a37acf6933641d4c39b1a797c1fc5dfb617bc5daa5a2243f1ef6fdea";
const REVIEWED = "jupyterhub-extra-config-reviewed";

const CODE: readonly Exactly[] = [
  { policy: REVIEWED, title: "a non-ASCII block", mutate: values("hub.extraConfig.welcome", WELCOME), messages: [REVIEW("values.hub.extraConfig.welcome", WELCOME_DIGEST)] },
  { policy: REVIEWED, title: "a non-ASCII block acknowledged by its sha256sum", mutate: values("hub.extraConfig.welcome", WELCOME), config: { [REVIEWED]: { acknowledgedDigests: [WELCOME_DIGEST] } }, messages: [] },
  { policy: REVIEWED, title: "extraConfig entries that are not text (a number, an object, null)", mutate: values("hub.extraConfig", { n: 42, o: { a: 1 }, z: null }), messages: [] },
  { policy: REVIEWED, title: "an extraConfig block unknown at preview", mutate: values("hub.extraConfig.later", UNKNOWN_STRING), messages: [] },
  { policy: REVIEWED, title: "a config_dir file given as data, not stringData", mutate: values("hub.extraFiles.tune", DATA_FILE), messages: [REVIEW("values.hub.extraFiles.tune", DATA_FILE_DIGEST)] },
  { policy: REVIEWED, title: "a text file in config_dir (only *.py is loaded)", mutate: values("hub.extraFiles.notes", { mountPath: `${CONFIG_D}/notes.txt`, stringData: "c.KubeSpawner.privileged = True\n" }), messages: [] },
  { policy: REVIEWED, title: "a .py file outside config_dir", mutate: values("hub.extraFiles.lib", { mountPath: "/etc/jupyterhub/lib.py", stringData: "c.KubeSpawner.privileged = True\n" }), messages: [] },
  { policy: REVIEWED, title: "an extraFiles entry with a number as mountPath", mutate: values("hub.extraFiles.odd", { mountPath: 42, stringData: "x = 1\n" }), messages: [] },
  {
    policy: REVIEWED,
    title: "a volume mounted on config_dir written with a trailing slash",
    mutate: values("hub.extraVolumeMounts", [CONFIG_D_MOUNT]),
    messages: [REVIEW("values.hub.extraVolumeMounts[0] (Python from outside the values)", CONFIG_D_MOUNT_DIGEST)],
  },
  { policy: REVIEWED, title: "a volume mounted on config_dir, acknowledged", mutate: values("hub.extraVolumeMounts", [CONFIG_D_MOUNT]), config: { [REVIEWED]: { acknowledgedDigests: [CONFIG_D_MOUNT_DIGEST] } }, messages: [] },
  { policy: REVIEWED, title: "a volume mounted elsewhere in the hub", mutate: values("hub.extraVolumeMounts", [{ mountPath: "/srv/jupyterhub/share", name: "share" }]), messages: [] },
  { policy: REVIEWED, title: "a volume mount with a number as mountPath", mutate: values("hub.extraVolumeMounts", [{ mountPath: 42, name: "odd" }]), messages: [] },
  { policy: REVIEWED, title: "the hub's volume mounts unknown at preview", mutate: values("hub.extraVolumeMounts", UNKNOWN_STRING), messages: [] },
];

const PINNED = "jupyterhub-pinned-versions";
const release = (version: unknown): Mutation => (stack) => {
  const hub = stack.find((r) => r.name === "hub" && r.type.startsWith("kubernetes:helm.sh"));
  assert.ok(hub, "the fixture has the hub release");
  hub.inputs.version = version;
};
const DIGEST = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const USER_IMAGES = "jupyterhub-user-images";
const ONLY_QUAY = { [USER_IMAGES]: { allowedImages: ["quay.io/jupyterhub/*"] } };

const IMAGES: readonly Exactly[] = [
  // Helm's version constraints (helm.sh docs, chart_best_practices/dependencies): a hyphen range names many.
  { policy: PINNED, title: "a hyphen range as the chart version", mutate: release("4.4.0 - 4.5.0"), messages: ['The chart version must be pinned: set version to an exact version such as "4.4.0" (found: "4.4.0 - 4.5.0").'] },
  { policy: PINNED, title: "a chart version with multi-digit parts", mutate: release("10.11.12"), messages: [] },
  {
    policy: PINNED,
    title: "the hub image tag latest (a chart key, reported once)",
    mutate: values("hub.image.tag", "latest"),
    messages: ['Images must be pinned; values.hub.image uses the moving tag "latest": set values.hub.image.tag to an exact version tag or a @sha256 digest (found: "latest").'],
  },
  {
    policy: PINNED,
    title: "a digest-looking image name with text after the digest and no tag",
    mutate: values("hub.image", { name: `quay.io/jupyterhub/k8s-hub@sha256:${DIGEST}x` }),
    messages: [`Images must be pinned; values.hub.image overrides the image name without a tag: set values.hub.image.tag to an exact version tag or a @sha256 digest (found: not set).`],
  },
  {
    policy: PINNED,
    title: "the user image tag latest (a chart key, reported once)",
    mutate: values("singleuser.image.tag", "latest"),
    messages: ['Images must be pinned; values.singleuser.image uses the moving tag "latest": set values.singleuser.image.tag to an exact version tag or a @sha256 digest (found: "latest").'],
  },
  {
    policy: PINNED,
    title: "an image name that is a list holding a digest, with the tag latest",
    mutate: values("hub.image", { name: [`quay.io/jupyterhub/k8s-hub@sha256:${DIGEST}`], tag: "latest" }),
    messages: ['Images must be pinned; values.hub.image uses the moving tag "latest": set values.hub.image.tag to an exact version tag or a @sha256 digest (found: "latest").'],
  },
  { policy: PINNED, title: "an image name pinned by digest without a tag", mutate: values("hub.image", { name: `quay.io/jupyterhub/k8s-hub@sha256:${DIGEST}` }), messages: [] },
  // YAML reads `tag: 2024` as a number; the chart renders it as the tag "2024".
  { policy: PINNED, title: "a numeric tag", mutate: values("singleuser.image.tag", 2024), messages: [] },
  { policy: PINNED, title: "an image name null and no tag", mutate: values("hub.image", { name: null }), messages: [] },
  { policy: PINNED, title: "an image name unknown at preview and no tag", mutate: values("hub.image", { name: UNKNOWN_STRING }), messages: [] },
  { policy: PINNED, title: "an image tag unknown at preview", mutate: values("singleuser.image.tag", UNKNOWN_STRING), messages: [] },
  {
    policy: PINNED,
    title: "an unpinned spawner image, seen in two profiles' pods",
    mutate: all(values("hub.config.KubeSpawner.image", "quay.io/jupyter/scipy-notebook:latest"), values("singleuser.profileList", [{ display_name: "A" }, { display_name: "B", kubespawner_override: { cpu_limit: 2 } }])),
    messages: ['Images must be pinned; values.hub.config.KubeSpawner.image uses the moving tag "latest": set values.hub.config.KubeSpawner.image to "<name>:<version>" or "<name>@sha256:<digest>" (found: "quay.io/jupyter/scipy-notebook:latest").'],
  },
  { policy: PINNED, title: "a pinned spawner image", mutate: values("hub.config.KubeSpawner.image", "quay.io/jupyter/scipy-notebook:2024-10-07"), messages: [] },
  { policy: PINNED, title: "a spawner image unknown at preview", mutate: values("hub.config.KubeSpawner.image", UNKNOWN_STRING), messages: [] },

  {
    policy: USER_IMAGES,
    title: "an option that lets users type any image, with an allowed set",
    mutate: values("singleuser.profileList", [
      { display_name: "Bring your own image", profile_options: { image: { display_name: "Image", choices: {}, unlisted_choice: { enabled: true, kubespawner_override: { image: "{value}" } } } } },
    ]),
    config: ONLY_QUAY,
    messages: [
      'In user servers, profile "Bring your own image" (image typed by the user): Users must not type the image their server runs (option image puts the typed value into image): set values.singleuser.profileList[0].profile_options.image.unlisted_choice.enabled to false (and list the allowed values as choices) (found: true).',
    ],
  },
  {
    policy: USER_IMAGES,
    title: "a spawner image outside the allowed set",
    mutate: values("hub.config.KubeSpawner.image", "docker.io/rocker/binder:4.4.1"),
    config: ONLY_QUAY,
    messages: ['In user servers: User servers must run images from the allowed set (quay.io/jupyterhub/*): set values.hub.config.KubeSpawner.image to an allowed image (found: "docker.io/rocker/binder:4.4.1").'],
  },
  {
    policy: USER_IMAGES,
    title: "an option that lets users type the image and the memory limit",
    mutate: values("singleuser.profileList", [
      { display_name: "Custom", profile_options: { env: { choices: {}, unlisted_choice: { enabled: true, kubespawner_override: { image: "{value}", mem_limit: "{value}" } } } } },
    ]),
    messages: [
      'In user servers, profile "Custom" (env typed by the user): Users must not type the image their server runs (option env puts the typed value into image, mem_limit): set values.singleuser.profileList[0].profile_options.env.unlisted_choice.enabled to false (and list the allowed values as choices) (found: true).',
    ],
  },
  {
    policy: USER_IMAGES,
    title: "an image outside two allowed patterns",
    mutate: values("hub.config.KubeSpawner.image", "docker.io/rocker/binder:4.4.1"),
    config: { [USER_IMAGES]: { allowedImages: ["quay.io/jupyterhub/*", "registry.example.com/*"] } },
    messages: ['In user servers: User servers must run images from the allowed set (quay.io/jupyterhub/*, registry.example.com/*): set values.hub.config.KubeSpawner.image to an allowed image (found: "docker.io/rocker/binder:4.4.1").'],
  },
  { policy: USER_IMAGES, title: "a spawner image that is a number, with an allowed set", mutate: values("hub.config.KubeSpawner.image", 42), config: ONLY_QUAY, messages: [] },
  { policy: USER_IMAGES, title: "an image that matches one of two allowed patterns", mutate: values("hub.config.KubeSpawner.image", "registry.example.com/course/notebook:1.0"), config: { [USER_IMAGES]: { allowedImages: ["quay.io/jupyterhub/*", "registry.example.com/*"] } }, messages: [] },
  { policy: USER_IMAGES, title: "a spawner image unknown at preview, with an allowed set", mutate: values("hub.config.KubeSpawner.image", UNKNOWN_STRING), config: ONLY_QUAY, messages: [] },
];

const LIMITS = "jupyterhub-user-resource-limits";
const CPU = (found: string) => `In user servers: User servers must have a CPU limit: set values.singleuser.cpu.limit to a CPU count (e.g. 2) (found: ${found}).`;
const MEMORY = (found: string) => `In user servers: User servers must have a memory limit: set values.singleuser.memory.limit to a size (e.g. "4G") (found: ${found}).`;
const cpu = (limit: unknown) => values("singleuser.cpu.limit", limit);
const memory = (limit: unknown) => values("singleuser.memory.limit", limit);
// JupyterHub 5.5.0 app.py: 0 (or unset) is no limit for active_server_limit and named_server_limit_per_user.
const ACTIVE = (where: string, found: string) => `The hub must cap the servers running at once (0 or unset is no limit): set ${where} to the number of users the cluster is sized for (found: ${found}).`;
const SPAWNS = (where: string, found: string) => `The hub must cap the servers starting at once (0 is no limit): set ${where} to a positive number (the chart's default is 64) (found: ${found}).`;
const NAMED = (named: string, where: string, found: string) =>
  `With named servers allowed (${named}), each user's must be capped (0 or unset is no limit): set ${where} to a small number (e.g. 2) (found: ${found}).`;
const EVENT = "jupyterhub-event-limits";
const CULL = "jupyterhub-culling";
const TIMEOUT = (found: string) => `The idle timeout must be bounded: set values.cull.timeout to a number of seconds from 1 to 86400 (found: ${found}).`;

const LIMIT_CASES: readonly Exactly[] = [
  // kubespawner 7.0.0 objects.py sets a limit only when the trait is truthy, so 0, "" and null leave the
  // pod without one ("not set" in the derived pod); "0" is truthy in Python and reaches the pod.
  { policy: LIMITS, title: "a CPU limit of 0", mutate: cpu(0), messages: [CPU("not set")] },
  { policy: LIMITS, title: "a negative CPU limit", mutate: cpu(-1), messages: [CPU("-1")] },
  { policy: LIMITS, title: "a CPU limit of true", mutate: cpu(true), messages: [CPU("true")] },
  { policy: LIMITS, title: "a fractional CPU limit", mutate: cpu(0.5), messages: [] },
  { policy: LIMITS, title: 'a memory limit of "0"', mutate: memory("0"), messages: [MEMORY('"0"')] },
  { policy: LIMITS, title: 'a memory limit of " 0 "', mutate: memory(" 0 "), messages: [MEMORY('" 0 "')] },
  { policy: LIMITS, title: "an empty memory limit", mutate: memory(""), messages: [MEMORY("not set")] },
  { policy: LIMITS, title: "a blank memory limit", mutate: memory("  "), messages: [MEMORY('"  "')] },
  { policy: LIMITS, title: "both limits null", mutate: all(cpu(null), memory(null)), messages: [CPU("not set"), MEMORY("not set")] },
  // The user-pod derivation copied every trait through JSON, which throws on an unknown one: every
  // user-pod policy failed at preview when, say, the memory limit came from another resource.
  { policy: LIMITS, title: "a memory limit unknown at preview", mutate: memory(UNKNOWN_STRING), messages: [] },
  { policy: LIMITS, title: "a CPU limit unknown at preview", mutate: cpu(UNKNOWN_STRING), messages: [] },
  // A sidecar's limits are its own (Z2JH singleuser.extraContainers go into the pod as written).
  {
    policy: LIMITS,
    title: "a sidecar with a CPU limit of 0",
    mutate: values("singleuser.extraContainers", [{ name: "sidecar", image: "registry.example.com/sidecar:1.0", resources: { limits: { cpu: 0, memory: "256M" } }, securityContext: RESTRICTED }]),
    messages: ["In user servers: User servers must have a CPU limit: set values.singleuser.extraContainers[0].resources.limits.cpu to a CPU count (e.g. 2) (found: 0)."],
  },
  // Init containers run before the session and end; the policy asks limits of the containers that stay.
  { policy: LIMITS, title: "an init container without limits", mutate: values("singleuser.initContainers", [{ name: "fetch", image: "registry.example.com/git-sync:4.2.1", securityContext: RESTRICTED }]), messages: [] },

  { policy: CULL, title: "culling off", mutate: values("cull.enabled", false), messages: ["Idle servers must be culled: set values.cull.enabled to true (found: false)."] },
  { policy: CULL, title: "a day and a second", mutate: values("cull.timeout", 86_401), messages: [TIMEOUT("86401")] },
  { policy: CULL, title: "an idle timeout of 0", mutate: values("cull.timeout", 0), messages: [TIMEOUT("0")] },
  { policy: CULL, title: "an idle timeout written as a string", mutate: values("cull.timeout", "3600"), messages: [TIMEOUT('"3600"')] },
  { policy: CULL, title: "an idle timeout of null", mutate: values("cull.timeout", null), messages: [TIMEOUT("null")] },
  { policy: CULL, title: "an idle timeout of exactly a day", mutate: values("cull.timeout", 86_400), messages: [] },

  { policy: EVENT, title: "no cap on running servers (the chart's default)", mutate: values("hub.activeServerLimit", undefined), messages: [ACTIVE("values.hub.activeServerLimit", "not set")] },
  { policy: EVENT, title: "a fractional cap on running servers", mutate: values("hub.activeServerLimit", 1.5), messages: [ACTIVE("values.hub.activeServerLimit", "1.5")] },
  { policy: EVENT, title: "a cap on running servers written as a string", mutate: values("hub.activeServerLimit", "1000"), messages: [ACTIVE("values.hub.activeServerLimit", '"1000"')] },
  // jupyterhub_config.py loads hub.config last, so hub.config.JupyterHub wins over the chart's key.
  {
    policy: EVENT,
    title: "hub.config.JupyterHub.active_server_limit 0 over the chart's 1000",
    mutate: values("hub.config.JupyterHub.active_server_limit", 0),
    messages: [ACTIVE("values.hub.config.JupyterHub.active_server_limit", "0")],
  },
  { policy: EVENT, title: "no cap on concurrent spawns via the chart's key", mutate: values("hub.concurrentSpawnLimit", 0), messages: [SPAWNS("values.hub.concurrentSpawnLimit", "0")] },
  { policy: EVENT, title: "the chart's default concurrent spawn limit (64)", mutate: values("hub.concurrentSpawnLimit", undefined), messages: [] },
  { policy: EVENT, title: "the running cap unknown at preview", mutate: values("hub.activeServerLimit", UNKNOWN_STRING), messages: [] },
  {
    policy: EVENT,
    title: "named servers allowed through hub.config without a per-user cap",
    mutate: values("hub.config.JupyterHub.allow_named_servers", true),
    messages: [NAMED("values.hub.config.JupyterHub.allow_named_servers", "values.hub.namedServerLimitPerUser", "not set")],
  },
  {
    policy: EVENT,
    title: "named servers allowed with a per-user cap of 0",
    mutate: all(values("hub.allowNamedServers", true), values("hub.namedServerLimitPerUser", 0)),
    messages: [NAMED("values.hub.allowNamedServers", "values.hub.namedServerLimitPerUser", "0")],
  },
  { policy: EVENT, title: "named servers capped per user through hub.config", mutate: all(values("hub.allowNamedServers", true), values("hub.config.JupyterHub.named_server_limit_per_user", 2)), messages: [] },
  { policy: EVENT, title: "named servers allowed, the per-user cap unknown at preview", mutate: all(values("hub.allowNamedServers", true), values("hub.namedServerLimitPerUser", UNKNOWN_STRING)), messages: [] },
];

const METADATA = "jupyterhub-metadata-egress";
const RULES = (owner: string) => `${owner}.networkPolicy.egressAllowRules`;
// infra/plan/netpol.ts metadataPaths and policy-pack/contracts/chartNetpol.ts: nonPrivateIPs excepts only
// 169.254.169.254/32 (Z2JH 4.4.0 templates/_helpers-netpol.tpl), so it admits the GKE metadata server's
// own listener; privateIPs opens every port of RFC 1918, port 988 included.
const VIA_NON_PRIVATE = "169.254.169.252:988";
const VIA_PRIVATE = "10.0.0.0/8:988 (node addresses), 172.16.0.0/12:988 (node addresses), 192.168.0.0/16:988 (node addresses)";
const GKE_METADATA = (who: string, admits: string, where: string, fix: string, found: string) =>
  `${who} must not reach the GKE metadata server by any address it answers on (this admits ${admits}): set ${where} to ${fix} (found: ${found}).`;
const SWITCH_FIX = "false (and write narrow egress rules instead)";
const RULE_FIX = "a rule whose ipBlocks except 169.254.0.0/16 and that opens no private range on port 988";
const AUTOHTTPS = (extra: Record<string, unknown>) => values("proxy.https", { enabled: true, hosts: ["hub.example.com"], ...extra });
const TRAEFIK_SWITCH = "The autohttps pod must not reach the metadata server: set values.proxy.traefik.networkPolicy.egressAllowRules.cloudMetadataServer to false (found: not set).";

const NETWORK: readonly Exactly[] = [
  { policy: METADATA, title: "users' cloudMetadataServer true", mutate: values(`${RULES("singleuser")}.cloudMetadataServer`, true), messages: [`User pods must not reach the metadata server: set values.${RULES("singleuser")}.cloudMetadataServer to false (found: true).`] },
  { policy: METADATA, title: "the hub's cloudMetadataServer absent (the chart's default is true)", mutate: values(`${RULES("hub")}.cloudMetadataServer`, undefined), messages: [`The hub must not reach the metadata server: set values.${RULES("hub")}.cloudMetadataServer to false (found: not set).`] },
  { policy: METADATA, title: "the proxy's cloudMetadataServer absent (the chart's default is true)", mutate: values(`${RULES("proxy.chp")}.cloudMetadataServer`, undefined), messages: [`The proxy must not reach the metadata server: set values.${RULES("proxy.chp")}.cloudMetadataServer to false (found: not set).`] },
  {
    policy: METADATA,
    title: "users' nonPrivateIPs true",
    mutate: values(`${RULES("singleuser")}.nonPrivateIPs`, true),
    messages: [GKE_METADATA("User pods", VIA_NON_PRIVATE, `values.${RULES("singleuser")}.nonPrivateIPs`, SWITCH_FIX, "true")],
  },
  {
    policy: METADATA,
    title: "the hub's nonPrivateIPs absent (the chart's default is true)",
    mutate: values(`${RULES("hub")}.nonPrivateIPs`, undefined),
    messages: [GKE_METADATA("The hub", VIA_NON_PRIVATE, `values.${RULES("hub")}.nonPrivateIPs`, SWITCH_FIX, '"true (chart default)"')],
  },
  {
    policy: METADATA,
    title: "the proxy's privateIPs true",
    mutate: values(`${RULES("proxy.chp")}.privateIPs`, true),
    messages: [GKE_METADATA("The proxy", VIA_PRIVATE, `values.${RULES("proxy.chp")}.privateIPs`, SWITCH_FIX, "true")],
  },
  {
    policy: METADATA,
    title: "a hub egress rule to everywhere on every port",
    mutate: values("hub.networkPolicy.egress", [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }]),
    messages: [GKE_METADATA("The hub", `169.254.169.254:80, ${VIA_NON_PRIVATE}, ${VIA_PRIVATE}`, "values.hub.networkPolicy.egress[0]", RULE_FIX, '{"to":[{"ipBlock":{"cidr":"0.0.0.0/0"}}]}')],
  },
  { policy: METADATA, title: "users' egress rules unknown at preview", mutate: values("singleuser.networkPolicy.egress", UNKNOWN_STRING), messages: [] },
  { policy: METADATA, title: "the hub's privateIPs switch unknown at preview", mutate: values(`${RULES("hub")}.privateIPs`, UNKNOWN_STRING), messages: [] },
  // Z2JH 4.4.0 templates/proxy/autohttps/deployment.yaml: autohttps runs with https enabled, type
  // letsencrypt (the chart's default type) and hosts; its netpol defaults cloudMetadataServer to true.
  {
    policy: METADATA,
    title: "autohttps deployed (type absent) without its switch",
    mutate: all(AUTOHTTPS({}), values("proxy.traefik.networkPolicy.egressAllowRules", { nonPrivateIPs: false, privateIPs: false })),
    messages: [TRAEFIK_SWITCH],
  },
  { policy: METADATA, title: "autohttps with hosts unknown at preview, without its switch", mutate: all(AUTOHTTPS({ hosts: UNKNOWN_STRING }), values("proxy.traefik.networkPolicy.egressAllowRules", { nonPrivateIPs: false, privateIPs: false })), messages: [TRAEFIK_SWITCH] },
  { policy: METADATA, title: "https off (no autohttps pod)", mutate: AUTOHTTPS({ enabled: false }), messages: [] },
  { policy: METADATA, title: "https with a manual certificate (no autohttps pod)", mutate: AUTOHTTPS({ type: "manual" }), messages: [] },
  { policy: METADATA, title: "https with no hosts (no autohttps pod)", mutate: AUTOHTTPS({ hosts: [] }), messages: [] },

  {
    policy: "jupyterhub-proxy-service-private",
    title: "the proxy service type absent (the chart's LoadBalancer)",
    mutate: values("proxy.service.type", undefined),
    messages: ['The proxy must not be a load balancer open to the world: set values.proxy.service.type to "ClusterIP" (behind the Gateway) (found: not set).'],
  },
  // GKE docs, "Internal LoadBalancer": the annotation makes the load balancer internal to the VPC.
  { policy: "jupyterhub-proxy-service-private", title: "an internal load balancer", mutate: all(values("proxy.service.type", "LoadBalancer"), values(["proxy", "service", "annotations"], { "networking.gke.io/load-balancer-type": "Internal" })), messages: [] },
  { policy: "jupyterhub-proxy-service-private", title: "the proxy service type unknown at preview", mutate: values("proxy.service.type", UNKNOWN_STRING), messages: [] },
];

const NON_ROOT = "jupyterhub-non-root";
const NO_TOKEN = "jupyterhub-user-no-api-token";

const POD_SECURITY: readonly Exactly[] = [
  { policy: NON_ROOT, title: "users allowed to escalate privileges", mutate: values("singleuser.allowPrivilegeEscalation", true), messages: ["User servers must not gain privileges: set values.singleuser.allowPrivilegeEscalation to false (found: true)."] },
  { policy: NON_ROOT, title: "user pods running as uid 0 by extraPodConfig", mutate: values("singleuser.extraPodConfig.securityContext.runAsUser", 0), messages: ["User pods must not run as root: set values.singleuser.extraPodConfig.securityContext.runAsUser to a non-zero uid (found: 0)."] },
  { policy: NON_ROOT, title: "user pods running as uid 1000 by extraPodConfig", mutate: values("singleuser.extraPodConfig.securityContext.runAsUser", 1000), messages: [] },
  { policy: NON_ROOT, title: "the spawner's uid 0", mutate: values("hub.config.KubeSpawner.uid", 0), messages: ["User servers must not run as root: set values.hub.config.KubeSpawner.uid to a non-zero uid (e.g. 1000) (found: 0)."] },

  { policy: NO_TOKEN, title: "a user service account", mutate: values("singleuser.serviceAccountName", "hub"), messages: ['In user servers: User servers must not run as a Kubernetes service account: set values.singleuser.serviceAccountName to null (no service account) (found: "hub").'] },
  { policy: NO_TOKEN, title: "the service account null", mutate: values("singleuser.serviceAccountName", null), messages: [] },
  { policy: NO_TOKEN, title: "the service account null in extraPodConfig", mutate: values("singleuser.extraPodConfig.serviceAccountName", null), messages: [] },
  { policy: NO_TOKEN, title: "the service account empty", mutate: values("singleuser.serviceAccountName", ""), messages: [] },
];

describe("policy pack: JupyterHub values policies, whole messages (identity, code, images, limits, network, pod security)", () => {
  describe("identity", () => itReportsExactly(IDENTITY));
  describe("the hub's Python", () => itReportsExactly(CODE));
  describe("images", () => itReportsExactly(IMAGES));
  describe("limits", () => itReportsExactly(LIMIT_CASES));
  describe("network", () => itReportsExactly(NETWORK));
  describe("pod security", () => itReportsExactly(POD_SECURITY));
});
