// The Zero to JupyterHub release's values (chart 4.4.0: jupyterhub/values.yaml and values.schema.yaml of
// https://github.com/jupyterhub/zero-to-jupyterhub-k8s/tree/4.4.0), for a hub whose users are untrusted.
// Sources: Z2JH docs administrator/security.md and administrator/optimization.md; JupyterHub 5.5
// explanation/websecurity.md ("not suitable for untrusted users in its default configuration").
// One module per concern:
//   identity.ts     authenticator, allowlist, admins and roles
//   webSecurity.ts  subdomain per user server, no user config
//   network.ts      the chart's NetworkPolicies, metadata server, iptables init container, proxy Service
//   userEgress.ts   where user pods may connect
//   podSecurity.ts  non-root, capabilities, seccomp, no API token
//   limits.ts       CPU and memory limits, culling
//   images.ts       pinned chart version and images
//   secrets.ts      no literal secrets in values
//   shared.ts       the values-policy factory and profile overrides
//
// Each check reads `props.values` of a `helm.v3.Release` (or `helm.v4.Chart`) of the jupyterhub chart;
// other releases are not applicable. Chart defaults matter: where the chart's default is insecure
// (authenticator_class dummy, admin_access true, blockWithIptables true, proxy LoadBalancer) the secure
// value must be set explicitly.
//
// The list below is the pack's order (../index.ts `allPolicies`), which the README table and the served
// pack follow.

import type { HardeningResourcePolicy } from "../core";
import { jupyterhubAdminAccessOff, jupyterhubAllowlist, jupyterhubAuthenticator } from "./identity";
import { jupyterhubPinnedVersions } from "./images";
import { jupyterhubCulling, jupyterhubUserResourceLimits } from "./limits";
import { jupyterhubMetadataEgress, jupyterhubNetworkPolicies, jupyterhubNoIptablesInitContainer, jupyterhubProxyServicePrivate } from "./network";
import { jupyterhubNonRoot, jupyterhubUserNoApiToken, jupyterhubUserRestricted } from "./podSecurity";
import { jupyterhubNoLiteralSecrets } from "./secrets";
import { jupyterhubUserEgress } from "./userEgress";
import { jupyterhubDisableUserConfig, jupyterhubSubdomainHost } from "./webSecurity";

export const jupyterhubPolicies: readonly HardeningResourcePolicy[] = [
  jupyterhubAuthenticator,
  jupyterhubAllowlist,
  jupyterhubAdminAccessOff,
  jupyterhubSubdomainHost,
  jupyterhubDisableUserConfig,
  jupyterhubNetworkPolicies,
  jupyterhubMetadataEgress,
  jupyterhubUserEgress,
  jupyterhubNoIptablesInitContainer,
  jupyterhubNonRoot,
  jupyterhubUserRestricted,
  jupyterhubUserNoApiToken,
  jupyterhubUserResourceLimits,
  jupyterhubCulling,
  jupyterhubPinnedVersions,
  jupyterhubNoLiteralSecrets,
  jupyterhubProxyServicePrivate,
];
