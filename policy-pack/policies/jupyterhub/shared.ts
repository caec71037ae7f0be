// What the JupyterHub modules share: the factory for policies over the values of a jupyterhub chart
// release (other Helm releases are not applicable), the profile-list overrides several checks must read
// as well as `hub.config.KubeSpawner`, and the two documents most checks cite.

import { checkSettings, entries, get, list, resourcePolicy, UNKNOWN, type CheckContext, type HardeningResourcePolicy, type PolicyText, type Setting } from "../core";
import { HELM_TYPES } from "../types";
import { isJupyterHubRelease, valuesOf } from "../z2jh";

export const Z2JH_SECURITY = "Z2JH docs: administrator/security.md";
export const JH_WEBSECURITY = "JupyterHub 5.5 docs: explanation/websecurity.md";

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
