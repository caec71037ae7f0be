// What "pinned" means for an image, for the config parser (which refuses an unpinned userImage). The policy
// pack keeps its own definition (policy-pack/policies/thresholds.ts, MOVING_IMAGE_TAGS);
// test/policy-pack/thresholds.test.ts fails if this parser accepts a tag the pack refuses.

// Tags that name a moving target rather than one build (Checkov CKV_K8S_14/43, kube-score).
const movingTag = /^(latest|main|master|stable|edge|nightly)$/i;

// registry/path:tag or registry/path@sha256:<64 hex>, per the OCI distribution reference grammar.
const imageReference =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;

/** Why a tag does not pin an image, or undefined when it does. */
export function unpinnedTag(tag: string): string | undefined {
  if (tag.trim() === "") return "has an empty tag";
  if (movingTag.test(tag)) return `uses the moving tag "${tag}"`;
  return undefined;
}

/** A full reference pinned by digest, or by a tag that names one build. */
export function isPinnedImage(ref: string): boolean {
  if (!imageReference.test(ref)) return false;
  if (/@sha256:[a-f0-9]{64}$/.test(ref)) return true;
  const lastSegment = ref.split("/").pop() ?? "";
  return unpinnedTag(lastSegment.slice(lastSegment.lastIndexOf(":") + 1)) === undefined;
}
