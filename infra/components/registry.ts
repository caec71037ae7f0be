import * as crypto from "crypto";
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DockerRemoteSpec, PackagePlan, packageProxy, ProxyPlan, PythonRepositorySpec, userServerPodLabels } from "../plan/packages";
import { nodePurposeLabel, poolPurpose } from "../plan/labels";
import { z2jhHubImage, z2jhHubImageUid } from "../plan/chart/release";
import { egressRuleSpec } from "../plan/netpol";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../plan/podSecurity";

// Artifact Registry as the one way in for packages and the user image (docs/packages.md):
// the repositories, who may read them, and the private DNS that sends the registry's names to Google's
// restricted VIP; then, in the cluster, the registry proxy that holds the only credential for the Python
// repository. What exists is the plan's (plan/packages.ts); this declares it.

/** Artifact Registry's reader role: download artifacts, list them, nothing else (IAM roles reference). */
const artifactRegistryReader = "roles/artifactregistry.reader";

export interface PackageRegistryArgs {
  /** The project id from `ProjectApis.project`, so every resource here waits for the APIs. Required. */
  readonly project: pulumi.Input<string>;
  /** `planPackages(config, namePrefix)`: repositories, images, the private zone, the proxy. Required. */
  readonly plan: PackagePlan;
  /** The VPC the private `pkg.dev` zone answers in (`HubNetwork.network.id`). Required. */
  readonly network: pulumi.Input<string>;
  /** The node service account (`HardenedCluster.nodeServiceAccount.email`): reader on the image repositories only. Required. */
  readonly nodeServiceAccountEmail: pulumi.Input<string>;
  /** `<project>.svc.id.goog` (`workloadIdentityPool`), for the proxy's Workload Identity binding. Required. */
  readonly workloadIdentityPool: string;
  /** Resource labels. Default: none. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The Google side: the Python repository (`mirror`: a remote repository of PyPI; `curated`: a standard one
 * admins upload to), a Docker remote repository per upstream registry of the user images, read access for
 * the nodes on exactly those (never project-wide), the proxy's own service account with read on the
 * Python repository only, and a private zone that answers `pkg.dev` and `*.pkg.dev` with the restricted VIP.
 */
export class PackageRegistry extends pulumi.ComponentResource {
  readonly pythonRepository?: gcp.artifactregistry.Repository;
  readonly dockerRepositories: readonly gcp.artifactregistry.Repository[];
  /** The proxy's Google service account (Workload Identity), when the proxy runs. */
  readonly proxyServiceAccount?: gcp.serviceaccount.Account;
  readonly privateZone: gcp.dns.ManagedZone;
  /** Everything the nodes need before they pull the user image: the repositories and their read grants. */
  readonly imageReadGrants: readonly gcp.artifactregistry.RepositoryIamMember[];

  constructor(name: string, args: PackageRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:registry:PackageRegistry", name, {}, opts);
    const child = { parent: this };
    const { plan, project } = args;
    const labels = args.labels;

    const python = plan.python && this.pythonRepo(name, project, plan.python, labels);
    this.pythonRepository = python;
    const docker = plan.dockerRemotes.map((spec) => this.dockerRemote(name, project, spec, labels));
    this.dockerRepositories = docker;

    // The nodes pull the user image with their own service account: reader on each image repository (the
    // ones made here, or one already in Artifact Registry named by the image), never on the project.
    const nodeMember = pulumi.interpolate`serviceAccount:${args.nodeServiceAccountEmail}`;
    this.imageReadGrants = plan.imageRepositories.map((repo) => {
      const created = docker.find((_, i) => plan.dockerRemotes[i].repositoryId === repo.repositoryId);
      return new gcp.artifactregistry.RepositoryIamMember(`${name}-nodes-read-${repo.repositoryId}`, {
        // A repository in another project is granted there; it must exist and the deployer must be allowed to.
        project: repo.project === plan.project ? project : repo.project,
        location: repo.location,
        repository: created ? created.repositoryId : repo.repositoryId,
        role: artifactRegistryReader,
        member: nodeMember,
      }, { ...child, dependsOn: created ? [created] : [] });
    });

    if (python && plan.proxy) {
      const sa = new gcp.serviceaccount.Account(`${name}-proxy`, {
        project,
        accountId: plan.proxy.serviceAccountId,
        displayName: "Package proxy: reads the event's Python repository, nothing else",
      }, child);
      this.proxyServiceAccount = sa;
      new gcp.artifactregistry.RepositoryIamMember(`${name}-proxy-read`, {
        project,
        location: plan.python!.location,
        repository: python.repositoryId,
        role: artifactRegistryReader,
        member: pulumi.interpolate`serviceAccount:${sa.email}`,
      }, child);
      // Workload Identity: only the proxy's Kubernetes service account may act as it (GKE docs,
      // "Authenticate to Google Cloud APIs from GKE workloads").
      new gcp.serviceaccount.IAMMember(`${name}-proxy-workload-identity`, {
        serviceAccountId: sa.name,
        role: "roles/iam.workloadIdentityUser",
        member: `serviceAccount:${args.workloadIdentityPool}[${plan.proxy.namespace}/${packageProxy.name}]`,
      }, child);
    }

    // Artifact Registry, "Configure restricted access for GKE private clusters": a private zone for
    // pkg.dev, visible in the VPC only, whose names all answer with the restricted VIP. Nodes (pulling the
    // user image) and the proxy then reach Artifact Registry through Private Google Access on the subnet.
    this.privateZone = new gcp.dns.ManagedZone(`${name}-pkg-dev`, {
      project,
      name: plan.privateZone.name,
      dnsName: plan.privateZone.dnsName,
      description: "pkg.dev on Google's restricted VIP, for this VPC only",
      visibility: "private",
      privateVisibilityConfig: { networks: [{ networkUrl: args.network }] },
      labels,
    }, child);
    for (const record of plan.privateZone.records) {
      new gcp.dns.RecordSet(`${name}-pkg-dev-${record.type.toLowerCase()}`, {
        project,
        managedZone: this.privateZone.name,
        name: record.name,
        type: record.type,
        ttl: 300,
        rrdatas: [...record.rrdatas],
      }, child);
    }

    this.registerOutputs({
      pythonRepository: python?.name,
      dockerRepositories: docker.map((d) => d.name),
    });
  }

  private pythonRepo(name: string, project: pulumi.Input<string>, spec: PythonRepositorySpec, labels?: Readonly<Record<string, string>>) {
    return new gcp.artifactregistry.Repository(`${name}-python`, {
      project,
      location: spec.location,
      repositoryId: spec.repositoryId,
      format: "PYTHON",
      mode: spec.mode,
      description: spec.mode === "REMOTE_REPOSITORY"
        ? "PyPI through Artifact Registry, for the hub's users (read through the package proxy)"
        : "Approved Python packages for the hub's users, uploaded by the organisers",
      ...(spec.mode === "REMOTE_REPOSITORY"
        ? { remoteRepositoryConfig: { description: "PyPI", pythonRepository: { publicRepository: "PYPI" } } }
        : {}),
      labels,
    }, { parent: this });
  }

  private dockerRemote(name: string, project: pulumi.Input<string>, spec: DockerRemoteSpec, labels?: Readonly<Record<string, string>>) {
    return new gcp.artifactregistry.Repository(`${name}-${spec.repositoryId}`, {
      project,
      location: spec.location,
      repositoryId: spec.repositoryId,
      format: "DOCKER",
      mode: "REMOTE_REPOSITORY",
      description: `${spec.upstreamRegistry} through Artifact Registry, for the user image (image streaming)`,
      remoteRepositoryConfig: "publicRepository" in spec.upstream
        ? { description: spec.upstreamRegistry, dockerRepository: { publicRepository: spec.upstream.publicRepository } }
        // commonRepository rather than dockerRepository.customRepository, which @pulumi/gcp 9.37 marks
        // deprecated in its favour (types/input.d.ts, RepositoryRemoteRepositoryConfigDockerRepository).
        : { description: spec.upstreamRegistry, commonRepository: { uri: spec.upstream.uri } },
      labels,
    }, { parent: this });
  }
}

export interface PackageProxyArgs {
  /** The hub's namespace (`JupyterHub.namespace`), so the proxy is created after it. Required. */
  readonly namespace: pulumi.Input<string>;
  /** `PackagePlan.proxy`. Required. */
  readonly plan: ProxyPlan;
  /** The proxy's Google service account email (`PackageRegistry.proxyServiceAccount.email`). Required. */
  readonly googleServiceAccountEmail: pulumi.Input<string>;
  /** The proxy's Python source (`ShippedFiles.packageProxy`). Required. */
  readonly source: string;
  /**
   * An image with python3, pinned. Default: the chart's own hub image, already pulled onto core nodes
   * (Z2JH 4.4.0 values.yaml `hub.image`, quay.io/jupyterhub/k8s-hub, tagged with the chart version).
   */
  readonly image?: string;
}

/** The chart's own hub image (plan/chart/release.ts z2jhHubImage); the proxy needs python3 and nothing else. */
const defaultProxyImage = z2jhHubImage;
const sourceDir = "/srv/package-proxy";

/**
 * The registry proxy in the hub's namespace: a Deployment on the core pool under its own Kubernetes
 * service account (Workload Identity, no API token), a ClusterIP Service, and a NetworkPolicy that lets
 * only user servers in and only DNS, the metadata server and the restricted VIP out. `opts` must carry the
 * cluster's Kubernetes provider.
 */
export class PackageProxy extends pulumi.ComponentResource {
  readonly service: k8s.core.v1.Service;
  readonly deployment: k8s.apps.v1.Deployment;

  constructor(name: string, args: PackageProxyArgs, opts: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:registry:PackageProxy", name, {}, opts);
    const child = { parent: this };
    const { plan, namespace } = args;
    const labels = { ...packageProxy.labels };
    const metadata = { name: packageProxy.name, namespace, labels };

    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
      metadata: { ...metadata, annotations: { "iam.gke.io/gcp-service-account": args.googleServiceAccountEmail } },
      // The GKE metadata server gives the pod its Google token by the pod's identity; no Kubernetes API
      // token is needed (terraform-google-kubernetes-engine's workload-identity module mounts none either).
      automountServiceAccountToken: false,
    }, child);

    const source = new k8s.core.v1.ConfigMap(`${name}-source`, {
      metadata,
      data: { "package_proxy.py": args.source },
    }, child);

    this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata,
      spec: {
        replicas: plan.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: {
            labels,
            // A new proxy source rolls the pods.
            annotations: { "jupyterhub-gke/source-sha256": sha256(args.source) },
          },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            automountServiceAccountToken: false,
            nodeSelector: { [nodePurposeLabel]: poolPurpose.core },
            securityContext: restrictedPodSecurityContext(z2jhHubImageUid),
            topologySpreadConstraints: [{
              maxSkew: 1,
              topologyKey: "kubernetes.io/hostname",
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: labels },
            }],
            containers: [{
              name: "proxy",
              image: args.image ?? defaultProxyImage,
              // -I: no PYTHON* variables, no user site, no working directory on sys.path.
              command: ["python3", "-I", `${sourceDir}/package_proxy.py`],
              env: [
                { name: "UPSTREAM_URL", value: plan.upstreamUrl },
                { name: "DENY_LIST", value: plan.denyList.join(",") },
                { name: "PORT", value: String(packageProxy.containerPort) },
              ],
              ports: [{ name: "http", containerPort: packageProxy.containerPort }],
              readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 },
              livenessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 20 },
              resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } },
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [{ name: "source", mountPath: sourceDir, readOnly: true }],
            }],
            volumes: [{ name: "source", configMap: { name: source.metadata.name, defaultMode: 0o444 } }],
          },
        },
      },
    }, child);

    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
      metadata,
      spec: { minAvailable: 1, selector: { matchLabels: labels } },
    }, child);

    this.service = new k8s.core.v1.Service(`${name}-service`, {
      metadata,
      spec: {
        type: "ClusterIP",
        selector: labels,
        ports: [{ name: "http", port: packageProxy.servicePort, targetPort: "http" }],
      },
    }, child);

    new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, {
      metadata,
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{
          from: [{
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": plan.namespace } },
            podSelector: { matchLabels: { ...userServerPodLabels } },
          }],
          ports: [{ protocol: "TCP", port: packageProxy.containerPort }],
        }],
        egress: plan.egress.map(egressRuleSpec),
      },
    }, child);

    this.registerOutputs({ service: this.service.metadata.name });
  }
}

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}
