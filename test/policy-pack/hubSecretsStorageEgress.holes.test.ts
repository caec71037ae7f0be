// Holes mutation testing found (docs/testing.md) in the JupyterHub rules on secrets, shared storage, user
// egress and web security (policy-pack/policies/jupyterhub/{secrets,volumes,userEgress,webSecurity,shared}.ts):
// each refusal is checked as the whole list of messages the policy reports (so an emptied `where`, fix or
// reason shows), each pass with nothing reported, and each guard with values unknown at preview or of an
// odd type (no verdict, no throw). The key names come from real deployments: PGPASSWORD (libpq),
// JUPYTERHUB_CRYPT_KEY (JupyterHub 5.5 docs, reference/authenticators.md "Encrypt auth_state"), the
// Z2JH 4.4.0 schema's proxy.https.manual.key and hub.extraFiles; Kubernetes API v1 LabelSelector ("An
// empty label selector matches all objects"), SecretKeySelector, EnvFromSource and projected volumes.

import * as assert from "assert";
import type { DerivedPod } from "../../policy-pack/policies/z2jh/pods";
import { literalSecrets } from "../../policy-pack/policies/jupyterhub/secrets";
import { onPods, profileOverrides } from "../../policy-pack/policies/jupyterhub/shared";
import { findingsOfAlone } from "./caseRunner";
import { all, values, type Mutation } from "./mutations";
import { UNKNOWN_STRING } from "./support";

interface Expectation {
  readonly policy: string;
  readonly title: string;
  readonly mutate: Mutation;
  readonly config?: unknown;
  /** Every message the policy reports, whole; empty: the policy reports nothing at any level. */
  readonly refused: readonly string[];
}

const noLiteral = "jupyterhub-no-literal-secrets";
const inPods = "jupyterhub-user-pod-secrets";
const storage = "jupyterhub-user-shared-volumes-read-only";
const egress = "jupyterhub-user-egress";

// The messages as the user reads them (secrets.ts, volumes.ts, userEgress.ts, core.ts `violation`).
const CHART_WHY = "a secret the chart generates or reads from hub.existingSecret";
const NAMED = "a value named like a secret";
const FILE = "a file named like a secret";
const LITERAL = (why: string, path: string) =>
  `Secrets must not be written into chart values (${why}, stored in the Helm release and the chart's Secrets): remove values.${path} and provide it through hub.existingSecret or a secretKeyRef, or leave it unset where the chart generates it.`;
const POD_FIX =
  "keep it out of user pods: give it to the hub (hub.existingSecret) or to a hub service users call, or give each user their own credential (e.g. from auth state); a shared credential in user pods is every user's";
const IN_POD = (why: string, path: string) => `Secrets must not reach user pods (found ${why} at values.${path}, which every user can read): remove it and ${POD_FIX}.`;
const K8S_SECRET = (where: string, what: string) =>
  `In user servers: User pods must not be given Kubernetes Secrets (every user can read them): ${where} ${what}; ${POD_FIX}.`;
const EXCEPT = "except [169.254.169.254/32, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]";
const PEER = (problem: string, where: string, found: string, inside = "0.0.0.0/0") =>
  `User egress must stay within the allowed public CIDRs: ${problem}; set values.singleuser.networkPolicy.egress${where}.ipBlock to a CIDR inside ${inside} with ${EXCEPT} as needed (found: ${found}).`;

const env = (name: string, value: unknown): Mutation => values(["hub", "extraEnv", name], value);
/** hub.extraEnv as a list of `{name: DB_PASSWORD, value}` entries, one per value. */
const passwords = (...texts: string[]): Mutation => values("hub.extraEnv", texts.map((value) => ({ name: "DB_PASSWORD", value })));
const sharedVolume = (volume: Record<string, unknown>, mount: Record<string, unknown>) =>
  all(values("singleuser.storage.extraVolumes", [{ name: "shared", ...volume }]), values("singleuser.storage.extraVolumeMounts", [{ name: "shared", mountPath: "/home/jovyan/shared", ...mount }]));
const SHARED_WRITABLE =
  'In user servers: Storage every user mounts must be read-only (volume shared, values.singleuser.storage.extraVolumes[0], is shared by all users at /home/jovyan/shared): set values.singleuser.storage.extraVolumeMounts[0].readOnly to true (or a per-user subPath such as "{username}") (found: not set).';
const COURSE_DATA = { persistentVolumeClaim: { claimName: "course-data" } };
const userEgress = (rules: unknown): Mutation => values("singleuser.networkPolicy.egress", rules);
const internetAllowed = { [egress]: { allowInternetEgress: true } };

/** The same kind of secret for the hub, for the spawner (user pods) and under look-alike keys. */
const SECRETS_EVERYWHERE = all(
  env("API_TOKEN", "t"),
  values("hub.config.GenericOAuthenticator.client_secret", "s"),
  values("hub.config.KubeSpawner.environment.API_TOKEN", "t"),
  values("hub.config.Spawner.environment.API_TOKEN", "t"),
  values("singleuser.extraEnv.API_TOKEN", "t"),
  values("custom.config.KubeSpawner.API_TOKEN", "t"),
  values("hub.services.KubeSpawner.api_token", "t"),
);

const EXPECTATIONS: readonly Expectation[] = [
  // jupyterhub-no-literal-secrets: the chart's own secret keys, secret traits, files and any key.
  { policy: noLiteral, title: "a cookie secret (reported as the chart's key, not only as a name)", mutate: values("hub.cookieSecret", "0123abcd"), refused: [LITERAL(CHART_WHY, "hub.cookieSecret")] },
  // Z2JH 4.4.0 values.schema.yaml: proxy.https.manual.key is the TLS private key; "key" alone names no secret.
  { policy: noLiteral, title: "the manual TLS key, whatever it holds", mutate: values("proxy.https.manual.key", "placeholder"), refused: [LITERAL(CHART_WHY, "proxy.https.manual.key")] },
  { policy: noLiteral, title: "the manual TLS key null or empty", mutate: all(values("proxy.https.manual.key", null), values("hub.cookieSecret", "")), refused: [] },
  {
    policy: noLiteral,
    title: "an auth-state key list (reported as a trait of CryptKeeper)",
    mutate: values("hub.config.CryptKeeper.keys", ["0123456789abcdef0123456789abcdef"]),
    refused: [LITERAL("a secret trait of CryptKeeper", "hub.config.CryptKeeper.keys")],
  },
  { policy: noLiteral, title: "a secret trait null or empty", mutate: all(values("hub.config.GenericOAuthenticator.client_secret", null), values("hub.config.GenericOAuthenticator.api_token", "")), refused: [] },
  {
    policy: noLiteral,
    title: "secrets named in the words of their key",
    mutate: all(
      env("PGPASSWORD", "hunter2"),
      env("GITHUB_TOKENS", "t1,t2"),
      env("GITHUB_APP_PRIVATE_KEY", "k"),
      env("OPENAI_API_KEY", "k"),
      env("MINIO_ACCESS_KEY", "k"),
      env("TAILSCALE_AUTH_KEY", "k"),
      env("JWT_SIGNING_KEY", "k"),
      env("DB_ENCRYPTION_KEY", "k"),
      env("DJANGO_SECRET_KEY", "k"),
      env("JUPYTERHUB_CRYPT_KEY", "k"),
      env("PARTNER_API_KEYS", "k1,k2"),
      values("custom.minio.secretKey", "k"),
    ),
    refused: [
      "hub.extraEnv.PGPASSWORD",
      "hub.extraEnv.GITHUB_TOKENS",
      "hub.extraEnv.GITHUB_APP_PRIVATE_KEY",
      "hub.extraEnv.OPENAI_API_KEY",
      "hub.extraEnv.MINIO_ACCESS_KEY",
      "hub.extraEnv.TAILSCALE_AUTH_KEY",
      "hub.extraEnv.JWT_SIGNING_KEY",
      "hub.extraEnv.DB_ENCRYPTION_KEY",
      "hub.extraEnv.DJANGO_SECRET_KEY",
      "hub.extraEnv.JUPYTERHUB_CRYPT_KEY",
      "hub.extraEnv.PARTNER_API_KEYS",
      "custom.minio.secretKey",
    ].map((path) => LITERAL(NAMED, path)),
  },
  {
    policy: noLiteral,
    title: "keys that name where a secret is or how it is looked up",
    mutate: all(env("TOKEN_KEY", "access_token"), env("OAUTH_TOKEN_URL_", "https://login.example.com/token"), env("SECRETS_DIR", "secrets")),
    refused: [],
  },
  {
    policy: noLiteral,
    title: "secret values partly literal, or only looking like paths",
    mutate: passwords("$(PREFIX)hunter2", "hunter2$(SUFFIX)", "hunter2/with/slashes", "/not a path"),
    refused: [0, 1, 2, 3].map((i) => LITERAL(NAMED, `hub.extraEnv[${i}].value`)),
  },
  {
    policy: noLiteral,
    title: "secret names whose values are blank, references to variables or file paths",
    mutate: passwords("   ", "$(DB_PASSWORD_FROM_SECRET)", "${DB_PASSWORD_FROM_SECRET}", "~/.pgpass"),
    refused: [],
  },
  { policy: noLiteral, title: "an environment entry whose name is not a string, or a null value", mutate: all(values("hub.extraEnv", [{ name: 42, value: "hunter2" }]), values("singleuser.extraEnv.DB_PASSWORD", null)), refused: [] },
  { policy: noLiteral, title: "a secret-named value not known yet", mutate: env("DB_PASSWORD", UNKNOWN_STRING), refused: [LITERAL(NAMED, "hub.extraEnv.DB_PASSWORD")] },
  { policy: noLiteral, title: "any other value not known yet", mutate: env("MODE", UNKNOWN_STRING), refused: [] },
  {
    policy: noLiteral,
    title: "a GitHub token under a key that names no secret",
    mutate: env("NOTES", `ghp_${"a1B2c3D4e5".repeat(4)}`),
    refused: [LITERAL("an access token", "hub.extraEnv.NOTES")],
  },
  // A file's name decides whatever its content says: the key, or the file name without its extension.
  {
    policy: noLiteral,
    title: "hub files named like secrets by their key or their file name",
    mutate: all(
      values(["hub", "extraFiles", "github-app-private-key.pem"], { mountPath: "/etc/github/app.pem", stringData: "placeholder" }),
      values("hub.extraFiles.github-app", { mountPath: "/etc/github/private-key.pem", stringData: "placeholder" }),
      values("hub.extraFiles.db", { mountPath: "/etc/jupyterhub/db-password.env", stringData: "placeholder" }),
      values("hub.extraFiles.gh", { mountPath: "/etc/jupyterhub/github.token.txt", stringData: "placeholder" }),
    ),
    refused: ['hub.extraFiles["github-app-private-key.pem"]', "hub.extraFiles.github-app", "hub.extraFiles.db", "hub.extraFiles.gh"].map((path) => LITERAL(FILE, path)),
  },
  {
    policy: noLiteral,
    title: "hub files that name no secret, or have no mount path",
    mutate: all(values("hub.extraFiles.idp", { mountPath: "/etc/jupyterhub/token-url.txt", stringData: "https://login.example.com/token" }), values("hub.extraFiles.notes", { stringData: "hello" })),
    refused: [],
  },
  // Where a secret goes decides which rule refuses it: only singleuser.* and the spawner's config build user pods.
  {
    policy: noLiteral,
    title: "secrets for the hub, and keys named like the spawner's outside hub.config",
    mutate: SECRETS_EVERYWHERE,
    refused: [
      LITERAL("a secret trait of GenericOAuthenticator", "hub.config.GenericOAuthenticator.client_secret"),
      LITERAL(NAMED, "hub.extraEnv.API_TOKEN"),
      LITERAL(NAMED, "custom.config.KubeSpawner.API_TOKEN"),
      LITERAL(NAMED, "hub.services.KubeSpawner.api_token"),
    ],
  },
  {
    policy: inPods,
    title: "secrets in the spawner's config and singleuser.*, not the hub's",
    mutate: SECRETS_EVERYWHERE,
    refused: [
      IN_POD(NAMED, "hub.config.KubeSpawner.environment.API_TOKEN"),
      IN_POD(NAMED, "hub.config.Spawner.environment.API_TOKEN"),
      IN_POD(NAMED, "singleuser.extraEnv.API_TOKEN"),
    ],
  },
  // jupyterhub-user-pod-secrets: Kubernetes Secrets given to a user pod, located at the values key.
  {
    policy: inPods,
    title: "a sidecar reading Secrets through env and envFrom",
    mutate: values("singleuser.extraContainers", [
      {
        name: "sync",
        image: "registry.example.com/sync:1.0.0",
        env: [{ name: "MODE", value: "pull" }, { name: "DB", valueFrom: { secretKeyRef: { name: "db-creds", key: "password" } } }],
        envFrom: [{ configMapRef: { name: "sync-settings" } }, { secretRef: { name: "bucket-writer" } }],
      },
    ]),
    refused: [
      K8S_SECRET("values.singleuser.extraContainers[0].env[1]", "reads Secret db-creds"),
      K8S_SECRET("values.singleuser.extraContainers[0].envFrom[1]", "reads Secret bucket-writer"),
    ],
  },
  {
    policy: inPods,
    title: "Secrets mounted as a volume or projected with others",
    mutate: values("singleuser.storage.extraVolumes", [
      { name: "scratch", emptyDir: {} },
      { name: "creds", secret: { secretName: "bucket-key" } },
      { name: "bundle", projected: { sources: [{ secret: { name: "ca" } }, { configMap: { name: "settings" } }, { secret: { name: "client-cert" } }] } },
    ]),
    refused: [
      K8S_SECRET("values.singleuser.storage.extraVolumes[1]", "mounts Secret bucket-key"),
      K8S_SECRET("values.singleuser.storage.extraVolumes[2]", "mounts Secret ca, client-cert"),
    ],
  },
  {
    policy: inPods,
    title: "a projected volume without Secrets",
    mutate: values("singleuser.storage.extraVolumes", [{ name: "info", projected: { sources: [{ configMap: { name: "settings" } }, { downwardAPI: { items: [] } }] } }]),
    refused: [],
  },
  {
    policy: inPods,
    title: "env, envFrom, volumes and projected sources not known yet",
    mutate: all(
      values("singleuser.extraContainers", [{ name: "sync", image: "registry.example.com/sync:1.0.0", env: UNKNOWN_STRING, envFrom: UNKNOWN_STRING }]),
      values("singleuser.storage.extraVolumes", [{ name: "bundle", projected: { sources: UNKNOWN_STRING } }]),
    ),
    refused: [],
  },
  { policy: inPods, title: "user volumes not known yet", mutate: values("singleuser.storage.extraVolumes", UNKNOWN_STRING), refused: [] },
  { policy: inPods, title: "the pod's volumes not known yet", mutate: values("singleuser.extraPodConfig.volumes", UNKNOWN_STRING), refused: [] },
  // jupyterhub-user-shared-volumes-read-only
  {
    policy: storage,
    title: "a shared claim every user can write",
    mutate: sharedVolume(COURSE_DATA, {}),
    refused: [SHARED_WRITABLE],
  },
  // A claim name or subPathExpr that is not a string is not expanded per user (kubespawner expands strings).
  {
    policy: storage,
    title: "a claim name and a subPathExpr that are lists, not per-user templates",
    mutate: sharedVolume({ persistentVolumeClaim: { claimName: ["scratch-{username}"] } }, { subPathExpr: ["{username}"] }),
    refused: [SHARED_WRITABLE],
  },
  { policy: storage, title: "the pod's volumes not known yet", mutate: values("singleuser.extraPodConfig.volumes", UNKNOWN_STRING), refused: [] },
  {
    policy: storage,
    title: "a sidecar's mounts not known yet, and another's empty mount entry",
    mutate: values("singleuser.extraContainers", [
      { name: "sync", image: "registry.example.com/sync:1.0.0", volumeMounts: UNKNOWN_STRING },
      { name: "log", image: "registry.example.com/log:1.0.0", volumeMounts: [null] },
    ]),
    refused: [],
  },
  { policy: storage, title: "a scratch emptyDir mounted writable", mutate: sharedVolume({ emptyDir: {} }, {}), refused: [] },
  { policy: storage, title: "a shared claim read-only at its source", mutate: sharedVolume({ persistentVolumeClaim: { claimName: "course-data", readOnly: true } }, {}), refused: [] },
  { policy: storage, title: "a claim per user", mutate: sharedVolume({ persistentVolumeClaim: { claimName: "scratch-{username}" } }, {}), refused: [] },
  { policy: storage, title: "a per-user subPathExpr", mutate: sharedVolume(COURSE_DATA, { subPathExpr: "{username}" }), refused: [] },
  {
    policy: storage,
    title: "an init container writing the shared claim (the organiser's fixed command)",
    mutate: all(
      values("singleuser.storage.extraVolumes", [{ name: "shared", ...COURSE_DATA }]),
      values("singleuser.initContainers", [{ name: "fetch", image: "registry.example.com/git-sync:4.2.1", volumeMounts: [{ name: "shared", mountPath: "/data" }] }]),
    ),
    refused: [],
  },
  {
    policy: storage,
    title: "a volume and mount whose name is not known yet",
    mutate: all(values("singleuser.storage.extraVolumes", [{ name: UNKNOWN_STRING, ...COURSE_DATA }]), values("singleuser.storage.extraVolumeMounts", [{ name: UNKNOWN_STRING, mountPath: "/data" }])),
    refused: [],
  },
  { policy: storage, title: "user volumes not known yet", mutate: all(values("singleuser.storage.extraVolumes", UNKNOWN_STRING), values("singleuser.storage.extraVolumeMounts", [{ name: "shared", mountPath: "/data" }])), refused: [] },
  { policy: storage, title: "user mounts not known yet", mutate: all(values("singleuser.storage.extraVolumes", [{ name: "shared", ...COURSE_DATA }]), values("singleuser.storage.extraVolumeMounts", UNKNOWN_STRING)), refused: [] },
  // jupyterhub-user-egress
  {
    policy: egress,
    title: "private ranges and the whole internet opened by the chart's switches",
    mutate: all(values("singleuser.networkPolicy.egressAllowRules.privateIPs", true), values("singleuser.networkPolicy.egressAllowRules.nonPrivateIPs", true)),
    refused: [
      "User pods must not reach private address ranges: set values.singleuser.networkPolicy.egressAllowRules.privateIPs to false (found: true).",
      "User pods must reach only allowlisted destinations, not the whole internet: set values.singleuser.networkPolicy.egressAllowRules.nonPrivateIPs to false (and list the allowed destinations in singleuser.networkPolicy.egress) (found: true).",
    ],
  },
  {
    policy: egress,
    title: "nonPrivateIPs when the internet is allowed and 0.0.0.0/0 is one of the allowed CIDRs",
    mutate: values("singleuser.networkPolicy.egressAllowRules.nonPrivateIPs", true),
    config: { [egress]: { allowInternetEgress: true, allowedEgressCidrs: ["203.0.113.0/24", "0.0.0.0/0"] } },
    refused: [],
  },
  {
    policy: egress,
    title: "peers that reach every pod, have no cidr or a cidr that is not one",
    mutate: userEgress([
      { to: [] },
      {
        to: [
          { namespaceSelector: {} },
          { namespaceSelector: {}, podSelector: {} },
          { namespaceSelector: { matchLabels: {} }, podSelector: { matchExpressions: [] } },
          { ipBlock: {} },
          { ipBlock: { cidr: 42 } },
          { ipBlock: { cidr: "mirror.example.com" } },
        ],
      },
    ]),
    refused: [
      'User egress rules must name their destinations: set values.singleuser.networkPolicy.egress[0].to to ipBlocks within the allowed egress CIDRs (found: no "to", which allows every destination).',
      PEER("an empty namespaceSelector reaches every pod in the cluster", "[1].to[0]", '{"namespaceSelector":{}}'),
      PEER("an empty namespaceSelector reaches every pod in the cluster", "[1].to[1]", '{"namespaceSelector":{},"podSelector":{}}'),
      PEER("an empty namespaceSelector reaches every pod in the cluster", "[1].to[2]", '{"namespaceSelector":{"matchLabels":{}},"podSelector":{"matchExpressions":[]}}'),
      PEER("an ipBlock without a cidr", "[1].to[3]", '{"ipBlock":{}}'),
      PEER("an ipBlock without a cidr", "[1].to[4]", '{"ipBlock":{"cidr":42}}'),
      PEER("mirror.example.com is not an allowed egress CIDR", "[1].to[5]", '{"ipBlock":{"cidr":"mirror.example.com"}}'),
    ],
  },
  {
    policy: egress,
    title: "peers that select some namespaces or some pods",
    mutate: userEgress([
      {
        to: [
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "mirror" } } },
          { namespaceSelector: {}, podSelector: { matchLabels: { app: "mirror" } } },
          { namespaceSelector: { matchExpressions: [{ key: "team", operator: "In", values: ["data"] }] } },
          { podSelector: { matchLabels: { app: "mirror" } } },
        ],
      },
    ]),
    refused: [],
  },
  {
    policy: egress,
    title: "the whole internet in a rule, not allowed",
    mutate: userEgress([{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }] }]),
    refused: [
      PEER(
        "0.0.0.0/0 opens the whole internet (allowInternetEgress is false)",
        "[0].to[0]",
        // The found value as shown, cut at 80 characters (core.ts `show`).
        '{"ipBlock":{"cidr":"0.0.0.0/0","except":["169.254.169.254/32","10.0.0.0/8","1...',
      ),
    ],
  },
  {
    policy: egress,
    title: "the whole internet when allowed, with excepts that are not IPv4 CIDRs among them",
    mutate: userEgress([{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["fd00::/8", 42, "169.254.169.254/32", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }] }]),
    config: internetAllowed,
    refused: [],
  },
  {
    policy: egress,
    title: "a range outside two allowed CIDRs",
    mutate: userEgress([{ to: [{ ipBlock: { cidr: "192.0.2.0/24" } }] }]),
    config: { [egress]: { allowedEgressCidrs: ["198.51.100.0/24", "203.0.113.0/24"] } },
    refused: [
      PEER("192.0.2.0/24 is not within the allowed egress CIDRs (198.51.100.0/24, 203.0.113.0/24)", "[0].to[0]", '{"ipBlock":{"cidr":"192.0.2.0/24"}}', "198.51.100.0/24, 203.0.113.0/24"),
    ],
  },
  {
    policy: egress,
    title: "a range inside the second of two allowed CIDRs, and an IPv6 CIDR allowed as written",
    mutate: userEgress([{ to: [{ ipBlock: { cidr: "203.0.113.16/28" } }, { ipBlock: { cidr: "2001:db8::/32" } }] }]),
    config: { [egress]: { allowedEgressCidrs: ["198.51.100.0/24", "2001:db8::/32", "203.0.113.0/24"] } },
    refused: [],
  },
  {
    policy: egress,
    title: "rules, destinations, peers and their cidr or excepts not known yet",
    mutate: userEgress([
      { to: UNKNOWN_STRING },
      { to: [UNKNOWN_STRING, { ipBlock: { cidr: UNKNOWN_STRING } }, { ipBlock: { cidr: "0.0.0.0/0", except: UNKNOWN_STRING } }] },
    ]),
    refused: [],
  },
  { policy: egress, title: "the egress rules not known yet", mutate: userEgress(UNKNOWN_STRING), refused: [] },
];

describe("policy pack: JupyterHub secrets, shared storage and user egress, whole messages", () => {
  for (const e of EXPECTATIONS) {
    it(`${e.policy} ${e.refused.length === 0 ? "reports nothing for" : "refuses"} ${e.title}`, async () => {
      const found = await findingsOfAlone(e.policy, e.mutate, e.config);
      // The engine reports findings in its own order; the set of whole messages is what is checked.
      assert.deepStrictEqual(
        found.map((f) => f.message).sort(),
        [...e.refused].sort(),
        `${e.policy}: every message for ${e.title}`,
      );
      assert.ok(
        found.every((f) => f.level === "mandatory"),
        `${e.policy}: a refusal is mandatory`,
      );
    });
  }
});

describe("policy pack: the secret check reads keys word by word", () => {
  it("lists secret-named keys, whether written camelCase, with separators or as one word", () => {
    // Z2JH's free-form `custom` section takes any chart's keys, e.g. a MinIO subchart's secretKey.
    assert.deepStrictEqual(literalSecrets({ custom: { minio: { secretKey: "k", accessKeyId: "id", secretName: "minio" } } }), ["custom.minio.secretKey"]);
  });
});

/** A derived pod as onPods reads it: its kind and label only. */
const pod = (kind: DerivedPod["kind"], label: string) => ({ kind, label }) as DerivedPod;

describe("policy pack: findings on derived pods name each pod once", () => {
  const u1 = pod("user", 'user servers, profile "A"');
  const u2 = pod("user", 'user servers, profile "B"');
  const hub = pod("core", "the hub");
  const found = (pods: readonly DerivedPod[], inPods: readonly DerivedPod[], messages = ["m"]) => onPods(pods, (p) => (inPods.includes(p) ? messages : []));

  it("says every user server when the finding is in each user pod, and names the other pods", () => {
    assert.deepStrictEqual(found([u1, u2, hub], [u1, u2]), ["In every user server: m"]);
    assert.deepStrictEqual(found([u1, u2, hub], [u1, u2, hub]), ["In every user server; the hub: m"]);
  });

  it("names the user pods it is in when it is not in all of them", () => {
    assert.deepStrictEqual(found([u1, u2, hub], [u1]), ['In user servers, profile "A": m']);
    assert.deepStrictEqual(found([u1, hub], [u1]), ['In user servers, profile "A": m']);
    assert.deepStrictEqual(found([u1, u2, hub], [u2, hub]), ['In user servers, profile "B"; the hub: m']);
  });

  it("names a pod once when its check reports the same finding twice", () => {
    assert.deepStrictEqual(found([u1, u2], [u1], ["m", "m"]), ['In user servers, profile "A": m']);
  });

  it("names three pods, and counts the rest past three", () => {
    const core = ["the hub", "the proxy", "the image puller", "the user scheduler"].map((label) => pod("core", label));
    assert.deepStrictEqual(found(core, core.slice(0, 3)), ["In the hub; the proxy; the image puller: m"]);
    assert.deepStrictEqual(found(core, core), ["In the hub; the proxy; the image puller and 1 more: m"]);
  });
});

describe("policy pack: the overrides of a profile list", () => {
  it("lists each profile's and each option choice's kubespawner_override with its path, and only those", () => {
    const values = {
      singleuser: {
        profileList: [
          { display_name: "Small", kubespawner_override: { mem_limit: "2G" } },
          { display_name: "Default" },
          { display_name: "Pick", profile_options: { image: { choices: { r: { kubespawner_override: { image: "r:1" } }, plain: { display_name: "Plain" } } } } },
        ],
      },
    };
    assert.deepStrictEqual(profileOverrides(values), [
      { where: "values.singleuser.profileList[0].kubespawner_override", override: { mem_limit: "2G" } },
      { where: "values.singleuser.profileList[2].profile_options.image.choices.r.kubespawner_override", override: { image: "r:1" } },
    ]);
  });

  it("lists none when the profile list is not known yet", () => {
    assert.deepStrictEqual(profileOverrides({ singleuser: { profileList: UNKNOWN_STRING } }), []);
  });
});
