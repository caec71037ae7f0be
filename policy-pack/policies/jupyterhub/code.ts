// Code the pack cannot read. `hub.extraConfig` blocks are Python the chart `exec`s at the end of the hub's
// jupyterhub_config.py, and `*.py` files in /usr/local/etc/jupyterhub/jupyterhub_config.d/ (from
// `hub.extraFiles`, or any volume `hub.extraVolumeMounts` mounts there) are exec'd just before them (Z2JH 4.4.0 jupyterhub/files/hub/jupyterhub_config.py, the last
// two loops). Either can change any setting this pack checks (a spawner's security context, the
// authenticator, a profile list built in Python) after the values it reads, so a reviewer has to read it.
// Blocks the program ships are known by content (../../contracts/shippedDigests.ts); any other block must
// be acknowledged by its digest in the policy config once someone has reviewed it.

import { createHash } from "crypto";
import { shippedExtraConfigDigests } from "../../contracts/shippedDigests";
import { entries, get, isUnknown, list, UNKNOWN } from "../core";
import { valuesPolicy } from "./shared";

/** The digest a block is acknowledged by: `sha256:` and the hex SHA-256 of its UTF-8 text. */
export function codeDigest(text: string): string {
  return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}

/** Where jupyterhub_config.py loads extra config files from (`config_dir`). */
const CONFIG_DIR = "/usr/local/etc/jupyterhub/jupyterhub_config.d/";

/** The Python the hub will run from the values: extraConfig blocks and config files in config_dir. */
export function hubCode(values: Record<string, unknown>): { readonly where: string; readonly text: string }[] {
  const found: { where: string; text: string }[] = [];
  for (const [key, block] of entries(get(values, "hub.extraConfig"))) {
    if (typeof block === "string" && !isUnknown(block)) found.push({ where: `values.hub.extraConfig.${key}`, text: block });
  }
  for (const [key, file] of entries(get(values, "hub.extraFiles"))) {
    const mountPath = get(file, "mountPath");
    const text = get(file, "stringData");
    if (typeof mountPath !== "string" || !mountPath.startsWith(CONFIG_DIR) || !mountPath.endsWith(".py")) continue;
    if (typeof text === "string" && !isUnknown(text)) found.push({ where: `values.hub.extraFiles.${key}.stringData`, text });
    else found.push({ where: `values.hub.extraFiles.${key}`, text: JSON.stringify(file) });
  }
  // A volume (a ConfigMap, a Secret…) mounted into config_dir: the code is not in the values at all, so
  // what can be acknowledged is the mount as written (its digest changes when the mount does).
  const mounts = list(get(values, "hub.extraVolumeMounts"));
  (mounts === UNKNOWN ? [] : mounts).forEach((mount, i) => {
    const mountPath = get(mount, "mountPath");
    if (typeof mountPath === "string" && `${mountPath.replace(/\/+$/, "")}/`.startsWith(CONFIG_DIR)) {
      found.push({ where: `values.hub.extraVolumeMounts[${i}] (Python from outside the values)`, text: JSON.stringify(mount) });
    }
  });
  return found;
}

interface CodeConfig {
  readonly acknowledgedDigests: readonly string[];
}

export const jupyterhubExtraConfigReviewed = valuesPolicy<CodeConfig>({
  name: "jupyterhub-extra-config-reviewed",
  description:
    "Checks that every Python block the hub runs from the values (hub.extraConfig, and hub.extraFiles mounted as config files) is one the program ships or one the organisation has reviewed and acknowledged by its digest.",
  severity: "high",
  remediationSteps:
    'Remove the block, or read it (it runs inside the hub with the hub\'s credentials and can change any setting this pack checks) and add its digest (the message gives it, "sha256:<hex>") to this policy\'s `acknowledgedDigests`; any change to the block changes the digest and needs a new review.',
  sources: ["Z2JH 4.4.0 jupyterhub/files/hub/jupyterhub_config.py (hub.extraConfig, jupyterhub_config.d)", "Z2JH docs: administrator/advanced.md (hub.extraConfig)"],
  config: {
    acknowledgedDigests: {
      type: "array",
      items: { type: "string", pattern: "^sha256:[0-9a-f]{64}$" },
      description: 'Digests ("sha256:<hex>") of hub.extraConfig blocks and config files someone has reviewed.',
      default: [],
    },
  },
  check: (values, { config }) => {
    const known = new Set([...Object.values(shippedExtraConfigDigests), ...config.acknowledgedDigests]);
    return hubCode(values)
      .map(({ where, text }) => ({ where, digest: codeDigest(text) }))
      .filter(({ digest }) => !known.has(digest))
      .map(
        ({ where, digest }) =>
          `Python the hub runs must be reviewed: ${where} is not a block the program ships and its digest is not acknowledged; read it (it runs in the hub with the hub's credentials and can undo any setting checked here), then remove it or add "${digest}" to acknowledgedDigests of jupyterhub-extra-config-reviewed in the policy config.`,
      );
  },
});
