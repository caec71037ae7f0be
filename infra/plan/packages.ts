// Packages and images through Artifact Registry, as plain data: which repositories exist, who reads them,
// how pip and conda in user pods are configured, where the user image is pulled from, and the one new
// network path (user pods -> the registry proxy -> Artifact Registry on Google's restricted VIP).
// PackageRegistry (components/registry.ts) declares resources from it; the chart values ship its files.
//
// Why a proxy holds the credential (docs/packages.md): Artifact Registry answers reads only
// with a Google credential. Handing user pods one would mean letting them reach the metadata server and
// Google's API front ends, where any Google API (and any public bucket or repository of anyone's) answers,
// and every user image would need Google's keyring plugin for pip. The proxy is the one pod with a
// Workload Identity account (reader on the Python repository and nothing else); it forwards GETs under that
// repository only, and refuses the deny list. User pods keep the metadata server and every Google
// address blocked and reach only the proxy.

import { PackageMode, PackagesConfig, StackConfig } from "../config/types";
import { clusterDns, dnsEgressRule } from "./clusterDns";
import { NetworkPolicyEgressRule } from "./netpol";
import {
  artifactRegistryDomain,
  condaConfigPath,
  pipConfigEnv,
  pipConfigPath,
  restrictedGoogleApisAddresses,
  packageProxy,
  restrictedGoogleApisCidr,
  workloadIdentityMetadataRules,
} from "../../policy-pack/contracts/packages";
import { serviceAccountId } from "./serviceAccounts";

export * from "../../policy-pack/contracts/packages";

/** The Google APIs the repositories, their private DNS and image streaming use (components/apis.ts turns them on). */
export const registryApis = ["artifactregistry.googleapis.com", "dns.googleapis.com", "containerfilesystem.googleapis.com"] as const;

/**
 * The Google APIs a plan's resources call, from what it declares: Artifact Registry for its repositories
 * and their read grants, the Container File System API to stream the user image from them, Cloud DNS for
 * the private pkg.dev zone (every plan has one).
 */
export function packageApis(plan: PackagePlan): string[] {
  const repositories = plan.python !== undefined || plan.imageRepositories.length > 0;
  const used: Record<(typeof registryApis)[number], boolean> = {
    "artifactregistry.googleapis.com": repositories,
    "containerfilesystem.googleapis.com": plan.imageRepositories.length > 0,
    "dns.googleapis.com": true,
  };
  return registryApis.filter((api) => used[api]);
}

/** Every API in `needed` that `enabled` lacks; the program refuses to declare anything while one is missing. */
export function missingApis(needed: readonly string[], enabled: readonly string[]): string[] {
  return needed.filter((api) => !enabled.includes(api));
}

// ---------------------------------------------------------------------------------------------------
// The user image

/** An image reference split the way a registry sees it. */
export interface ImageReference {
  /** `quay.io`, `docker.io`, `europe-west1-docker.pkg.dev`... */
  readonly registry: string;
  /** The repository path inside the registry, `jupyterhub/k8s-singleuser-sample`. */
  readonly path: string;
  /** `:4.4.0` or `@sha256:<hex>`, as written after the path. */
  readonly pin: string;
}

/** Docker Hub's legacy registry host (distribution/reference normalize.go `legacyDefaultDomain`). */
const dockerHubLegacyHost = "index.docker.io";

/**
 * Splits a pinned reference (config has already refused unpinned ones). The first component is a
 * registry when it has a dot or a port, or is `localhost` (the distribution reference grammar's rule,
 * distribution/reference normalize.go); otherwise the image is on Docker Hub, whose one-component names
 * live under `library/`. Docker Hub's legacy name `index.docker.io` is Docker Hub too (normalize.go
 * `legacyDefaultDomain`).
 */
export function parseImageReference(ref: string): ImageReference {
  // A tag comes before a digest when both are written (`name:tag@sha256:...`): the pin starts at the tag.
  const at = ref.indexOf("@");
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const colon = named.lastIndexOf(":");
  const cut = colon > named.lastIndexOf("/") ? colon : at;
  if (cut < 0) throw new RangeError(`image ${ref} is not pinned by tag or digest`);
  const name = ref.slice(0, cut);
  const pin = ref.slice(cut);
  const [first, ...rest] = name.split("/");
  const hasRegistry = rest.length > 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = !hasRegistry || first === dockerHubLegacyHost ? "docker.io" : first;
  const pathParts = hasRegistry ? rest : [first, ...rest];
  const path = registry === "docker.io" && pathParts.length === 1 ? `library/${pathParts[0]}` : pathParts.join("/");
  return { registry, path, pin };
}

/** An Artifact Registry repository named by its parts. */
export interface RepositoryRef {
  readonly project: string;
  readonly location: string;
  readonly repositoryId: string;
}

/** A Docker remote repository for one upstream registry: Docker Hub by Google's preset, others by URI. */
export interface DockerRemoteSpec extends RepositoryRef {
  readonly upstreamRegistry: string;
  /** `DOCKER_HUB` for docker.io; otherwise `https://<registry>`, Artifact Registry's custom upstream. */
  readonly upstream: { readonly publicRepository: "DOCKER_HUB" } | { readonly uri: string };
}

/** Where one configured image is pulled from, and which repository the nodes need to read for it. */
export interface ImageSource {
  /** The reference in config (`userImage`, `gpuProfile.image`). */
  readonly configured: string;
  /** What the chart pulls: the same image and pin, from Artifact Registry. */
  readonly pulled: string;
  readonly repository: RepositoryRef;
}

/** Whether a registry host is an Artifact Registry Docker host, and its location (`europe-west1`). */
function artifactRegistryDockerLocation(registry: string): string | undefined {
  return /^([a-z0-9-]+)-docker\.pkg\.dev$/.exec(registry)?.[1];
}

/** A repository id: lower-case letters, digits and hyphens, starting with a letter, at most 63 characters. */
export function repositoryId(prefix: string, name: string): string {
  const id = `${prefix}-${name}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-");
  return id.slice(0, 63).replace(/-+$/, "");
}

// ---------------------------------------------------------------------------------------------------
// The registry proxy

// `packageProxy` (its names, port and labels) is the pack's contract, contracts/packages.ts.

/**
 * The labels the chart's own singleuser NetworkPolicy selects user servers by (Z2JH 4.4.0
 * templates/singleuser/netpol.yaml: `jupyterhub.matchLabels` with component singleuser-server, i.e. the
 * legacy labels component, app and release of _helpers.tpl). `release` is the Helm release name,
 * components/jupyterhub.ts `releaseName`; placeholders (component user-placeholder) do not match.
 */
export const userServerPodLabels = { component: "singleuser-server", app: "jupyterhub", release: "jupyterhub" } as const;

/** How many proxies: each streams wheels through one Python process; our estimate, measure in the dev stack. */
function packageProxyReplicas(peakUsers: number): number {
  return Math.min(8, Math.max(2, Math.ceil(peakUsers / 250)));
}


/** HTTPS to Google's restricted VIP, where the private zone sends `*.pkg.dev`. */
const restrictedVipEgressRule: NetworkPolicyEgressRule = {
  to: [{ ipBlock: { cidr: restrictedGoogleApisCidr } }],
  ports: [{ protocol: "TCP", port: 443 }],
};

/** The proxy serves the Python repository to user pods (whose pods the chart labels singleuser-server). */
export interface ProxyPlan {
  readonly namespace: string;
  readonly replicas: number;
  /** The repository the proxy forwards to: `https://<location>-python.pkg.dev/<project>/<repository>`. */
  readonly upstreamUrl: string;
  /** PEP 503-normalised project names it refuses. */
  readonly denyList: readonly string[];
  /** What pip is pointed at. */
  readonly indexUrl: string;
  readonly host: string;
  /** The Google service account it runs as (Workload Identity), reader on the Python repository only. */
  readonly serviceAccountId: string;
  /** Its egress: DNS, the metadata server (for its token), and the restricted VIP on 443. */
  readonly egress: readonly NetworkPolicyEgressRule[];
}

/** The private DNS zone that sends `pkg.dev` and `*.pkg.dev` to the restricted VIP, for the VPC. */
export interface PrivateZonePlan {
  readonly name: string;
  readonly dnsName: string;
  readonly records: readonly { readonly name: string; readonly type: "A" | "CNAME"; readonly rrdatas: readonly string[] }[];
}

/** The Python repository of `mirror` and `curated`, when no `packageIndexUrl` replaces it. */
export interface PythonRepositorySpec extends RepositoryRef {
  readonly mode: "REMOTE_REPOSITORY" | "STANDARD_REPOSITORY";
  readonly url: string;
}

export interface PackagePlan {
  readonly mode: PackageMode;
  /** The stack's project (`gcp:project`), where every repository here is created. */
  readonly project: string;
  readonly python?: PythonRepositorySpec;
  readonly dockerRemotes: readonly DockerRemoteSpec[];
  /** The user image, and the GPU profile's image when there is one. */
  readonly images: readonly ImageSource[];
  /** Every Docker repository the node service account reads (created here or already in Artifact Registry). */
  readonly imageRepositories: readonly RepositoryRef[];
  readonly proxy?: ProxyPlan;
  readonly privateZone: PrivateZonePlan;
  /** Where pip looks, as users see it: the proxy, the organisation's index, or nothing. */
  readonly pipIndexUrl?: string;
  /** The text of /etc/pip.conf and /etc/conda/.condarc in user pods. */
  readonly pipConf: string;
  readonly condarc: string;
  /** Extra egress for user pods: the proxy's pods on its port, when the proxy serves them. */
  readonly userEgress: readonly NetworkPolicyEgressRule[];
  /** How admins fill the curated repository. */
  readonly uploadCommand?: string;
}

/** The in-cluster name pip uses for the proxy. */
function proxyHost(namespace: string): string {
  return `${packageProxy.name}.${namespace}.svc.cluster.local`;
}

// ---------------------------------------------------------------------------------------------------
// pip and conda configuration

const pipHeader = (mode: PackageMode) => [
  `# ${pipConfigPath}, shipped read-only by the hub (packageMode ${mode}). ${pipConfigEnv} names this file, so`,
  "# pip reads it after every global and site file and skips the user's own (pip _internal/configuration.py).",
  "# It is the convenient path, not the boundary: a user can still pass --index-url or set PIP_* variables,",
  "# and the network policy is what leaves nothing else reachable.",
];

/** /etc/pip.conf: the one index, or none at all. */
export function pipConfText(mode: PackageMode, indexUrl: string | undefined, trustedHost: string | undefined): string {
  if (mode === "none" || indexUrl === undefined) {
    return [...pipHeader(mode), "[global]", "no-index = true", "disable-pip-version-check = true", ""].join("\n");
  }
  return [
    ...pipHeader(mode),
    "[global]",
    `index-url = ${indexUrl}`,
    // The proxy speaks plain HTTP inside the cluster; pip refuses an http index unless its host is trusted.
    ...(trustedHost ? [`trusted-host = ${trustedHost}`] : []),
    // pip's defaults, a 15 s socket timeout and 5 retries per connection (pip 23.0.1, Debian 12's python3-pip:
    // src/pip/_internal/cli/cmdoptions.py lines 264-283, the `retries` and `timeout` options, `default=5` and
    // `default=15`; unchanged in pip 26.2.1), make a blocked destination take over a minute to fail.
    "timeout = 15",
    "retries = 1",
    "disable-pip-version-check = true",
    "",
  ].join("\n");
}

/**
 * /etc/conda/.condarc, the first file of conda's search path. `#!final` stops later files (the image's
 * own .condarc, the user's ~/.condarc) from changing a key (conda tests/common/test_configuration.py).
 * With a channel, conda may use only it (`allowlist_channels`, conda/core/index.py `check_allowlist`);
 * without one, conda is offline: it installs from its package cache and file:// channels only.
 */
export function condarcText(mode: PackageMode, channelUrl: string | undefined): string {
  const header = [
    `# ${condaConfigPath}, shipped read-only by the hub (packageMode ${mode}). Like pip.conf it is the`,
    "# convenient path, not the boundary: the network policy leaves nothing else reachable.",
  ];
  if (mode === "none" || channelUrl === undefined) {
    return [...header, "offline: true  #!final", ""].join("\n");
  }
  return [...header, "channels:  #!final", `  - ${channelUrl}`, "allowlist_channels:  #!final", `  - ${channelUrl}`, ""].join("\n");
}

// ---------------------------------------------------------------------------------------------------
// The plan

function imageSource(configured: string, project: string, location: string, prefix: string): ImageSource & { remote?: DockerRemoteSpec } {
  const ref = parseImageReference(configured);
  const arLocation = artifactRegistryDockerLocation(ref.registry);
  if (arLocation !== undefined) {
    // Already in Artifact Registry: pulled as it is; the nodes need read on that repository.
    const [imageProject, repository] = ref.path.split("/");
    return { configured, pulled: configured, repository: { project: imageProject, location: arLocation, repositoryId: repository } };
  }
  const remote: DockerRemoteSpec = {
    project,
    location,
    repositoryId: repositoryId(prefix, ref.registry),
    upstreamRegistry: ref.registry,
    upstream: ref.registry === "docker.io" ? { publicRepository: "DOCKER_HUB" } : { uri: `https://${ref.registry}` },
  };
  // A remote repository serves the upstream's paths under its own (Artifact Registry, "Remote repositories
  // overview"): quay.io/jupyterhub/x becomes <location>-docker.pkg.dev/<project>/<repository>/jupyterhub/x.
  const pulled = `${location}-docker.${artifactRegistryDomain}/${project}/${remote.repositoryId}/${ref.path}${ref.pin}`;
  return { configured, pulled, repository: remote, remote };
}

/**
 * Everything about packages and images before any resource is declared. `namePrefix` (the stack's, as for
 * the node service account) keeps two stacks in one project from naming the same repository.
 */
export function planPackages(config: StackConfig, namePrefix: string): PackagePlan {
  const { project, region: location } = config.platform;
  const packages: PackagesConfig = config.hub.packages;
  const namespace = config.hub.namespace;

  const images = [config.hub.userImage, ...(config.hub.gpu ? [config.hub.gpu.image] : [])].map((i) => imageSource(i, project, location, namePrefix));
  const dockerRemotes = [...new Map(images.flatMap((i) => (i.remote ? [[i.remote.repositoryId, i.remote] as const] : []))).values()];
  const imageRepositories = [...new Map(images.map((i) => [`${i.repository.project}/${i.repository.location}/${i.repository.repositoryId}`, i.repository])).values()];

  const usesArtifactRegistry = packages.mode !== "none" && packages.indexUrl === undefined;
  const python: PythonRepositorySpec | undefined = usesArtifactRegistry
    ? (() => {
        const repo = repositoryId(namePrefix, packages.mode === "mirror" ? "pypi" : "python");
        return {
          project,
          location,
          repositoryId: repo,
          mode: packages.mode === "mirror" ? "REMOTE_REPOSITORY" : "STANDARD_REPOSITORY",
          url: `https://${location}-python.${artifactRegistryDomain}/${project}/${repo}`,
        };
      })()
    : undefined;

  const host = proxyHost(namespace);
  const proxy: ProxyPlan | undefined = python && {
    namespace,
    replicas: packageProxyReplicas(config.capacity.peakUsers),
    upstreamUrl: python.url,
    denyList: packages.denyList,
    indexUrl: `http://${host}/simple/`,
    host,
    serviceAccountId: serviceAccountId(namePrefix, "pkg-proxy"),
    // The GKE metadata server, where the proxy's Workload Identity token comes from: exactly the rules the
    // pack's contract admits for the proxy alone (contracts/packages.ts).
    egress: [dnsEgressRule(clusterDns), ...workloadIdentityMetadataRules, restrictedVipEgressRule],
  };
  const pipIndexUrl = packages.mode === "none" ? undefined : proxy?.indexUrl ?? packages.indexUrl;

  const userEgress: NetworkPolicyEgressRule[] = proxy
    ? [{
        to: [{
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
          podSelector: { matchLabels: { ...packageProxy.labels } },
        }],
        ports: [{ protocol: "TCP", port: packageProxy.containerPort }],
      }]
    : [];

  return {
    mode: packages.mode,
    project,
    python,
    dockerRemotes,
    images: images.map(({ configured, pulled, repository }) => ({ configured, pulled, repository })),
    imageRepositories,
    proxy,
    // Artifact Registry's "Configure restricted access for GKE private clusters": a private zone for pkg.dev
    // with an A record to the restricted VIP and a CNAME for every name under it.
    privateZone: {
      name: `${namePrefix}-pkg-dev`,
      dnsName: `${artifactRegistryDomain}.`,
      records: [
        { name: `${artifactRegistryDomain}.`, type: "A", rrdatas: [...restrictedGoogleApisAddresses] },
        { name: `*.${artifactRegistryDomain}.`, type: "CNAME", rrdatas: [`${artifactRegistryDomain}.`] },
      ],
    },
    pipIndexUrl,
    pipConf: pipConfText(packages.mode, pipIndexUrl, proxy?.host),
    condarc: condarcText(packages.mode, packages.condaChannelUrl),
    userEgress,
    // Artifact Registry's Python quickstart: twine with the keyring backend, or a token in the URL.
    uploadCommand: python && python.mode === "STANDARD_REPOSITORY"
      ? `python3 -m twine upload --repository-url ${python.url}/ dist/*`
      : undefined,
  };
}

/** The `packages` stack output: where pip looks, what Artifact Registry holds, and how admins upload. */
export function packagesOutput(plan: PackagePlan) {
  return {
    mode: plan.mode,
    pipIndexUrl: plan.pipIndexUrl ?? "none",
    pythonRepository: plan.python ? `${plan.python.url} (${plan.python.mode === "REMOTE_REPOSITORY" ? "remote: PyPI" : "standard"})` : "none",
    denyList: plan.proxy?.denyList ?? [],
    images: plan.images.map((i) => ({ configured: i.configured, pulled: i.pulled })),
    ...(plan.uploadCommand ? { uploadCommand: plan.uploadCommand } : {}),
  };
}
