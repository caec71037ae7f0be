import * as fs from "fs";
import * as path from "path";
import { CapacityConfig, EgressRule, GpuConfig, HubConfig, OidcConfig, StackConfig } from "../config/types";
import { clusterDns, dnsEgressRule } from "./clusterDns";
import { Plan } from "./index";
import { HubRole, hubRoles, reachesOtherUsers, staffRoleName } from "./hubRoles";
import { dedicatedTaint, nodePurposeLabel, poolPurpose } from "./labels";
import {
  admittedMetadataPaths,
  chartEgressDefaults,
  EgressAllowRules,
  hubInternetEgressRule,
  kubernetesApiEgressRule,
  MetadataPath,
  NetworkPolicyEgressRule,
  noEgressAllowRules,
} from "./netpol";

export type { EgressAllowRules, NetworkPolicyEgressRule } from "./netpol";

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
 * The OIDC client secret key is ours: it only feeds an env var. The policy pack refuses a literal value at
 * the two `hub.config` paths in chart values (test/policy-pack/contracts.test.ts checks the two agree).
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

/** A component's NetworkPolicy: the chart's switches all off, and exactly the rules we write. */
export interface ComponentNetworkPolicy {
  readonly enabled: true;
  readonly egressAllowRules: EgressAllowRules;
  readonly egress: readonly NetworkPolicyEgressRule[];
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
  readonly admin_users: readonly [];
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
  // rush tuning (infra/plan/rush/hub.ts, kubeSpawnerApi)
  readonly k8s_api_request_timeout: number;
  readonly k8s_api_request_retry_timeout: number;
  readonly http_timeout: number;
}

export interface Z2jhValues {
  readonly hub: {
    readonly config: {
      readonly JupyterHub: {
        readonly authenticator_class: "generic-oauth";
        readonly admin_access: false;
        readonly subdomain_host: string;
        readonly cookie_host_prefix_enabled: true;
      };
      readonly GenericOAuthenticator: GenericOAuthenticatorConfig;
      readonly KubeSpawner: KubeSpawnerConfig;
    };
    readonly existingSecret: string;
    readonly extraEnv: Readonly<Record<string, SecretEnvVar>>;
    readonly extraConfig: Readonly<Record<string, string>>;
    readonly loadRoles: Readonly<Record<string, HubRole>>;
    readonly concurrentSpawnLimit: number;
    readonly consecutiveFailureLimit: number;
    readonly activeServerLimit: number;
    readonly db: { readonly type: HubConfig["dbType"] };
    readonly resources: ResourceRequirements;
    readonly networkPolicy: ComponentNetworkPolicy;
  };
  readonly proxy: {
    readonly service: { readonly type: "ClusterIP" };
    readonly https: { readonly enabled: false };
    readonly chp: {
      readonly extraCommandLineFlags: readonly string[];
      readonly resources: ResourceRequirements;
      readonly networkPolicy: ComponentNetworkPolicy;
    };
  };
  readonly singleuser: {
    readonly image: { readonly name: string; readonly tag: string };
    readonly uid: number;
    readonly fsGid: number;
    readonly allowPrivilegeEscalation: false;
    readonly cloudMetadata: { readonly blockWithIptables: false };
    readonly networkPolicy: ComponentNetworkPolicy;
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
    readonly userScheduler: { readonly enabled: false };
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
 * Each component's egress besides the chart's fixed podSelector rules (netpol.ts lists them), with every
 * chart switch off (`noEgressAllowRules`):
 * - user servers: DNS and the organiser's allowlist; no internet, no VPC, no metadata server (Z2JH docs
 *   administrator/security.md#netpol);
 * - the hub: DNS, the Kubernetes API on 443, and the IdP on its ports at public addresses;
 * - the proxy: DNS only (it forwards to the hub and user servers, which its fixed rules cover).
 * DNS is the one path the cluster's DNS choice implies (clusterDns.ts). None of these admits the GKE
 * metadata server by any address it answers on (netpol.ts, metadataPaths); the chart's defaults for the
 * hub and proxy admitted it through `nonPrivateIPs`, which excepts 169.254.169.254 but not its listener.
 */
export function componentEgress(config: StackConfig): { hub: NetworkPolicyEgressRule[]; proxy: NetworkPolicyEgressRule[]; singleuser: NetworkPolicyEgressRule[] } {
  const dns = dnsEgressRule(clusterDns);
  const { oidc } = config.hub;
  return {
    hub: [dns, kubernetesApiEgressRule(), hubInternetEgressRule([oidc.tokenUrl, oidc.userdataUrl])],
    proxy: [dns],
    singleuser: [dns, ...allowlistEgressRules(config.hub.egressAllowlist)],
  };
}

/** One NetworkPolicy egress rule per allowlist entry (parse.ts already refuses non-public ranges). */
export function allowlistEgressRules(allowlist: readonly EgressRule[]): NetworkPolicyEgressRule[] {
  return allowlist.map((rule) => ({
    to: [{ ipBlock: { cidr: rule.cidr } }],
    ports: rule.ports.map((port) => ({ protocol: "TCP" as const, port })),
  }));
}

/** rush tuning: how often user servers report activity to the hub (infra/plan/rush/hub.ts). */
export function activityIntervalEnv(seconds: number): Record<string, string> {
  return { JUPYTERHUB_ACTIVITY_INTERVAL: String(seconds) };
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

// rush tuning: the spawn limit, start timeout and hub/proxy resources moved to infra/plan/rush/hub.ts,
// which sizes them from the timetable's simulated rush; buildChartValues reads them from `plan.hubTuning`.

/**
 * Spawn failures in a row after which the hub exits, `hub.consecutiveFailureLimit` (JupyterHub's
 * Spawner.consecutive_failure_limit, where 0 means no limit; the chart's default is 5). JupyterHub 5.5.0
 * counts every failed spawn and resets on any success (handlers/base.py, `_track_failure_count`). At 1,000
 * users a restart does more harm than the failures:
 * - In the rush, spawns fail together for reasons a restart cannot fix: a scale-up slower than the start
 *   timeout, a quota, a zone out of machines. With up to `concurrentSpawnLimit` spawns in flight (120 for the
 *   event stack), five failures in a row come easily; the restart then abandons every spawn in flight and
 *   takes the hub away from every user while it comes back.
 * - In a quiet hour, one untrusted user whose server fails at start (say, after filling their home disk)
 *   can click "start" five times while no one else starts one, and restart the hub for everyone.
 * - The failure a restart does cure, KubeSpawner losing its Kubernetes watches, already halts the hub by
 *   itself (kubespawner 7.0.0 spawner.py, `on_reflector_failure`: "Reflector ... failed, halting Hub.").
 * So no limit: a failed spawn is reported to its user and logged, and never restarts the hub.
 */
export const consecutiveSpawnFailureLimit = 0;

/**
 * Google's global external Application Load Balancer (the Gateway's gke-l7-global-external-managed class)
 * keeps idle connections to a backend for a fixed 600 s and reuses them; a backend that closes one sooner
 * races the load balancer's next request on it, which the user sees as a 502. Google's docs: "you must
 * configure your backend software so that its HTTP keepalive (TCP idle) timeout value is greater than 600
 * seconds" (cloud.google.com/load-balancing/docs/https, "Backend HTTP keepalive timeout"; the 610 s there is
 * the other side, browsers to Google's front ends). The backend here is CHP, which closes idle connections
 * after 5 s unless given `--keep-alive-timeout` in milliseconds (configurable-http-proxy 5.2.0, the chart's
 * image: bin/configurable-http-proxy and lib/configproxy.js, `keepAliveTimeout || 5000`; the flag is new in
 * 4.6.0, CHANGELOG.md). The chart appends `proxy.chp.extraCommandLineFlags` to CHP's command line
 * (templates/proxy/deployment.yaml).
 */
export const loadBalancerBackendKeepAliveSeconds = 600;
/** Twenty seconds above the load balancer's, so the load balancer is always the side that closes. */
export const proxyKeepAliveTimeoutMs = (loadBalancerBackendKeepAliveSeconds + 20) * 1000;
export const proxyKeepAliveFlag = `--keep-alive-timeout=${proxyKeepAliveTimeoutMs}`;

/**
 * The chart's user-scheduler stays off. It runs its own kube-scheduler, v1.30.14 in Z2JH 4.4.0 (values.yaml,
 * scheduling.userScheduler.image), and Kubernetes supports a kube-scheduler at most one minor version older
 * than its API server (kubernetes.io/releases/version-skew-policy); GKE's channels serve 1.34 to 1.37 (GKE
 * release notes, "Current versions"). A newer image tag does not fix it on this chart: Z2JH copies
 * kube-scheduler's RBAC rules per minor version (templates/scheduling/user-scheduler/rbac.yaml), and its own
 * move to 1.35 (commit 80bb6e47, after 4.4.0) added rules for leases, leasecandidates, volumeattachments and
 * the resource.k8s.io objects. Without them kube-scheduler waits for informers that never sync and schedules
 * nothing (values.yaml: "Typical failures ..."), and with the user-scheduler on, every user pod and
 * placeholder names it as its scheduler (files/hub/jupyterhub_config.py, KubeSpawner.scheduler_name;
 * templates/scheduling/user-placeholder/statefulset.yaml): no server would start. GKE's own scheduler always
 * matches its control plane.
 *
 * What is lost is packing: the user-scheduler scores nodes MostAllocated (values.yaml pluginConfig), the
 * default scheduler LeastAllocated (kubernetes.io/docs/reference/scheduling/config), so users spread over
 * the user nodes. The peak node count does not change (it follows the requests), but user pods have no
 * controller, which the cluster autoscaler never evicts (cluster-autoscaler FAQ, "What types of pods can
 * prevent CA from removing a node?"), so after the peak a node is freed only when culling or its users have
 * stopped every server on it, and more nodes stay up through the evening than with packing.
 */
export const userSchedulerEnabled = false;

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
  const tuning = plan.hubTuning; // rush tuning (infra/plan/rush/hub.ts)
  const egress = componentEgress(config);
  return {
    hub: {
      config: {
        JupyterHub: {
          authenticator_class: "generic-oauth",
          // Deprecated since JupyterHub 2.0 and no longer what keeps admins out of servers: the built-in
          // admin role always carries access:servers (hubRoles.ts keeps staff out of that role). The chart
          // defaults it to true, which still passes JUPYTERHUB_ADMIN_ACCESS=1 to user servers for
          // JupyterHub's pre-2.0 admin check (5.5.0 spawner.py, services/auth.py), so it stays false.
          admin_access: false,
          // Per-user subdomains (JupyterHub adds https://); JupyterHub 5's default subdomain_hook "idna"
          // turns any username into one DNS label, so one wildcard certificate covers every user.
          subdomain_host: config.edge.hubDomain,
          // A user's server at <user>.<hubDomain> may set cookies for <hubDomain> and so toss one at the
          // hub (JupyterHub 5.5.0 docs explanation/websecurity.md, "Cookie tossing"). A `__Host-` cookie
          // cannot be set from another host; JupyterHub then sets its login cookie Secure on `/` (app.py
          // init_hub, handlers/base.py `_set_cookie`), which needs HTTPS (the Gateway serves only HTTPS)
          // and is meant for per-user subdomains, as here. New in JupyterHub 4.1.
          cookie_host_prefix_enabled: true,
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
          ...tuning.kubeSpawner, // rush tuning: Kubernetes API and server timeouts
        },
      },
      existingSecret: refs.secretName,
      extraEnv: {
        [oidcClientSecretEnv]: {
          valueFrom: { secretKeyRef: { name: refs.secretName, key: hubSecretKeys.oidcClientSecret } },
        },
      },
      extraConfig: { "audit-log": readShippedFile("hub", "audit_log.py") },
      loadRoles: hubRoles(hub.oidc.adminGroups),
      concurrentSpawnLimit: tuning.concurrentSpawnLimit, // rush tuning
      consecutiveFailureLimit: consecutiveSpawnFailureLimit,
      // Never more servers than the cluster is sized for.
      activeServerLimit: hub.activeServerLimit ?? capacity.peakUsers,
      db: { type: hub.dbType },
      resources: tuning.resources.hub, // rush tuning
      networkPolicy: { enabled: true, egressAllowRules: noEgressAllowRules, egress: egress.hub },
    },
    proxy: {
      // The Gateway (edge) terminates TLS and routes to proxy-public:80; no load balancer of its own.
      service: { type: "ClusterIP" },
      https: { enabled: false },
      chp: {
        extraCommandLineFlags: [proxyKeepAliveFlag],
        resources: tuning.resources.proxy, // rush tuning
        networkPolicy: { enabled: true, egressAllowRules: noEgressAllowRules, egress: egress.proxy },
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
      networkPolicy: { enabled: true, egressAllowRules: noEgressAllowRules, egress: egress.singleuser },
      cpu: { guarantee: capacity.userCpuGuarantee, limit: capacity.userCpuLimit },
      memory: { guarantee: gibToBytes(capacity.userMemoryGuaranteeGiB), limit: gibToBytes(capacity.userMemoryLimitGiB) },
      storage: { type: "dynamic", capacity: `${capacity.userStorageGiB}Gi` },
      startTimeout: tuning.startTimeoutSeconds, // rush tuning
      cmd: singleuserCmd,
      extraEnv: { ...packageIndexEnv(hub.packageIndexUrl), ...activityIntervalEnv(tuning.activityIntervalSeconds) }, // rush tuning
      extraFiles: shellEscapeGuardFiles(hub.shellEscapeGuard),
      profileList: profileList(capacity, hub.userImage, hub.gpu),
    },
    scheduling: {
      // Off: its kube-scheduler is too old for GKE's control plane (see userSchedulerEnabled).
      userScheduler: { enabled: userSchedulerEnabled },
      // Real users evict placeholders. rush tuning: the placeholder calendar (components/placeholderCalendar.ts)
      // owns the count, raising it before each class; the release only creates the StatefulSet, empty.
      podPriority: { enabled: true },
      userPlaceholder: { enabled: true, replicas: 0 },
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

/** ipBlock rules as `cidr tcp/ports`; the DNS rule (a pod selector) is reported on its own line. */
function describeEgress(rules: readonly NetworkPolicyEgressRule[]): string {
  const described = rules.flatMap((r) => {
    const cidrs = r.to.flatMap((t) =>
      "ipBlock" in t ? [t.ipBlock.except?.length ? `${t.ipBlock.cidr} except ${t.ipBlock.except.join(",")}` : t.ipBlock.cidr] : [],
    );
    return cidrs.length === 0 ? [] : [`${cidrs.join(",")} tcp/${r.ports.map((p) => p.port).join(",")}`];
  });
  return described.length === 0 ? "none" : described.join("; ");
}

/** Where each component's DNS rules point: pod selectors as namespace/labels, ipBlocks as CIDRs. */
function describeDns(rules: readonly NetworkPolicyEgressRule[]): string {
  const peers = rules
    .filter((r) => r.ports.some((p) => p.port === 53))
    .flatMap((r) => r.to.map((t) =>
      "ipBlock" in t
        ? t.ipBlock.cidr
        : `${Object.values(t.namespaceSelector.matchLabels).join(",")}/${Object.entries(t.podSelector.matchLabels).map(([k, v]) => `${k}=${v}`).join(",")}`,
    ));
  return [...new Set(peers)].join(", ") || "none";
}

/** The metadata paths each component's values admit (netpol.ts), or "" when none does. */
function metadataExposure(values: Z2jhValues): string {
  const admitted: [string, MetadataPath[]][] = [
    ["users", admittedMetadataPaths(values.singleuser.networkPolicy, chartEgressDefaults.singleuser)],
    ["hub", admittedMetadataPaths(values.hub.networkPolicy, chartEgressDefaults.hub)],
    ["proxy", admittedMetadataPaths(values.proxy.chp.networkPolicy, chartEgressDefaults["proxy.chp"])],
  ];
  return admitted
    .filter(([, paths]) => paths.length > 0)
    .map(([who, paths]) => `${who} via ${paths.map((p) => p.label).join(", ")}`)
    .join("; ");
}

/** Short lines for the offline plan: what the shipped values actually do, read back from them. */
export function summarizeHubSecurity(values: Z2jhValues): string[] {
  const { hub, singleuser, cull, scheduling } = values;
  const auth = hub.config.GenericOAuthenticator;
  const guard = Object.values(singleuser.extraFiles).some((f) => f.mountPath.endsWith("/refuse_shell_escapes.py"));
  const terminalsOff = (hub.config.KubeSpawner.args ?? []).includes(disableTerminalsFlag);
  const metadataReachable = metadataExposure(values);
  const dnsPeers = [singleuser, hub, values.proxy.chp].map((c) => describeDns(c.networkPolicy.egress));
  const isolated = singleuser.cmd.includes("-I");
  const gib = (bytes: number) => `${+(bytes / 1024 ** 3).toFixed(2)} GiB`;
  const gpu = singleuser.profileList.find((p) => p.kubespawner_override);
  const egress = singleuser.networkPolicy.egressAllowRules;
  const pod = hub.config.KubeSpawner.container_security_context;
  // Who holds JupyterHub's built-in admin role (which always has access:servers), and which loaded role
  // grants a scope that reaches other users' servers.
  const adminRole = hub.loadRoles.admin;
  const builtInAdmins = [
    ...new Set([
      ...[...auth.admin_groups, ...(adminRole?.groups ?? [])].map((g) => `group ${g}`),
      ...[...auth.admin_users, ...(adminRole?.users ?? [])].map((u) => `user ${u}`),
    ]),
  ];
  const reachingRoles = Object.entries(hub.loadRoles)
    .filter(([name, role]) => name !== "admin" && (role.scopes ?? []).some(reachesOtherUsers))
    .map(([name]) => `role ${name}`);
  const openers = [...builtInAdmins.map((a) => `built-in admin ${a}`), ...reachingRoles];
  const staff = hub.loadRoles[staffRoleName];
  const keepAlive = values.proxy.chp.extraCommandLineFlags.map((f) => /^--keep-alive-timeout=(\d+)$/.exec(f)).find((m) => m);
  return [
    `login: OIDC (${hub.config.JupyterHub.authenticator_class}); allowed groups: ${auth.allowed_groups.join(", ")}; full-admin groups: ${auth.admin_groups.join(", ") || "none"}; allow_all ${auth.allow_all}`,
    `admins can open users' servers: ${openers.length ? `yes: ${openers.join(", ")}` : "no"}; staff groups ${staff?.groups?.join(", ") || "none"} get role ${staffRoleName} (${staff?.scopes?.join(" ") ?? "no scopes"}); built-in admin role: ${builtInAdmins.join(", ") || "nobody"}`,
    `per-user subdomains: <user>.${hub.config.JupyterHub.subdomain_host}; hub login cookie ${hub.config.JupyterHub.cookie_host_prefix_enabled ? "__Host- (cannot be tossed from a user's subdomain)" : "without __Host- prefix"}; proxy Service ${values.proxy.service.type}`,
    `user config in $HOME: ${hub.config.KubeSpawner.disable_user_config ? "ignored" : "loaded"} (disable_user_config); images: ${singleuser.image.name}:${singleuser.image.tag}${gpu ? `, ${gpu.kubespawner_override?.image} (GPU profile)` : ""}`,
    `terminals: ${terminalsOff ? "off" : "on"}; server start-up ${isolated ? "ignores" : "runs"} Python files in the home (${singleuser.cmd.join(" ")}); shell-escape guard: ${onOff(guard)} (friction, not a boundary)`,
    `user egress: ${egress.nonPrivateIPs ? "the internet" : "DNS and the hub only"}${egress.privateIPs ? " and private ranges" : ""}, plus allowlist: ${describeEgress(singleuser.networkPolicy.egress)}`,
    `hub egress besides DNS, the proxy and user servers: ${describeEgress(hub.networkPolicy.egress)}; proxy: ${describeEgress(values.proxy.chp.networkPolicy.egress)} besides DNS, the hub and user servers`,
    `DNS: ${new Set(dnsPeers).size === 1 ? `${dnsPeers[0]} only, UDP/TCP 53, for users, hub and proxy` : `users ${dnsPeers[0]}; hub ${dnsPeers[1]}; proxy ${dnsPeers[2]}`}`,
    `cloud metadata server: ${metadataReachable ? `REACHABLE: ${metadataReachable}` : "blocked by NetworkPolicy for users, hub and proxy (169.254.169.254:80, 169.254.169.252:988, private addresses on 988)"}; iptables init container ${onOff(singleuser.cloudMetadata.blockWithIptables)}`,
    `user pods: uid ${pod.runAsUser}, privilege escalation ${pod.allowPrivilegeEscalation ? "allowed" : "off"}, capabilities dropped: ${pod.capabilities.drop.join(", ")}, seccomp ${pod.seccompProfile.type}, service-account token ${hub.config.KubeSpawner.automount_service_account_token ? "mounted" : "not mounted"}`,
    `per user: CPU ${singleuser.cpu.guarantee}–${singleuser.cpu.limit}, memory ${gib(singleuser.memory.guarantee)}–${gib(singleuser.memory.limit)}, home ${singleuser.storage.capacity}`,
    `culling: idle after ${cull.timeout} s (checked every ${cull.every} s), any server after ${cull.maxAge} s; users kept`,
    `limits: ${hub.activeServerLimit} active servers, ${hub.concurrentSpawnLimit} concurrent spawns; ${scheduling.userPlaceholder.replicas} placeholders at install, then the placeholder calendar's count; hub DB ${hub.db.type}`,
    `resilience: ${hub.consecutiveFailureLimit ? `the hub exits after ${hub.consecutiveFailureLimit} failed spawns in a row` : "failed spawns never restart the hub"}; proxy keeps idle connections ${keepAlive ? `${Number(keepAlive[1]) / 1000} s` : "5 s (CHP's default)"}; user-scheduler ${onOff(scheduling.userScheduler.enabled)}`,
  ];
}
