// Images: the chart version and every image the release runs are pinned (the chart's image keys, and
// every container of every pod derived from the values: user servers per profile and option, init and
// extra containers, the chart pods' additions); user servers start only from images in the allowed set,
// and no profile option lets a user type a value into the spawner's configuration (KubeSpawner's
// `unlisted_choice`). What pins an image reference is ../kubernetesFacts.ts, shared with the workload
// checks. Sources: Checkov CKV_K8S_14 and CKV_K8S_43; Z2JH 4.4.0 values.yaml (image keys); kubespawner
// 7.0.0 kubespawner/spawner.py (profile_list `unlisted_choice`, `_load_profile`); JupyterHub 5.5 docs
// explanation/websecurity.md (users must not choose what their server runs).

import { get, isUnknown, violation } from "../core";
import { unpinnedImage, unpinnedTag } from "../kubernetesFacts";
import { derivePods, userPods } from "../z2jh/pods";
import { USER_INPUT } from "../z2jh/userPods";
import { JH_WEBSECURITY, KUBESPAWNER, onPods, valuesPolicy } from "./shared";

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
    'Set the release\'s `version` to an exact chart version (e.g. "4.4.0") and give every `*.image` a `tag` (not "latest") or a `@sha256:` digest, including `hub.config.KubeSpawner.image`, profile overrides and every init or extra container.',
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
    // Every other container image of every derived pod, located at the key that sets it, once per key.
    const chartKeys = CHART_IMAGES.map((path) => `values.${path}`);
    const seen = new Set<string>();
    for (const pod of derivePods(values)) {
      for (const c of pod.containers) {
        const image = get(c.container, "image");
        const where = pod.locate([...c.path, "image"]);
        if (typeof image !== "string" || isUnknown(image) || image.includes(USER_INPUT) || seen.has(where)) continue;
        seen.add(where);
        if (chartKeys.some((key) => where === key || where.startsWith(`${key}.`))) continue;
        const reason = unpinnedImage(image);
        if (reason !== undefined) messages.push(violation(`Images must be pinned; ${where} ${reason}`, where, '"<name>:<version>" or "<name>@sha256:<digest>"', image));
      }
    }
    return messages;
  },
});

/** Whether an image reference matches a pattern of the allowed set (`*` matches any run of characters). */
export function imageAllowed(image: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`).test(image));
}

/** Spawner traits a user may type freely without changing what runs or what it may use. */
const HARMLESS_FREE_TEXT = ["default_url", "extra_labels", "extra_annotations"];

interface UserImageConfig {
  readonly allowedImages: readonly string[];
}

/**
 * JupyterHub websecurity.md: untrusted users must not choose what their server runs. An `unlisted_choice`
 * puts what the user types (`{value}`) into the spawner's configuration: an image, a limit, a volume.
 */
export const jupyterhubUserImages = valuesPolicy<UserImageConfig>({
  name: "jupyterhub-user-images",
  description: "Checks that every user server a user can start runs images from the allowed set, and that no profile option lets a user type an image or any other spawner setting.",
  severity: "high",
  remediationSteps:
    "Set `unlisted_choice.enabled: false` and list every image a user may pick as a `choices` entry of a profile option (pinned, inside `allowedImages`); set this policy's `allowedImages` to your registries (e.g. `quay.io/jupyterhub/*`).",
  sources: [JH_WEBSECURITY, KUBESPAWNER, "Z2JH docs: jupyterhub/customizing/user-environment.md (profile_list)"],
  config: {
    allowedImages: {
      type: "array",
      items: { type: "string", minLength: 1 },
      description: "Image references user servers (and their init and extra containers) may run; `*` matches any run of characters.",
      default: ["*"],
    },
  },
  check: (values, { config }) =>
    onPods(userPods(values), (pod) => {
      const messages: string[] = [];
      for (const free of pod.variant?.freeText ?? []) {
        const risky = free.traits.filter((t) => !HARMLESS_FREE_TEXT.includes(t));
        if (risky.length === 0) continue;
        messages.push(
          violation(`Users must not type ${risky.includes("image") ? "the image their server runs" : "spawner settings"} (option ${free.option} puts the typed value into ${risky.join(", ")})`, `${free.where}.enabled`, "false (and list the allowed values as choices)", true),
        );
      }
      for (const c of pod.containers) {
        const image = get(c.container, "image");
        if (typeof image !== "string" || isUnknown(image) || image.includes(USER_INPUT) || imageAllowed(image, config.allowedImages)) continue;
        messages.push(violation(`User servers must run images from the allowed set (${config.allowedImages.join(", ")})`, pod.locate([...c.path, "image"]), "an allowed image", image));
      }
      return messages;
    }),
});
