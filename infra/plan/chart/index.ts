// The builder: the Zero to JupyterHub values for a stack, assembled from the pieces in this folder, whose
// public names are re-exported here so importers name the folder, not its files.
//
// Values for the Zero to JupyterHub chart, built from typed config and the capacity plan. Pure: no Pulumi
// Outputs and no secrets. Secret material reaches the hub through a Kubernetes Secret that the values only
// name (`hub.existingSecret`, env `valueFrom`). The hub↔proxy token is left to the chart: it reads that
// token only from its own Secret (values.schema.json, hub.existingSecret), so supplying one would mean
// writing it into the values, and the chart already generates it once and keeps it across upgrades.
// Keys and defaults cited in this folder are from Z2JH 4.4.0 (jupyterhub/values.yaml, values.schema.yaml and
// files/hub/jupyterhub_config.py in github.com/jupyterhub/zero-to-jupyterhub-k8s at tag 4.4.0).
import { StackConfig } from "../../config/types";
import { Plan } from "../index";
import { PackagePlan, planPackages } from "../packages";
import { hubRoles } from "../hubRoles";
import { noEgressAllowRules } from "../netpol";
import { componentEgress } from "./egress";
import { authenticatorConfig } from "./identity";
import { consecutiveSpawnFailureLimit, proxyKeepAliveFlag, userSchedulerEnabled } from "./operations";
import { ChartSecretRefs, hubSecretKeys, oidcClientSecretEnv } from "./release";
import { prePullerTolerations, sandboxRuntime, userPodResources } from "./sandbox";
import { ShippedFiles } from "./shippedFiles";
import { Z2jhValues } from "./types";
import {
  activityIntervalEnv,
  disableTerminalsFlag,
  packageConfigFiles,
  packageEnv,
  profileList,
  shellEscapeGuardFiles,
  singleuserCmd,
  splitImageRef,
  userContainerSecurityContext,
  userFsGid,
  userUid,
} from "./userPods";

export * from "./egress";
export * from "./identity";
export * from "./operations";
export * from "./release";
export * from "./sandbox";
export * from "./shippedFiles";
export * from "./summary";
export * from "./types";
export * from "./userPods";

/** The name prefix `buildChartValues` plans repositories with when it is not given the stack's package plan. */
export const defaultPackagePrefix = "hub";

/**
 * The chart values for a stack. Pure: the shipped Python arrives as text in `files` (read once by the
 * program, infra/files/index.ts), and the Secret the values name arrives in `refs`. `packages` is the
 * stack's package plan (planPackages with the stack's name prefix, as the program passes it); without it
 * the repositories are named with `defaultPackagePrefix`.
 */
export function buildChartValues(
  config: StackConfig,
  plan: Plan,
  files: ShippedFiles,
  refs: ChartSecretRefs,
  packages: PackagePlan = planPackages(config, defaultPackagePrefix),
): Z2jhValues {
  const { hub, capacity } = config;
  const tuning = plan.hubTuning; // rush tuning (infra/plan/rush/hub.ts)
  const egress = componentEgress(config, packages.userEgress);
  const pulledFrom = (configured: string) => packages.images.find((i) => i.configured === configured)?.pulled ?? configured;
  const resources = userPodResources(capacity, config.sandbox);
  const sandbox = sandboxRuntime(config.sandbox);
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
      extraConfig: { "audit-log": files.auditLog },
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
      // The user image from Artifact Registry (a remote repository of its registry), where image
      // streaming applies; same image, same tag or digest (plan/packages.ts).
      image: splitImageRef(pulledFrom(hub.userImage)),
      uid: userUid,
      fsGid: userFsGid,
      allowPrivilegeEscalation: false,
      // The NetworkPolicy blocks the metadata server; the chart's iptables init container would run
      // privileged as root with NET_ADMIN, which no Pod Security level admits (Z2JH administrator/security.md, "Audit Cloud Metadata server access"; jupyterhub_config.py).
      cloudMetadata: { blockWithIptables: false },
      networkPolicy: { enabled: true, egressAllowRules: noEgressAllowRules, egress: egress.singleuser },
      // The user's share plus the sandbox's allowance (sandbox.ts); the placeholders copy these.
      cpu: resources.cpu,
      memory: resources.memory,
      storage: { type: "dynamic", capacity: `${capacity.userStorageGiB}Gi` },
      startTimeout: tuning.startTimeoutSeconds, // rush tuning
      cmd: singleuserCmd,
      extraEnv: { ...packageEnv(), ...activityIntervalEnv(tuning.activityIntervalSeconds) }, // rush tuning
      extraFiles: { ...shellEscapeGuardFiles(hub.shellEscapeGuard, files), ...packageConfigFiles(packages) },
      profileList: profileList(capacity, hub.userImage, hub.gpu, pulledFrom),
      ...(sandbox ? { extraPodConfig: sandbox } : {}),
    },
    scheduling: {
      // Off: its kube-scheduler is too old for GKE's control plane (see userSchedulerEnabled).
      userScheduler: { enabled: userSchedulerEnabled },
      // Real users evict placeholders. rush tuning: the placeholder calendar (components/placeholderCalendar.ts)
      // owns the count, raising it before each class; the release only creates the StatefulSet, empty.
      podPriority: { enabled: true },
      userPlaceholder: { enabled: true, replicas: 0, ...(sandbox ? { extraPodSpec: sandbox } : {}) },
      // The pools carry the chart's node-purpose label (labels.ts), so placement can be required.
      corePods: { nodeAffinity: { matchNodePurpose: "require" } },
      userPods: { nodeAffinity: { matchNodePurpose: "require" } },
    },
    prePuller: {
      hook: { enabled: true },
      continuous: { enabled: true },
      // The pullers run on user nodes only; pulling the GPU image there would waste disk and time.
      pullProfileListImages: false,
      ...(sandbox ? { extraTolerations: prePullerTolerations(config.sandbox) } : {}),
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
