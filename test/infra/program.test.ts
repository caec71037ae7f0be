import * as assert from "assert";
import { planStack } from "../../infra/tools/plan";
import { OfflineRun, runOffline } from "../../infra/tools/offline";
import { ofType, one } from "../support/resources";
import { readStackFile } from "../../infra/tools/stackFile";
import { deployHub } from "../../infra/program";
import { dnsEndpointKubeconfig } from "../../infra/components/cluster";
import { planAll } from "../../infra/plan";
import { loadStackConfig, stackNames } from "../support/stacks";

// The real program, run under Pulumi's mock runtime for each shipped stack; assertions read the inputs
// each resource is declared with, which is what `pulumi up` would send to Google.

const runs = new Map<string, OfflineRun>();

async function run(stack: string): Promise<OfflineRun> {
  if (!runs.has(stack)) runs.set(stack, await planStack(stack));
  return runs.get(stack)!;
}


function pool(r: OfflineRun, suffix: string): any {
  const found = ofType(r, "gcp:container/nodePool:NodePool").find((p) => p.name.endsWith(`-${suffix}`));
  assert.ok(found, `no ${suffix} pool`);
  return found.inputs;
}

for (const stack of stackNames) {
  describe(`the ${stack} stack under the mock runtime`, function () {
    this.timeout(120_000);
    const config = loadStackConfig(stack);

    it("builds a custom VPC whose subnet has Private Google Access, flow logs and the planned ranges", async () => {
      const r = await run(stack);
      assert.strictEqual(one(r, "gcp:compute/network:Network").inputs.autoCreateSubnetworks, false);
      const subnet: any = one(r, "gcp:compute/subnetwork:Subnetwork").inputs;
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
      const nat: any = one(r, "gcp:compute/routerNat:RouterNat").inputs;
      assert.deepStrictEqual(nat.logConfig, { enable: true, filter: "ALL" });
      assert.strictEqual(nat.natIpAllocateOption, "AUTO_ONLY");
      one(r, "gcp:compute/router:Router");
    });

    it("hardens the cluster as Google and CIS advise", async () => {
      const c: any = one(await run(stack), "gcp:container/cluster:Cluster").inputs;
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
      const c: any = one(r, "gcp:container/cluster:Cluster").inputs;
      assert.deepStrictEqual(c.addonsConfig.dnsCacheConfig, { enabled: false });
      assert.deepStrictEqual(c.dnsConfig, { clusterDns: "KUBE_DNS" });
      const values: any = one(r, "kubernetes:helm.sh/v3:Release").inputs.values;
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
      const c = one(await run(stack), "gcp:container/cluster:Cluster").inputs as any;
      const expected = config.platform.locationType === "zonal" ? config.platform.zones[0] : config.platform.region;
      assert.strictEqual(c.location, expected);
      assert.strictEqual(c.deletionProtection, false);
    });

    it("excludes upgrades from a day before the event to a day after it", async () => {
      const c: any = one(await run(stack), "gcp:container/cluster:Cluster").inputs;
      const [exclusion] = c.maintenancePolicy.maintenanceExclusions;
      assert.strictEqual(exclusion.exclusionOptions.scope, "NO_UPGRADES");
      assert.ok(new Date(exclusion.startTime).getTime() <= config.event.start.getTime() - 86_400_000);
      assert.ok(new Date(exclusion.endTime).getTime() >= config.event.end.getTime() + 86_400_000);
      const days = (new Date(exclusion.endTime).getTime() - new Date(exclusion.startTime).getTime()) / 86_400_000;
      assert.ok(days <= 30, "GKE allows at most 30 days of NO_UPGRADES");
    });

    it("runs nodes under a dedicated least-privilege service account, never the default compute one", async () => {
      const r = await run(stack);
      const sa: any = one(r, "gcp:serviceaccount/account:Account").outputs;
      const roles = ofType(r, "gcp:projects/iAMMember:IAMMember").map((m: any) => m.inputs.role).sort();
      assert.deepStrictEqual(roles, ["roles/artifactregistry.reader", "roles/container.defaultNodeServiceAccount"]);
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
        [config.capacity.peakUsers, config.capacity.userMachineType, plan.userPool.usersPerNode, plan.userPool.bindingConstraint, plan.userPool.userNodesAtPeak, plan.userPool.userPoolMaxNodes, plan.userPool.maxPodsPerNode, plan.addresses.podCidr],
      );
      assert.strictEqual(costEstimate.currency, "USD");
      assert.ok(costEstimate.perHourAtPeak > 0 && costEstimate.perEvent > costEstimate.perHourAtPeak);
    });

    it("installs the hub after the node pools and serves it behind the Gateway at the hub domain", async () => {
      const r = await run(stack);
      const release = one(r, "kubernetes:helm.sh/v3:Release");
      // Every Kubernetes resource goes through the cluster's provider, which depends on every node pool:
      // the chart is installed only once its pods can be placed, and removed before the pools on destroy.
      const provider = one(r, "pulumi:providers:kubernetes");
      const pools = ofType(r, "gcp:container/nodePool:NodePool").map((p) => p.urn);
      assert.deepStrictEqual(pools.filter((p) => !provider.dependencies.includes(p)), []);
      assert.ok(release.provider?.startsWith(`${provider.urn}::`), "the release uses the cluster's provider");
      const gateway = one(r, "kubernetes:gateway.networking.k8s.io/v1:Gateway");
      assert.ok(gateway.dependencies.includes(release.urn), "the Gateway goes before the release on destroy");
      assert.strictEqual(r.outputs.hubUrl, `https://${config.edge.hubDomain}/`);
      // The outputs carry what Google assigns to the address and the zone.
      assert.strictEqual(r.outputs.staticIp, one(r, "gcp:compute/globalAddress:GlobalAddress").outputs.address);
      assert.deepStrictEqual(r.outputs.nameServers, one(r, "gcp:dns/managedZone:ManagedZone").outputs.nameServers);
    });

    it("turns on the Google APIs first, and leaves them on after destroy", async () => {
      const r = await run(stack);
      const apis = ofType(r, "gcp:projects/service:Service");
      assert.ok(apis.map((a: any) => a.inputs.service).includes("containerfilesystem.googleapis.com"));
      assert.ok(apis.every((a: any) => a.inputs.disableOnDestroy === false));
      for (const type of ["gcp:compute/network:Network", "gcp:container/cluster:Cluster", "gcp:certificatemanager/certificate:Certificate"]) {
        const missing = apis.map((a) => a.urn).filter((u) => !one(r, type).dependencies.includes(u));
        assert.deepStrictEqual(missing, [], `${type} must wait for every API`);
      }
    });

    it("keeps the kubeconfig secret", async () => {
      assert.strictEqual((await run(stack)).outputs.kubeconfig, "[secret]");
    });
  });
}

describe("a stack with a GPU profile", function () {
  this.timeout(120_000);

  it("adds a GPU pool that scales from zero, is tainted for GPU users and runs the same hardened nodes", async () => {
    const { config, secretKeys } = readStackFile("event");
    const gpuProfile = { machineType: "n1-standard-8", acceleratorType: "nvidia-tesla-t4", acceleratorCount: 1, maxNodes: 4, image: "quay.io/jupyter/pytorch-notebook:cuda12-2025-11-03" };
    const r = await runOffline("event", { ...config, "jupyterhub-gke:gpuProfile": JSON.stringify(gpuProfile) }, secretKeys, () => deployHub());
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
  it("throws the config error and registers no resource", async () => {
    const { config, secretKeys } = readStackFile("dev");
    const declared: string[] = [];
    await assert.rejects(
      runOffline("dev", { ...config, "jupyterhub-gke:peakUsers": "0" }, secretKeys, () => deployHub(), (r) => declared.push(r.urn)),
      /peakUsers: got 0/,
    );
    // Give any registration already in flight the chance to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepStrictEqual(declared, []);
  });
});
