// Pinned versions: the chart version, every image key of the chart, and the images KubeSpawner and
// profile overrides start user servers from. What pins an image reference is ../kubernetesFacts.ts,
// shared with the workload checks. Sources: Checkov CKV_K8S_14 and CKV_K8S_43; Z2JH 4.4.0 values.yaml
// (image keys); JupyterHub 5.5 docs explanation/websecurity.md.

import { get, isUnknown, violation } from "../core";
import { unpinnedImage, unpinnedTag } from "../kubernetesFacts";
import { JH_WEBSECURITY, profileOverrides, valuesPolicy } from "./shared";

/** The chart's image keys (values.yaml). */
export const CHART_IMAGES = [
  "hub.image",
  "proxy.chp.image",
  "proxy.traefik.image",
  "proxy.secretSync.image",
  "singleuser.image",
  "singleuser.networkTools.image",
  "scheduling.userScheduler.image",
  "scheduling.userPlaceholder.image",
  "prePuller.hook.image",
  "prePuller.pause.image",
];

/** Why a chart `image: {name, tag}` pair is not pinned (a digest in `name` pins it without a tag). */
export function imageKeyProblem(name: unknown, tag: unknown): string | undefined {
  if (typeof name === "string" && /@sha256:[0-9a-f]{64}$/.test(name)) return undefined;
  if (typeof tag === "string" || typeof tag === "number") return unpinnedTag(String(tag));
  return typeof name === "string" ? "overrides the image name without a tag" : undefined;
}

/** A chart version that names one release (no ranges, no "latest"). */
export function pinnedChartVersion(version: unknown): boolean {
  return typeof version === "string" && /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version.trim());
}

/** CKV_K8S_14/43, kube-score: reproducible images; JupyterHub websecurity: users must not pick images. */
export const jupyterhubPinnedVersions = valuesPolicy({
  name: "jupyterhub-pinned-versions",
  description: "Checks that the chart version and every image the release runs are pinned (no latest, no missing tag).",
  severity: "medium",
  remediationSteps:
    'Set the release\'s `version` to an exact chart version (e.g. "4.4.0") and give every `*.image` a `tag` (not "latest") or a `@sha256:` digest, including `hub.config.KubeSpawner.image` and profile overrides.',
  sources: ["CKV_K8S_14", "CKV_K8S_43", JH_WEBSECURITY],
  check: (values, _context, props) => {
    const messages: string[] = [];
    const version = get(props, "version");
    if (!isUnknown(version) && !pinnedChartVersion(version)) {
      messages.push(violation("The chart version must be pinned", "version", 'an exact version such as "4.4.0"', version));
    }
    for (const path of CHART_IMAGES) {
      const name = get(values, `${path}.name`);
      const tag = get(values, `${path}.tag`);
      if (isUnknown(name) || isUnknown(tag) || (name === undefined && tag === undefined)) continue;
      const reason = imageKeyProblem(name, tag);
      if (reason !== undefined) {
        messages.push(violation(`Images must be pinned; values.${path} ${reason}`, `values.${path}.tag`, "an exact version tag or a @sha256 digest", tag));
      }
    }
    const spawnerImages = [
      { where: "values.hub.config.KubeSpawner.image", image: get(values, "hub.config.KubeSpawner.image") },
      ...profileOverrides(values).map(({ where, override }) => ({ where: `${where}.image`, image: get(override, "image") })),
    ];
    for (const { where, image } of spawnerImages) {
      if (typeof image !== "string" || isUnknown(image)) continue;
      const reason = unpinnedImage(image);
      if (reason !== undefined) messages.push(violation(`Images must be pinned; ${where} ${reason}`, where, '"<name>:<version>" or "<name>@sha256:<digest>"', image));
    }
    return messages;
  },
});
