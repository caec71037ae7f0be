// What the workload modules share: a workload's pod template located in its controller (the pod spec,
// its annotations and every container with its input path), the factory for policies over every
// workload's pod template, and the readers of the pod's and containers' security contexts.

import { checkSettings, get, isUnknown, list, resourcePolicy, UNKNOWN, type HardeningResourcePolicy, type PolicyText, type Setting } from "../core";
import { WORKLOADS, WORKLOAD_TYPES } from "../types";

export interface ContainerView {
  readonly where: string;
  readonly container: unknown;
}

/** A workload's pod template, located: spec, annotations and every container with its input path. */
export interface PodView {
  readonly where: string;
  readonly spec: unknown;
  readonly annotations: unknown;
  /** Input path of the pod template's annotations. */
  readonly annotationsWhere: string;
  readonly containers: readonly ContainerView[];
}

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"];

export function podView(type: string, props: Record<string, unknown>): PodView | undefined {
  const path = WORKLOADS[type];
  if (path === undefined) return undefined;
  const where = path.join(".");
  const spec = get(props, path);
  const annotationsPath = [...path.slice(0, -1), "metadata", "annotations"];
  const annotations = get(props, annotationsPath);
  const containers: ContainerView[] = [];
  for (const key of CONTAINER_LISTS) {
    const items = list(get(spec, key));
    if (items === UNKNOWN) continue;
    items.forEach((container, i) => containers.push({ where: `${where}.${key}[${i}]`, container }));
  }
  return { where, spec, annotations, annotationsWhere: annotationsPath.join("."), containers };
}

type PodCheck = (pod: PodView) => string[];

/** A policy over every workload's pod template. */
export function podPolicy(spec: Omit<PolicyText, "area"> & { readonly check: PodCheck }): HardeningResourcePolicy {
  return resourcePolicy({
    ...spec,
    area: "Kubernetes",
    types: WORKLOAD_TYPES,
    check: (props, { type }) => {
      const pod = podView(type, props);
      return pod === undefined || isUnknown(pod.spec) ? [] : spec.check(pod);
    },
  });
}

/** The same settings on the pod's securityContext and on every container's. */
export function podAndContainers(pod: PodView, settings: readonly Setting[]): string[] {
  return [
    ...checkSettings(get(pod.spec, "securityContext"), settings, `${pod.where}.securityContext`),
    ...pod.containers.flatMap(({ where, container }) => checkSettings(get(container, "securityContext"), settings, `${where}.securityContext`)),
  ];
}

export function containersOnly(pod: PodView, settings: readonly Setting[]): string[] {
  return pod.containers.flatMap(({ where, container }) => checkSettings(get(container, "securityContext"), settings, `${where}.securityContext`));
}

export const PSS = "Pod Security Standards";
