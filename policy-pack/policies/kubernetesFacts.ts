// Kubernetes facts that both the chart-values checks (jupyterhub/) and the checks of the workloads and
// Services the program declares (kubernetes/) judge by: which seccomp profile types confine a container
// (Pod Security Standards restricted, Kubernetes 1.33), what pins an image reference, and when a Service
// is a load balancer open to the whole internet (GKE's internal load balancer annotation
// networking.gke.io/load-balancer-type).

import { isWholeInternet } from "./cidr";
import { get, list, UNKNOWN } from "./core";
import { MOVING_IMAGE_TAGS } from "./thresholds";

/** The seccomp profile types Pod Security Standards restricted accepts (anything but Unconfined). */
export const SECCOMP_TYPES: readonly string[] = ["RuntimeDefault", "Localhost"];

/** Why an image reference (`name[:tag][@digest]`) is not pinned, or `undefined` when it is. */
export function unpinnedImage(reference: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(reference)) return undefined;
  const lastSegment = reference.split("/").pop() ?? "";
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return "has no tag";
  return unpinnedTag(lastSegment.slice(colon + 1));
}

/**
 * Why a tag does not pin an image, or `undefined` when it does. The pack's own definition (thresholds.ts),
 * not the program's config parser's: test/policy-pack/thresholds.test.ts checks that the parser refuses
 * every tag refused here, so loosening the parser cannot loosen this guard.
 */
export function unpinnedTag(tag: string): string | undefined {
  if (tag.trim() === "") return "has an empty tag";
  if (MOVING_IMAGE_TAGS.some((moving) => moving.toLowerCase() === tag.toLowerCase())) return `uses the moving tag "${tag}"`;
  return undefined;
}

/** Whether a Service spec exposes a load balancer to the whole internet. */
export function publicLoadBalancer(type: unknown, sourceRanges: unknown, annotations: unknown): boolean {
  if (type !== "LoadBalancer") return false;
  const internal = get(annotations, ["networking.gke.io/load-balancer-type"]);
  if (internal === "Internal") return false;
  const ranges = list(sourceRanges);
  if (ranges === UNKNOWN) return false;
  return ranges.length === 0 || ranges.some((r) => typeof r === "string" && isWholeInternet(r));
}
