// The chart's own pods, derived from Zero to JupyterHub 4.4.0 values: what each template puts in the pod
// and which values keys add to it. Sources (jupyterhub/templates at tag 4.4.0, commit 5c5f5df7):
// - hub/deployment.yaml: hub.podSecurityContext, hub.initContainers, the hub container
//   (hub.containerSecurityContext, hub.resources, hub.lifecycle, hub.extraVolumeMounts), hub.extraContainers,
//   hub.extraVolumes, and hub.extraPodSpec written last into the pod spec;
// - proxy/deployment.yaml: the chp container (proxy.chp.containerSecurityContext), no pod securityContext,
//   proxy.chp.extraPodSpec;
// - proxy/autohttps/deployment.yaml (only with proxy.https enabled, hosts and type letsencrypt): the
//   load-acme init container and secret-sync (proxy.secretSync.containerSecurityContext), traefik
//   (proxy.traefik.containerSecurityContext), proxy.traefik.extraInitContainers, extraVolumes,
//   extraVolumeMounts and extraPodSpec;
// - scheduling/user-scheduler/deployment.yaml and scheduling/user-placeholder/statefulset.yaml: one
//   container each with its containerSecurityContext, and their extraPodSpec;
// - image-puller/_helpers-daemonset.tpl (continuous and hook DaemonSets) and image-puller/job.yaml: every
//   image user pods may run (the singleuser image, singleuser.initContainers/extraContainers images,
//   profile images when prePuller.pullProfileListImages, prePuller.extraImages) pulled by an init
//   container running `echo` under prePuller.containerSecurityContext, and the pause container.
// An `extraPodSpec` is appended to the rendered pod spec, so a key it repeats replaces the template's
// (the YAML decoder keeps the last of duplicate keys).

import { entries, get, isRecord, list, UNKNOWN } from "../core";
import { Origins, type Segments } from "./origins";
import type { PodParts } from "./userPods";

class PodBuilder {
  readonly spec: Record<string, unknown> = {};
  readonly origins: Origins;

  constructor(root: string) {
    this.origins = new Origins(root);
  }

  set(path: Segments, value: unknown, where: string): void {
    if (value !== undefined && value !== null) (this.spec as Record<string | number, unknown>)[path[0] as string] = value;
    this.origins.set(path, where);
  }

  /** Appends items to a list of the spec, each located at its own path. */
  push(key: string, items: readonly { readonly item: unknown; readonly where: string; readonly fields?: Readonly<Record<string, string>> }[]): void {
    const current = (this.spec[key] as unknown[] | undefined) ?? [];
    for (const { item, where, fields } of items) {
      const index = current.length;
      current.push(item);
      this.origins.set([key, index], where);
      for (const [field, fieldWhere] of Object.entries(fields ?? {})) this.origins.set([key, index, field], fieldWhere);
    }
    if (current.length > 0) this.spec[key] = current;
  }

  /** `extraPodSpec`: each key replaces the template's field. */
  extraPodSpec(value: unknown, where: string): void {
    for (const [key, v] of entries(value)) this.set([key], v, `${where}.${key}`);
  }

  parts(annotations: unknown, annotationsWhere: string): PodParts {
    return { spec: this.spec, origins: this.origins, annotations, annotationsWhere };
  }
}

/** Items of a list value, each with its values path. */
function listed(v: Record<string, unknown>, key: string): { item: unknown; where: string }[] {
  const items = list(get(v, key));
  return items === UNKNOWN ? [] : items.map((item, i) => ({ item, where: `values.${key}[${i}]` }));
}

function image(v: Record<string, unknown>, key: string): string | undefined {
  const name = get(v, `${key}.name`);
  const tag = get(v, `${key}.tag`);
  return typeof name === "string" ? `${name}:${String(tag ?? "")}` : undefined;
}

/** A chart container whose security context, image and resources come from values keys. */
function chartContainer(
  v: Record<string, unknown>,
  name: string,
  keys: { readonly securityContext: string; readonly image: string; readonly resources: string },
): { item: unknown; where: string; fields: Record<string, string> } {
  const item: Record<string, unknown> = { name };
  const imageRef = image(v, keys.image);
  if (imageRef !== undefined) item.image = imageRef;
  const securityContext = get(v, keys.securityContext);
  if (securityContext !== undefined) item.securityContext = securityContext;
  if (get(v, keys.resources) !== undefined) item.resources = get(v, keys.resources);
  const fields = { securityContext: `values.${keys.securityContext}`, image: `values.${keys.image}`, resources: `values.${keys.resources}` };
  return { item, where: `values.${keys.securityContext}`, fields };
}

export interface CorePodParts extends PodParts {
  readonly label: string;
}

function hubPod(v: Record<string, unknown>): CorePodParts {
  const pod = new PodBuilder("values.hub.extraPodSpec");
  pod.set(["securityContext"], get(v, "hub.podSecurityContext"), "values.hub.podSecurityContext");
  const volumes: { item: unknown; where: string }[] = [
    { item: { name: "config", configMap: { name: "hub" } }, where: "values.hub" },
    { item: { name: "secret", secret: { secretName: "hub" } }, where: "values.hub" },
  ];
  const existingSecret = get(v, "hub.existingSecret");
  if (typeof existingSecret === "string" && existingSecret !== "") volumes.push({ item: { name: "existing-secret", secret: { secretName: existingSecret } }, where: "values.hub.existingSecret" });
  if (entries(get(v, "hub.extraFiles")).length > 0) volumes.push({ item: { name: "files", secret: { secretName: "hub" } }, where: "values.hub.extraFiles" });
  volumes.push(...listed(v, "hub.extraVolumes"));
  if (get(v, "hub.db.type") === "sqlite-pvc") volumes.push({ item: { name: "pvc", persistentVolumeClaim: { claimName: "hub-db-dir" } }, where: "values.hub.db" });
  pod.push("volumes", volumes);
  pod.push("initContainers", listed(v, "hub.initContainers"));
  const hub = chartContainer(v, "hub", { securityContext: "hub.containerSecurityContext", image: "hub.image", resources: "hub.resources" });
  const mounts = listed(v, "hub.extraVolumeMounts");
  (hub.item as Record<string, unknown>).volumeMounts = mounts.map((m) => m.item);
  if (get(v, "hub.lifecycle") !== undefined) {
    (hub.item as Record<string, unknown>).lifecycle = get(v, "hub.lifecycle");
    hub.fields.lifecycle = "values.hub.lifecycle";
  }
  pod.push("containers", [hub]);
  mounts.forEach((m, i) => pod.origins.set(["containers", 0, "volumeMounts", i], m.where));
  pod.push("containers", listed(v, "hub.extraContainers"));
  pod.extraPodSpec(get(v, "hub.extraPodSpec"), "values.hub.extraPodSpec");
  return { label: "the hub", ...pod.parts(get(v, "hub.annotations"), "values.hub.annotations") };
}

/** The secret chp reads its certificate from, for `proxy.https.type` manual (the chart's) or secret (the user's). */
function proxyTlsSecret(v: Record<string, unknown>): unknown {
  if (get(v, "proxy.https.enabled") !== true) return undefined;
  const type = get(v, "proxy.https.type");
  if (type === "manual") return "proxy-public-manual-tls";
  return type === "secret" ? get(v, "proxy.https.secret.name") : undefined;
}

function proxyPod(v: Record<string, unknown>): CorePodParts {
  const pod = new PodBuilder("values.proxy.chp.extraPodSpec");
  const tlsSecret = proxyTlsSecret(v);
  if (tlsSecret !== undefined) pod.push("volumes", [{ item: { name: "tls-secret", secret: { secretName: tlsSecret } }, where: "values.proxy.https" }]);
  pod.push("containers", [chartContainer(v, "chp", { securityContext: "proxy.chp.containerSecurityContext", image: "proxy.chp.image", resources: "proxy.chp.resources" })]);
  pod.extraPodSpec(get(v, "proxy.chp.extraPodSpec"), "values.proxy.chp.extraPodSpec");
  return { label: "the proxy", ...pod.parts(get(v, "proxy.annotations"), "values.proxy.annotations") };
}

function autohttpsPod(v: Record<string, unknown>): CorePodParts | undefined {
  const hosts = list(get(v, "proxy.https.hosts"));
  const deployed = get(v, "proxy.https.enabled") === true && hosts !== UNKNOWN && hosts.length > 0 && get(v, "proxy.https.type") === "letsencrypt";
  if (!deployed) return undefined;
  const pod = new PodBuilder("values.proxy.traefik.extraPodSpec");
  pod.push("volumes", [
    { item: { name: "certificates", emptyDir: {} }, where: "values.proxy.https" },
    { item: { name: "traefik-config", configMap: { name: "autohttps" } }, where: "values.proxy.https" },
    ...listed(v, "proxy.traefik.extraVolumes"),
  ]);
  const secretSync = { securityContext: "proxy.secretSync.containerSecurityContext", image: "proxy.secretSync.image", resources: "proxy.secretSync.resources" };
  pod.push("initContainers", [chartContainer(v, "load-acme", secretSync), ...listed(v, "proxy.traefik.extraInitContainers")]);
  const traefik = chartContainer(v, "traefik", { securityContext: "proxy.traefik.containerSecurityContext", image: "proxy.traefik.image", resources: "proxy.traefik.resources" });
  const mounts = listed(v, "proxy.traefik.extraVolumeMounts");
  (traefik.item as Record<string, unknown>).volumeMounts = mounts.map((m) => m.item);
  pod.push("containers", [traefik, chartContainer(v, "secret-sync", secretSync)]);
  mounts.forEach((m, i) => pod.origins.set(["containers", 0, "volumeMounts", i], m.where));
  pod.extraPodSpec(get(v, "proxy.traefik.extraPodSpec"), "values.proxy.traefik.extraPodSpec");
  return { label: "the autohttps (traefik) pod", ...pod.parts(undefined, "values.proxy.traefik.extraPodSpec.metadata") };
}

function userSchedulerPod(v: Record<string, unknown>): CorePodParts | undefined {
  if (get(v, "scheduling.userScheduler.enabled") !== true) return undefined;
  const pod = new PodBuilder("values.scheduling.userScheduler.extraPodSpec");
  pod.push("volumes", [{ item: { name: "config", configMap: { name: "user-scheduler" } }, where: "values.scheduling.userScheduler" }]);
  pod.push("containers", [
    chartContainer(v, "kube-scheduler", { securityContext: "scheduling.userScheduler.containerSecurityContext", image: "scheduling.userScheduler.image", resources: "scheduling.userScheduler.resources" }),
  ]);
  pod.extraPodSpec(get(v, "scheduling.userScheduler.extraPodSpec"), "values.scheduling.userScheduler.extraPodSpec");
  return { label: "the user scheduler", ...pod.parts(get(v, "scheduling.userScheduler.annotations"), "values.scheduling.userScheduler.annotations") };
}

function userPlaceholderPod(v: Record<string, unknown>): CorePodParts | undefined {
  if (get(v, "scheduling.userPlaceholder.enabled") !== true) return undefined;
  const pod = new PodBuilder("values.scheduling.userPlaceholder.extraPodSpec");
  pod.set(["automountServiceAccountToken"], false, "values.scheduling.userPlaceholder");
  pod.push("containers", [
    chartContainer(v, "pause", { securityContext: "scheduling.userPlaceholder.containerSecurityContext", image: "scheduling.userPlaceholder.image", resources: "scheduling.userPlaceholder.resources" }),
  ]);
  pod.extraPodSpec(get(v, "scheduling.userPlaceholder.extraPodSpec"), "values.scheduling.userPlaceholder.extraPodSpec");
  return { label: "the user placeholders", ...pod.parts(get(v, "scheduling.userPlaceholder.annotations"), "values.scheduling.userPlaceholder.annotations") };
}

/** The images the pullers pull, each in an init container that only runs `echo`. */
function pulledImages(v: Record<string, unknown>): { item: unknown; where: string; fields: Record<string, string> }[] {
  const resources = get(v, "prePuller.resources");
  const puller = (name: string, imageRef: unknown, imageWhere: string) => ({
    item: {
      name,
      image: imageRef,
      command: ["/bin/sh", "-c", 'echo "Pulling complete"'],
      ...(resources === undefined ? {} : { resources }),
      securityContext: get(v, "prePuller.containerSecurityContext"),
    },
    where: "values.prePuller.containerSecurityContext",
    fields: { securityContext: "values.prePuller.containerSecurityContext", image: imageWhere, resources: "values.prePuller.resources" },
  });
  // _helpers-daemonset.tpl 99-118 (its `cloudMetadata.enabled` branch is for values the 4.4.0 schema refuses:
  // cloudMetadata has additionalProperties false and no `enabled`).
  const found = get(v, "singleuser.cloudMetadata.blockWithIptables") === true ? [puller("image-pull-metadata-block", image(v, "singleuser.networkTools.image"), "values.singleuser.networkTools.image")] : [];
  found.push(puller("image-pull-singleuser", image(v, "singleuser.image"), "values.singleuser.image"));
  [...listed(v, "singleuser.initContainers"), ...listed(v, "singleuser.extraContainers")].forEach(({ item, where }, k) =>
    found.push(puller(`image-pull-singleuser-init-and-extra-containers-${k}`, get(item, "image"), `${where}.image`)),
  );
  if (get(v, "prePuller.pullProfileListImages") === true) {
    const profiles = list(get(v, "singleuser.profileList"));
    if (profiles !== UNKNOWN) profiles.forEach((profile, i) => {
      const own = get(profile, "kubespawner_override.image");
      if (own !== undefined) found.push(puller(`image-pull-singleuser-profilelist-${i}`, own, `values.singleuser.profileList[${i}].kubespawner_override.image`));
      for (const [option, spec] of entries(get(profile, "profile_options"))) {
        for (const [choice, choiceSpec] of entries(get(spec, "choices"))) {
          const choiceImage = get(choiceSpec, "kubespawner_override.image");
          if (choiceImage !== undefined) {
            found.push(puller(`image-pull-profile-${i}-option-${option}-${choice}`, choiceImage, `values.singleuser.profileList[${i}].profile_options.${option}.choices.${choice}.kubespawner_override.image`));
          }
        }
      }
    });
  }
  for (const [key, extra] of entries(get(v, "prePuller.extraImages"))) {
    found.push(puller(`image-pull-${key}`, `${String(get(extra, "name"))}:${String(get(extra, "tag") ?? "")}`, `values.prePuller.extraImages.${key}`));
  }
  return found;
}

function imagePullerPods(v: Record<string, unknown>): CorePodParts[] {
  const kinds = [
    { enabled: get(v, "prePuller.continuous.enabled") === true, label: "the continuous image puller" },
    { enabled: get(v, "prePuller.hook.enabled") === true, label: "the hook image puller" },
  ];
  const pods: CorePodParts[] = kinds.filter((k) => k.enabled).map(({ label }) => {
    const pod = new PodBuilder("values.prePuller");
    pod.set(["automountServiceAccountToken"], false, "values.prePuller");
    pod.push("initContainers", pulledImages(v));
    pod.push("containers", [chartContainer(v, "pause", { securityContext: "prePuller.pause.containerSecurityContext", image: "prePuller.pause.image", resources: "prePuller.resources" })]);
    return { label, ...pod.parts(get(v, "prePuller.annotations"), "values.prePuller.annotations") };
  });
  if (get(v, "prePuller.hook.enabled") === true) {
    const job = new PodBuilder("values.prePuller.hook");
    job.push("containers", [chartContainer(v, "hook-image-awaiter", { securityContext: "prePuller.hook.containerSecurityContext", image: "prePuller.hook.image", resources: "prePuller.hook.resources" })]);
    pods.push({ label: "the image awaiter", ...job.parts(get(v, "prePuller.annotations"), "values.prePuller.annotations") });
  }
  return pods;
}

/** The chart's own pods the values deploy (hub, proxy, autohttps, scheduling, image pullers). */
export function corePods(v: Record<string, unknown>): CorePodParts[] {
  return [hubPod(v), proxyPod(v), autohttpsPod(v), userSchedulerPod(v), userPlaceholderPod(v), ...imagePullerPods(v)].filter(
    (p): p is CorePodParts => p !== undefined && isRecord(p.spec),
  );
}
