// SLOW: runs the whole program under Pulumi's mock runtime.
import * as assert from "assert";
import { mockKeySigningKeys, OfflineRun } from "../infra/tools/offline";
import { named, ofType, one } from "./support/resources";
import { dnsEndpointKubeconfig } from "../infra/components/cluster";
import { planAll } from "../infra/plan";
import { assertProgramRefuses, runWith, stackRun as run } from "./support/runs";
import { loadStackConfig, stackNames } from "./support/stacks";
import { TYPES } from "./support/types";

// The real program, run under Pulumi's mock runtime for each shipped stack; assertions read the inputs
// each resource is declared with, which is what `pulumi up` would send to Google.


function pool(r: OfflineRun, suffix: string): any {
  const found = ofType(r, TYPES.nodePool).find((p) => p.name.endsWith(`-${suffix}`));
  assert.ok(found, `no ${suffix} pool`);
  return found.inputs;
}

for (const stack of stackNames) {
  describe(`the ${stack} stack under the mock runtime`, function () {
    this.timeout(120_000);
    const config = loadStackConfig(stack);

    it("builds a custom VPC whose subnet has Private Google Access, flow logs and the planned ranges", async () => {
      const r = await run(stack);
      assert.strictEqual(one(r, TYPES.network).inputs.autoCreateSubnetworks, false);
      const subnet: any = one(r, TYPES.subnetwork).inputs;
      assert.strictEqual(subnet.privateIpGoogleAccess, true);
      assert.ok(subnet.logConfig?.flowSampling > 0);
      const capacity: any = r.outputs.capacity;
      assert.strictEqual(subnet.ipCidrRange, capacity.nodeRangeCidr);
      assert.deepStrictEqual(
        subnet.secondaryIpRanges.map((s: any) => [s.rangeName, s.ipCidrRange]),
        [["pods", capacity.podRangeCidr], ["services", capacity.serviceRangeCidr]],
      );
    });

    it("sends private nodes out through a logged Cloud NAT on a Cloud Router", async () => {
      const r = await run(stack);
      const nat: any = one(r, TYPES.routerNat).inputs;
      assert.deepStrictEqual(nat.logConfig, { enable: true, filter: "ALL" });
      assert.strictEqual(nat.natIpAllocateOption, "AUTO_ONLY");
      one(r, TYPES.router);
    });

    it("hardens the cluster as Google and CIS advise", async () => {
      const c: any = one(await run(stack), TYPES.cluster).inputs;
      assert.strictEqual(c.privateClusterConfig.enablePrivateNodes, true);
      assert.deepStrictEqual(
        c.masterAuthorizedNetworksConfig.cidrBlocks.map((b: any) => b.cidrBlock),
        config.platform.authorizedNetworks.map((n) => n.cidrBlock),
      );
      assert.strictEqual(c.masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled, false);
      assert.strictEqual(c.controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic, true);
      assert.strictEqual(c.workloadIdentityConfig.workloadPool, `${config.platform.project}.svc.id.goog`);
      assert.strictEqual(c.datapathProvider, "ADVANCED_DATAPATH");
      assert.strictEqual(c.enableShieldedNodes, true);
      assert.strictEqual(c.releaseChannel.channel, config.platform.releaseChannel);
      assert.strictEqual(c.gatewayApiConfig.channel, "CHANNEL_STANDARD");
      assert.deepStrictEqual(c.loggingConfig.enableComponents, ["SYSTEM_COMPONENTS", "WORKLOADS"]);
      assert.ok(c.monitoringConfig.enableComponents.includes("SYSTEM_COMPONENTS"));
      assert.strictEqual(c.enableLegacyAbac, false);
      assert.strictEqual(c.enableKubernetesAlpha, false);
      assert.strictEqual(c.masterAuth.clientCertificateConfig.issueClientCertificate, false);
      assert.strictEqual(c.removeDefaultNodePool, true);
      assert.strictEqual(c.networkingMode, "VPC_NATIVE");
      assert.strictEqual(c.nodePoolDefaults.nodeConfigDefaults.insecureKubeletReadonlyPortEnabled, "FALSE");
      assert.strictEqual(c.nodeConfig.workloadMetadataConfig.mode, "GKE_METADATA");
    });

    it("runs kube-dns with NodeLocal DNSCache off, and every chart NetworkPolicy allows DNS to exactly its pods", async () => {
      // GKE Standard turns the cache on by default from 1.34.1-gke.3720000 (GKE docs, "Set up NodeLocal
      // DNSCache"); it must be off explicitly, because the chart's DNS rule names the kube-dns pods
      // (Service selector k8s-app=kube-dns, kubernetes/kubernetes cluster/addons/dns/kube-dns).
      const r = await run(stack);
      const c: any = one(r, TYPES.cluster).inputs;
      assert.deepStrictEqual(c.addonsConfig.dnsCacheConfig, { enabled: false });
      assert.deepStrictEqual(c.dnsConfig, { clusterDns: "KUBE_DNS" });
      const values: any = one(r, TYPES.helmRelease).inputs.values;
      for (const np of [values.singleuser.networkPolicy, values.hub.networkPolicy, values.proxy.chp.networkPolicy]) {
        // No switch renders a DNS peer of its own (Z2JH 4.4.0 templates/_helpers-netpol.tpl).
        assert.deepStrictEqual(
          [np.egressAllowRules.dnsPortsCloudMetadataServer, np.egressAllowRules.dnsPortsKubeSystemNamespace, np.egressAllowRules.dnsPortsPrivateIPs],
          [false, false, false],
        );
        const dnsRules = np.egress.filter((rule: any) => rule.ports.some((p: any) => p.port === 53));
        assert.deepStrictEqual(dnsRules, [{
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
        }]);
      }
    });

    it("places the cluster as the stack asks and lets `pulumi destroy` remove it", async () => {
      const c = one(await run(stack), TYPES.cluster).inputs as any;
      const expected = config.platform.location.type === "zonal" ? config.platform.location.zone : config.platform.region;
      assert.strictEqual(c.location, expected);
      assert.strictEqual(c.deletionProtection, false);
    });

    it("excludes upgrades from a day before the event to a day after it", async () => {
      const c: any = one(await run(stack), TYPES.cluster).inputs;
      const [exclusion] = c.maintenancePolicy.maintenanceExclusions;
      assert.strictEqual(exclusion.exclusionOptions.scope, "NO_UPGRADES");
      assert.ok(new Date(exclusion.startTime).getTime() <= config.event.start.getTime() - 86_400_000);
      assert.ok(new Date(exclusion.endTime).getTime() >= config.event.end.getTime() + 86_400_000);
      const days = (new Date(exclusion.endTime).getTime() - new Date(exclusion.startTime).getTime()) / 86_400_000;
      assert.ok(days <= 30, "GKE allows at most 30 days of NO_UPGRADES");
    });

    it("writes the exclusion's times as GKE returns them, so a second `pulumi up` shows no cluster update", async () => {
      // GKE answers with google.protobuf.Timestamp JSON: UTC, and no fraction for a whole second
      // (protobuf.dev, proto3 JSON mapping); the provider stores that answer as is (terraform-provider-google
      // v7.40.0 resource_container_cluster.go, flattenMaintenancePolicy; no DiffSuppressFunc on the fields).
      const c: any = one(await run(stack), TYPES.cluster).inputs;
      const [exclusion] = c.maintenancePolicy.maintenanceExclusions;
      for (const time of [exclusion.startTime, exclusion.endTime]) {
        assert.match(time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        assert.strictEqual(`${time.slice(0, -1)}.000Z`, new Date(time).toISOString(), "a time GKE would print differently");
      }
    });

    it("runs nodes under a dedicated least-privilege service account, never the default compute one", async () => {
      const r = await run(stack);
      const sa: any = named(r, "gcp:serviceaccount/account:Account", "cluster-nodes").outputs;
      const grants = ofType(r, "gcp:projects/iAMMember:IAMMember").map((m: any) => [m.inputs.role, m.inputs.member]).sort();
      // Google's node role, and Service Usage Consumer, which image streaming needs with a custom node
      // service account (GKE image-streaming requirements); reading images is per repository, never here.
      assert.deepStrictEqual(grants, [
        ["roles/container.defaultNodeServiceAccount", `serviceAccount:${sa.email}`],
        ["roles/serviceusage.serviceUsageConsumer", `serviceAccount:${sa.email}`],
      ]);
      for (const p of ["core", "user"]) {
        assert.strictEqual(pool(r, p).nodeConfig.serviceAccount, sa.email);
      }
    });

    it("hardens every node pool: GKE metadata server, Shielded VM, COS containerd, auto-repair, image streaming", async () => {
      const r = await run(stack);
      for (const p of ["core", "user"]) {
        const np = pool(r, p);
        assert.strictEqual(np.nodeConfig.workloadMetadataConfig.mode, "GKE_METADATA", p);
        assert.deepStrictEqual(np.nodeConfig.shieldedInstanceConfig, { enableSecureBoot: true, enableIntegrityMonitoring: true }, p);
        assert.strictEqual(np.nodeConfig.imageType, "COS_CONTAINERD", p);
        assert.strictEqual(np.nodeConfig.gcfsConfig.enabled, true, p);
        assert.strictEqual(np.management.autoRepair, true, p);
        assert.strictEqual(np.nodeConfig.kubeletConfig.insecureKubeletReadonlyPortEnabled, "FALSE", p);
      }
    });

    it("labels the core pool for hub pods and taints the user pool for user pods only", async () => {
      const r = await run(stack);
      assert.deepStrictEqual(pool(r, "core").nodeConfig.labels, { "hub.jupyter.org/node-purpose": "core" });
      assert.strictEqual(pool(r, "core").nodeConfig.taints, undefined);
      const user = pool(r, "user");
      assert.deepStrictEqual(user.nodeConfig.labels, { "hub.jupyter.org/node-purpose": "user" });
      assert.deepStrictEqual(user.nodeConfig.taints, [{ key: "hub.jupyter.org/dedicated", value: "user", effect: "NO_SCHEDULE" }]);
    });

    it("autoscales the user pool between the capacity model's minimum and maximum", async () => {
      const r = await run(stack);
      const capacity: any = r.outputs.capacity;
      const user = pool(r, "user");
      assert.strictEqual(user.autoscaling.totalMinNodeCount, capacity.userPoolMinNodes);
      assert.strictEqual(user.autoscaling.totalMaxNodeCount, capacity.userPoolMaxNodes);
      assert.strictEqual(user.maxPodsPerNode, capacity.maxPodsPerNode);
      assert.strictEqual(user.nodeConfig.machineType, capacity.machineType);
    });

    it("exports the capacity and the cost estimate", async () => {
      const { capacity, costEstimate }: any = (await run(stack)).outputs;
      const plan = planAll(config);
      assert.deepStrictEqual(
        [capacity.peakUsers, capacity.machineType, capacity.usersPerNode, capacity.bindingConstraint, capacity.userNodesAtPeak, capacity.userPoolMaxNodes, capacity.maxPodsPerNode, capacity.podRangeCidr],
        [config.capacity.peakUsers, plan.userPool.machineType, plan.userPool.usersPerNode, plan.userPool.bindingConstraint, plan.userPool.userNodesAtPeak, plan.userPool.userPoolMaxNodes, plan.userPool.maxPodsPerNode, plan.addresses.podCidr],
      );
      assert.strictEqual(costEstimate.currency, "USD");
      assert.ok(costEstimate.perHourAtPeak > 0 && costEstimate.perEvent > costEstimate.perHourAtPeak);
    });

    it("installs the hub after the node pools and serves it behind the Gateway at the hub domain", async () => {
      const r = await run(stack);
      const release = one(r, TYPES.helmRelease);
      // Every Kubernetes resource goes through the cluster's provider, which depends on every node pool:
      // the chart is installed only once its pods can be placed, and removed before the pools on destroy.
      const provider = one(r, TYPES.k8sProvider);
      const pools = ofType(r, TYPES.nodePool).map((p) => p.urn);
      assert.deepStrictEqual(pools.filter((p) => !provider.dependencies.includes(p)), []);
      assert.ok(release.provider?.startsWith(`${provider.urn}::`), "the release uses the cluster's provider");
      const gateway = one(r, TYPES.gateway);
      assert.ok(gateway.dependencies.includes(release.urn), "the Gateway goes before the release on destroy");
      // ... and before everything its load balancer uses (GKE's target proxy names the map and the SSL policy).
      const used = [TYPES.certificate, TYPES.certificateMap,
        TYPES.certificateMapEntry, TYPES.sslPolicy,
        TYPES.globalAddress].flatMap((type) => ofType(r, type));
      assert.strictEqual(used.length, 7);
      assert.deepStrictEqual(used.filter((x) => !gateway.dependencies.includes(x.urn)).map((x) => x.name), []);
      assert.strictEqual(r.outputs.hubUrl, `https://${config.edge.hubDomain}/`);
      // The outputs carry what Google assigns to the address and the zone.
      assert.strictEqual(r.outputs.staticIp, one(r, TYPES.globalAddress).outputs.address);
      // The registry's private pkg.dev zone is the other ManagedZone (components/registry.ts).
      const publicZone = ofType(r, TYPES.managedZone).filter((z: any) => z.inputs.visibility === "public");
      assert.strictEqual(publicZone.length, 1);
      assert.deepStrictEqual(r.outputs.nameServers, publicZone[0].outputs.nameServers);
      assert.deepStrictEqual(r.outputs.dsRecords, mockKeySigningKeys.filter((k) => k.isActive).map((k) => k.dsRecord));
      assert.strictEqual(r.outputs.certificateName, one(r, TYPES.certificate).outputs.name);
    });

    it("turns on the Google APIs, leaves them on after destroy, and waits until they are usable", async () => {
      const r = await run(stack);
      const apis = ofType(r, TYPES.projectService);
      assert.ok(apis.map((a: any) => a.inputs.service).includes("containerfilesystem.googleapis.com"));
      assert.ok(apis.every((a: any) => a.inputs.disableOnDestroy === false));
      // One wait after all of them: Google's own 403 says to "wait a few minutes for the action to propagate".
      const wait = named(r, "pulumi-nodejs:dynamic:Resource", "apis-usable");
      assert.deepStrictEqual(apis.filter((a) => !wait.dependencies.includes(a.urn)).map((a) => a.name), []);
      assert.ok((wait.inputs.seconds as number) >= 60, "a wait of at least a minute");
      assert.deepStrictEqual(wait.inputs.services, apis.map((a: any) => a.inputs.service));
    });

    it("creates no other Google resource before the APIs are usable: each takes its project from the wait", async () => {
      const r = await run(stack);
      const wait = named(r, "pulumi-nodejs:dynamic:Resource", "apis-usable");
      const google = r.resources.filter((x) => x.custom && x.type.startsWith("gcp:") && x.type !== "gcp:projects/service:Service");
      assert.ok(google.length >= 20, `only ${google.length} Google resources`);
      // A resource type with a `project` argument takes it from the wait; the few without one (IAM members of
      // a bucket or a service account, the budget, which lives on the billing account) take an input
      // from a resource that does, so they too start only after the wait.
      const withProject = google.filter((x) => x.inputs.project !== undefined);
      assert.deepStrictEqual(withProject.filter((x) => !x.dependencies.includes(wait.urn)).map((x) => x.type), []);
      for (const x of withProject) assert.strictEqual(x.inputs.project, config.platform.project, x.type);
      const byUrn = new Map(r.resources.map((x) => [x.urn, x]));
      const after = (x: { dependencies: readonly string[] }, seen = new Set<string>()): boolean =>
        x.dependencies.some((d) => d === wait.urn || (!seen.has(d) && (seen.add(d), byUrn.has(d)) && after(byUrn.get(d)!, seen)));
      assert.deepStrictEqual(google.filter((x) => !after(x)).map((x) => x.type), []);
      assert.deepStrictEqual(google.filter((x) => x.inputs.project === undefined).map((x) => x.type).sort(), [
        ...(stack === "event" ? ["gcp:billing/budget:Budget"] : []),
        "gcp:serviceaccount/iAMMember:IAMMember",
        // The package proxy's Workload Identity binding (packageMode mirror in the event stack).
        ...(stack === "event" ? ["gcp:serviceaccount/iAMMember:IAMMember"] : []),
        "gcp:storage/bucketIAMMember:BucketIAMMember", "gcp:storage/bucketIAMMember:BucketIAMMember",
      ]);
      // The data sources wait too: the zone's DS records and the project number take the same project.
      assert.ok(r.invokes.length > 0 && r.invokes.every((i) => (i.inputs.project ?? i.inputs.projectId) === config.platform.project));
    });

    it("keeps the kubeconfig secret", async () => {
      assert.strictEqual((await run(stack)).outputs.kubeconfig, "[secret]");
    });
  });
}

describe("a stack with a GPU profile", function () {
  this.timeout(120_000);

  it("adds a GPU pool that scales from zero, is tainted for GPU users and runs the same hardened nodes", async () => {
    const gpuProfile = { machineType: "n1-standard-8", acceleratorType: "nvidia-tesla-t4", acceleratorCount: 1, maxNodes: 4, image: "quay.io/jupyter/pytorch-notebook:cuda12-2025-11-03" };
    const r = await runWith("event", { gpuProfile });
    const gpu: any = pool(r, "gpu");
    assert.deepStrictEqual(gpu.autoscaling.totalMinNodeCount, 0);
    assert.deepStrictEqual(gpu.autoscaling.totalMaxNodeCount, 4);
    assert.strictEqual(gpu.nodeConfig.machineType, "n1-standard-8");
    assert.deepStrictEqual(gpu.nodeConfig.guestAccelerators.map((a: any) => [a.type, a.count]), [["nvidia-tesla-t4", 1]]);
    assert.deepStrictEqual(gpu.nodeConfig.taints, [{ key: "hub.jupyter.org/dedicated", value: "gpu", effect: "NO_SCHEDULE" }]);
    assert.deepStrictEqual(gpu.nodeConfig.labels, { "hub.jupyter.org/node-purpose": "gpu" });
    assert.strictEqual(gpu.nodeConfig.workloadMetadataConfig.mode, "GKE_METADATA");
    assert.strictEqual(gpu.nodeConfig.shieldedInstanceConfig.enableSecureBoot, true);
    const capacity: any = r.outputs.capacity;
    assert.deepStrictEqual(capacity.gpuPool, { machineType: "n1-standard-8", maxNodes: 4 });
    assert.deepStrictEqual((r.outputs.quotas as any).gpusByQuota, { NVIDIA_T4_GPUS: 4 });
  });
});

describe("the kubeconfig for the DNS endpoint", () => {
  it("reaches the control plane by name and authenticates with Application Default Credentials", () => {
    const kubeconfig = JSON.parse(dnsEndpointKubeconfig("gke-abc.europe-west1.gke.goog"));
    assert.strictEqual(kubeconfig.clusters[0].cluster.server, "https://gke-abc.europe-west1.gke.goog");
    const exec = kubeconfig.users[0].user.exec;
    assert.strictEqual(exec.command, "gke-gcloud-auth-plugin");
    assert.deepStrictEqual(exec.args, ["--use_application_default_credentials"]);
  });
});

describe("the program refuses a bad config before declaring anything", () => {
  it("throws the config error and registers no resource", () =>
    assertProgramRefuses("dev", { peakUsers: "0" }, /peakUsers: got 0/));

  // Both ranges are too small for the event's pools (a user machine over the node limit would be reported
  // alone: its ranges are checked without its fleet, test/config/messages.test.ts).
  it("refuses a config the plan cannot build (every feasibility issue at once) and registers no resource", () =>
    // The shipped event needs 32 node addresses (19 + 3 user, 3 + 3 core, 4 reserved): a /28 is short.
    assertProgramRefuses("event", { nodeCidr: "10.0.0.0/28", podCidr: "10.32.0.0/20" }, [
      /nodeCidr: got "10\.0\.0\.0\/28"/,
      /podCidr: got "10\.32\.0\.0\/20"/,
    ]));
});
