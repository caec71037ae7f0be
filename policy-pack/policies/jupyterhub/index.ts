// The Zero to JupyterHub release's values (chart 4.4.0: jupyterhub/values.yaml and values.schema.yaml of
// https://github.com/jupyterhub/zero-to-jupyterhub-k8s/tree/4.4.0), for a hub whose users are untrusted.
// Sources: Z2JH docs administrator/security.md and administrator/optimization.md; JupyterHub 5.5
// explanation/websecurity.md ("not suitable for untrusted users in its default configuration").
// One module per concern:
//   identity.ts     authenticator, allowlist, admins and roles, the identity provider's TLS
//   webSecurity.ts  subdomain per user server, no user config
//   network.ts      the chart's NetworkPolicies, metadata server, iptables init container, proxy Service
//   userEgress.ts   where user pods may connect
//   podSecurity.ts  every derived pod meets PSS restricted; non-root keys; no API token for users
//   volumes.ts      storage shared by all users is read-only
//   limits.ts       CPU and memory limits per profile, culling, the hub's server and spawn limits
//   images.ts       pinned chart version and images, allowed user images, no typed-in image
//   secrets.ts      no literal secrets in values, nothing secret in user pods
//   code.ts         hub.extraConfig Python reviewed (shipped or acknowledged by digest)
//   shared.ts       the values-policy factory, profile overrides, findings on derived pods
//
// Rules about pods judge the pods derived from the values (../z2jh/pods.ts: user servers for each profile
// and option, the hub, the proxy and the chart's other pods), not a list of keys.
//
// Each check reads `props.values` of a `helm.v3.Release` (or `helm.v4.Chart`) of the jupyterhub chart;
// other releases are not applicable. Chart defaults matter: where the chart's default is insecure
// (authenticator_class dummy, admin_access true, blockWithIptables true, proxy LoadBalancer) the secure
// value must be set explicitly.
//
// The list below is the pack's order (../index.ts `allPolicies`), which the README table and the served
// pack follow.

import type { HardeningResourcePolicy } from "../core";
import { jupyterhubExtraConfigReviewed } from "./code";
import { jupyterhubAdminAccessOff, jupyterhubAllowlist, jupyterhubAuthenticator, jupyterhubIdpTlsVerified } from "./identity";
import { jupyterhubPinnedVersions, jupyterhubUserImages } from "./images";
import { jupyterhubCulling, jupyterhubEventLimits, jupyterhubUserResourceLimits } from "./limits";
import { jupyterhubMetadataEgress, jupyterhubNetworkPolicies, jupyterhubNoIptablesInitContainer, jupyterhubProxyServicePrivate } from "./network";
import { jupyterhubNonRoot, jupyterhubPodSecurity, jupyterhubUserNoApiToken } from "./podSecurity";
import { jupyterhubNoLiteralSecrets, jupyterhubUserPodSecrets } from "./secrets";
import { jupyterhubUserEgress } from "./userEgress";
import { jupyterhubUserSharedVolumesReadOnly } from "./volumes";
import { jupyterhubDisableUserConfig, jupyterhubSubdomainHost } from "./webSecurity";

export const jupyterhubPolicies: readonly HardeningResourcePolicy[] = [
  jupyterhubAuthenticator,
  jupyterhubAllowlist,
  jupyterhubAdminAccessOff,
  jupyterhubIdpTlsVerified,
  jupyterhubSubdomainHost,
  jupyterhubDisableUserConfig,
  jupyterhubNetworkPolicies,
  jupyterhubMetadataEgress,
  jupyterhubUserEgress,
  jupyterhubNoIptablesInitContainer,
  jupyterhubNonRoot,
  jupyterhubPodSecurity,
  jupyterhubUserNoApiToken,
  jupyterhubUserSharedVolumesReadOnly,
  jupyterhubUserResourceLimits,
  jupyterhubEventLimits,
  jupyterhubCulling,
  jupyterhubPinnedVersions,
  jupyterhubUserImages,
  jupyterhubNoLiteralSecrets,
  jupyterhubUserPodSecrets,
  jupyterhubExtraConfigReviewed,
  jupyterhubProxyServicePrivate,
];
