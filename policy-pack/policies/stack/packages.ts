// Packages and images through Artifact Registry (area Stack): once the stack has an Artifact Registry
// repository it claims that packages (a Python repository) or the user image (a Docker repository) come
// through it, and nothing may quietly open another way in:
//   - pip in user pods is configured (/etc/pip.conf named by PIP_CONFIG_FILE) and every index, extra index
//     and find-links location it names, in that file or in PIP_* variables, is Artifact Registry
//     (`*.pkg.dev`) or a Service the stack declares (the registry proxy), and it must name one; without a
//     Python repository (only the user image comes through Artifact Registry) pip may say `no-index` or use
//     an index the organisation runs, never PyPI itself;
//   - remote repositories fetch their upstream over HTTPS;
//   - user pods cannot reach the internet, nor Google's API front ends (199.36.153.0/24: the restricted and
//     private VIPs, where anyone's public repository and bucket answer) — the proxy is their way in;
//   - the user images (singleuser.image, KubeSpawner's and profiles' image) are on `*-docker.pkg.dev`;
//   - no repository is readable by allUsers or allAuthenticatedUsers;
//   - the stack's own NetworkPolicies (the registry proxy's) restrict egress and never open the internet;
//   - pods labelled as the registry proxy (contracts/packages.ts `packageProxy`, whose NetworkPolicy alone
//     may reach the GKE metadata server: k8s-network-policy-metadata-egress) are the proxy: under a
//     Kubernetes service account bound to a Google one by Workload Identity, with no API token.
// Sources: Artifact Registry docs "Configure restricted access for GKE private clusters" and "Remote
// repositories overview"; pip's configuration docs (PIP_CONFIG_FILE); Z2JH 4.4.0 values.yaml
// (singleuser.image, singleuser.extraFiles, singleuser.extraEnv).

import {
  clusterServiceOf,
  isArtifactRegistryHost,
  packageProxy,
  pipConfigEnv,
  pipConfigPath,
  pipConfigSources,
  pipSourceEnvVars,
  publicIndexHosts,
} from "../../contracts/packages";
import { entries, get, isUnknown, list, show, stackPolicy, UNKNOWN, type StackFinding, type StackResource } from "../core";
import { overlaps, parseCidr, type Range } from "../cidr";
import { profileOverrides } from "../jupyterhub/shared";
import { GCP, K8S, WORKLOADS, WORKLOAD_TYPES } from "../types";
import { valuesOf } from "../z2jh";
import { jupyterHubReleases, namespaceOf, ofType } from "./shared";

/** Google's API front ends for private access: restricted.googleapis.com and private.googleapis.com. */
const GOOGLE_API_VIPS = parseCidr("199.36.153.0/24") as Range;
const PUBLIC_MEMBERS = ["allusers", "allauthenticatedusers"];

/** The host of a URL-ish source (`https://h/x`, `h/x`, a file path has none). */
function hostOf(source: string): string | undefined {
  try {
    return new URL(source).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Why a pip source is not allowed, or undefined when it is. With a Python repository in the stack, only
 * the registry or a Service of the stack (its proxy) may be named; without one (the user image alone is in
 * Artifact Registry) pip may use an index the organisation runs, but never PyPI itself.
 */
function sourceProblem(source: string, services: ReadonlySet<string>, python: boolean): string | undefined {
  const host = hostOf(source);
  if (!python) {
    return host !== undefined && (publicIndexHosts as readonly string[]).includes(host) ? `${source} is PyPI itself` : undefined;
  }
  if (host === undefined) return `${source} is not a URL of the registry`;
  if (isArtifactRegistryHost(host)) return undefined;
  const service = clusterServiceOf(host);
  if (service && services.has(`${service.namespace}/${service.name}`)) return undefined;
  return `${source} is neither Artifact Registry (*.pkg.dev) nor a Service of this stack`;
}

/** Whether an image reference is on an Artifact Registry Docker host. */
function onArtifactRegistry(image: string): boolean {
  const first = image.split("/")[0] ?? "";
  return /^[a-z0-9-]+-docker\.pkg\.dev$/.test(first);
}

/**
 * What a shipped file holds. Z2JH 4.4.0 templates/singleuser/secret.yaml writes `stringData` to the Secret's
 * `stringData` and `binaryData` (base64) to its `data` under the same key, and Kubernetes lets `stringData`
 * win, so a pip.conf shipped as `binaryData` is read decoded. (`data`, rendered as YAML, JSON or TOML by
 * the file's extension, cannot hold an INI file such as pip.conf.)
 */
function pipFileText(file: unknown): unknown {
  const text = get(file, "stringData");
  const binary = get(file, "binaryData");
  if (text !== undefined || typeof binary !== "string" || isUnknown(binary)) return text;
  return Buffer.from(binary.replace(/\s+/g, ""), "base64").toString("utf8");
}

function releaseFindings(release: StackResource, services: ReadonlySet<string>, python: boolean, docker: boolean): StackFinding[] {
  const values = valuesOf(release.props);
  const findings: string[] = [];
  {
    const files = entries(get(values, "singleuser.extraFiles")).map(([, f]) => f);
    const pipFile = files.find((f) => get(f, "mountPath") === pipConfigPath);
    const configEnv = get(values, ["singleuser", "extraEnv", pipConfigEnv]);
    if (pipFile === undefined) {
      findings.push(`Packages must come through the registry: ship ${pipConfigPath} in values.singleuser.extraFiles with index-url naming the registry or its proxy (found: no pip configuration, so pip would use PyPI).`);
    } else {
      const text = pipFileText(pipFile);
      if (typeof text === "string" && !isUnknown(text)) {
        const sources = pipConfigSources(text);
        const noIndex = /^\s*no[-_]index\s*[=:]\s*(true|yes|on|1)\s*$/im.test(text);
        if (sources.length === 0 && (python || !noIndex)) {
          findings.push(`Packages must come through the registry: give ${pipConfigPath} an index-url naming the registry or its proxy${python ? "" : ", or no-index = true"} (found: no index-url, so pip would use PyPI).`);
        }
        for (const { option, value } of sources) {
          const problem = sourceProblem(value, services, python);
          if (problem) findings.push(`Packages must come through the registry, not a public index: ${option} in ${pipConfigPath}: ${problem}.`);
        }
      }
    }
    if (!isUnknown(configEnv) && configEnv !== pipConfigPath) {
      findings.push(`pip must read the shipped configuration first: set values.singleuser.extraEnv.${pipConfigEnv} to "${pipConfigPath}" (found: ${show(configEnv)}).`);
    }
    const envSources: [string, unknown][] = [
      ...entries(get(values, "singleuser.extraEnv")),
      ...entries(get(values, "hub.config.KubeSpawner.environment")),
      ...profileOverrides(values).flatMap(({ override }) => entries(get(override, "environment"))),
    ];
    for (const [name, value] of envSources) {
      if (!(pipSourceEnvVars as readonly string[]).includes(name) || typeof value !== "string" || isUnknown(value)) continue;
      for (const source of value.split(/\s+/).filter((s) => s !== "")) {
        const problem = sourceProblem(source, services, python);
        if (problem) findings.push(`Packages must come through the registry, not a public index: ${name}: ${problem}.`);
      }
    }
  }
  if (docker) {
    const images: [string, unknown][] = [
      ["values.singleuser.image", typeof get(values, "singleuser.image.name") === "string" ? get(values, "singleuser.image.name") : undefined],
      ["values.hub.config.KubeSpawner.image", get(values, "hub.config.KubeSpawner.image")],
      ...profileOverrides(values).map(({ where, override }) => [`${where}.image`, get(override, "image")] as [string, unknown]),
    ];
    for (const [where, image] of images) {
      if (typeof image !== "string" || isUnknown(image)) continue;
      if (!onArtifactRegistry(image)) {
        findings.push(`The user image must come through Artifact Registry, not a public registry: set ${where} to the image's path in the stack's remote repository, <location>-docker.pkg.dev/<project>/<repository>/... (found: ${show(image)}).`);
      }
    }
  }
  // The internet, or Google's API front ends, would let users fetch from any index or anyone's repository.
  const nonPrivate = get(values, "singleuser.networkPolicy.egressAllowRules.nonPrivateIPs");
  if (!isUnknown(nonPrivate) && nonPrivate !== false) {
    findings.push(`User pods must reach packages only through the registry: set values.singleuser.networkPolicy.egressAllowRules.nonPrivateIPs to false (found: ${show(nonPrivate ?? "true (chart default)")}).`);
  }
  const rules = list(get(values, "singleuser.networkPolicy.egress"));
  if (rules !== UNKNOWN) {
    rules.forEach((rule, i) => {
      const to = list(get(rule, "to"));
      if (to === UNKNOWN) return;
      const blocks = to.map((peer) => get(peer, "ipBlock.cidr")).filter((c): c is string => typeof c === "string" && !isUnknown(c));
      for (const cidr of blocks) {
        const range = parseCidr(cidr);
        if (range === undefined) continue;
        if (range.prefix === 0 || overlaps(range, GOOGLE_API_VIPS)) {
          findings.push(`User pods must reach packages only through the registry proxy, not ${range.prefix === 0 ? "the whole internet" : "Google's API front ends (199.36.153.0/24), where anyone's public repository answers"}: remove ${cidr} from values.singleuser.networkPolicy.egress[${i}].`);
        }
      }
    });
  }
  return findings.map((message) => ({ urn: release.urn, message }));
}

/** A NetworkPolicy the stack declares must restrict egress and never open the whole internet. */
function networkPolicyFindings(np: StackResource): StackFinding[] {
  const types = list(get(np.props, "spec.policyTypes"));
  const rules = list(get(np.props, "spec.egress"));
  const findings: string[] = [];
  if (types !== UNKNOWN && !types.includes("Egress")) {
    findings.push(`Egress from the pods it selects must be restricted: add "Egress" to spec.policyTypes of ${np.name} (found: ${show(types)}).`);
  }
  if (rules !== UNKNOWN) {
    rules.forEach((rule, i) => {
      const to = list(get(rule, "to"));
      if (to === UNKNOWN) return;
      const open = to.length === 0 || to.some((peer) => {
        const cidr = get(peer, "ipBlock.cidr");
        return typeof cidr === "string" && parseCidr(cidr)?.prefix === 0;
      });
      if (open) findings.push(`No pod of the stack may reach the whole internet: narrow spec.egress[${i}].to of ${np.name} (found: ${show(get(rule, "to"))}).`);
    });
  }
  return findings.map((message) => ({ urn: np.urn, message }));
}

/** GKE's Workload Identity annotation on a Kubernetes service account ("Authenticate to Google Cloud APIs from GKE workloads"). */
const WORKLOAD_IDENTITY_ANNOTATION = "iam.gke.io/gcp-service-account";

/**
 * Pods that carry the registry proxy's labels get the metadata server (its NetworkPolicy is the one the
 * pack lets reach it), so they must be the proxy: a service account of their namespace annotated for
 * Workload Identity, and no Kubernetes API token, on the pod and on the account.
 */
function proxyWorkloadFindings(resources: readonly StackResource[]): StackFinding[] {
  const findings: StackFinding[] = [];
  const accounts = ofType(resources, K8S.k8sServiceAccount);
  for (const workload of ofType(resources, ...WORKLOAD_TYPES)) {
    const specPath = WORKLOADS[workload.type] as readonly string[];
    const labels = get(workload.props, [...specPath.slice(0, -1), "metadata", "labels"]);
    if (isUnknown(labels) || !Object.entries(packageProxy.labels).every(([k, v]) => get(labels, [k]) === v)) continue;
    const spec = get(workload.props, specPath);
    const where = specPath.join(".");
    const say = (message: string) => findings.push({ urn: workload.urn, message });
    const automount = get(spec, "automountServiceAccountToken");
    if (!isUnknown(automount) && automount !== false) {
      say(`The registry proxy's pods must not hold a Kubernetes API token: set ${where}.automountServiceAccountToken of ${workload.name} to false (found: ${show(automount)}).`);
    }
    const accountName = get(spec, "serviceAccountName");
    const ns = namespaceOf(workload);
    if (isUnknown(accountName) || ns === UNKNOWN) continue;
    const account = accounts.find((a) => get(a.props, "metadata.name") === accountName && namespaceOf(a) === ns);
    const bound = account && get(account.props, ["metadata", "annotations", WORKLOAD_IDENTITY_ANNOTATION]);
    if (typeof accountName !== "string" || accountName === "" || accountName === "default" || !account || bound === undefined || bound === "") {
      say(`The registry proxy's pods reach the metadata server, so they must run as the proxy's own Workload Identity service account: set ${where}.serviceAccountName of ${workload.name} to a ServiceAccount of the stack in ${ns} annotated ${WORKLOAD_IDENTITY_ANNOTATION} (found: ${show(accountName)}${account && (bound === undefined || bound === "") ? ", not annotated" : ""}).`);
      continue;
    }
    const accountAutomount = get(account.props, "automountServiceAccountToken");
    if (!isUnknown(accountAutomount) && accountAutomount !== false) {
      say(`The registry proxy's service account must not hand out a Kubernetes API token: set automountServiceAccountToken of ${account.name} to false (found: ${show(accountAutomount)}).`);
    }
  }
  return findings;
}

export const stackPackagesThroughRegistry = stackPolicy({
  name: "stack-packages-through-registry",
  description:
    "Checks that a stack with Artifact Registry repositories gets packages and the user image only through them: pip in user pods names only the registry or its in-cluster proxy, user pods reach neither the internet nor Google's API front ends, the user images are on pkg.dev, no repository is public, the stack's own NetworkPolicies keep egress closed to the internet, and pods labelled as the registry proxy run under a Workload Identity service account with no API token.",
  area: "Stack",
  severity: "high",
  remediationSteps:
    `Set values.singleuser.extraFiles to ship ${pipConfigPath} naming the registry proxy's Service or a *.pkg.dev index, set ${pipConfigEnv} to it, drop PIP_INDEX_URL/PIP_EXTRA_INDEX_URL/PIP_FIND_LINKS that name anything else, pull the user image from <location>-docker.pkg.dev, keep user egress off the internet and 199.36.153.0/24, grant repository read to service accounts, never allUsers, and run pods labelled as the registry proxy only under its Workload Identity service account with automountServiceAccountToken false.`,
  sources: [
    "Artifact Registry docs: Configure restricted access for GKE private clusters (https://cloud.google.com/artifact-registry/docs/gke-private-clusters)",
    "Artifact Registry docs: Remote repositories overview",
    "pip docs: Configuration (PIP_CONFIG_FILE)",
    "Z2JH 4.4.0 values.yaml (singleuser.image, extraFiles, extraEnv)",
  ],
  types: [GCP.artifactRegistryRepository, GCP.artifactRegistryIamMember, K8S.helmRelease, K8S.helmChart, K8S.service, K8S.networkPolicy, K8S.k8sServiceAccount, ...WORKLOAD_TYPES],
  check: function* (resources, { notApplicable }) {
    const repositories = ofType(resources, GCP.artifactRegistryRepository);
    if (repositories.length === 0) notApplicable("No Artifact Registry repository in the stack");
    const formats = repositories.map((r) => get(r.props, "format"));
    const python = formats.some((f) => typeof f === "string" && f.toUpperCase() === "PYTHON");
    const docker = formats.some((f) => typeof f === "string" && f.toUpperCase() === "DOCKER");
    const services = new Set<string>();
    for (const service of ofType(resources, K8S.service)) {
      const name = get(service.props, "metadata.name");
      const ns = namespaceOf(service);
      if (typeof name === "string" && !isUnknown(name) && ns !== UNKNOWN) services.add(`${ns}/${name}`);
    }
    for (const release of jupyterHubReleases(resources)) yield* releaseFindings(release, services, python, docker);
    // A remote repository's upstream over plain HTTP could be fed other packages or images on the way.
    for (const repository of repositories) {
      for (const path of ["remoteRepositoryConfig.commonRepository.uri", "remoteRepositoryConfig.dockerRepository.customRepository.uri", "remoteRepositoryConfig.pythonRepository.customRepository.uri"]) {
        const uri = get(repository.props, path);
        if (typeof uri === "string" && !isUnknown(uri) && !/^https:\/\//i.test(uri) && !uri.startsWith("projects/")) {
          yield { urn: repository.urn, message: `A remote repository must fetch its upstream over HTTPS: set ${path} of ${repository.name} to an https:// URL (found: ${show(uri)}).` };
        }
      }
    }
    // The stack's own NetworkPolicies (the registry proxy's): egress restricted, never to the whole internet.
    for (const np of ofType(resources, K8S.networkPolicy)) yield* networkPolicyFindings(np);
    yield* proxyWorkloadFindings(resources);
    for (const grant of ofType(resources, GCP.artifactRegistryIamMember)) {
      const member = get(grant.props, "member");
      if (typeof member === "string" && PUBLIC_MEMBERS.includes(member.toLowerCase())) {
        yield { urn: grant.urn, message: `Artifact Registry repositories must not be public: grant read to service accounts, not ${member} (found on ${grant.name}).` };
      }
    }
  },
});
