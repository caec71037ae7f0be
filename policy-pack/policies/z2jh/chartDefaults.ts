// The defaults of the Zero to JupyterHub chart 4.4.0 that decide what its pods look like, and Helm's
// rule for laying a release's values over them. Only the keys the pod derivation (./pods.ts) reads are
// here; each is the chart's own value (jupyterhub/values.yaml at tag 4.4.0, commit 5c5f5df7), and
// test/policy-pack/chartDefaults.test.ts checks every leaf against the chart's values.yaml kept in
// test/fixtures/z2jh-4.4.0/.

import { isRecord } from "../core";

const RESTRICTED_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: 65534,
  runAsGroup: 65534,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** The chart's values.yaml, reduced to what decides its pods' security (a fresh copy on each call). */
export function chartDefaults(): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      hub: {
        podSecurityContext: { runAsNonRoot: true, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
        containerSecurityContext: { runAsUser: 1000, runAsGroup: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        db: { type: "sqlite-pvc" },
        extraPodSpec: {},
        extraFiles: {},
      },
      proxy: {
        https: { enabled: false, type: "letsencrypt", hosts: [] },
        chp: { containerSecurityContext: RESTRICTED_CONTEXT, extraPodSpec: {} },
        traefik: { containerSecurityContext: RESTRICTED_CONTEXT, extraPodSpec: {} },
        secretSync: { containerSecurityContext: RESTRICTED_CONTEXT },
      },
      singleuser: {
        // values.yaml at the 4.4.0 tag says tag "set-by-chartpress": when the chart is published, chartpress
        // replaces it (and hub.image.tag, networkTools', secretSync's and the hook puller's) with 4.4.0
        // (jupyterhub/zero-to-jupyterhub-k8s at tag 4.4.0, commit 5c5f5df: jupyterhub/values.yaml and
        // chartpress.yaml; the program pins quay.io/jupyterhub/k8s-hub:4.4.0 on the same ground,
        // infra/plan/chart/release.ts).
        // Without this entry a release that leaves singleuser.image alone would be judged on KubeSpawner's
        // own default, quay.io/jupyterhub/singleuser:latest.
        image: { name: "quay.io/jupyterhub/k8s-singleuser-sample", tag: "4.4.0" },
        uid: 1000,
        fsGid: 100,
        allowPrivilegeEscalation: false,
        serviceAccountName: null,
        cloudMetadata: { blockWithIptables: true, ip: "169.254.169.254" },
        storage: {
          type: "dynamic",
          extraVolumes: null,
          extraVolumeMounts: null,
          static: { pvcName: null, subPath: "{username}" },
          homeMountPath: "/home/jovyan",
          dynamic: { volumeNameTemplate: "volume-{user_server}", subPath: null },
        },
        memory: { limit: null, guarantee: "1G" },
        cpu: { limit: null, guarantee: null },
        extraResource: { limits: {}, guarantees: {} },
        extraPodConfig: {},
        extraEnv: {},
        extraAnnotations: {},
        extraFiles: {},
        initContainers: [],
        extraContainers: [],
        lifecycleHooks: {},
        profileList: [],
      },
      scheduling: {
        userScheduler: { enabled: true, containerSecurityContext: RESTRICTED_CONTEXT, extraPodSpec: {} },
        userPlaceholder: { enabled: true, containerSecurityContext: RESTRICTED_CONTEXT, extraPodSpec: {} },
      },
      prePuller: {
        containerSecurityContext: RESTRICTED_CONTEXT,
        hook: { enabled: true, containerSecurityContext: RESTRICTED_CONTEXT },
        continuous: { enabled: true },
        pause: { containerSecurityContext: RESTRICTED_CONTEXT },
        pullProfileListImages: true,
        extraImages: {},
      },
    }),
  ) as Record<string, unknown>;
}

/**
 * Helm's coalescing of a release's values over a chart's defaults (helm pkg/chartutil/coalesce.go): maps
 * merge key by key, any other value replaces the default, and a `null` deletes the default's key.
 */
export function helmMerge(defaults: unknown, values: unknown): unknown {
  if (!isRecord(defaults) || !isRecord(values)) return values === undefined ? defaults : values;
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(values)) {
    if (value === null) delete merged[key];
    else merged[key] = helmMerge(defaults[key], value);
  }
  return merged;
}
