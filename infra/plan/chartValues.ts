import * as fs from "fs";
import * as path from "path";
import { CapacityConfig, EgressRule, GpuConfig, HubConfig, OidcConfig, StackConfig } from "../config/types";
import { Plan } from "./index";
import { dedicatedTaint, nodePurposeLabel, poolPurpose } from "./labels";

// Values for the Zero to JupyterHub chart, built from typed config and the capacity plan. Pure: no Pulumi
// Outputs and no secrets. Secret material reaches the hub through a Kubernetes Secret that the values only
// name (`hub.existingSecret`, env `valueFrom`). The hub↔proxy token is left to the chart: it reads that
// token only from its own Secret (values.schema.json, hub.existingSecret), so supplying one would mean
// writing it into the values, and the chart already generates it once and keeps it across upgrades.
// Keys and defaults cited below are from Z2JH 4.4.0 (jupyterhub/values.yaml, values.schema.yaml and
// files/hub/jupyterhub_config.py in github.com/jupyterhub/zero-to-jupyterhub-k8s at tag 4.4.0).

/** The chart this program installs. Tests validate the values against this version's schema. */
export const z2jhChart = {
  name: "jupyterhub",
  version: "4.4.0",
  repo: "https://hub.jupyter.org/helm-chart/",
} as const;

/** The chart's public proxy Service (fullnameOverride ""), which the Gateway routes to. */
export const proxyService = { name: "proxy-public", port: 80 } as const;

/**
 * Keys of the Secret named by `hub.existingSecret`. The chart mounts it at
 * /usr/local/etc/jupyterhub/existing-secret/ and its `get_secret_value(key)` reads a key there before the
 * chart's own Secret, so these two names must mirror the chart's (templates/hub/secret.yaml, z2jh.py).
 * The OIDC client secret key is ours: it only feeds an env var.
 */
export const hubSecretKeys = {
  cookieSecret: "hub.config.JupyterHub.cookie_secret",
  /** CryptKeeper.keys, `;`-joined; one 32-byte hex key here. */
  authStateCryptKeys: "hub.config.CryptKeeper.keys",
  oidcClientSecret: "oidc-client-secret",
} as const;

/** oauthenticator's `client_secret` defaults to this env var (oauthenticator/oauth2.py). */
export const oidcClientSecretEnv = "OAUTH_CLIENT_SECRET";

/** What the values need to know about resources created outside them. */
export interface ChartSecretRefs {
  /** Name of the Kubernetes Secret holding `hubSecretKeys`, in the hub's namespace. */
  readonly secretName: string;
}

// ---------------------------------------------------------------------------------------------------------
// Value types: the subset of the chart's values this program sets. The schema test checks the real shape.

export interface ResourceRequirements {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface EgressAllowRules {
  readonly cloudMetadataServer: boolean;
  readonly dnsPortsCloudMetadataServer?: boolean;
  readonly dnsPortsKubeSystemNamespace?: boolean;
  readonly dnsPortsPrivateIPs?: boolean;
  readonly nonPrivateIPs?: boolean;
  readonly privateIPs?: boolean;
}

export interface NetworkPolicyEgressRule {
  readonly to: readonly { readonly ipBlock: { readonly cidr: string } }[];
  readonly ports: readonly { readonly protocol: "TCP"; readonly port: number }[];
}

export interface SecretEnvVar {
  readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

export interface ExtraFile {
  readonly mountPath: string;
  readonly stringData: string;
  readonly mode: number;
}

export interface ContainerSecurityContext {
  readonly runAsNonRoot: true;
  readonly runAsUser: number;
  readonly allowPrivilegeEscalation: false;
  readonly capabilities: { readonly drop: readonly ["ALL"] };
  readonly seccompProfile: { readonly type: "RuntimeDefault" };
}

export interface Toleration {
  readonly key: string;
  readonly operator: "Equal";
  readonly value: string;
  readonly effect: "NoSchedule";
}

export interface NodeSelectorTerm {
  readonly matchExpressions: readonly { readonly key: string; readonly operator: "In"; readonly values: readonly string[] }[];
}

export interface Profile {
  readonly slug: string;
  readonly display_name: string;
  readonly description: string;
  readonly default?: true;
  readonly kubespawner_override?: {
    readonly image: string;
    readonly extra_resource_limits: Readonly<Record<string, string>>;
    readonly node_affinity_required: readonly NodeSelectorTerm[];
    readonly tolerations: readonly Toleration[];
  };
}

export interface GenericOAuthenticatorConfig {
  readonly client_id: string;
  readonly oauth_callback_url: string;
  readonly authorize_url: string;
  readonly token_url: string;
  readonly userdata_url: string;
  readonly scope: readonly string[];
  readonly username_claim: string;
  readonly manage_groups: true;
  readonly auth_state_groups_key: string;
  readonly allowed_groups: readonly string[];
  readonly admin_groups: readonly string[];
  readonly allow_all: false;
  readonly allow_existing_users: false;
  readonly enable_auth_state: false;
}

export interface KubeSpawnerConfig {
  readonly disable_user_config: true;
  readonly automount_service_account_token: false;
  readonly container_security_context: ContainerSecurityContext;
  /** Appended to the single-user server's command line; CLI flags outrank every config file. */
  readonly args?: readonly string[];
}

export interface Z2jhValues {
  readonly hub: {
    readonly config: {
      readonly JupyterHub: {
        readonly authenticator_class: "generic-oauth";
        readonly admin_access: false;
        readonly subdomain_host: string;
      };
      readonly GenericOAuthenticator: GenericOAuthenticatorConfig;
      readonly KubeSpawner: KubeSpawnerConfig;
    };
    readonly existingSecret: string;
    readonly extraEnv: Readonly<Record<string, SecretEnvVar>>;
    readonly extraConfig: Readonly<Record<string, string>>;
    readonly concurrentSpawnLimit: number;
    readonly activeServerLimit: number;
    readonly db: { readonly type: HubConfig["dbType"] };
    readonly resources: ResourceRequirements;
    readonly networkPolicy: { readonly enabled: true; readonly egressAllowRules: EgressAllowRules };
  };
  readonly proxy: {
    readonly service: { readonly type: "ClusterIP" };
    readonly https: { readonly enabled: false };
    readonly chp: {
      readonly resources: ResourceRequirements;
      readonly networkPolicy: { readonly enabled: true; readonly egressAllowRules: EgressAllowRules };
    };
  };
  readonly singleuser: {
    readonly image: { readonly name: string; readonly tag: string };
    readonly uid: number;
    readonly fsGid: number;
    readonly allowPrivilegeEscalation: false;
    readonly cloudMetadata: { readonly blockWithIptables: false };
    readonly networkPolicy: {
      readonly enabled: true;
      readonly egressAllowRules: Required<EgressAllowRules>;
      readonly egress: readonly NetworkPolicyEgressRule[];
    };
    readonly cpu: { readonly guarantee: number; readonly limit: number };
    /** Bytes: the chart hands these to both KubeSpawner and the placeholder pods, see `gibToBytes`. */
    readonly memory: { readonly guarantee: number; readonly limit: number };
    readonly storage: { readonly type: "dynamic"; readonly capacity: string };
    readonly startTimeout: number;
    readonly cmd: readonly string[];
    readonly extraEnv: Readonly<Record<string, string>>;
    readonly extraFiles: Readonly<Record<string, ExtraFile>>;
    readonly profileList: readonly Profile[];
  };
  readonly scheduling: {
    readonly userScheduler: { readonly enabled: true };
    readonly podPriority: { readonly enabled: true };
    readonly userPlaceholder: { readonly enabled: true; readonly replicas: number };
    readonly corePods: { readonly nodeAffinity: { readonly matchNodePurpose: "require" } };
    readonly userPods: { readonly nodeAffinity: { readonly matchNodePurpose: "require" } };
  };
  readonly prePuller: {
    readonly hook: { readonly enabled: true };
    readonly continuous: { readonly enabled: true };
    readonly pullProfileListImages: false;
  };
  readonly cull: {
    readonly enabled: true;
    readonly users: false;
    readonly adminUsers: true;
    readonly removeNamedServers: false;
    readonly timeout: number;
    readonly every: number;
    readonly maxAge: number;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Identity

/**
 * GenericOAuthenticator (oauthenticator 17.4 in the 4.4.0 hub image) for OIDC. From 17.0, group-based
 * allow/admin rules need `manage_groups` and read groups at `auth_state_groups_key`, a path into the auth
 * state, whose userinfo part is `oauth_user` (oauthenticator/generic.py). Auth state is not persisted: the
 * hub keeps no IdP tokens it does not need, and OAuthenticator 17.2+ would otherwise force re-logins
 * whenever an access token expires without a refresh token (oauthenticator docs, how-to/refresh.md).
 * No allow_all, and no allow_existing_users, so only current group membership lets anyone in.
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
    allowed_groups: [...oidc.allowedGroups],
    admin_groups: [...oidc.adminGroups],
    allow_all: false,
    allow_existing_users: false,
    enable_auth_state: false,
  };
}

// ---------------------------------------------------------------------------------------------------------
// User pods

/** The uid of docker-stacks' and Z2JH's sample images' `jovyan`, and the gid (`users`) that owns homes. */
export const userUid = 1000;
export const userFsGid = 100;

/**
 * Every field Pod Security Standards `restricted` asks of a container. kubespawner 7 alone emits only
 * runAsUser/allowPrivilegeEscalation/fsGroup (kubespawner/objects.py, make_pod); its `container_security_context` has the
 * highest priority and overrides uid/privileged/allow_privilege_escalation (kubespawner/spawner.py).
 */
export const userContainerSecurityContext: ContainerSecurityContext = {
  runAsNonRoot: true,
  runAsUser: userUid,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** `jupyter_server`'s ServerApp.terminals_enabled has no env var; a CLI flag outranks config files. */
export const disableTerminalsFlag = "--ServerApp.terminals_enabled=False";

/**
 * The single-user server's command (Z2JH `singleuser.cmd`, whose default is the `jupyterhub-singleuser`
 * script), started so that nothing a user writes into their persistent home runs inside it. A flag on the
 * command line is only as strong as the interpreter that parses it: with the default command, a `.pth`
 * file or `usercustomize.py` in the user's site-packages (~/.local/lib/python3.X/site-packages, written
 * from any notebook cell) runs before the server starts and can drop `--ServerApp.terminals_enabled=False`
 * from sys.argv. `-I` (isolated mode, Python docs "Command line and environment") implies `-s` (no user
 * site-packages), `-E` (no PYTHON* variables) and `-P`: without it `-m` puts the working directory, the
 * home (the image's WORKDIR), first on sys.path, where a `~/jupyterhub/` package would shadow the real one,
 * so `-s` alone is not enough. Kernels keep user site-packages (`pip install --user` works): jupyter_client
 * starts them as `sys.executable -m ipykernel_launcher` (jupyter_client manager.py, ipykernel
 * kernelspec.py), and interpreter flags are not inherited. The user image needs `python3` on PATH with
 * jupyterhub importable, as the default command does: Z2JH 4.4.0 images/singleuser-sample is
 * python:3.12-slim-bookworm with jupyterhub 5.5.0, whose jupyterhub/singleuser/__main__.py is this entry
 * point. test/hub/singleuserIsolation.test.ts runs the attack against a real hub and servers.
 */
export const singleuserCmd: readonly string[] = ["python3", "-I", "-m", "jupyterhub.singleuser"];

/**
 * Splits an image reference into the chart's {name, tag} so that `${name}:${tag}` (how both the chart's
 * puller templates and its jupyterhub_config.py join them) gives back the reference exactly. Splitting at
 * the last ':' after the last '/' keeps registry ports in the name and works for digests too:
 * `repo@sha256:<hex>` becomes name `repo@sha256`, tag `<hex>`.
 */
export function splitImageRef(ref: string): { name: string; tag: string } {
  const colon = ref.lastIndexOf(":");
  if (colon <= ref.lastIndexOf("/")) throw new RangeError(`image ${ref} is not pinned by tag or digest`);
  return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}

/**
 * Bytes, not "2G": KubeSpawner reads "G" as GiB (JupyterHub's ByteSpecification) while the chart copies the
 * same string into the placeholder pods, where Kubernetes reads "G" as 10^9. A byte count means the same
 * to both, so placeholders hold exactly a user's share, as the capacity model assumes.
 */
export function gibToBytes(gib: number): number {
  return Math.round(gib * 1024 ** 3);
}

/**
 * Egress for user pods: nothing but what the chart always allows (the hub and proxy, by pod label), DNS,
 * and the organiser's allowlist. The chart's broad rules stay off: `nonPrivateIPs` would open the internet,
 * `privateIPs` the VPC, `cloudMetadataServer` the metadata server (Z2JH templates/_helpers-netpol.tpl, docs administrator/security.md#netpol).
 * DNS: GKE's kube-dns runs in kube-system; clusters using Cloud DNS for GKE resolve through the metadata
 * server's address, so port 53 (only) stays open there too. `dnsPortsPrivateIPs` stays off: ipBlock rules
 * on in-cluster addresses are "not expected to work" with Cilium, i.e. GKE Dataplane V2 (values.schema).
 */
export const userEgressAllowRules: Required<EgressAllowRules> = {
  cloudMetadataServer: false,
  dnsPortsCloudMetadataServer: true,
  dnsPortsKubeSystemNamespace: true,
  dnsPortsPrivateIPs: false,
  nonPrivateIPs: false,
  privateIPs: false,
};

/** The hub and proxy keep the chart's egress defaults (the hub needs the IdP and the Kubernetes API) but
 *  never reach the metadata server's API; the chart's default for both is to allow it. */
const denyMetadataServer: EgressAllowRules = { cloudMetadataServer: false };

/** One NetworkPolicy egress rule per allowlist entry (parse.ts already refuses non-public ranges). */
export function allowlistEgressRules(allowlist: readonly EgressRule[]): NetworkPolicyEgressRule[] {
  return allowlist.map((rule) => ({
    to: [{ ipBlock: { cidr: rule.cidr } }],
    ports: rule.ports.map((port) => ({ protocol: "TCP" as const, port })),
  }));
}

/** pip inside user pods can only reach the approved mirror; without one, it has nowhere to go. */
function packageIndexEnv(packageIndexUrl: string | undefined): Record<string, string> {
  return packageIndexUrl ? { PIP_INDEX_URL: packageIndexUrl } : {};
}

/** Where the shell-escape guard lands in user pods: IPython's system-wide config directory. */
export const ipythonSystemConfigDir = "/etc/ipython";

/**
 * The IPython shell-escape guard, as chart extraFiles (a Secret mounted read-only, file by file, by
 * subPath): the system-wide ipython_config.py runs refuse_shell_escapes.py in every kernel. See the README
 * section "The hub and its users" for why this is friction, not a boundary.
 */
function shellEscapeGuardFiles(enabled: boolean): Record<string, ExtraFile> {
  if (!enabled) return {};
  const file = (name: string): ExtraFile => ({
    mountPath: `${ipythonSystemConfigDir}/${name}`,
    stringData: readShippedFile("ipython", name),
    mode: 0o444,
  });
  return {
    "ipython-config": file("ipython_config.py"),
    "ipython-refuse-shell-escapes": file("refuse_shell_escapes.py"),
  };
}

function k8sToleration(purpose: "user" | "gpu"): Toleration {
  const taint = dedicatedTaint(purpose);
  return { key: taint.key, operator: "Equal", value: taint.value, effect: "NoSchedule" };
}

/**
 * A profile list only when there is a choice to make: the standard profile plus a GPU profile on its own
 * tainted pool. KubeSpawner overrides replace whole traits, so the GPU profile names its own node affinity
 * (instead of the chart's node-purpose=user) and toleration; GKE adds the toleration for its own
 * nvidia.com/gpu taint to pods that request GPUs. Each GPU user gets one GPU. No `profile_options` and no
 * `unlisted_choice`: users pick from these images only.
 */
export function profileList(capacity: CapacityConfig, userImage: string, gpu: GpuConfig | undefined): Profile[] {
  if (!gpu) return [];
  const share = `${capacity.userCpuGuarantee}–${capacity.userCpuLimit} CPU, ${capacity.userMemoryGuaranteeGiB}–${capacity.userMemoryLimitGiB} GiB`;
  return [
    {
      slug: "standard",
      display_name: "Standard",
      description: `${share}; ${userImage}`,
      default: true,
    },
    {
      slug: "gpu",
      display_name: `GPU (${gpu.acceleratorType})`,
      description: `${share} and one ${gpu.acceleratorType}; ${gpu.image}`,
      kubespawner_override: {
        image: gpu.image,
        extra_resource_limits: { "nvidia.com/gpu": "1" },
        node_affinity_required: [
          { matchExpressions: [{ key: nodePurposeLabel, operator: "In", values: [poolPurpose.gpu] }] },
        ],
        tolerations: [k8sToleration("gpu")],
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Operating at 1,000 users

/** Seconds a spawn takes when placeholders keep warm room and the image is pre-pulled: home disk create
 *  and attach plus server start-up. Our estimate, not a published figure: measure it in the dev stack. */
export const warmSpawnSeconds = 60;
/** Arrivals within the busiest minute bunch up; allow twice the average number in flight. */
export const spawnBurstFactor = 2;
/** Below this a small stack would turn away a handful of simultaneous logins. */
export const minConcurrentSpawns = 10;
/** Above this the single hub process and the Kubernetes API are better served by 429s with Retry-After
 *  than by piling up spawns that time out (JupyterHub's default is 100, Z2JH's 64). */
export const maxConcurrentSpawns = 200;

/**
 * Spawns in flight at the busiest moment, by Little's law: arrivals per second × seconds per spawn, with a
 * burst factor, a floor and a ceiling. `concurrentSpawnLimit` in config overrides it. Beyond the limit,
 * JupyterHub answers 429 with Retry-After and asks the user to try again shortly (app.py,
 * concurrent_spawn_limit): a short wait rather than a timed-out spawn.
 */
export function concurrentSpawnLimit(capacity: CapacityConfig, override: number | undefined): number {
  if (override !== undefined) return override;
  const inFlight = Math.ceil(((capacity.arrivalRatePerMinute * warmSpawnSeconds) / 60) * spawnBurstFactor);
  return Math.min(maxConcurrentSpawns, Math.max(minConcurrentSpawns, inFlight));
}

/** Z2JH's default start timeout. */
const chartStartTimeoutSeconds = 300;
/** Pulling nothing (pre-pulled) but attaching a disk and starting the server, generously. */
const serverStartSeconds = 120;

/** A user who arrives after the warm room is used waits for a new node, then for the server. */
export function serverStartTimeoutSeconds(capacity: CapacityConfig): number {
  return Math.max(chartStartTimeoutSeconds, capacity.nodeStartupMinutes * 60 + serverStartSeconds);
}

/** Up to this many users, the hub and proxy of a workshop (mybinder's measurements) are enough. */
export const workshopMaxUsers = 200;

/**
 * Requests and limits for the hub and the proxy (configurable-http-proxy).
 * - JupyterHub capacity-planning.md: at mybinder's ~100–150 users the hub used 230–260 MB and the proxy
 *   47–65 MB; Z2JH's docs give hub 500m/2Gi and proxy 500m/256Mi as example requests.
 * - CHP grows to 1–2 GB under many websockets and then stops answering
 *   (github.com/jupyterhub/configurable-http-proxy/issues/388); with 250+ users it was OOMKilled at a
 *   1Gi limit (…/issues/434). So the large proxy gets a 3Gi limit and its memory should be watched.
 * - The hub is one Python process, the proxy one Node.js process: a CPU limit of 2 leaves room for
 *   garbage collection and the culler without letting either starve the core pool.
 */
export function coreResources(peakUsers: number): { hub: ResourceRequirements; proxy: ResourceRequirements } {
  if (peakUsers <= workshopMaxUsers) {
    return {
      hub: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
      proxy: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    };
  }
  return {
    hub: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
    proxy: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "3Gi" } },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Shipped Python files

/** Python shipped in values lives as real files under infra/files so tests can compile and run it. */
export const shippedFilesDir = path.resolve(__dirname, "..", "files");

function readShippedFile(...parts: string[]): string {
  return fs.readFileSync(path.join(shippedFilesDir, ...parts), "utf8");
}

// ---------------------------------------------------------------------------------------------------------

/** The chart values for a stack. Pure apart from reading the shipped Python files. */
export function buildChartValues(config: StackConfig, plan: Plan, refs: ChartSecretRefs): Z2jhValues {
  const { hub, capacity } = config;
  const core = coreResources(capacity.peakUsers);
  return {
    hub: {
      config: {
        JupyterHub: {
          authenticator_class: "generic-oauth",
          // Admins manage users and servers but cannot open them (JupyterHub's admin_access; the chart's
          // default is true).
          admin_access: false,
          // Per-user subdomains (JupyterHub adds https://); JupyterHub 5's default subdomain_hook "idna"
          // turns any username into one DNS label, so one wildcard certificate covers every user.
          subdomain_host: config.edge.hubDomain,
        },
        GenericOAuthenticator: authenticatorConfig(hub.oidc, config.edge.hubDomain),
        KubeSpawner: {
          // Ignore Jupyter config files in $HOME (JupyterHub websecurity.md for untrusted users).
          disable_user_config: true,
          // kubespawner's default without a service account; said explicitly so a chart change cannot
          // hand users a token.
          automount_service_account_token: false,
          container_security_context: userContainerSecurityContext,
          ...(hub.terminalsEnabled ? {} : { args: [disableTerminalsFlag] }),
        },
      },
      existingSecret: refs.secretName,
      extraEnv: {
        [oidcClientSecretEnv]: {
          valueFrom: { secretKeyRef: { name: refs.secretName, key: hubSecretKeys.oidcClientSecret } },
        },
      },
      extraConfig: { "audit-log": readShippedFile("hub", "audit_log.py") },
      concurrentSpawnLimit: concurrentSpawnLimit(capacity, hub.concurrentSpawnLimit),
      // Never more servers than the cluster is sized for.
      activeServerLimit: hub.activeServerLimit ?? capacity.peakUsers,
      db: { type: hub.dbType },
      resources: core.hub,
      networkPolicy: { enabled: true, egressAllowRules: denyMetadataServer },
    },
    proxy: {
      // The Gateway (edge) terminates TLS and routes to proxy-public:80; no load balancer of its own.
      service: { type: "ClusterIP" },
      https: { enabled: false },
      chp: {
        resources: core.proxy,
        networkPolicy: { enabled: true, egressAllowRules: denyMetadataServer },
      },
    },
    singleuser: {
      image: splitImageRef(hub.userImage),
      uid: userUid,
      fsGid: userFsGid,
      allowPrivilegeEscalation: false,
      // The NetworkPolicy blocks the metadata server; the chart's iptables init container would run
      // privileged as root with NET_ADMIN, which no Pod Security level admits (Z2JH administrator/security.md, "Audit Cloud Metadata server access"; jupyterhub_config.py).
      cloudMetadata: { blockWithIptables: false },
      networkPolicy: {
        enabled: true,
        egressAllowRules: userEgressAllowRules,
        egress: allowlistEgressRules(hub.egressAllowlist),
      },
      cpu: { guarantee: capacity.userCpuGuarantee, limit: capacity.userCpuLimit },
      memory: { guarantee: gibToBytes(capacity.userMemoryGuaranteeGiB), limit: gibToBytes(capacity.userMemoryLimitGiB) },
      storage: { type: "dynamic", capacity: `${capacity.userStorageGiB}Gi` },
      startTimeout: serverStartTimeoutSeconds(capacity),
      cmd: singleuserCmd,
      extraEnv: packageIndexEnv(hub.packageIndexUrl),
      extraFiles: shellEscapeGuardFiles(hub.shellEscapeGuard),
      profileList: profileList(capacity, hub.userImage, hub.gpu),
    },
    scheduling: {
      // Packs users onto the busiest nodes (MostAllocated) so the autoscaler can empty the rest.
      userScheduler: { enabled: true },
      // Real users evict placeholders; the capacity model sizes them for one node start-up of arrivals.
      podPriority: { enabled: true },
      userPlaceholder: { enabled: true, replicas: plan.userPool.placeholderUsers },
      // The pools carry the chart's node-purpose label (labels.ts), so placement can be required.
      corePods: { nodeAffinity: { matchNodePurpose: "require" } },
      userPods: { nodeAffinity: { matchNodePurpose: "require" } },
    },
    prePuller: {
      hook: { enabled: true },
      continuous: { enabled: true },
      // The pullers run on user nodes only; pulling the GPU image there would waste disk and time.
      pullProfileListImages: false,
    },
    cull: {
      enabled: true,
      // Deleting idle *users* would make KubeSpawner delete their home PVCs (delete_pvc); keep users.
      users: false,
      adminUsers: true,
      removeNamedServers: false,
      timeout: hub.cullTimeoutSeconds,
      every: hub.cullEverySeconds,
      maxAge: hub.cullMaxAgeSeconds,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------

function onOff(on: boolean): string {
  return on ? "on" : "off";
}

function describeEgress(rules: readonly NetworkPolicyEgressRule[]): string {
  if (rules.length === 0) return "none";
  return rules
    .map((r) => `${r.to.map((t) => t.ipBlock.cidr).join(",")} tcp/${r.ports.map((p) => p.port).join(",")}`)
    .join("; ");
}

/** Short lines for the offline plan: what the shipped values actually do, read back from them. */
export function summarizeHubSecurity(values: Z2jhValues): string[] {
  const { hub, singleuser, cull, scheduling } = values;
  const auth = hub.config.GenericOAuthenticator;
  const guard = Object.values(singleuser.extraFiles).some((f) => f.mountPath.endsWith("/refuse_shell_escapes.py"));
  const terminalsOff = (hub.config.KubeSpawner.args ?? []).includes(disableTerminalsFlag);
  const isolated = singleuser.cmd.includes("-I");
  const metadataBlocked =
    !singleuser.networkPolicy.egressAllowRules.cloudMetadataServer &&
    !hub.networkPolicy.egressAllowRules.cloudMetadataServer &&
    !values.proxy.chp.networkPolicy.egressAllowRules.cloudMetadataServer;
  const gib = (bytes: number) => `${+(bytes / 1024 ** 3).toFixed(2)} GiB`;
  const gpu = singleuser.profileList.find((p) => p.kubespawner_override);
  const egress = singleuser.networkPolicy.egressAllowRules;
  const pod = hub.config.KubeSpawner.container_security_context;
  return [
    `login: OIDC (${hub.config.JupyterHub.authenticator_class}); allowed groups: ${auth.allowed_groups.join(", ")}; admin groups: ${auth.admin_groups.join(", ") || "none"}; allow_all ${auth.allow_all}`,
    `admins can open users' servers: ${hub.config.JupyterHub.admin_access ? "yes" : "no"} (admin_access ${hub.config.JupyterHub.admin_access})`,
    `per-user subdomains: <user>.${hub.config.JupyterHub.subdomain_host}; proxy Service ${values.proxy.service.type}`,
    `user config in $HOME: ${hub.config.KubeSpawner.disable_user_config ? "ignored" : "loaded"} (disable_user_config); images: ${singleuser.image.name}:${singleuser.image.tag}${gpu ? `, ${gpu.kubespawner_override?.image} (GPU profile)` : ""}`,
    `terminals: ${terminalsOff ? "off" : "on"}; server start-up ${isolated ? "ignores" : "runs"} Python files in the home (${singleuser.cmd.join(" ")}); shell-escape guard: ${onOff(guard)} (friction, not a boundary)`,
    `user egress: ${egress.nonPrivateIPs ? "the internet" : "DNS and the hub only"}${egress.privateIPs ? " and private ranges" : ""}, plus allowlist: ${describeEgress(singleuser.networkPolicy.egress)}`,
    `cloud metadata server: ${metadataBlocked ? "blocked by NetworkPolicy for users, hub and proxy" : "REACHABLE"}; iptables init container ${onOff(singleuser.cloudMetadata.blockWithIptables)}`,
    `user pods: uid ${pod.runAsUser}, privilege escalation ${pod.allowPrivilegeEscalation ? "allowed" : "off"}, capabilities dropped: ${pod.capabilities.drop.join(", ")}, seccomp ${pod.seccompProfile.type}, service-account token ${hub.config.KubeSpawner.automount_service_account_token ? "mounted" : "not mounted"}`,
    `per user: CPU ${singleuser.cpu.guarantee}–${singleuser.cpu.limit}, memory ${gib(singleuser.memory.guarantee)}–${gib(singleuser.memory.limit)}, home ${singleuser.storage.capacity}`,
    `culling: idle after ${cull.timeout} s (checked every ${cull.every} s), any server after ${cull.maxAge} s; users kept`,
    `limits: ${hub.activeServerLimit} active servers, ${hub.concurrentSpawnLimit} concurrent spawns; ${scheduling.userPlaceholder.replicas} placeholders; hub DB ${hub.db.type}`,
  ];
}
