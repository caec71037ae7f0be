// What the stack policies share: picking resources of some types or the jupyterhub releases out of the
// stack, a namespaced resource's namespace, and names that are only known once every one of them is.

import { get, isUnknown, UNKNOWN, type StackResource } from "../core";
import { isJupyterHubRelease } from "../z2jh";

export const ofType = (resources: readonly StackResource[], ...types: string[]) => resources.filter((r) => types.includes(r.type));

export const jupyterHubReleases = (resources: readonly StackResource[]) => resources.filter((r) => isJupyterHubRelease(r.type, r.props));

/** Known names from a list of resources' property; `UNKNOWN` if any is not known yet. */
export function knownStrings(values: readonly unknown[]): string[] | typeof UNKNOWN {
  if (values.some(isUnknown)) return UNKNOWN;
  return values.filter((v): v is string => typeof v === "string");
}

export function namespaceOf(resource: StackResource): string | typeof UNKNOWN {
  const ns = get(resource.props, "metadata.namespace");
  if (isUnknown(ns)) return UNKNOWN;
  return typeof ns === "string" && ns !== "" ? ns : "default";
}
