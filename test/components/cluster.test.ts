// SLOW: runs the cluster component under Pulumi's mock runtime.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { HardenedClusterArgs } from "../../infra/components/cluster";
import { planAll } from "../../infra/plan";
import { gpuPoolSpec, NodePoolSpecs, USER_POD_PIDS_LIMIT } from "../../infra/plan/cluster";
import { clusterArgs, declareCluster, poolInputs } from "../support/components";
import { inputs, ofType, one } from "../support/resources";
import { loadStackConfig } from "../support/stacks";
import { TYPES } from "../support/types";

// HardenedCluster alone under Pulumi's mock runtime (in preview mode, as `pulumi preview` runs it), given
// plain pool specs and exclusions. Assertions read the inputs each resource is declared with.

const config = loadStackConfig("event");
const [core, user] = planAll(config).nodePools;
const gpu = gpuPoolSpec({ machineType: "n1-standard-8", acceleratorType: "nvidia-tesla-t4", acceleratorCount: 2, maxNodes: 4, image: "unused" }, config.platform, 3);

const args = (overrides: Partial<HardenedClusterArgs> = {}) => clusterArgs(config, [core, user, gpu], overrides);

describe("HardenedCluster", function () {
  this.timeout(60_000);

  it("declares one pool per spec, named <cluster>-<purpose>, with the spec's machine, sizes, taints, kubelet settings and GPUs", async () => {
    const pools = poolInputs(await declareCluster(args()));
    assert.deepStrictEqual([...pools.keys()], ["cluster-core", "cluster-user", "cluster-gpu"]);
    for (const spec of [core, user, gpu]) {
      const p = pools.get(`cluster-${spec.purpose}`);
      assert.deepStrictEqual(
        [p.nodeConfig.machineType, p.autoscaling.totalMinNodeCount, p.autoscaling.totalMaxNodeCount, p.initialNodeCount, p.maxPodsPerNode, p.nodeConfig.diskSizeGb],
        [spec.machineType, spec.minNodes, spec.maxNodes, spec.initialNodesPerZone, spec.maxPodsPerNode, spec.bootDiskGiB],
        spec.purpose,
      );
      assert.deepStrictEqual(p.nodeConfig.labels, { "hub.jupyter.org/node-purpose": spec.purpose });
      assert.deepStrictEqual(p.nodeConfig.taints, spec.taints && [...spec.taints], spec.purpose);
    }
    assert.deepStrictEqual(pools.get("cluster-core").nodeConfig.kubeletConfig, { insecureKubeletReadonlyPortEnabled: "FALSE" });
    for (const name of ["cluster-user", "cluster-gpu"]) {
      assert.deepStrictEqual(pools.get(name).nodeConfig.kubeletConfig, { insecureKubeletReadonlyPortEnabled: "FALSE", podPidsLimit: USER_POD_PIDS_LIMIT });
    }
    assert.deepStrictEqual(pools.get("cluster-gpu").nodeConfig.guestAccelerators, [
      { type: "nvidia-tesla-t4", count: 2, gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" } },
    ]);
    assert.strictEqual(pools.get("cluster-user").nodeConfig.guestAccelerators, undefined);
  });

  it("keeps the kubelet's read-only port closed whatever a spec's kubelet settings carry", async () => {
    // The types allow no such field; a caller outside TypeScript's checks still cannot open the port.
    const opened = { ...user, kubelet: { podPidsLimit: 1, insecureKubeletReadonlyPortEnabled: "TRUE" } };
    const pools = poolInputs(await declareCluster(args({ nodePools: [core, opened] as unknown as NodePoolSpecs })));
    assert.strictEqual(pools.get("cluster-user").nodeConfig.kubeletConfig.insecureKubeletReadonlyPortEnabled, "FALSE");
  });

  it("turns each maintenance exclusion into GKE's form, and declares none when given none", async () => {
    const exclusion = { name: "exam-week", startTime: "2027-12-05T08:00:00Z", endTime: "2027-12-10T08:00:00Z", scope: "NO_MINOR_UPGRADES" } as const;
    const withOne: any = inputs(one(await declareCluster(args({ maintenanceExclusions: [exclusion] })), TYPES.cluster));
    assert.deepStrictEqual(withOne.maintenancePolicy, {
      dailyMaintenanceWindow: { startTime: "03:00" },
      maintenanceExclusions: [{ exclusionName: "exam-week", startTime: exclusion.startTime, endTime: exclusion.endTime, exclusionOptions: { scope: "NO_MINOR_UPGRADES" } }],
    });
    const withNone: any = inputs(one(await declareCluster(args()), TYPES.cluster));
    assert.deepStrictEqual(withNone.maintenancePolicy.maintenanceExclusions, []);
  });

  it("places a zonal cluster and its pools in the zone, a regional one in the region over the zones it is given", async () => {
    // GKE docs, "Regional clusters" / "Single-zone clusters": `location` is a zone for a zonal cluster and a
    // region for a regional one; `nodeLocations` left unset gives a regional cluster GKE's own zones
    // (@pulumi/gcp container/cluster.d.ts, nodeLocations). A pool lives where its cluster does.
    const placed = async (location: HardenedClusterArgs["location"], region: string) => {
      const run = await declareCluster(args({ location, region }));
      const cluster = inputs(one(run, TYPES.cluster));
      return { location: cluster.location, nodeLocations: cluster.nodeLocations, pools: [...poolInputs(run).values()].map((p) => p.location) };
    };
    assert.deepStrictEqual(
      await placed({ type: "zonal", zone: "europe-west1-b" }, "europe-west1"),
      { location: "europe-west1-b", nodeLocations: undefined, pools: ["europe-west1-b", "europe-west1-b", "europe-west1-b"] },
      "zonal: a region here would make a regional cluster, three times the nodes",
    );
    assert.deepStrictEqual(
      await placed({ type: "regional", nodeZones: ["us-central1-a", "us-central1-f"] }, "us-central1"),
      { location: "us-central1", nodeLocations: ["us-central1-a", "us-central1-f"], pools: ["us-central1", "us-central1", "us-central1"] },
      "regional over two zones",
    );
    assert.deepStrictEqual(
      await placed({ type: "regional", nodeZones: [] }, "us-central1"),
      { location: "us-central1", nodeLocations: undefined, pools: ["us-central1", "us-central1", "us-central1"] },
      "regional with no zones named: GKE's default zones, not an empty list",
    );
  });

  it("follows the stack's release channel (STABLE in stacks/Pulumi.event.yaml)", async () => {
    // GKE docs, "About release channels": without a channel the cluster is on no channel (UNSPECIFIED),
    // which the pack's gke-release-channel policy refuses.
    const cluster = inputs(one(await declareCluster(args()), TYPES.cluster));
    assert.deepStrictEqual(cluster.releaseChannel, { channel: "STABLE" }, "releaseChannel");
  });

  it("grants the node service account its two roles through bindings whose names stay put", async () => {
    // A renamed IAMMember is replaced, and the old one's delete removes the binding the new one just
    // made, since both are the same (project, role, member): the nodes lose the role until the next
    // `pulumi up` (pulumi/pulumi-gcp#2463). The names are written out so a refactor cannot move them.
    const run = await declareCluster(args());
    const members = ofType(run, TYPES.projectIamMember).map((m) => ({ name: m.name, ...inputs(m) }));
    const member = "serviceAccount:event-gke-nodes@jupyterhub-event-example.iam.gserviceaccount.com";
    assert.deepStrictEqual(members, [
      { name: "cluster-nodes-container-defaultNodeServiceAccount", project: "jupyterhub-event-example", role: "roles/container.defaultNodeServiceAccount", member },
      { name: "cluster-nodes-serviceusage-serviceUsageConsumer", project: "jupyterhub-event-example", role: "roles/serviceusage.serviceUsageConsumer", member },
    ], "the node service account's role bindings");
  });

  it("cuts the node service account's id to IAM's 30 characters, never ending it with a hyphen", async () => {
    // IAM API, projects.serviceAccounts.create: accountId is 6-30 characters, `[a-z]([-a-z0-9]*[a-z0-9])`.
    const accountId = async (namePrefix: string) => inputs(one(await declareCluster(args({ namePrefix })), TYPES.serviceAccount)).accountId;
    assert.strictEqual(await accountId("a".repeat(21)), `${"a".repeat(21)}-gke-node`, "21 + 10 characters: the last one cut");
    assert.strictEqual(await accountId("b".repeat(25)), `${"b".repeat(25)}-gke`, "the cut lands after a hyphen, which IAM refuses at the end");
  });

  it("hands the Kubernetes provider a secret kubeconfig for the cluster's DNS endpoint", async () => {
    const run = await declareCluster(args());
    const kubeconfig = run.exported.kubeconfig;
    assert.ok(await pulumi.isSecret(kubeconfig), "the kubeconfig must stay secret in state");
    const text = await new Promise<string>((resolve) => kubeconfig.apply((k) => { resolve(k); return k; }));
    // The mock runtime's DNS endpoint for a cluster in us-central1 (infra/tools/offline.ts, computedOutputs).
    assert.deepStrictEqual(JSON.parse(text).clusters, [{ name: "gke", cluster: { server: "https://gke-0123456789abcdef-123456789012.us-central1.gke.goog" } }], "the kubeconfig's server");
    assert.strictEqual(inputs(one(run, TYPES.k8sProvider)).kubeconfig, "[secret]", "the provider's kubeconfig input");
  });

  it("states its Workload Identity pool while the project is still unknown, so the pack can check it at preview", async () => {
    // On a first preview `ProjectApis.project` is unknown (the API wait has not run); a pool derived from
    // it would be unknown too, and the mandatory gke-workload-identity policy passes an unknown value
    // unchecked (`checkSettings`, policy-pack/policies/core.ts).
    const run = await declareCluster(args({ project: pulumi.output(pulumi.unknown) as pulumi.Output<string> }));
    const cluster = inputs(one(run, TYPES.cluster));
    assert.notStrictEqual(cluster.project, config.platform.project, "the project is unknown in this run");
    assert.strictEqual(cluster.workloadIdentityConfig.workloadPool, `${config.platform.project}.svc.id.goog`);
  });
});
