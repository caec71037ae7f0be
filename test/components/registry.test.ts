// SLOW: runs the package registry and proxy components under Pulumi's mock runtime.
import * as assert from "assert";
import { ProjectApis } from "../../infra/components/apis";
import { PackageProxy, PackageRegistry } from "../../infra/components/registry";
import { parseConfig } from "../../infra/config/parse";
import { planPackages } from "../../infra/plan/packages";
import { OfflineRun, runOffline } from "../../infra/tools/offline";
import { inputs, named, ofType, waitsFor } from "../support/resources";
import { rawWith, stacksAsOf } from "../support/stacks";
import { TYPES as T } from "../support/types";

// PackageRegistry alone, for the event stack's config with the changes the shipped stacks do not make: a
// curated Python repository, a user image from Docker Hub, one already in Artifact Registry in this project
// or another. Expected values are written out from Artifact Registry's docs and @pulumi/gcp 9.37's
// artifactregistry/repository.d.ts, not read from the plan.

const PROJECT = "jupyterhub-event-example";
const nodes = `nodes@${PROJECT}.iam.gserviceaccount.com`;
const labels = { "jupyterhub-gke-stack": "event", "managed-by": "pulumi" };

/** The registry as the program declares it, its project taken from the API wait as the program's is. */
function declare(changes: Record<string, unknown>): Promise<OfflineRun> {
  const plan = planPackages(parseConfig(rawWith("event", changes), { now: stacksAsOf }), "event");
  return runOffline("event", {}, [], () => {
    const apis = new ProjectApis("apis", { project: PROJECT, propagationSeconds: 0 });
    new PackageRegistry("registry", {
      project: apis.project, plan, network: "network-vpc-id", nodeServiceAccountEmail: nodes, workloadIdentityPool: `${PROJECT}.svc.id.goog`, labels,
    });
    return {};
  });
}

const grantsOf = (run: OfflineRun) => ofType(run, T.artifactRegistryIamMember).map((g) => [g.name, inputs(g)]);

describe("the package registry component, for what the shipped stacks do not use", function () {
  this.timeout(120_000);

  it("makes a standard Python repository for curated packages, described as the organisers' uploads", async () => {
    // Artifact Registry, "Repository modes": a standard repository holds what is uploaded to it; no remote config.
    const run = await declare({ packageMode: "curated" });
    const python = ofType(run, T.artifactRegistryRepository).filter((r) => inputs(r).format === "PYTHON");
    assert.deepStrictEqual(python.map((r) => [r.name, inputs(r)]), [["registry-python", {
      project: PROJECT, location: "us-central1", repositoryId: "event-python", format: "PYTHON", mode: "STANDARD_REPOSITORY",
      description: "Approved Python packages for the hub's users, uploaded by the organisers", labels,
    }]]);
  });

  it("pulls a Docker Hub image through Artifact Registry's Docker Hub preset, and grants the nodes read once that repository exists", async () => {
    // repository.d.ts, RepositoryRemoteRepositoryConfigDockerRepository.publicRepository: "DOCKER_HUB".
    const run = await declare({ userImage: `jupyter/scipy-notebook@sha256:${"b".repeat(64)}` });
    const docker = ofType(run, T.artifactRegistryRepository).filter((r) => inputs(r).format === "DOCKER");
    assert.deepStrictEqual(docker.map((r) => [r.name, inputs(r)]), [["registry-event-docker-io", {
      project: PROJECT, location: "us-central1", repositoryId: "event-docker-io", format: "DOCKER", mode: "REMOTE_REPOSITORY",
      description: "docker.io through Artifact Registry, for the user image (image streaming)",
      remoteRepositoryConfig: { description: "docker.io", dockerRepository: { publicRepository: "DOCKER_HUB" } },
      labels,
    }]]);
    assert.deepStrictEqual(grantsOf(run).filter(([name]) => String(name).startsWith("registry-nodes-read")), [["registry-nodes-read-event-docker-io", {
      project: PROJECT, location: "us-central1", repository: "event-docker-io", role: "roles/artifactregistry.reader", member: `serviceAccount:${nodes}`,
    }]]);
    const grant = ofType(run, T.artifactRegistryIamMember).find((g) => g.name === "registry-nodes-read-event-docker-io")!;
    assert.ok(grant.dependencies.includes(docker[0].urn), "the grant waits for the repository it names");
  });

  it("grants the nodes read on an image's own repository in another project, there, making no repository", async () => {
    // Artifact Registry, "Configure access control": roles/artifactregistry.reader on the repository, in its project.
    const run = await declare({ userImage: "europe-west4-docker.pkg.dev/course-images/notebooks/scipy:2026-01" });
    assert.deepStrictEqual(ofType(run, T.artifactRegistryRepository).filter((r) => inputs(r).format === "DOCKER"), [], "no remote repository");
    assert.deepStrictEqual(grantsOf(run).filter(([name]) => String(name).startsWith("registry-nodes-read")), [["registry-nodes-read-notebooks", {
      project: "course-images", location: "europe-west4", repository: "notebooks", role: "roles/artifactregistry.reader", member: `serviceAccount:${nodes}`,
    }]]);
  });

  it("grants each image's read on its own repository when the user image and the GPU image come from different places", async () => {
    // The user image through the quay.io remote repository, the GPU profile's image from a repository of
    // another project: two grants, each on the repository its image is pulled from.
    const gpuProfile = { machineType: "n1-standard-8", acceleratorType: "nvidia-tesla-t4", acceleratorCount: 1, maxNodes: 4, image: "europe-west4-docker.pkg.dev/course-images/notebooks/pytorch:2026-01" };
    const run = await declare({ gpuProfile });
    assert.deepStrictEqual(grantsOf(run).filter(([name]) => String(name).startsWith("registry-nodes-read")).map(([name, g]) => [name, g.project, g.location, g.repository]).sort(), [
      ["registry-nodes-read-event-quay-io", PROJECT, "us-central1", "event-quay-io"],
      ["registry-nodes-read-notebooks", "course-images", "europe-west4", "notebooks"],
    ]);
  });

  it("grants read on an image's repository in this project only once the project's APIs are usable", async () => {
    const run = await declare({ userImage: `us-central1-docker.pkg.dev/${PROJECT}/course-images/scipy:2026-01` });
    const grant = ofType(run, T.artifactRegistryIamMember).find((g) => g.name === "registry-nodes-read-course-images");
    assert.ok(grant, `the grant: ${grantsOf(run).map(([n]) => n).join(", ")}`);
    assert.deepStrictEqual([inputs(grant).project, inputs(grant).repository], [PROJECT, "course-images"]);
    const wait = ofType(run, T.dynamicResource)[0];
    assert.ok(waitsFor(run, grant, wait), "a grant made before Artifact Registry's API is on fails");
  });
});

// PackageProxy alone, for the event stack's mirror with a deny list. Expected values: Kubernetes API
// reference (Deployment, PodDisruptionBudget, NetworkPolicy), the proxy's own port and sizing (8080; 100m
// and 128Mi requested, 1 CPU and 256Mi at most: the program's choice, no upstream value), and PEP 503's
// normalised names for the deny list.

const proxyLabels = { "app.kubernetes.io/name": "package-proxy", "app.kubernetes.io/part-of": "jupyterhub-gke" };
const proxySource = "print('proxy')";

function declareProxy(image?: string): Promise<OfflineRun> {
  const plan = planPackages(parseConfig(rawWith("event", { packageMode: "mirror", packageDenyList: ["Some_Package", "other.pkg"] }), { now: stacksAsOf }), "event");
  return runOffline("event", {}, [], () => {
    new PackageProxy("package-proxy", {
      namespace: "jupyterhub", plan: plan.proxy!, googleServiceAccountEmail: `event-pkg-proxy@${PROJECT}.iam.gserviceaccount.com`, source: proxySource, image,
    }, {});
    return {};
  });
}

const ofProxy = (run: OfflineRun, type: string, role: string) => inputs(named(run, type, `package-proxy-${role}`));

describe("the package proxy component", function () {
  this.timeout(120_000);

  it("runs the source from its ConfigMap with the repository's URL, the deny list and its port, sized and selected by its labels", async () => {
    const run = await declareProxy();
    const metadata = { name: "package-proxy", namespace: "jupyterhub", labels: proxyLabels };
    assert.deepStrictEqual(ofProxy(run, T.configMap, "source").data, { "package_proxy.py": proxySource }, "the source");
    const deployment = ofProxy(run, T.deployment, "deployment");
    assert.deepStrictEqual(deployment.metadata, metadata);
    assert.deepStrictEqual(deployment.spec.selector, { matchLabels: proxyLabels }, "selector");
    // sha256("print('proxy')"), by sha256sum: a new source rolls the pods.
    assert.deepStrictEqual(deployment.spec.template.metadata, {
      labels: proxyLabels, annotations: { "jupyterhub-gke/source-sha256": "25f722e9ca5194eb4807227dab6c4a4a7cd5707f921d76e0a573af00dcf6d91e" },
    }, "pod metadata");
    const pod = deployment.spec.template.spec;
    assert.deepStrictEqual([pod.serviceAccountName, pod.automountServiceAccountToken, pod.nodeSelector], ["package-proxy", false, { "hub.jupyter.org/node-purpose": "core" }], "account, token, nodes");
    assert.deepStrictEqual(pod.topologySpreadConstraints[0].labelSelector, { matchLabels: proxyLabels }, "spread over the proxy's own pods");
    assert.deepStrictEqual(pod.volumes, [{ name: "source", configMap: { name: "package-proxy", defaultMode: 0o444 } }], "the source volume");
    const [container] = pod.containers;
    assert.deepStrictEqual([container.name, container.image], ["proxy", "quay.io/jupyterhub/k8s-hub:4.4.0"], "the container and its default image, the chart's hub image");
    assert.deepStrictEqual(container.env, [
      { name: "UPSTREAM_URL", value: `https://us-central1-python.pkg.dev/${PROJECT}/event-pypi` },
      { name: "DENY_LIST", value: "some-package,other-pkg" },
      { name: "PORT", value: "8080" },
    ], "env");
    assert.deepStrictEqual(container.resources, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } }, "resources");
  });

  it("runs the image it is given instead of the default", async () => {
    const run = await declareProxy("registry.example.org/tools/python@sha256:" + "c".repeat(64));
    assert.strictEqual(ofProxy(run, T.deployment, "deployment").spec.template.spec.containers[0].image, "registry.example.org/tools/python@sha256:" + "c".repeat(64));
  });

  it("keeps a proxy through node drains and admits only user servers, on its port", async () => {
    const run = await declareProxy();
    assert.deepStrictEqual(inputs(named(run, "kubernetes:policy/v1:PodDisruptionBudget", "package-proxy-pdb")).spec, { minAvailable: 1, selector: { matchLabels: proxyLabels } }, "PodDisruptionBudget");
    const policy = ofProxy(run, T.networkPolicy, "netpol");
    assert.deepStrictEqual([policy.spec.podSelector, policy.spec.policyTypes], [{ matchLabels: proxyLabels }, ["Ingress", "Egress"]], "whose traffic, both ways");
    // Z2JH 4.4.0 templates/singleuser/netpol.yaml selects user servers by component singleuser-server and the release's labels.
    assert.deepStrictEqual(policy.spec.ingress, [{
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "jupyterhub" } }, podSelector: { matchLabels: { component: "singleuser-server", app: "jupyterhub", release: "jupyterhub" } } }],
      ports: [{ protocol: "TCP", port: 8080 }],
    }], "ingress");
    assert.strictEqual(policy.spec.egress.length, 4, "DNS, the two metadata server paths and the restricted VIP (test/packages.test.ts)");
  });
});
