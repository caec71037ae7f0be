// Which stack config keys fix a violation of a policy of the pack, for `npm run policy:check`. The pack is
// standalone (it knows resources, not this program's config), so the mapping lives here, on the program's
// side, and is handed to the pack's checker (policy-pack/tools/check.ts `fixHint`). A policy whose
// violation no key can cause (the program always sets that field) is not listed: the fix is in code.
// test/policy-pack/check.test.ts checks every policy named is one of the pack's and every key one of the
// schema's.

type Keys = readonly string[];

/** The node pools by purpose, as the cluster names them (`<cluster>-<purpose>`, infra/plan/cluster.ts). */
type ByPool = Readonly<Partial<Record<"user" | "core" | "gpu", Keys>>>;

/** Policy name → the keys that change what the policy checks (per node pool where that differs). */
export const policyFixKeys: Readonly<Record<string, Keys | { readonly byPool: ByPool }>> = {
  // The user pool's maximum follows the peak and how many users a node holds.
  "gke-node-pool-max-nodes": { byPool: { user: ["peakUsers", "userMachineType"], core: ["corePoolMaxNodes"], gpu: ["gpuProfile"] } },
  "gke-node-machine-type": { byPool: { user: ["userMachineType"], core: ["coreMachineType"], gpu: ["gpuProfile"] } },
  "gke-control-plane-access": ["authorizedNetworks"],
  "gke-release-channel": ["releaseChannel"],
  "jupyterhub-admin-access-off": ["oidcFullAdminGroups"],
  "jupyterhub-allowlist": ["oidcAllowedGroups"],
  "jupyterhub-authenticator": ["oidcAuthorizeUrl", "oidcTokenUrl", "oidcUserdataUrl"],
  "jupyterhub-culling": ["cullTimeoutSeconds", "cullEverySeconds", "cullMaxAgeSeconds"],
  "jupyterhub-user-egress": ["egressAllowlist"],
  "jupyterhub-user-resource-limits": ["userCpuLimit", "userMemoryLimitGiB"],
  "jupyterhub-pinned-versions": ["userImage", "gpuProfile"],
  "k8s-pinned-images": ["userImage", "gpuProfile"],
};

/** Every key the mapping names, for the test that checks them against the schema. */
export function mappedKeys(): string[] {
  return Object.values(policyFixKeys).flatMap((v) => ("byPool" in v ? Object.values(v.byPool).flat() : [...(v as Keys)]));
}

/** The hint `policy:check` prints after a violation: the stack keys that fix it, or nothing. */
export function stackKeysFixing(policy: string, urn: string): string | undefined {
  const entry = policyFixKeys[policy];
  if (entry === undefined) return undefined;
  const purpose = /-(user|core|gpu)$/.exec(urn)?.[1] as keyof ByPool | undefined;
  const keys: Keys = "byPool" in entry ? (purpose ? entry.byPool[purpose] ?? [] : Object.values(entry.byPool).flat()) : (entry as Keys);
  return keys.length > 0 ? keys.join(" or ") : undefined;
}
