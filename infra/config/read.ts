import * as pulumi from "@pulumi/pulumi";
import { configSecretCheck } from "../../policy-pack/sdk";
import { knownKeys, oidcClientSecretKey, parseConfig, RawConfig } from "./parse";
import { StackConfig } from "./types";

export const projectName = "jupyterhub-gke";

export interface ProgramConfig {
  readonly config: StackConfig;
  /** The OIDC client secret stays a Pulumi secret from config to the Kubernetes Secret that holds it. */
  readonly oidcClientSecret: pulumi.Output<string>;
}

/**
 * The only place the program touches `pulumi.Config`: it gathers this project's keys plus `gcp:project`
 * and `gcp:region` and hands them to the pure `parseConfig`, which refuses bad values before any resource.
 * `now` is the clock the event window is checked against: the real one unless a test or the offline plan's
 * `--as-of` sets another.
 */
export function readProgramConfig({ now = new Date() }: { now?: Date } = {}): ProgramConfig {
  const raw: Record<string, unknown> = {};
  const prefix = `${projectName}:`;
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
    else if (key === "gcp:project" || key === "gcp:region") raw[key] = value;
  }
  // Which keys the stack file stores encrypted, so a secret written there in plain text is refused.
  const isSecret = configSecretCheck(pulumi.runtime);
  const secretKeys = knownKeys.filter((k) => isSecret(k.includes(":") ? k : `${prefix}${k}`));
  const config = parseConfig(raw as RawConfig, { now, secretKeys });
  return { config, oidcClientSecret: new pulumi.Config(projectName).requireSecret(oidcClientSecretKey) };
}
