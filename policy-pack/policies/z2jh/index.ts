// What the pack knows about the Zero to JupyterHub chart (4.4.0,
// https://github.com/jupyterhub/zero-to-jupyterhub-k8s/tree/4.4.0): how to recognise a release of it,
// where its values live, the node label and taint it schedules user pods with, and the pods its
// NetworkPolicies cover.

import { dedicatedTaintKey, nodePurposeLabel, poolPurpose } from "../../contracts/labels";
import { get, isRecord, isUnknown, plain, sameText } from "../core";
import { HELM_TYPES } from "../types";

// The node label, taint key and purposes are Z2JH's, kept in the contract module the program imports too
// (../contracts/labels.ts): user pods select `nodePurposeLabel` and tolerate the dedicated taint.

/** The taint keys Z2JH's user pods tolerate: the program's, and the `_` spelling of Z2JH's Google Cloud guide. */
export const USER_TAINT_KEYS: readonly string[] = [dedicatedTaintKey, "hub.jupyter.org_dedicated"];

/** A pool's node-purpose label (`undefined` when it has none; `UNKNOWN` when not known yet). */
export function poolPurposeOf(pool: unknown): unknown {
  return get(pool, ["nodeConfig", "labels", nodePurposeLabel]);
}

/**
 * Whether a pool runs user servers: labelled with a node purpose other than "core" — Z2JH's "user", or a
 * program's own (a GPU pool labelled "gpu" whose profile requires it).
 */
export function runsUserServers(pool: unknown): boolean {
  const purpose = poolPurposeOf(pool);
  return typeof purpose === "string" && !isUnknown(purpose) && purpose !== poolPurpose.core;
}

/** Whether a Helm release (v3 Release or v4 Chart) installs the jupyterhub chart. */
export function isJupyterHubRelease(type: string, props: Record<string, unknown>): boolean {
  if (!HELM_TYPES.includes(type)) return false;
  const chart = get(props, "chart");
  const repo = get(props, "repositoryOpts.repo");
  if (typeof chart === "string") {
    const name = chart.split("/").pop() ?? "";
    if (sameText(name, "jupyterhub") || /^jupyterhub-[0-9]/.test(name)) return true;
  }
  return typeof repo === "string" && repo.includes("hub.jupyter.org/helm-chart");
}

/** The release's `values` object (empty when unset; `valueYamlFiles` are not read). */
export function valuesOf(props: Record<string, unknown>): Record<string, unknown> {
  const values = plain(get(props, "values"));
  return isRecord(values) ? values : {};
}

/** The namespace a release installs into (`default` when unset). */
export function releaseNamespace(props: Record<string, unknown>): string | undefined {
  const ns = get(props, "namespace");
  if (isUnknown(ns)) return undefined;
  return typeof ns === "string" && ns !== "" ? ns : "default";
}

/**
 * The `hub.config` sections that configure authenticators: `Authenticator` plus any class-named section
 * ending in "Authenticator" (GenericOAuthenticator, GitHubOAuthenticator…), since Z2JH passes
 * `hub.config` straight to traitlets and a subclass section overrides the base one.
 */
export function authenticatorSections(values: Record<string, unknown>): [string, Record<string, unknown>][] {
  const config = get(values, "hub.config");
  if (!isRecord(config)) return [];
  return Object.entries(config).filter(
    (e): e is [string, Record<string, unknown>] => /Authenticator$/.test(e[0]) && isRecord(e[1]),
  );
}

/** A `hub.config` trait read from either of two classes, the more specific one winning. */
export function trait(values: Record<string, unknown>, classes: readonly string[], name: string): unknown {
  for (const cls of classes) {
    const value = get(values, ["hub", "config", cls, name]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The chart's network policies for the pods every release runs: user servers, the hub and CHP. */
export const ALWAYS_DEPLOYED_NETWORK_POLICY_OWNERS: readonly string[] = ["singleuser", "hub", "proxy.chp"];

/**
 * The chart's four network policies: those above, and the autohttps (traefik) pod's, which only runs with
 * `proxy.https` on. Each defaults to enabled and must stay so.
 */
export const NETWORK_POLICY_OWNERS: readonly string[] = [...ALWAYS_DEPLOYED_NETWORK_POLICY_OWNERS, "proxy.traefik"];
