// SLOW: runs the whole program under Pulumi's mock runtime, for each packageMode.
import * as assert from "assert";
import * as YAML from "yaml";
import { requiredApis } from "../infra/components/apis";
import { ConfigError } from "../infra/config/errors";
import { parseConfig } from "../infra/config/parse";
import { planAll } from "../infra/plan";
import { condarcText, missingApis, packageApis, parseImageReference, pipConfigSources, planPackages, registryApis, userServerPodLabels } from "../infra/plan/packages";
import { releaseName } from "../infra/components/jupyterhub";
import { OfflineRun } from "../infra/tools/offline";
import { toPreviewDocument } from "../infra/tools/plan";
import { runPolicies } from "../policy-pack/tools/check";
import { inputs, named, ofType } from "./support/resources";
import { stackRunWith } from "./support/runs";
import { TYPES } from "./support/types";
import { rawWith, stacksAsOf } from "./support/stacks";
import { mandatory } from "./policy-pack/support";

// Packages and the user image through Artifact Registry, for each packageMode, under the mock runtime:
// which repositories exist, who may read them, the private DNS, and every egress rule. The expected values
// are written out from their sources (Artifact Registry and GKE docs, Z2JH 4.4.0), not read back from the
// plan.

const T = {
  repository: TYPES.artifactRegistryRepository,
  repositoryIam: TYPES.artifactRegistryIamMember,
  projectIam: TYPES.projectIamMember,
  account: TYPES.serviceAccount,
  accountIam: TYPES.serviceAccountIamMember,
  zone: TYPES.managedZone,
  record: TYPES.recordSet,
  network: TYPES.network,
  firewall: TYPES.firewall,
  release: TYPES.helmRelease,
  networkPolicy: TYPES.networkPolicy,
  deployment: TYPES.deployment,
  service: TYPES.service,
  serviceAccount: TYPES.k8sServiceAccount,
};

const PROJECT = "jupyterhub-event-example";
const REGION = "us-central1";
const kubeDns = {
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
};
const allowlist = { to: [{ ipBlock: { cidr: "203.0.113.16/28" } }], ports: [{ protocol: "TCP", port: 443 }] };
const toProxy = {
  to: [{
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "jupyterhub" } },
    podSelector: { matchLabels: { "app.kubernetes.io/name": "package-proxy", "app.kubernetes.io/part-of": "jupyterhub-gke" } },
  }],
  ports: [{ protocol: "TCP", port: 8080 }],
};

const modes: Record<string, Record<string, unknown>> = {
  none: { packageMode: "none" },
  mirror: { packageMode: "mirror", packageDenyList: ["Some_Package", "other.pkg"] },
  curated: { packageMode: "curated" },
  "mirror with the organisation's own index": { packageMode: "mirror", packageIndexUrl: "https://pypi-mirror.example.edu/simple" },
};

/** The event stack in one mode, shared by this file's tests within one mutant's run (test/support/runs.ts). */
const run = (mode: string): Promise<OfflineRun> => stackRunWith("event", modes[mode]);

for (const mode of Object.keys(modes)) {
  describe(`packageMode ${mode} under the mock runtime`, function () {
    this.timeout(120_000);
    const ownIndex = "packageIndexUrl" in modes[mode];
    const python = mode === "mirror" || mode === "curated";

    it("creates the Python repository the mode asks for, and the user image's remote repository of quay.io", async () => {
      const r = await run(mode);
      const repos = ofType(r, T.repository).map(inputs);
      const docker = repos.filter((x) => x.format === "DOCKER");
      assert.deepStrictEqual(docker.map((d) => [d.repositoryId, d.mode, d.location, d.remoteRepositoryConfig.commonRepository]), [
        ["event-quay-io", "REMOTE_REPOSITORY", REGION, { uri: "https://quay.io" }],
      ]);
      const py = repos.filter((x) => x.format === "PYTHON");
      if (mode === "mirror") {
        assert.deepStrictEqual(py.map((p) => [p.repositoryId, p.mode, p.remoteRepositoryConfig.pythonRepository]), [["event-pypi", "REMOTE_REPOSITORY", { publicRepository: "PYPI" }]]);
      } else if (mode === "curated") {
        assert.deepStrictEqual(py.map((p) => [p.repositoryId, p.mode, p.remoteRepositoryConfig]), [["event-python", "STANDARD_REPOSITORY", undefined]]);
        assert.match((r.outputs.packages as any).uploadCommand, /^python3 -m twine upload --repository-url https:\/\/us-central1-python\.pkg\.dev\/jupyterhub-event-example\/event-python\/ dist\/\*$/);
      } else {
        assert.deepStrictEqual(py, []);
      }
      // The user image: same path and tag, from the remote repository (Artifact Registry "Remote repositories overview").
      const values = inputs(ofType(r, T.release)[0]).values;
      assert.strictEqual(`${values.singleuser.image.name}:${values.singleuser.image.tag}`, `${REGION}-docker.pkg.dev/${PROJECT}/event-quay-io/jupyterhub/k8s-singleuser-sample:4.4.0`);
    });

    it("lets the nodes read the image repository only, and the proxy's account the Python repository only; nothing project-wide", async () => {
      const r = await run(mode);
      const nodeSa = named(r, T.account, "cluster-nodes").outputs.email as string;
      const grants = ofType(r, T.repositoryIam).map((g) => [inputs(g).repository, inputs(g).role, inputs(g).member]);
      const expected = [["event-quay-io", "roles/artifactregistry.reader", `serviceAccount:${nodeSa}`]];
      // Workload Identity bindings by account: the home export's writer (infra/components/homeExport.ts) in
      // every mode, and with a Python repository the proxy's, for the proxy's Kubernetes service account only.
      const writer = named(r, T.account, "home-export-writer").outputs;
      const exportBinding = [writer.name, "roles/iam.workloadIdentityUser", `serviceAccount:${PROJECT}.svc.id.goog[jupyterhub/home-export]`];
      const bindings = ofType(r, T.accountIam).map((b) => [inputs(b).serviceAccountId, inputs(b).role, inputs(b).member]);
      if (python) {
        const proxy = named(r, T.account, "registry-proxy").outputs;
        const proxySa = proxy.email as string;
        expected.push([mode === "mirror" ? "event-pypi" : "event-python", "roles/artifactregistry.reader", `serviceAccount:${proxySa}`]);
        assert.deepStrictEqual(bindings.sort(), [
          [proxy.name, "roles/iam.workloadIdentityUser", `serviceAccount:${PROJECT}.svc.id.goog[jupyterhub/package-proxy]`],
          exportBinding,
        ].sort());
        const ksa = inputs(ofType(r, T.serviceAccount).find((k) => inputs(k).metadata.name === "package-proxy")!);
        assert.strictEqual(ksa.metadata.annotations["iam.gke.io/gcp-service-account"], proxySa);
        assert.strictEqual(ksa.automountServiceAccountToken, false);
        assert.deepStrictEqual(ofType(r, T.account).map((a) => a.name).sort(), ["cluster-nodes", "home-export-writer", "registry-proxy"]);
      } else {
        assert.deepStrictEqual(bindings, [exportBinding]);
        assert.deepStrictEqual(ofType(r, T.account).map((a) => a.name).sort(), ["cluster-nodes", "home-export-writer"]);
      }
      assert.deepStrictEqual(grants.sort(), expected.sort());
      assert.ok(ofType(r, T.projectIam).every((g) => !/artifactregistry/.test(inputs(g).role)));
    });

    it("answers pkg.dev and *.pkg.dev with the restricted VIP in the VPC only", async () => {
      const r = await run(mode);
      const zone = inputs(named(r, T.zone, "registry-pkg-dev"));
      assert.strictEqual(zone.dnsName, "pkg.dev.");
      assert.strictEqual(zone.visibility, "private");
      // The same VPC the cluster runs in.
      const cluster = inputs(ofType(r, "gcp:container/cluster:Cluster")[0]);
      assert.ok(cluster.network);
      assert.deepStrictEqual(zone.privateVisibilityConfig.networks, [{ networkUrl: cluster.network }]);
      // restricted.googleapis.com is 199.36.153.4/30 (VPC Service Controls, "Configure restricted access
      // for GKE private clusters").
      const records = ofType(r, T.record).filter((x) => inputs(x).managedZone === zone.name).map((x) => [inputs(x).name, inputs(x).type, inputs(x).rrdatas]);
      assert.deepStrictEqual(records.sort(), [
        ["*.pkg.dev.", "CNAME", ["pkg.dev."]],
        ["pkg.dev.", "A", ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"]],
      ]);
    });

    it("gives user pods DNS, the proxy (when it serves them) and the allowlist; the proxy only DNS, its token and the VIP; nothing else opens egress", async () => {
      const r = await run(mode);
      const values = inputs(ofType(r, T.release)[0]).values;
      assert.deepStrictEqual(values.singleuser.networkPolicy.egress, python ? [kubeDns, toProxy, allowlist] : [kubeDns, allowlist]);
      assert.deepStrictEqual(values.singleuser.networkPolicy.egressAllowRules, {
        cloudMetadataServer: false, dnsPortsCloudMetadataServer: false, dnsPortsKubeSystemNamespace: false, dnsPortsPrivateIPs: false, nonPrivateIPs: false, privateIPs: false,
      });
      // The stack's own NetworkPolicies, by name: the placeholder calendar's (the rush model's: the
      // Kubernetes API on 443, test/rushOutputs.test.ts) in every mode, and the proxy's where it runs.
      assert.deepStrictEqual(
        ofType(r, T.networkPolicy).map((x) => x.name).sort(),
        python ? ["hub-placeholder-calendar-netpol", "package-proxy-netpol"] : ["hub-placeholder-calendar-netpol"],
      );
      assert.deepStrictEqual(ofType(r, T.firewall), []);
      if (!python) return;
      const np = inputs(named(r, T.networkPolicy, "package-proxy-netpol"));
      assert.strictEqual(np.metadata.name, "package-proxy");
      assert.deepStrictEqual(np.spec.podSelector, { matchLabels: toProxy.to[0].podSelector.matchLabels });
      assert.deepStrictEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
      // Only user servers, selected as the chart's own singleuser NetworkPolicy selects them.
      assert.deepStrictEqual(np.spec.ingress, [{
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "jupyterhub" } }, podSelector: { matchLabels: { component: "singleuser-server", app: "jupyterhub", release: "jupyterhub" } } }],
        ports: [{ protocol: "TCP", port: 8080 }],
      }]);
      // GKE's documented metadata paths for Workload Identity, and HTTPS to the restricted VIP only.
      assert.deepStrictEqual(np.spec.egress, [
        kubeDns,
        { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
        { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [{ protocol: "TCP", port: 988 }] },
        { to: [{ ipBlock: { cidr: "199.36.153.4/30" } }], ports: [{ protocol: "TCP", port: 443 }] },
      ]);
    });

    it("ships pip's and conda's configuration pointing at the proxy, the organisation's index, or nothing", async () => {
      const r = await run(mode);
      const values = inputs(ofType(r, T.release)[0]).values;
      const pipConf = values.singleuser.extraFiles["pip-config"];
      assert.strictEqual(pipConf.mountPath, "/etc/pip.conf");
      assert.strictEqual(pipConf.mode, 0o444);
      const sources = pipConfigSources(pipConf.stringData).map((s) => `${s.option} ${s.value}`);
      if (python) assert.deepStrictEqual(sources, ["index-url http://package-proxy.jupyterhub.svc.cluster.local/simple/"]);
      else if (ownIndex) assert.deepStrictEqual(sources, ["index-url https://pypi-mirror.example.edu/simple"]);
      else assert.deepStrictEqual(sources, []);
      // pip's file, beside the rush model's activity interval (plan hubTuning), which the mode does not change.
      const interval = planAll(parseConfig(rawWith("event", modes[mode]), { now: stacksAsOf })).hubTuning.activityIntervalSeconds;
      assert.deepStrictEqual(values.singleuser.extraEnv, { JUPYTERHUB_ACTIVITY_INTERVAL: String(interval), PIP_CONFIG_FILE: "/etc/pip.conf" });
      assert.strictEqual(values.singleuser.extraFiles["conda-config"].mountPath, "/etc/conda/.condarc");
      assert.match(values.singleuser.extraFiles["conda-config"].stringData, /^offline: true {2}#!final$/m);
    });

    it("runs the proxy only where it serves the Python repository, with no API token, on core nodes, from a pinned image", async () => {
      const r = await run(mode);
      // By name: the placeholder calendar's Deployment (the rush model's) runs in every mode.
      assert.deepStrictEqual(
        ofType(r, T.deployment).map((x) => x.name).sort(),
        python ? ["hub-placeholder-calendar-deployment", "package-proxy-deployment"] : ["hub-placeholder-calendar-deployment"],
      );
      if (!python) return;
      const spec = inputs(named(r, T.deployment, "package-proxy-deployment")).spec;
      const pod = spec.template.spec;
      assert.strictEqual(pod.automountServiceAccountToken, false);
      assert.deepStrictEqual(pod.nodeSelector, { "hub.jupyter.org/node-purpose": "core" });
      const [container] = pod.containers;
      assert.strictEqual(container.image, "quay.io/jupyterhub/k8s-hub:4.4.0");
      const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
      assert.strictEqual(env.UPSTREAM_URL, `https://${REGION}-python.pkg.dev/${PROJECT}/${mode === "mirror" ? "event-pypi" : "event-python"}`);
      assert.strictEqual(env.DENY_LIST, mode === "mirror" ? "some-package,other-pkg" : "");
      assert.strictEqual(container.securityContext.readOnlyRootFilesystem, true);
      assert.strictEqual(inputs(ofType(r, T.service)[0]).spec.type, "ClusterIP");
      assert.ok(spec.replicas >= 2);
    });

    it("installs the hub only once the image repository, its read grant and the private zone exist", async () => {
      // The JupyterHub component depends on them; the SDK registers its children (the release) only once
      // the component is registered, which waits for its dependencies (@pulumi/pulumi runtime/resource.js,
      // prepareResource: dependsOn, then the parent's URN).
      const r = await run(mode);
      const release = r.resources.find((x) => x.type === "jupyterhub-gke:hub:JupyterHub")!;
      const needed = [...ofType(r, T.repositoryIam), ...ofType(r, T.repository).filter((x) => inputs(x).format === "DOCKER"), named(r, T.zone, "registry-pkg-dev")];
      assert.ok(needed.length >= 3);
      for (const x of needed) assert.ok(release.dependencies.includes(x.urn), `the hub does not wait for ${x.name}`);
    });

    it("passes the policy pack with no mandatory violation", async () => {
      const result = await runPolicies(toPreviewDocument(await run(mode)));
      assert.deepStrictEqual(result.failures, []);
      assert.deepStrictEqual(mandatory(result.findings), []);
    });
  });
}

describe("the package plan", () => {
  it("splits image references as a registry does: registry host, path under it, and the pin", () => {
    assert.deepStrictEqual(parseImageReference("quay.io/jupyterhub/k8s-singleuser-sample:4.4.0"), { registry: "quay.io", path: "jupyterhub/k8s-singleuser-sample", pin: ":4.4.0" });
    assert.deepStrictEqual(parseImageReference("jupyter/scipy-notebook:2025-11-03"), { registry: "docker.io", path: "jupyter/scipy-notebook", pin: ":2025-11-03" });
    assert.deepStrictEqual(parseImageReference("docker.io/python:3.12"), { registry: "docker.io", path: "library/python", pin: ":3.12" });
    assert.deepStrictEqual(parseImageReference("registry.example.org:5000/team/img@sha256:" + "a".repeat(64)), { registry: "registry.example.org:5000", path: "team/img", pin: "@sha256:" + "a".repeat(64) });
  });

  it("pulls a Docker Hub image through Google's Docker Hub preset, by digest when config gives one", () => {
    const digest = "@sha256:" + "b".repeat(64);
    const config = parseConfig(rawWith("event", { userImage: `jupyter/scipy-notebook${digest}` }), { now: stacksAsOf });
    const plan = planPackages(config, "event");
    assert.deepStrictEqual(plan.dockerRemotes.map((d) => [d.repositoryId, d.upstream]), [["event-docker-io", { publicRepository: "DOCKER_HUB" }]]);
    assert.strictEqual(plan.images[0].pulled, `${REGION}-docker.pkg.dev/${PROJECT}/event-docker-io/jupyter/scipy-notebook${digest}`);
  });

  it("pulls an image already in Artifact Registry as it is, and grants read on its own repository", () => {
    const image = "europe-west4-docker.pkg.dev/course-images/notebooks/scipy:2026-01";
    const plan = planPackages(parseConfig(rawWith("event", { userImage: image }), { now: stacksAsOf }), "event");
    assert.deepStrictEqual(plan.dockerRemotes, []);
    assert.strictEqual(plan.images[0].pulled, image);
    assert.deepStrictEqual(plan.imageRepositories, [{ project: "course-images", location: "europe-west4", repositoryId: "notebooks" }]);
  });

  it("selects user servers with the labels the chart's release gives them", () => {
    assert.strictEqual(userServerPodLabels.release, releaseName);
  });

  it("needs the APIs of what the plan declares: Artifact Registry and image streaming for repositories, Cloud DNS for the private zone", () => {
    const plan = planPackages(parseConfig(rawWith("event", {}), { now: stacksAsOf }), "event");
    assert.deepStrictEqual(packageApis(plan), ["artifactregistry.googleapis.com", "dns.googleapis.com", "containerfilesystem.googleapis.com"]);
    assert.deepStrictEqual(packageApis({ ...plan, python: undefined, dockerRemotes: [], imageRepositories: [] }), ["dns.googleapis.com"]);
    assert.deepStrictEqual(packageApis({ ...plan, imageRepositories: [] }), ["artifactregistry.googleapis.com", "dns.googleapis.com"], "the Python repository alone");
  });

  it("needs only APIs the program turns on, and says which one is missing otherwise", () => {
    assert.deepStrictEqual(missingApis(registryApis, requiredApis), []);
    assert.deepStrictEqual(missingApis(registryApis, requiredApis.filter((a) => a !== "artifactregistry.googleapis.com")), ["artifactregistry.googleapis.com"]);
  });

  it("keeps conda to the organisation's one channel when there is one, offline otherwise", () => {
    const text = condarcText("mirror", "https://conda.example.edu/course");
    assert.match(text, /^channels: {2}#!final\n {2}- https:\/\/conda\.example\.edu\/course$/m);
    assert.match(text, /^allowlist_channels: {2}#!final\n {2}- https:\/\/conda\.example\.edu\/course$/m);
    assert.doesNotMatch(text, /offline/);
    assert.match(condarcText("none", undefined), /^offline: true {2}#!final$/m);
    // Valid YAML (conda reads .condarc as YAML; `#!final` is a comment to YAML, a flag to conda).
    assert.deepStrictEqual(YAML.parse(text), { channels: ["https://conda.example.edu/course"], allowlist_channels: ["https://conda.example.edu/course"] });
    assert.deepStrictEqual(YAML.parse(condarcText("mirror", undefined)), { offline: true });
  });
});

describe("package config that cannot work is refused before anything is declared", () => {
  function issues(changes: Record<string, unknown>) {
    try {
      planAll(parseConfig(rawWith("event", changes), { now: stacksAsOf }));
    } catch (e) {
      if (e instanceof ConfigError) return e.issues;
      throw e;
    }
    return assert.fail(`expected ${JSON.stringify(changes)} to be refused`);
  }
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["an unknown mode", { packageMode: "allowlist" }, "packageMode", /allowed: none, mirror, curated/],
    ["a deny list with no installs at all", { packageMode: "none", packageDenyList: ["torch"] }, "packageDenyList", /no deny list with packageMode none/],
    ["a deny list the organisation's own index would bypass", { packageIndexUrl: "https://pypi-mirror.example.edu/simple", packageDenyList: ["torch"] }, "packageDenyList", /enforced by this program's registry proxy.*packageMode curated/],
    ["an index with no installs", { packageMode: "none", packageIndexUrl: "https://pypi-mirror.example.edu/simple" }, "packageIndexUrl", /packageMode mirror or curated/],
    ["PyPI itself as the organisation's index", { packageIndexUrl: "https://pypi.org/simple" }, "packageIndexUrl", /not the public PyPI: for PyPI set packageMode mirror/],
    ["a conda channel with no installs", { packageMode: "none", condaChannelUrl: "https://conda.example.edu/c" }, "condaChannelUrl", /packageMode mirror or curated/],
    ["a conda channel over http", { condaChannelUrl: "http://conda.example.edu/c" }, "condaChannelUrl", /https:\/\/ URL/],
    ["a deny-list entry that is no project name", { packageDenyList: ["torch; rm -rf"] }, "packageDenyList", /Python project names/],
  ];
  for (const [title, changes, key, allowed] of cases) {
    it(`refuses ${title}, naming ${key}`, () => {
      const issue = issues(changes).find((i) => i.key === key);
      assert.ok(issue, `no issue for ${key}`);
      assert.match(issue.allowed, allowed);
    });
  }

  it("normalises the deny list as PEP 503 does, once per project", () => {
    const config = parseConfig(rawWith("event", { packageDenyList: ["Some_Package", "some.package", "Other-Pkg"] }), { now: stacksAsOf });
    assert.deepStrictEqual(config.hub.packages.denyList, ["some-package", "other-pkg"]);
  });
});
