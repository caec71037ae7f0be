// SLOW: runs the package registry component under Pulumi's mock runtime.
import * as assert from "assert";
import { ProjectApis } from "../../infra/components/apis";
import { PackageRegistry } from "../../infra/components/registry";
import { parseConfig } from "../../infra/config/parse";
import { planPackages } from "../../infra/plan/packages";
import { OfflineRun, runOffline } from "../../infra/tools/offline";
import { inputs, ofType, waitsFor } from "../support/resources";
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

  it("grants read on an image's repository in this project only once the project's APIs are usable", async () => {
    const run = await declare({ userImage: `us-central1-docker.pkg.dev/${PROJECT}/course-images/scipy:2026-01` });
    const grant = ofType(run, T.artifactRegistryIamMember).find((g) => g.name === "registry-nodes-read-course-images");
    assert.ok(grant, `the grant: ${grantsOf(run).map(([n]) => n).join(", ")}`);
    assert.deepStrictEqual([inputs(grant).project, inputs(grant).repository], [PROJECT, "course-images"]);
    const wait = ofType(run, T.dynamicResource)[0];
    assert.ok(waitsFor(run, grant, wait), "a grant made before Artifact Registry's API is on fails");
  });
});
