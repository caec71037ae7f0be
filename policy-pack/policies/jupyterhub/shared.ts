// What the JupyterHub modules share: the factory for policies over the values of a jupyterhub chart
// release (other Helm releases are not applicable), the profile-list overrides several checks must read
// as well as `hub.config.KubeSpawner`, the reporting of findings on the pods derived from the values
// (../z2jh/pods.ts), and the documents most checks cite.

import { checkSettings, entries, get, list, resourcePolicy, UNKNOWN, type CheckContext, type HardeningResourcePolicy, type PolicyText, type Setting } from "../core";
import { HELM_TYPES } from "../types";
import { isJupyterHubRelease, valuesOf } from "../z2jh";
import type { DerivedPod } from "../z2jh/pods";

export const Z2JH_SECURITY = "Z2JH docs: administrator/security.md";
export const JH_WEBSECURITY = "JupyterHub 5.5 docs: explanation/websecurity.md";
export const KUBESPAWNER = "kubespawner 7.0.0 kubespawner/spawner.py (_load_profile, _apply_overrides) and objects.py (make_pod)";
export const Z2JH_TEMPLATES = "Z2JH 4.4.0 jupyterhub/files/hub/jupyterhub_config.py and templates (hub, proxy, scheduling, image-puller)";

type ValuesCheck<C> = (values: Record<string, unknown>, context: CheckContext<C>, props: Record<string, unknown>) => Iterable<string>;

/** A policy over the values of jupyterhub chart releases; other Helm releases are not applicable. */
export function valuesPolicy<C extends object = Record<string, never>>(
  spec: Omit<PolicyText, "area"> & { readonly check: ValuesCheck<C> },
): HardeningResourcePolicy {
  return resourcePolicy<C>({
    ...spec,
    area: "JupyterHub",
    types: HELM_TYPES,
    check: (props, context) => {
      if (!isJupyterHubRelease(context.type, props)) context.notApplicable("Not a release of the jupyterhub chart");
      return spec.check(valuesOf(props), context, props);
    },
  });
}

/** A values policy that is only a table of settings. */
export function valuesSettings(spec: Omit<PolicyText, "area"> & { readonly settings: readonly Setting[] }): HardeningResourcePolicy {
  return valuesPolicy({ ...spec, check: (values) => checkSettings(values, spec.settings, "values") });
}

/** The `kubespawner_override`s of a profile list, with their paths: profiles and their option choices. */
export function profileOverrides(values: Record<string, unknown>): { readonly where: string; readonly override: unknown }[] {
  const profiles = list(get(values, "singleuser.profileList"));
  if (profiles === UNKNOWN) return [];
  return profiles.flatMap((profile, i) => {
    const base = `values.singleuser.profileList[${i}]`;
    const found = [{ where: `${base}.kubespawner_override`, override: get(profile, "kubespawner_override") }];
    for (const [option, spec] of entries(get(profile, "profile_options"))) {
      for (const [choice, choiceSpec] of entries(get(spec, "choices"))) {
        found.push({ where: `${base}.profile_options.${option}.choices.${choice}.kubespawner_override`, override: get(choiceSpec, "kubespawner_override") });
      }
    }
    return found.filter((f) => f.override !== undefined);
  });
}

/** "user servers", or the pods' labels, at most three and a count of the rest. */
function podsText(labels: readonly string[], pods: readonly DerivedPod[]): string {
  const users = pods.filter((p) => p.kind === "user").map((p) => p.label);
  let named = [...labels];
  if (users.length > 1 && users.every((u) => named.includes(u))) {
    named = ["every user server", ...named.filter((l) => !users.includes(l))];
  }
  return named.length <= 3 ? named.join("; ") : `${named.slice(0, 3).join("; ")} and ${named.length - 3} more`;
}

/**
 * Runs `check` on each pod and reports each distinct finding once, naming the pods it was found in: a
 * problem in the base user configuration shows up in every profile's pod but has one fix.
 */
export function onPods(pods: readonly DerivedPod[], check: (pod: DerivedPod) => Iterable<string>): string[] {
  const found = new Map<string, string[]>();
  for (const pod of pods) {
    for (const message of check(pod)) {
      const labels = found.get(message) ?? [];
      if (!labels.includes(pod.label)) labels.push(pod.label);
      found.set(message, labels);
    }
  }
  return [...found].map(([message, labels]) => `In ${podsText(labels, pods)}: ${message}`);
}
