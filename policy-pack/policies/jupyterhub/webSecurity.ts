// JupyterHub's web security model for untrusted users (JupyterHub 5.5 docs explanation/websecurity.md):
// every user server on its own subdomain, so one user's pages cannot script another's, and servers that
// ignore configuration files in the user's home. Z2JH docs administrator/security.md#jupyterhub_subdomains.

import { isUnknown, nonEmptyString, violation } from "../core";
import { trait } from "../z2jh";
import { JH_WEBSECURITY, valuesPolicy, valuesSettings, Z2JH_SECURITY } from "./shared";

/** JupyterHub websecurity.md: "Subdomains are the only way to reliably isolate user servers". */
export const jupyterhubSubdomainHost = valuesSettings({
  name: "jupyterhub-subdomain-host",
  description: "Checks that every user server is served from its own subdomain (subdomain_host is set).",
  severity: "high",
  remediationSteps: 'Set `hub.config.JupyterHub.subdomain_host: "<hub domain>"` and serve `*.<hub domain>` with a wildcard certificate and DNS record.',
  sources: [JH_WEBSECURITY, `${Z2JH_SECURITY}#jupyterhub_subdomains`],
  settings: [
    {
      path: "hub.config.JupyterHub.subdomain_host",
      ok: nonEmptyString,
      fix: '"<hub domain>"',
      requirement: "User servers must be isolated on their own origins",
    },
  ],
});

/** JupyterHub websecurity.md: without it a user's ~/.jupyter config can change what the server runs. */
export const jupyterhubDisableUserConfig = valuesPolicy({
  name: "jupyterhub-disable-user-config",
  description: "Checks that single-user servers ignore configuration files in users' home directories.",
  severity: "high",
  remediationSteps: "Set `hub.config.KubeSpawner.disable_user_config: true` (or `Spawner.disable_user_config`).",
  sources: [JH_WEBSECURITY],
  check: (values) => {
    const value = trait(values, ["KubeSpawner", "Spawner"], "disable_user_config");
    if (isUnknown(value) || value === true) return [];
    return [violation("User servers must not load configuration from the user's home", "values.hub.config.KubeSpawner.disable_user_config", "true", value)];
  },
});
