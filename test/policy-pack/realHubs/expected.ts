// What each values file of real public hubs (./*.yaml; each cites its repository, path and commit) would
// put in front of 1,000 untrusted users when applied over the event stack, judged by reading the file
// against the upstream sources, not by running the pack: the mandatory policies that must block it, with
// a fragment of the finding each must report (the values key to fix). `over` lists the files deployed
// under it (2i2c hubs run their cluster file over basehub's). Secure neighbours (neighbour-*.yaml) differ
// from the event stack only in legitimate ways and must pass. The event stack claims packageMode mirror, so
// a file whose user images come from a public registry rather than Artifact Registry, or whose user egress
// opens the internet, is blocked by stack-packages-through-registry too (issue 14).
// test/policy-pack/realHubs.test.ts checks the pack blocks exactly these, nothing more.

export interface Verdict {
  /** Files layered under this one, first applied first (after the event stack). */
  readonly over?: readonly string[];
  /** Mandatory policies that must block the file, each with fragments its findings must contain. */
  readonly blocks: Readonly<Record<string, readonly string[]>>;
  /** Why, in a line. */
  readonly why: string;
}

/** What the 2i2c base (basehub) adds to every 2i2c hub. */
const BASEHUB: Readonly<Record<string, readonly string[]>> = {
  // The hub's templates-clone init container and templates-sync sidecar keep every capability.
  "jupyterhub-pod-security": ["In the hub: Containers must drop every capability: set values.hub.initContainers[0].securityContext.capabilities.drop", "values.hub.extraContainers[0].securityContext.capabilities.drop"],
  // Every user pod runs as the user-sa service account (cloud credentials for all users, API token mounted).
  "jupyterhub-user-no-api-token": ["set values.singleuser.serviceAccountName to null"],
  // Two extraConfig blocks, and a ConfigMap's Python mounted into jupyterhub_config.d.
  "jupyterhub-extra-config-reviewed": ["values.hub.extraConfig.01-custom-theme", "values.hub.extraConfig.09-2i2c-add-staff-gh-team", "values.hub.extraVolumeMounts[1] (Python from outside the values)"],
  // A 0.0.0.0/0 egress rule that excepts the private ranges but not 169.254.0.0/16.
  "jupyterhub-user-egress": ["0.0.0.0/0 opens the whole internet"],
  "jupyterhub-metadata-egress": ["values.singleuser.networkPolicy.egress[2]"],
  // The event stack claims packageMode mirror (issue 14): the user image straight from quay.io, and pip
  // able to reach any index through that 0.0.0.0/0 rule, both go around its Artifact Registry.
  "stack-packages-through-registry": [
    'set values.singleuser.image to the image\'s path in the stack\'s remote repository, <location>-docker.pkg.dev/<project>/<repository>/... (found: "quay.io/jupyter/scipy-notebook")',
    "remove 0.0.0.0/0 from values.singleuser.networkPolicy.egress[2]",
  ],
};

export const VERDICTS: Readonly<Record<string, Verdict>> = {
  "2i2c-basehub.yaml": { blocks: BASEHUB, why: "privileged-by-default hub sidecars, a user service account, unreviewed hub Python, internet and metadata egress" },
  "2i2c-maap.yaml": {
    over: ["2i2c-basehub.yaml"],
    blocks: {
      ...BASEHUB,
      "jupyterhub-pod-security": [
        ...(BASEHUB["jupyterhub-pod-security"] ?? []),
        "Containers must not be privileged: set values.singleuser.extraContainers[0].securityContext.privileged",
        "set values.singleuser.initContainers[0].securityContext.capabilities.drop",
      ],
      "jupyterhub-extra-config-reviewed": [...(BASEHUB["jupyterhub-extra-config-reviewed"] ?? []), "values.hub.extraConfig.001-username-claim"],
      "jupyterhub-admin-access-off": ["values.hub.config.Authenticator.admin_users", "values.hub.config.GenericOAuthenticator.admin_groups"],
      "jupyterhub-event-limits": ["set values.hub.namedServerLimitPerUser"],
      "jupyterhub-user-shared-volumes-read-only": ['set values.singleuser.storage.extraVolumeMounts["01-shared-public-volumemount"].readOnly to true'],
    },
    why: "a privileged s3fs sidecar in every user pod, a writable directory shared by all users, admins who can open servers, unlimited named servers",
  },
  "2i2c-nmfs-openscapes-workshop.yaml": {
    over: ["2i2c-basehub.yaml"],
    blocks: {
      ...BASEHUB,
      "jupyterhub-authenticator": ["values.hub.config.JupyterHub.authenticator_class"],
      "jupyterhub-allowlist": ["values.hub.config.Authenticator.allow_all"],
      "jupyterhub-admin-access-off": ["values.hub.config.Authenticator.admin_users"],
      "jupyterhub-event-limits": ["values.hub.namedServerLimitPerUser"],
      "jupyterhub-user-images": ["Users must not type the image their server runs", "values.singleuser.profileList[0].profile_options.image.unlisted_choice.enabled"],
      "jupyterhub-user-shared-volumes-read-only": ['values.singleuser.storage.extraVolumeMounts["1-shared-public-volumemount"].readOnly'],
      "stack-packages-through-registry": [
        ...(BASEHUB["stack-packages-through-registry"] ?? []),
        'set values.singleuser.profileList[0].profile_options.image.choices.cudem-jupyter.kubespawner_override.image to the image\'s path in the stack\'s remote repository',
      ],
    },
    why: "one shared password for everyone, any image a user types, a writable directory shared by all users",
  },
  "2i2c-cloudbank-cau.yaml": {
    over: ["2i2c-basehub.yaml"],
    blocks: {
      ...BASEHUB,
      "jupyterhub-admin-access-off": ["values.hub.config.Authenticator.admin_users"],
      "jupyterhub-user-images": ["values.singleuser.profileList[0].profile_options.image.unlisted_choice.enabled"],
    },
    why: "any image a user types, admins who can open servers",
  },
  "2i2c-utoronto.yaml": {
    over: ["2i2c-basehub.yaml"],
    blocks: {
      ...BASEHUB,
      "jupyterhub-pod-security": [...(BASEHUB["jupyterhub-pod-security"] ?? []), "Containers must not run as root: set values.singleuser.initContainers[0].securityContext.runAsUser"],
      "jupyterhub-allowlist": ['allowed_idps["https://idpz.utorauth.utoronto.ca/shibboleth"].allow_all'],
      "jupyterhub-user-pod-secrets": ['a file named like a secret at values.singleuser.extraFiles["github-app-private-key.pem"]'],
    },
    why: "a root chown init container in every user pod, every university account admitted, a GitHub App private key given to every user",
  },
  "datahub-base.yaml": {
    blocks: {
      "jupyterhub-allowlist": ["values.hub.config.OAuthenticator.allow_all"],
      "jupyterhub-extra-config-reviewed": ["values.hub.extraConfig.01-custom-attr-spawner", "values.hub.extraConfig.02-popularity-contest"],
      "jupyterhub-user-egress": ["0.0.0.0/0 opens the whole internet"],
      // proxy.https is on without hosts, so the chart deploys no autohttps pod to judge.
      "jupyterhub-metadata-egress": ["values.singleuser.networkPolicy.egress[1]"],
      // packageMode mirror: pip could reach any index through the 0.0.0.0/0 rule.
      "stack-packages-through-registry": ["remove 0.0.0.0/0 from values.singleuser.networkPolicy.egress[1]"],
    },
    why: "every Canvas account admitted, a Python spawner class replacing KubeSpawner, internet egress that still reaches the GKE metadata server",
  },
  "datahub-datahub.yaml": {
    over: ["datahub-base.yaml"],
    blocks: {
      "jupyterhub-allowlist": ["values.hub.config.OAuthenticator.allow_all"],
      "jupyterhub-extra-config-reviewed": ["values.hub.extraConfig.01-custom-attr-spawner", "values.hub.extraConfig.04-custom-theme"],
      "jupyterhub-user-egress": ["0.0.0.0/0 opens the whole internet"],
      "jupyterhub-metadata-egress": ["values.singleuser.networkPolicy.egress[1]"],
      "jupyterhub-admin-access-off": ["Role datahub-staff must not let", "Role course-staff-1535590 must not let"],
      "jupyterhub-pod-security": ["In the hub: Containers must drop every capability: set values.hub.initContainers[0].securityContext.capabilities.drop"],
      "jupyterhub-pinned-versions": ["values.hub.initContainers[0].image has no tag"],
      "jupyterhub-user-pod-secrets": ["values.singleuser.storage.extraVolumes[0] mounts Secret user-etc-gitconfig"],
      "stack-packages-through-registry": ["remove 0.0.0.0/0 from values.singleuser.networkPolicy.egress[1]"],
    },
    why: "staff roles that open students' servers, a GitHub App private key mounted into every user pod, an unpinned root-capable hub init container",
  },
  "mybinder.yaml": {
    blocks: {
      "jupyterhub-extra-config-reviewed": ["values.hub.extraConfig.neverRestart", "values.hub.extraConfig.noPrivilegeEscalation", "values.hub.extraConfig.noAuthMetrics"],
      "jupyterhub-pod-security": [
        "Containers must not run as root: set values.singleuser.initContainers[0].securityContext.runAsUser",
        "Containers must add back no capability other than NET_BIND_SERVICE: set values.singleuser.initContainers[0].securityContext.capabilities.add",
      ],
      // hub.config.KubeSpawner.extra_pod_config replaces the chart's singleuser.extraPodConfig (Z2JH 4.4.0
      // files/hub/jupyterhub_config.py applies hub.config last), so user pods lose the event stack's gVisor
      // RuntimeClass (and with it GKE's toleration for the sandboxed user pool's taint).
      "stack-user-sandbox": ["set values.hub.config.KubeSpawner.extra_pod_config.runtimeClassName"],
    },
    why: "a root NET_ADMIN init container in every user pod, unreviewed hub Python, user pods taken out of GKE Sandbox",
  },
  "z2jh-docs-github.yaml": {
    blocks: { "jupyterhub-no-literal-secrets": ["remove values.hub.config.GitHubOAuthenticator.client_secret"] },
    why: "the OAuth client secret written into the values",
  },
  "z2jh-docs-keycloak.yaml": {
    blocks: {
      "jupyterhub-no-literal-secrets": ["values.hub.config.GenericOAuthenticator.client_secret"],
      "jupyterhub-allowlist": ["values.hub.config.GenericOAuthenticator.allow_all"],
      "jupyterhub-admin-access-off": ["values.hub.config.GenericOAuthenticator.admin_users"],
    },
    why: "every Keycloak account admitted, an admin, the client secret in the values",
  },
  "z2jh-docs-ldap.yaml": {
    blocks: {
      "jupyterhub-no-literal-secrets": ["values.hub.config.LDAPAuthenticator.lookup_dn_search_password"],
      "jupyterhub-idp-tls-verified": ["set values.hub.config.LDAPAuthenticator.tls_kwargs.validate to 2"],
    },
    why: "the directory's certificate never checked (ldap3's default), the search account's password in the values",
  },
  "z2jh-docs-shared-volume.yaml": {
    blocks: { "jupyterhub-user-shared-volumes-read-only": ['values.singleuser.storage.extraVolumeMounts["1-jupyterhub-shared"].readOnly'] },
    why: "one volume every user can write and every other user reads",
  },
  "z2jh-docs-profiles.yaml": {
    // Pinned images and a postStart hook are fine; but the event stack claims packageMode mirror (issue 14),
    // and these four images come straight from Docker Hub, around its Artifact Registry.
    blocks: {
      "stack-packages-through-registry": [
        'set values.singleuser.image to the image\'s path in the stack\'s remote repository, <location>-docker.pkg.dev/<project>/<repository>/... (found: "jupyter/minimal-notebook")',
        "set values.singleuser.profileList[1].kubespawner_override.image to the image's path",
        "set values.singleuser.profileList[2].kubespawner_override.image to the image's path",
        "set values.singleuser.profileList[3].kubespawner_override.image to the image's path",
      ],
    },
    why: "four profiles with pinned images from Docker Hub, not through the stack's Artifact Registry",
  },
  // Secure neighbours: legitimate differences only.
  "neighbour-cloudbank-cau.yaml": { blocks: {}, why: "another authenticator with an allowlist, pinned image choices, a bigger memory limit" },
  "neighbour-2i2c-storage.yaml": { blocks: {}, why: "per-user homes on a shared volume, read-only shared data, extra read-only files, bigger limits" },
  "neighbour-github.yaml": { blocks: {}, why: "GitHub with an organisation allowlist, the secret from the environment" },
  "neighbour-ldap.yaml": { blocks: {}, why: "LDAP with a group allowlist and the directory's certificate checked" },
  "neighbour-mybinder.yaml": { blocks: {}, why: "smaller limits, read-only ConfigMap volumes, pod priority, its own extra_pod_config keeping the sandbox" },
  "neighbour-datahub.yaml": { blocks: {}, why: "per-user homes, a read-only course directory, a staff role that cannot open servers" },
};
