// Packages and images through Artifact Registry: the names and addresses the program writes and the pack
// checks, so both read a pip configuration and a registry address the same way. Pure, no infra/ imports.

import type { NetworkPolicyEgressRule } from "./chartNetpol";

/** Where the hub ships pip's configuration in user pods, and the variable that makes pip read it first. */
export const pipConfigPath = "/etc/pip.conf";
export const pipConfigEnv = "PIP_CONFIG_FILE";
/** conda's first system-wide configuration file (conda/base/context.py, SEARCH_PATH). */
export const condaConfigPath = "/etc/conda/.condarc";

/**
 * Environment variables that give pip an index or a place to fetch from (pip reads every option from
 * `PIP_<OPTION>`; pip/_internal/configuration.py `_load_environment_vars`).
 */
export const pipSourceEnvVars = ["PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS"] as const;
/** The pip.conf options that name an index or a place to fetch from. */
export const pipSourceOptions = ["index-url", "extra-index-url", "find-links"] as const;

/**
 * Google's restricted VIP, restricted.googleapis.com, IPv4 199.36.153.4/30 (VPC Service Controls docs,
 * "Private Google Access with VPC Service Controls"): it serves only the APIs VPC Service Controls supports
 * and their dependencies, Artifact Registry among them ("Configure restricted access for GKE private
 * clusters" routes `pkg.dev` to it). The private VIP, 199.36.153.8/30, would also serve APIs a perimeter
 * cannot protect.
 */
export const restrictedGoogleApisCidr = "199.36.153.4/30";
export const restrictedGoogleApisAddresses = ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"] as const;

/** PyPI's own hosts (its index, its legacy name, its files, its test instance). */
export const publicIndexHosts = ["pypi.org", "pypi.python.org", "files.pythonhosted.org", "test.pypi.org"] as const;

/** Artifact Registry's domain: `<location>-python.pkg.dev`, `<location>-docker.pkg.dev`. */
export const artifactRegistryDomain = "pkg.dev";

/** Whether a host is Artifact Registry's (`<location>-<format>.pkg.dev`). */
export function isArtifactRegistryHost(host: string): boolean {
  return /^[a-z0-9-]+\.pkg\.dev$/.test(host.toLowerCase());
}

/** Whether a host is a Service's cluster-local name (`<service>.<namespace>.svc[.cluster.local]`). */
export function clusterServiceOf(host: string): { readonly name: string; readonly namespace: string } | undefined {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(host.toLowerCase());
  return m ? { name: m[1] as string, namespace: m[2] as string } : undefined;
}

/**
 * The values pip reads from a pip.conf for the options that name a source, from any section (pip reads
 * `[global]` and the command's own section, e.g. `[install]`). Multi-line values (pip splits
 * extra-index-url and find-links on whitespace) are split. A line-based reading of configparser's format:
 * `key = value` or `key: value`, continuation lines indented, `#` and `;` comment lines.
 */
export function pipConfigSources(text: string): { readonly option: string; readonly value: string }[] {
  const found: { option: string; value: string }[] = [];
  let current: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === "") continue;
    if (/^\s/.test(raw) && current !== undefined) {
      for (const v of raw.trim().split(/\s+/)) found.push({ option: current, value: v });
      continue;
    }
    current = undefined;
    const m = /^([A-Za-z0-9_-]+)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (!m) continue;
    const option = (m[1] as string).toLowerCase().replace(/_/g, "-");
    if (!(pipSourceOptions as readonly string[]).includes(option)) continue;
    current = option;
    for (const v of (m[2] as string).trim().split(/\s+/).filter((x) => x !== "")) found.push({ option, value: v });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------
// The registry proxy: the one workload that may reach the GKE metadata server

/**
 * The registry proxy's Kubernetes names, in the hub's namespace (components/registry.ts declares them). A
 * contract with the pack: a NetworkPolicy named `name` whose podSelector is exactly `labels` is the one
 * policy `k8s-network-policy-metadata-egress` lets reach the GKE metadata server, and only by
 * `workloadIdentityMetadataRules` (the proxy gets its Workload Identity token there; user pods never do).
 * `stack-packages-through-registry` checks that the pods carrying these labels are the proxy's: under a
 * Workload-Identity-bound service account with no Kubernetes API token.
 */
export const packageProxy = {
  name: "package-proxy",
  /** The proxy's own port; the Service maps port 80 to it. */
  containerPort: 8080,
  servicePort: 80,
  labels: { "app.kubernetes.io/name": "package-proxy", "app.kubernetes.io/part-of": "jupyterhub-gke" },
} as const;

/**
 * The GKE metadata server, exactly as GKE's docs tell strict network policies to admit it for Workload
 * Identity ("About Workload Identity Federation for GKE", GKE metadata server): 169.254.169.254/32 on TCP
 * 80 (Dataplane V2) and 169.254.169.252/32 on TCP 988 (otherwise). Nothing wider: no other link-local
 * address, no node address on 988.
 */
export const workloadIdentityMetadataRules: readonly NetworkPolicyEgressRule[] = [
  { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
  { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [{ protocol: "TCP", port: 988 }] },
];
