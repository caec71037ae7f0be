// Cases for the JupyterHub rules that judge what the chart values produce (the pods derived from them,
// policy-pack/policies/z2jh/pods.ts), secrets anywhere in them, the hub's Python, the identity provider's
// TLS and the event's limits. Each insecure input names the values key the finding must point at; each
// pass is a legitimate difference (another authenticator, bigger limits, pinned images, read-only shared
// data, extra read-only files) that must not be blocked. policies.test.ts runs them with the others.

import { codeDigest } from "../../policy-pack/policies/jupyterhub/code";
import { all, values, type Case, type Pass } from "./mutations";

/** A container securityContext that meets Pod Security Standards restricted. */
export const RESTRICTED = {
  runAsNonRoot: true,
  runAsUser: 1000,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

const initContainer = (extra: Record<string, unknown> = {}) => ({
  name: "fetch-material",
  image: "registry.example.com/git-sync:4.2.1",
  command: ["git-sync", "--one-time"],
  securityContext: RESTRICTED,
  ...extra,
});

const sharedData = (mount: Record<string, unknown>) =>
  all(
    values("singleuser.storage.extraVolumes", [{ name: "shared", persistentVolumeClaim: { claimName: "course-data" } }]),
    values("singleuser.storage.extraVolumeMounts", [{ name: "shared", mountPath: "/home/jovyan/shared", ...mount }]),
  );

const PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

export const VALUES_POD_CASES: readonly Case[] = [
  // Pod Security Standards on every derived pod, located at the values key to fix.
  {
    policy: "jupyterhub-pod-security",
    title: "an init container running as root",
    mutate: values("singleuser.initContainers", [initContainer({ securityContext: { runAsUser: 0 } })]),
    expect: "In user servers: Containers must not run as root: set values.singleuser.initContainers[0].securityContext.runAsUser",
  },
  {
    policy: "jupyterhub-pod-security",
    title: "user servers keeping their capabilities",
    mutate: values("hub.config.KubeSpawner.container_security_context.capabilities", undefined),
    expect: "set values.hub.config.KubeSpawner.container_security_context.capabilities.drop",
  },
  {
    policy: "jupyterhub-pod-security",
    title: "user servers without a seccomp profile",
    mutate: values("hub.config.KubeSpawner.container_security_context.seccompProfile", undefined),
    expect: "values.hub.config.KubeSpawner.container_security_context.seccompProfile.type (or the pod's)",
  },
  {
    policy: "jupyterhub-pod-security",
    title: "a hostPath volume in user pods",
    mutate: all(
      values("singleuser.storage.extraVolumes", [{ name: "host", hostPath: { path: "/var/lib" } }]),
      values("singleuser.storage.extraVolumeMounts", [{ name: "host", mountPath: "/host", readOnly: true }]),
    ),
    expect: 'set values.singleuser.storage.extraVolumes[0] to one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret (found: "hostPath")',
  },
  {
    policy: "jupyterhub-pod-security",
    title: "a profile that runs as root",
    mutate: values("singleuser.profileList", [
      { display_name: "Standard", default: true },
      { display_name: "Admin tools", kubespawner_override: { container_security_context: { runAsUser: 0, runAsNonRoot: null } } },
    ]),
    expect: 'In user servers, profile "Admin tools": Containers must not run as root: set values.singleuser.profileList[1].kubespawner_override.container_security_context.runAsUser',
  },
  {
    policy: "jupyterhub-pod-security",
    title: "a profile option that makes the server privileged",
    mutate: values("singleuser.profileList", [
      { display_name: "Lab", profile_options: { mode: { display_name: "Mode", choices: { normal: {}, docker: { kubespawner_override: { privileged: true } } } } } },
    ]),
    expect: 'profile "Lab" (mode = "docker"): Containers must not be privileged: set values.singleuser.profileList[0].profile_options.mode.choices.docker.kubespawner_override.privileged',
  },
  {
    policy: "jupyterhub-pod-security",
    title: "extra_container_config replacing the container's securityContext",
    mutate: values("hub.config.KubeSpawner.extra_container_config", { securityContext: { runAsUser: 1000 } }),
    expect: "values.hub.config.KubeSpawner.extra_container_config.securityContext.capabilities.drop",
  },
  {
    policy: "jupyterhub-pod-security",
    title: "a privileged sidecar in the hub pod",
    mutate: values("hub.extraContainers", [{ name: "sync", image: "registry.example.com/sync:1.0.0", securityContext: { privileged: true } }]),
    expect: "In the hub: Containers must not be privileged: set values.hub.extraContainers[0].securityContext.privileged",
  },
  {
    policy: "jupyterhub-pod-security",
    title: "the proxy on the node's network",
    mutate: values("proxy.chp.extraPodSpec", { hostNetwork: true }),
    expect: "In the proxy: Pods must not share the node's namespaces: set values.proxy.chp.extraPodSpec.hostNetwork",
  },
  {
    policy: "jupyterhub-pod-security",
    title: "a root init container in the hub pod (datahub's templates-clone without runAsNonRoot)",
    mutate: values("hub.initContainers", [{ name: "templates-clone", image: "alpine/git:2.45.2", securityContext: { runAsUser: 0 } }]),
    expect: "In the hub: Containers must not run as root: set values.hub.initContainers[0].securityContext.runAsUser",
  },
  // Shared storage
  {
    policy: "jupyterhub-user-shared-volumes-read-only",
    title: "a shared volume every user can write",
    mutate: sharedData({}),
    expect: "set values.singleuser.storage.extraVolumeMounts[0].readOnly to true",
  },
  // Limits per profile and for the event
  {
    policy: "jupyterhub-user-resource-limits",
    title: "a profile that drops the memory limit",
    mutate: values("singleuser.profileList", [{ display_name: "Standard", default: true }, { display_name: "Unlimited", kubespawner_override: { mem_limit: null } }]),
    expect: 'In user servers, profile "Unlimited": User servers must have a memory limit: set values.singleuser.profileList[1].kubespawner_override.mem_limit',
  },
  {
    policy: "jupyterhub-user-resource-limits",
    title: "a sidecar without limits",
    mutate: values("singleuser.extraContainers", [{ name: "proxy", image: "registry.example.com/proxy:1.0.0", securityContext: RESTRICTED }]),
    expect: "set values.singleuser.extraContainers[0].resources.limits.cpu",
  },
  { policy: "jupyterhub-event-limits", title: "no cap on running servers", mutate: values("hub.activeServerLimit", undefined), expect: "set values.hub.activeServerLimit" },
  { policy: "jupyterhub-event-limits", title: "no cap on concurrent spawns", mutate: values("hub.config.JupyterHub.concurrent_spawn_limit", 0), expect: "values.hub.config.JupyterHub.concurrent_spawn_limit" },
  { policy: "jupyterhub-event-limits", title: "unlimited named servers", mutate: values("hub.allowNamedServers", true), expect: "set values.hub.namedServerLimitPerUser" },
  // Images
  {
    policy: "jupyterhub-user-images",
    title: "an option that lets users type any image",
    mutate: values("singleuser.profileList", [
      {
        display_name: "Bring your own image",
        profile_options: {
          image: { display_name: "Image", choices: { base: { kubespawner_override: { image: "quay.io/jupyter/base-notebook:2025-01-06" } } }, unlisted_choice: { enabled: true, kubespawner_override: { image: "{value}" } } },
        },
      },
    ]),
    expect: "Users must not type the image their server runs (option image puts the typed value into image): set values.singleuser.profileList[0].profile_options.image.unlisted_choice.enabled to false",
  },
  {
    policy: "jupyterhub-user-images",
    title: "a typed memory limit",
    mutate: values("singleuser.profileList", [
      { display_name: "Custom", profile_options: { mem: { choices: { s: { kubespawner_override: { mem_limit: "2G" } } }, unlisted_choice: { enabled: true, kubespawner_override: { mem_limit: "{value}" } } } } },
    ]),
    expect: "Users must not type spawner settings (option mem puts the typed value into mem_limit)",
  },
  {
    policy: "jupyterhub-user-images",
    title: "an image outside the allowed set",
    mutate: values("singleuser.profileList", [{ display_name: "R", kubespawner_override: { image: "docker.io/rocker/binder:4.4.1" } }]),
    config: { "jupyterhub-user-images": { allowedImages: ["quay.io/jupyterhub/*"] } },
    expect: 'User servers must run images from the allowed set (quay.io/jupyterhub/*): set values.singleuser.profileList[0].kubespawner_override.image to an allowed image (found: "docker.io/rocker/binder:4.4.1")',
  },
  {
    policy: "jupyterhub-pinned-versions",
    title: "an init container without a tag",
    mutate: values("singleuser.initContainers", [initContainer({ image: "busybox" })]),
    expect: "Images must be pinned; values.singleuser.initContainers[0].image has no tag",
  },
  {
    policy: "jupyterhub-pinned-versions",
    title: "a profile choice naming its image by the deprecated image_spec",
    mutate: values("singleuser.profileList", [{ display_name: "x", profile_options: { img: { choices: { a: { kubespawner_override: { image_spec: "quay.io/jupyter/scipy-notebook:latest" } } } } } }]),
    expect: "values.singleuser.profileList[0].profile_options.img.choices.a.kubespawner_override.image_spec uses the moving tag",
  },
  // Secrets
  {
    policy: "jupyterhub-no-literal-secrets",
    title: "the proxy's auth token written into hub.config",
    mutate: values("hub.config.ConfigurableHTTPProxy.auth_token", "d2f0c1a3b4e5f60718293a4b5c6d7e8f"),
    expect: "remove values.hub.config.ConfigurableHTTPProxy.auth_token",
  },
  {
    policy: "jupyterhub-no-literal-secrets",
    title: "a private key in a hub file",
    mutate: values("hub.extraFiles.github-app", { mountPath: "/etc/github/key.pem", stringData: PEM }),
    expect: "(a PEM private key, stored in the Helm release and the chart's Secrets): remove values.hub.extraFiles.github-app.stringData",
  },
  {
    policy: "jupyterhub-no-literal-secrets",
    title: "a password in the database URL",
    mutate: values("hub.db", { type: "postgres", url: "postgresql://jupyterhub:hunter2@db.internal:5432/jupyterhub" }),
    expect: "(credentials in a URL",
  },
  {
    policy: "jupyterhub-user-pod-secrets",
    title: "a password in the users' environment",
    mutate: values("singleuser.extraEnv.DB_PASSWORD", "hunter2-but-longer"),
    expect: "Secrets must not reach user pods (found a value named like a secret at values.singleuser.extraEnv.DB_PASSWORD",
  },
  {
    policy: "jupyterhub-user-pod-secrets",
    title: "a deploy key in a user file",
    mutate: values("singleuser.extraFiles.deploy-key", { mountPath: "/etc/git/deploy_key", stringData: PEM }),
    expect: "values.singleuser.extraFiles.deploy-key.stringData",
  },
  {
    policy: "jupyterhub-user-pod-secrets",
    title: "a Kubernetes Secret in the users' environment",
    mutate: values("singleuser.extraEnv.AWS_SECRET_ACCESS_KEY", { valueFrom: { secretKeyRef: { name: "bucket-writer", key: "secret" } } }),
    expect: "reads Secret bucket-writer",
  },
  {
    policy: "jupyterhub-user-pod-secrets",
    title: "a token in a profile's environment",
    mutate: values("singleuser.profileList", [{ display_name: "GPU", kubespawner_override: { environment: { HF_TOKEN: "hf_0123456789abcdefghijklmnop" } } }]),
    expect: "values.singleuser.profileList[0].kubespawner_override.environment.HF_TOKEN",
  },
  // The hub's Python
  {
    policy: "jupyterhub-extra-config-reviewed",
    title: "an unreviewed extraConfig block",
    mutate: values("hub.extraConfig.spawner", "c.KubeSpawner.privileged = True\n"),
    expect: `values.hub.extraConfig.spawner is not a block the program ships and its digest is not acknowledged; read it (it runs in the hub with the hub's credentials and can undo any setting checked here), then remove it or add "${codeDigest("c.KubeSpawner.privileged = True\n")}"`,
  },
  {
    policy: "jupyterhub-extra-config-reviewed",
    title: "a config file mounted into jupyterhub_config.d",
    mutate: values("hub.extraFiles.profiles", { mountPath: "/usr/local/etc/jupyterhub/jupyterhub_config.d/profiles.py", stringData: "c.KubeSpawner.profile_list = []\n" }),
    expect: "values.hub.extraFiles.profiles.stringData is not a block the program ships",
  },
  {
    policy: "jupyterhub-extra-config-reviewed",
    title: "an acknowledged block that has changed since",
    mutate: values("hub.extraConfig.limits", "c.KubeSpawner.cpu_limit = 4\n"),
    config: { "jupyterhub-extra-config-reviewed": { acknowledgedDigests: [codeDigest("c.KubeSpawner.cpu_limit = 2\n")] } },
    expect: "values.hub.extraConfig.limits is not a block the program ships",
  },
  {
    policy: "jupyterhub-extra-config-reviewed",
    title: "a ConfigMap's Python mounted into jupyterhub_config.d (2i2c basehub)",
    mutate: all(
      values("hub.extraVolumes", [{ name: "quotas", configMap: { name: "usage-quotas-config" } }]),
      values("hub.extraVolumeMounts", [{ name: "quotas", mountPath: "/usr/local/etc/jupyterhub/jupyterhub_config.d/quotas.py", subPath: "quotas.py" }]),
    ),
    expect: "values.hub.extraVolumeMounts[0] (Python from outside the values) is not a block the program ships",
  },
  {
    policy: "jupyterhub-user-pod-secrets",
    title: "a file named like a private key, its content filled in from another values file",
    mutate: values(["singleuser", "extraFiles", "github-app-private-key.pem"], { mountPath: "/etc/github/github-app-private-key.pem", stringData: "dummy" }),
    expect: 'a file named like a secret at values.singleuser.extraFiles["github-app-private-key.pem"]',
  },
  {
    policy: "jupyterhub-allowlist",
    title: "every account of one CILogon identity provider",
    mutate: values("hub.config.CILogonOAuthenticator.allowed_idps", { "https://idp.example.edu/shibboleth": { allow_all: true, username_derivation: { username_claim: "email" } } }),
    expect: 'values.hub.config.CILogonOAuthenticator.allowed_idps["https://idp.example.edu/shibboleth"].allow_all',
  },
  // The identity provider's TLS
  {
    policy: "jupyterhub-idp-tls-verified",
    title: "certificate checks off",
    mutate: values("hub.config.GenericOAuthenticator.validate_server_cert", false),
    expect: "The hub must verify the identity provider's certificate: set values.hub.config.GenericOAuthenticator.validate_server_cert",
  },
  {
    policy: "jupyterhub-idp-tls-verified",
    title: "checks off through the request kwargs of another class",
    mutate: values("hub.config.OAuthenticator.http_request_kwargs", { validate_cert: false }),
    expect: "values.hub.config.OAuthenticator.http_request_kwargs.validate_cert",
  },
  { policy: "jupyterhub-idp-tls-verified", title: "OAUTH_TLS_VERIFY=0", mutate: values("hub.extraEnv.OAUTH_TLS_VERIFY", "0"), expect: "values.hub.extraEnv.OAUTH_TLS_VERIFY" },
  {
    policy: "jupyterhub-idp-tls-verified",
    title: "a token endpoint over plain HTTP",
    mutate: values("hub.config.GenericOAuthenticator.token_url", "http://login.example.com/oauth2/v1/token"),
    expect: "The hub must reach the identity provider over TLS",
  },
  {
    policy: "jupyterhub-idp-tls-verified",
    title: "LDAP with ldap3's default (no certificate check)",
    mutate: all(values("hub.config.JupyterHub.authenticator_class", "ldap"), values("hub.config.LDAPAuthenticator", { server_address: "ldap.example.edu", allowed_groups: ["cn=course"] })),
    expect: "set values.hub.config.LDAPAuthenticator.tls_kwargs.validate to 2 (ssl.CERT_REQUIRED)",
  },
  {
    policy: "jupyterhub-idp-tls-verified",
    title: "LDAP without TLS",
    mutate: all(values("hub.config.JupyterHub.authenticator_class", "ldap"), values("hub.config.LDAPAuthenticator", { server_address: "ldap.example.edu", tls_strategy: "insecure", tls_kwargs: { validate: 2 } })),
    expect: "values.hub.config.LDAPAuthenticator.tls_strategy",
  },
  // Who gets in
  { policy: "jupyterhub-authenticator", title: "temporary accounts for anyone", mutate: values("hub.config.JupyterHub.authenticator_class", "tmp"), expect: "real identity provider" },
  // Kubernetes API access from profiles
  {
    policy: "jupyterhub-user-no-api-token",
    title: "extraPodConfig naming a service account",
    mutate: values("singleuser.extraPodConfig", { serviceAccountName: "bucket-writer" }),
    expect: "User servers must not run as a Kubernetes service account: set values.singleuser.extraPodConfig.serviceAccountName",
  },
  {
    policy: "jupyterhub-user-no-api-token",
    title: "extraPodConfig mounting the token",
    mutate: values("singleuser.extraPodConfig", { automountServiceAccountToken: true }),
    expect: "set values.singleuser.extraPodConfig.automountServiceAccountToken to false",
  },
];

export const VALUES_POD_PASSES: readonly Pass[] = [
  {
    policy: "jupyterhub-pod-security",
    title: "seccomp on the pod instead of the container",
    mutate: all(
      values("hub.config.KubeSpawner.container_security_context.seccompProfile", undefined),
      values("hub.config.KubeSpawner.pod_security_context.seccompProfile.type", "RuntimeDefault"),
    ),
  },
  { policy: "jupyterhub-pod-security", title: "a restricted init container", mutate: values("singleuser.initContainers", [initContainer()]) },
  {
    policy: "jupyterhub-pod-security",
    title: "profiles that change only the image and bigger limits",
    mutate: values("singleuser.profileList", [
      { display_name: "Python", default: true },
      { display_name: "R", kubespawner_override: { image: "quay.io/jupyter/r-notebook:2025-01-06", cpu_limit: 4, mem_limit: "16G" } },
    ]),
  },
  {
    policy: "jupyterhub-pod-security",
    title: "a profile whose security context override keeps the restricted fields",
    mutate: values("singleuser.profileList", [{ display_name: "Other uid", kubespawner_override: { container_security_context: { runAsUser: 1001 } } }]),
  },
  { policy: "jupyterhub-user-shared-volumes-read-only", title: "shared data mounted read-only", mutate: sharedData({ readOnly: true }) },
  { policy: "jupyterhub-user-shared-volumes-read-only", title: "a per-user directory of a shared volume", mutate: sharedData({ subPath: "{username}" }) },
  { policy: "jupyterhub-pod-security", title: "shared data mounted read-only", mutate: sharedData({ readOnly: true }) },
  {
    policy: "jupyterhub-user-resource-limits",
    title: "a profile with bigger limits",
    mutate: values("singleuser.profileList", [{ display_name: "Large", kubespawner_override: { cpu_limit: 8, mem_limit: "32G" } }]),
  },
  {
    policy: "jupyterhub-event-limits",
    title: "named servers with a cap",
    mutate: all(values("hub.allowNamedServers", true), values("hub.namedServerLimitPerUser", 2)),
  },
  {
    policy: "jupyterhub-user-images",
    title: "pinned image choices from the allowed set",
    mutate: values("singleuser.profileList", [
      {
        display_name: "Pick",
        profile_options: {
          image: {
            choices: {
              sample: { kubespawner_override: { image: "quay.io/jupyterhub/k8s-singleuser-sample:4.4.0" } },
              slim: { kubespawner_override: { image: "quay.io/jupyterhub/k8s-singleuser-sample:4.3.0" } },
            },
            unlisted_choice: { enabled: false, kubespawner_override: { image: "{value}" } },
          },
        },
      },
    ]),
    config: { "jupyterhub-user-images": { allowedImages: ["quay.io/jupyterhub/*"] } },
  },
  {
    policy: "jupyterhub-user-images",
    title: "a typed landing page",
    mutate: values("singleuser.profileList", [{ display_name: "Docs", profile_options: { page: { choices: { lab: {} }, unlisted_choice: { enabled: true, kubespawner_override: { default_url: "/lab/tree/{value}" } } } } }]),
  },
  {
    policy: "jupyterhub-user-pod-secrets",
    title: "extra read-only files without secrets",
    mutate: values("singleuser.extraFiles.page-config", { mountPath: "/etc/jupyter/labconfig/page_config.json", mode: 292, data: { disabledExtensions: { "@jupyterlab/extensionmanager-extension": true } } }),
  },
  {
    policy: "jupyterhub-no-literal-secrets",
    title: "names and locations of secrets",
    mutate: all(
      values("hub.extraEnv.GOOGLE_APPLICATION_CREDENTIALS", "/etc/gcp/key.json"),
      values("imagePullSecrets", ["registry-credentials"]),
      values("hub.config.GenericOAuthenticator.client_secret_env", "OAUTH_CLIENT_SECRET"),
      values("hub.config.GenericOAuthenticator.userdata_token_method", "GET"),
      values("proxy.https", { enabled: false, secret: { name: "hub-tls", key: "tls.key", crt: "tls.crt" } }),
    ),
  },
  {
    policy: "jupyterhub-user-pod-secrets",
    title: "environment names that only look like secrets",
    mutate: all(values("singleuser.extraEnv.TOKENIZERS_PARALLELISM", "false"), values("singleuser.extraEnv.GOOGLE_APPLICATION_CREDENTIALS", "/etc/gcp/none.json")),
  },
  {
    policy: "jupyterhub-metadata-egress",
    title: "HTTPS switched on without hosts (the chart deploys no autohttps pod)",
    mutate: values("proxy.https", { enabled: true, type: "letsencrypt" }),
  },
  {
    policy: "jupyterhub-extra-config-reviewed",
    title: "a block acknowledged by its digest",
    mutate: values("hub.extraConfig.limits", "c.KubeSpawner.cpu_limit = 2\n"),
    config: { "jupyterhub-extra-config-reviewed": { acknowledgedDigests: [codeDigest("c.KubeSpawner.cpu_limit = 2\n")] } },
  },
  {
    policy: "jupyterhub-idp-tls-verified",
    title: "a private CA instead of switching checks off",
    mutate: values("hub.config.GenericOAuthenticator.http_request_kwargs", { ca_certs: "/etc/idp/ca.pem" }),
  },
  {
    policy: "jupyterhub-idp-tls-verified",
    title: "LDAP checking the directory's certificate",
    mutate: all(values("hub.config.JupyterHub.authenticator_class", "ldap"), values("hub.config.LDAPAuthenticator", { server_address: "ldap.example.edu", tls_kwargs: { validate: 2, ca_certs_file: "/etc/ldap/ca.pem" } })),
  },
  {
    policy: "jupyterhub-allowlist",
    title: "another authenticator with an allowlist",
    mutate: all(
      values("hub.config.GenericOAuthenticator", undefined),
      values("hub.config.JupyterHub.authenticator_class", "github"),
      values("hub.config.GitHubOAuthenticator", { allowed_organizations: ["example-course"], client_id: "abc" }),
    ),
  },
];
