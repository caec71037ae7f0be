// Every pod a Zero to JupyterHub 4.4.0 release creates from its values: the user servers KubeSpawner 7
// starts (the base configuration and each profile and option choice, ./userPods.ts) and the chart's own
// pods (./corePods.ts), laid over the chart's defaults the way Helm does (./chartDefaults.ts). This is
// the one place that knows how values become pods; the rules judge the result (../jupyterhub/*), with the
// same Pod Security Standards checks the pack runs on workloads it is given directly (../kubernetes/*),
// and every finding names the values key that sets the field.

import { get } from "../core";
import { containersOf, type PodView } from "../kubernetes/shared";
import { chartDefaults, helmMerge } from "./chartDefaults";
import { corePods } from "./corePods";
import { CHART_BUILT, makeUserPod, userVariants, type PodParts, type UserVariant } from "./userPods";

/** A container the chart builds itself (its fields are not values), with the switch that removes it. */
export interface ChartBuiltContainer {
  readonly name: string;
  readonly path: readonly (string | number)[];
  /** The values key that adds it, and the value that removes it. */
  readonly switch: string;
  readonly fix: string;
}

export interface DerivedPod extends PodView {
  readonly kind: "user" | "core";
  /** What the pod is, for messages: "the hub", `user servers, profile "GPU"`. */
  readonly label: string;
  /** For user pods: the configuration it was derived from. */
  readonly variant?: UserVariant;
  readonly chartBuilt: readonly ChartBuiltContainer[];
}

/** The release's values over the chart's defaults, as the templates and jupyterhub_config.py read them. */
export function effectiveValues(values: Record<string, unknown>): Record<string, unknown> {
  return helmMerge(chartDefaults(), values) as Record<string, unknown>;
}

function toPod(parts: PodParts, kind: DerivedPod["kind"], label: string, variant?: UserVariant): DerivedPod {
  const locate = (path: readonly (string | number)[]) => parts.origins.locate(path);
  const chartBuilt: ChartBuiltContainer[] = [];
  const containers = containersOf(parts.spec, locate).filter((c) => {
    const marker = get(c.container, CHART_BUILT);
    if (marker === undefined) return true;
    chartBuilt.push({ name: String(get(c.container, "name")), path: c.path, switch: String(get(marker, "switch")), fix: String(get(marker, "fix")) });
    return false;
  });
  return {
    kind,
    label,
    ...(variant ? { variant } : {}),
    where: locate([]),
    spec: parts.spec,
    annotations: parts.annotations,
    annotationsWhere: parts.annotationsWhere,
    containers,
    locate,
    chartBuilt,
  };
}

/** The user-server pods: one per configuration a user can start. */
export function userPods(values: Record<string, unknown>): DerivedPod[] {
  return userVariants(effectiveValues(values)).map((variant) => toPod(makeUserPod(variant.traits), "user", variant.label, variant));
}

/** Every pod the release creates: user servers first, then the chart's own pods. */
export function derivePods(values: Record<string, unknown>): DerivedPod[] {
  return [...userPods(values), ...corePods(effectiveValues(values)).map((p) => toPod(p, "core", p.label))];
}
