// What the workload modules share: a pod located in its source (the pod spec, its annotations and every
// container, each with a way to name the input that sets a field), the factory for policies over every
// workload's pod template, and the readers of the pod's and containers' security contexts.
//
// The same checks run on two kinds of pods: the pod templates of workloads the program declares (fields
// located at their input path, `spec.template.spec.containers[0].securityContext`), and the pods the
// JupyterHub chart and KubeSpawner create from chart values (../z2jh/pods.ts), whose fields are located
// at the values key that sets them. So a check names a field by its path in the pod spec and asks the
// pod where that is (`pod.locate`), never building the input path itself.

import { appendPath, checkSettings, get, isUnknown, list, resourcePolicy, UNKNOWN, type HardeningResourcePolicy, type PolicyText, type Setting } from "../core";
import { WORKLOADS, WORKLOAD_TYPES } from "../types";

export type SpecPath = readonly (string | number)[];

export interface ContainerView {
  /** Where the container is, for messages. */
  readonly where: string;
  readonly container: unknown;
  /** Its path in the pod spec: `["containers", 0]`, `["initContainers", 1]`. */
  readonly path: SpecPath;
}

/** A pod, located: spec, annotations and every container, and where each of its fields is set. */
export interface PodView {
  readonly where: string;
  readonly spec: unknown;
  readonly annotations: unknown;
  /** Input path of the pod's annotations. */
  readonly annotationsWhere: string;
  readonly containers: readonly ContainerView[];
  /** The input that sets the pod-spec field at `path` (relative to the pod spec), for messages. */
  readonly locate: (path: SpecPath) => string;
}

export const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

/** The containers of a pod spec with their paths; `where` renders a container's path for messages. */
export function containersOf(spec: unknown, where: (path: SpecPath) => string): ContainerView[] {
  const containers: ContainerView[] = [];
  for (const key of CONTAINER_LISTS) {
    const items = list(get(spec, key));
    if (items === UNKNOWN) continue;
    items.forEach((container, i) => containers.push({ where: where([key, i]), container, path: [key, i] }));
  }
  return containers;
}

export function podView(type: string, props: Record<string, unknown>): PodView | undefined {
  const path = WORKLOADS[type];
  if (path === undefined) return undefined;
  const where = path.join(".");
  const spec = get(props, path);
  const annotationsPath = [...path.slice(0, -1), "metadata", "annotations"];
  const annotations = get(props, annotationsPath);
  const locate = (specPath: SpecPath) => appendPath(where, specPath);
  return { where, spec, annotations, annotationsWhere: annotationsPath.join("."), containers: containersOf(spec, locate), locate };
}

/** Where a field of a container's securityContext (or any container field) is set. */
export function containerAt(pod: PodView, container: ContainerView, path: SpecPath): string {
  return pod.locate([...container.path, ...path]);
}

export type PodCheck = (pod: PodView) => string[];

/** A policy over every workload's pod template, whose check also runs on pods derived from chart values. */
export type PodPolicy = HardeningResourcePolicy & { readonly checkPod: PodCheck };

/** A policy over every workload's pod template. */
export function podPolicy(spec: Omit<PolicyText, "area"> & { readonly check: PodCheck }): PodPolicy {
  const policy = resourcePolicy({
    ...spec,
    area: "Kubernetes",
    types: WORKLOAD_TYPES,
    check: (props, { type }) => {
      const pod = podView(type, props);
      return pod === undefined || isUnknown(pod.spec) ? [] : spec.check(pod);
    },
  });
  return { ...policy, checkPod: spec.check };
}

/** The same settings on the pod's securityContext and on every container's. */
export function podAndContainers(pod: PodView, settings: readonly Setting[]): string[] {
  return [
    ...checkSettings(get(pod.spec, "securityContext"), settings, (p) => pod.locate(["securityContext", ...p])),
    ...containersOnly(pod, settings),
  ];
}

export function containersOnly(pod: PodView, settings: readonly Setting[]): string[] {
  return pod.containers.flatMap((c) =>
    checkSettings(get(c.container, "securityContext"), settings, (p) => containerAt(pod, c, ["securityContext", ...p])),
  );
}

export const PSS = "Pod Security Standards";
