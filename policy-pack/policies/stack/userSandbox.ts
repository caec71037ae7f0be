// GKE Sandbox all the way or not at all: once a stack asks for gVisor anywhere for its users, every pool
// that runs user servers carries it and every pod the chart starts for users asks for it. The pack cannot
// read the program's stack config (`userSandbox`), so the stack's own resources are the signal: a
// jupyterhub release whose user pods request the `gvisor` RuntimeClass, or a user-server pool with the
// sandbox. A stack with neither is only told, by the advisory gke-user-node-sandbox; an organiser who
// wants the sandbox whatever the stack says sets this policy's `requireUserSandbox`.
//
// Why each half matters: a user pod that requests the RuntimeClass gets GKE's node selector and toleration
// for sandboxed nodes, so on an unsandboxed user pool it never starts; a sandboxed pool under user pods
// that do not request it keeps them out (GKE's sandbox taint) or, tolerated, runs them unsandboxed on the
// node's kernel ("you can run regular Pods on a node with GKE Sandbox enabled"). A profile that replaces
// KubeSpawner's extra_pod_config, or a hub.config override of it, drops the RuntimeClass for its users.
// Placeholders that do not request it cannot hold room on sandboxed nodes.
// Sources: GKE docs "GKE Sandbox" and "Harden workload isolation with GKE Sandbox"; Z2JH 4.4.0
// files/hub/jupyterhub_config.py (singleuser.extraPodConfig → KubeSpawner.extra_pod_config) and
// templates/scheduling/user-placeholder/statefulset.yaml (extraPodSpec); CIS GKE Benchmark 1.9.0 5.10.3.

import { gkeSandboxType, gvisorRuntimeClass } from "../../contracts/sandbox";
import { get, isRecord, isUnknown, list, show, stackPolicy, UNKNOWN, type StackResource } from "../core";
import { poolSandboxed } from "../gke/pools";
import { pools } from "../gke/shared";
import { GCP, K8S } from "../types";
import { runsUserServers, trait, valuesOf } from "../z2jh";
import { jupyterHubReleases, ofType } from "./shared";

interface UserSandboxConfig {
  readonly requireUserSandbox: boolean;
}

/** The RuntimeClass KubeSpawner gives user pods: `hub.config.KubeSpawner.extra_pod_config` wins over `singleuser.extraPodConfig`. */
export function userPodRuntimeClass(values: Record<string, unknown>): { readonly path: string; readonly value: unknown } {
  const override = trait(values, ["KubeSpawner"], "extra_pod_config");
  if (override !== undefined) return { path: "hub.config.KubeSpawner.extra_pod_config.runtimeClassName", value: get(override, "runtimeClassName") };
  return { path: "singleuser.extraPodConfig.runtimeClassName", value: get(values, "singleuser.extraPodConfig.runtimeClassName") };
}

const asksForGvisor = (value: unknown) => value === gvisorRuntimeClass;

export const stackUserSandbox = stackPolicy<UserSandboxConfig>({
  name: "stack-user-sandbox",
  description:
    "Checks that a stack that asks for GKE Sandbox anywhere for its users (user pods requesting the gvisor RuntimeClass, or a sandboxed user-server pool) sandboxes every pool that runs user servers and requests gvisor for every user pod, profile and placeholder.",
  area: "Stack",
  severity: "high",
  remediationSteps:
    `Set \`nodeConfig.sandboxConfig.type: "${gkeSandboxType}"\` on every pool whose node purpose is not core, \`singleuser.extraPodConfig.runtimeClassName: "${gvisorRuntimeClass}"\` and \`scheduling.userPlaceholder.extraPodSpec.runtimeClassName: "${gvisorRuntimeClass}"\` in the chart values, and keep the RuntimeClass in any profile's \`kubespawner_override.extra_pod_config\`. To run without the sandbox, remove it from both sides.`,
  sources: [
    "CIS GKE 1.9.0 5.10.3",
    "GKE docs: GKE Sandbox (https://cloud.google.com/kubernetes-engine/docs/concepts/sandbox-pods)",
    "Z2JH 4.4.0 files/hub/jupyterhub_config.py (singleuser.extraPodConfig → KubeSpawner.extra_pod_config)",
  ],
  types: [K8S.helmRelease, K8S.helmChart, GCP.cluster, GCP.nodePool],
  config: {
    requireUserSandbox: {
      type: "boolean",
      description: "Require GKE Sandbox for users even when nothing in the stack asks for it.",
      default: false,
    },
  },
  check: function* (resources, { config, notApplicable }) {
    const releases = jupyterHubReleases(resources);
    const userPools: { readonly resource: StackResource; readonly where: string; readonly pool: unknown }[] = [];
    for (const resource of ofType(resources, GCP.nodePool, GCP.cluster)) {
      for (const { where, pool } of pools(resource.type, resource.props)) {
        if (runsUserServers(pool)) userPools.push({ resource, where, pool });
      }
    }
    const podsAsk = releases.some((r) => asksForGvisor(userPodRuntimeClass(valuesOf(r.props)).value));
    const poolsAsk = userPools.some((p) => poolSandboxed(p.pool) === true);
    if (!podsAsk && !poolsAsk && !config.requireUserSandbox) {
      notApplicable("Nothing in the stack asks for GKE Sandbox (gke-user-node-sandbox advises it)");
    }
    const why = config.requireUserSandbox ? "requireUserSandbox is set" : podsAsk ? "user pods request the gvisor RuntimeClass" : "a user-server pool is sandboxed";

    for (const { resource, where, pool } of userPools) {
      if (poolSandboxed(pool) === false) {
        const at = where === "" ? "nodeConfig" : `${where}.nodeConfig`;
        yield {
          urn: resource.urn,
          message: `Every pool that runs user servers must run GKE Sandbox when the stack uses it (${why}): set ${at}.sandboxConfig.type to "${gkeSandboxType}" on ${resource.name} (found: ${show(get(pool, "nodeConfig.sandboxConfig"))}).`,
        };
      }
    }
    for (const release of releases) {
      const values = valuesOf(release.props);
      const runtime = userPodRuntimeClass(values);
      if (!isUnknown(runtime.value) && !asksForGvisor(runtime.value)) {
        yield {
          urn: release.urn,
          message: `User pods must run in GKE Sandbox when the stack uses it (${why}): set values.${runtime.path} to "${gvisorRuntimeClass}" (found: ${show(runtime.value)}).`,
        };
      }
      const profiles = list(get(values, "singleuser.profileList"));
      if (profiles !== UNKNOWN) {
        for (const [i, profile] of profiles.entries()) {
          const override = get(profile, "kubespawner_override.extra_pod_config");
          if (override === undefined || isUnknown(override)) continue;
          const value = isRecord(override) ? get(override, "runtimeClassName") : undefined;
          if (!isUnknown(value) && !asksForGvisor(value)) {
            yield {
              urn: release.urn,
              message: `A profile that replaces extra_pod_config must keep the sandbox: set values.singleuser.profileList[${i}].kubespawner_override.extra_pod_config.runtimeClassName to "${gvisorRuntimeClass}" (found: ${show(value)}).`,
            };
          }
        }
      }
      const placeholders = get(values, "scheduling.userPlaceholder.enabled");
      const placeholderRuntime = get(values, "scheduling.userPlaceholder.extraPodSpec.runtimeClassName");
      if (placeholders !== false && !isUnknown(placeholders) && !isUnknown(placeholderRuntime) && !asksForGvisor(placeholderRuntime)) {
        yield {
          urn: release.urn,
          message: `Placeholders must run where sandboxed user pods run, or they hold no room there: set values.scheduling.userPlaceholder.extraPodSpec.runtimeClassName to "${gvisorRuntimeClass}" (found: ${show(placeholderRuntime)}).`,
        };
      }
    }
  },
});
