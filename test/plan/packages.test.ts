import * as assert from "assert";
import type { StackConfig } from "../../infra/config/types";
import { condarcText, missingApis, packageApis, packagesOutput, parseImageReference, pipConfText, planPackages, repositoryId } from "../../infra/plan/packages";
import { loadStackConfig } from "../support/stacks";

// The package and image plan (infra/plan/packages.ts) in the fast suite. test/packages.test.ts checks the
// resources declared from it under the mock runtime, in the slow suite only, so Stryker's plan runs found
// this file uncovered (docs/testing.md). Expected values are written out from the sources named.

function withPackages(base: StackConfig, packages: Partial<StackConfig["hub"]["packages"]>, hub: Partial<StackConfig["hub"]> = {}): StackConfig {
  return { ...base, hub: { ...base.hub, ...hub, packages: { ...base.hub.packages, ...packages } } };
}

describe("the package plan", () => {
  it("splits image references the way the distribution reference grammar does (normalize.go)", () => {
    assert.deepStrictEqual(parseImageReference("quay.io/jupyterhub/k8s-singleuser-sample:4.4.0"), { registry: "quay.io", path: "jupyterhub/k8s-singleuser-sample", pin: ":4.4.0" });
    // One component on Docker Hub lives under library/; a first component without a dot or port is a path.
    assert.deepStrictEqual(parseImageReference("python:3.12"), { registry: "docker.io", path: "library/python", pin: ":3.12" });
    assert.deepStrictEqual(parseImageReference("jupyter/scipy-notebook:2024-01-15"), { registry: "docker.io", path: "jupyter/scipy-notebook", pin: ":2024-01-15" });
    assert.deepStrictEqual(parseImageReference("localhost/x:1"), { registry: "localhost", path: "x", pin: ":1" });
    assert.deepStrictEqual(parseImageReference("registry:5000/team/x:1"), { registry: "registry:5000", path: "team/x", pin: ":1" });
    const digest = `@sha256:${"a".repeat(64)}`;
    assert.deepStrictEqual(parseImageReference(`ghcr.io/org/img:1.0${digest}`), { registry: "ghcr.io", path: "org/img", pin: `:1.0${digest}` });
    assert.throws(() => parseImageReference("registry:5000/team/x"), /image registry:5000\/team\/x is not pinned by tag or digest/);
    // A one-component name is a Docker Hub image even with a dot in it or spelled `localhost`: the first
    // component is a registry only when a slash follows it (normalize.go splitDockerDomain, `i == -1`).
    assert.deepStrictEqual(parseImageReference("my.image:1"), { registry: "docker.io", path: "library/my.image", pin: ":1" });
    assert.deepStrictEqual(parseImageReference("localhost:1"), { registry: "docker.io", path: "library/localhost", pin: ":1" });
    // Docker Hub's legacy host is Docker Hub: distribution/reference normalize.go (@ 4ca14034)
    // splitDockerDomain, `case maybeDomain == legacyDefaultDomain` ("index.docker.io") → "docker.io".
    assert.deepStrictEqual(parseImageReference("index.docker.io/jupyter/scipy-notebook:2024-01-15"), { registry: "docker.io", path: "jupyter/scipy-notebook", pin: ":2024-01-15" });
    assert.deepStrictEqual(parseImageReference("index.docker.io/python:3.12"), { registry: "docker.io", path: "library/python", pin: ":3.12" });
    // Pinned by digest alone, no tag and no slash: the pin starts at the `@`.
    assert.deepStrictEqual(parseImageReference(`python${digest}`), { registry: "docker.io", path: "library/python", pin: digest });
  });

  it("names repositories in Artifact Registry's alphabet, at most 63 characters, no trailing hyphen", () => {
    assert.strictEqual(repositoryId("jhg-event", "quay.io"), "jhg-event-quay-io");
    assert.strictEqual(repositoryId("JHG", "registry:5000"), "jhg-registry-5000");
    assert.strictEqual(repositoryId("a--b", "c__d"), "a-b-c-d");
    const long = repositoryId("p", `${"x".repeat(61)}-y`);
    assert.strictEqual(long, `p-${"x".repeat(61)}`, "cut at 63, then the hyphen left at the end dropped");
    // The case that comment names: 64 characters whose 63rd is the hyphen before "y".
    assert.strictEqual(repositoryId("p", `${"x".repeat(60)}-y`), `p-${"x".repeat(60)}`, "cut at 63 leaves a hyphen at the end, which is dropped");
  });

  it("mirror: PyPI through a remote repository and the in-cluster proxy, the user image through a remote repository", () => {
    const plan = planPackages(loadStackConfig("event"), "jhg-event");
    const quay = { project: "jupyterhub-event-example", location: "us-central1", repositoryId: "jhg-event-quay-io", upstreamRegistry: "quay.io", upstream: { uri: "https://quay.io" } };
    assert.deepStrictEqual(plan.python, {
      project: "jupyterhub-event-example", location: "us-central1", repositoryId: "jhg-event-pypi", mode: "REMOTE_REPOSITORY",
      url: "https://us-central1-python.pkg.dev/jupyterhub-event-example/jhg-event-pypi",
    });
    assert.deepStrictEqual(plan.dockerRemotes, [quay]);
    assert.deepStrictEqual(plan.images, [{
      configured: "quay.io/jupyterhub/k8s-singleuser-sample:4.4.0",
      // Artifact Registry serves a remote repository's upstream paths under its own ("Remote repositories overview").
      pulled: "us-central1-docker.pkg.dev/jupyterhub-event-example/jhg-event-quay-io/jupyterhub/k8s-singleuser-sample:4.4.0",
      repository: quay,
    }]);
    assert.deepStrictEqual(plan.imageRepositories, [quay]);
    const proxy = plan.proxy;
    assert.ok(proxy, "mirror runs the proxy");
    assert.deepStrictEqual({ ...proxy, egress: undefined }, {
      namespace: "jupyterhub",
      replicas: 4,
      upstreamUrl: "https://us-central1-python.pkg.dev/jupyterhub-event-example/jhg-event-pypi",
      denyList: [],
      indexUrl: "http://package-proxy.jupyterhub.svc.cluster.local/simple/",
      host: "package-proxy.jupyterhub.svc.cluster.local",
      serviceAccountId: "jhg-event-pkg-proxy",
      egress: undefined,
    });
    // DNS, the GKE metadata server for its Workload Identity token (80 and 988, "About Workload Identity
    // Federation for GKE"), and the restricted VIP on 443: nothing else.
    assert.deepStrictEqual(proxy.egress.slice(1), [
      { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
      { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [{ protocol: "TCP", port: 988 }] },
      { to: [{ ipBlock: { cidr: "199.36.153.4/30" } }], ports: [{ protocol: "TCP", port: 443 }] },
    ]);
    assert.deepStrictEqual(proxy.egress[0].ports, [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
    assert.deepStrictEqual(plan.userEgress, [{
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "jupyterhub" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "package-proxy", "app.kubernetes.io/part-of": "jupyterhub-gke" } } }],
      ports: [{ protocol: "TCP", port: 8080 }],
    }]);
    // Artifact Registry's "Configure restricted access for GKE private clusters": pkg.dev to the restricted VIP.
    assert.deepStrictEqual(plan.privateZone, {
      name: "jhg-event-pkg-dev",
      dnsName: "pkg.dev.",
      records: [
        { name: "pkg.dev.", type: "A", rrdatas: ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"] },
        { name: "*.pkg.dev.", type: "CNAME", rrdatas: ["pkg.dev."] },
      ],
    });
    assert.strictEqual(plan.pipIndexUrl, "http://package-proxy.jupyterhub.svc.cluster.local/simple/");
    assert.strictEqual(plan.uploadCommand, undefined, "nobody uploads to a mirror");
    assert.deepStrictEqual(packageApis(plan), ["artifactregistry.googleapis.com", "dns.googleapis.com", "containerfilesystem.googleapis.com"]);
  });

  it("runs two to eight proxies, one per 250 users at the peak", () => {
    const event = loadStackConfig("event");
    const replicas = (peakUsers: number) => planPackages({ ...event, capacity: { ...event.capacity, peakUsers } }, "p").proxy?.replicas;
    assert.deepStrictEqual([1, 500, 501, 1000, 2000, 2001, 5000].map(replicas), [2, 2, 3, 4, 8, 8, 8]);
  });

  it("curated: a standard repository admins upload to, and the upload command", () => {
    const plan = planPackages(withPackages(loadStackConfig("event"), { mode: "curated" }), "jhg-event");
    assert.strictEqual(plan.python?.mode, "STANDARD_REPOSITORY");
    assert.strictEqual(plan.python?.repositoryId, "jhg-event-python");
    assert.strictEqual(plan.uploadCommand, "python3 -m twine upload --repository-url https://us-central1-python.pkg.dev/jupyterhub-event-example/jhg-event-python/ dist/*");
    assert.deepStrictEqual(packagesOutput(plan), {
      mode: "curated",
      pipIndexUrl: "http://package-proxy.jupyterhub.svc.cluster.local/simple/",
      pythonRepository: "https://us-central1-python.pkg.dev/jupyterhub-event-example/jhg-event-python (standard)",
      denyList: [],
      images: [{ configured: "quay.io/jupyterhub/k8s-singleuser-sample:4.4.0", pulled: "us-central1-docker.pkg.dev/jupyterhub-event-example/jhg-event-quay-io/jupyterhub/k8s-singleuser-sample:4.4.0" }],
      uploadCommand: "python3 -m twine upload --repository-url https://us-central1-python.pkg.dev/jupyterhub-event-example/jhg-event-python/ dist/*",
    });
  });

  it("an organisation's own index: no repository and no proxy, pip pointed at it", () => {
    const plan = planPackages(withPackages(loadStackConfig("event"), { mode: "mirror", indexUrl: "https://pypi.example.org/simple" }), "jhg-event");
    assert.deepStrictEqual([plan.python, plan.proxy, plan.userEgress], [undefined, undefined, []]);
    assert.strictEqual(plan.pipIndexUrl, "https://pypi.example.org/simple");
    assert.ok(plan.pipConf.includes("\nindex-url = https://pypi.example.org/simple\n") && !plan.pipConf.includes("trusted-host"), plan.pipConf);
    assert.deepStrictEqual(packagesOutput(plan).pythonRepository, "none");
  });

  it("none: no index at all, and still the private zone and the image through Artifact Registry", () => {
    const plan = planPackages(withPackages(loadStackConfig("event"), { mode: "none" }), "jhg-event");
    assert.deepStrictEqual([plan.python, plan.proxy, plan.pipIndexUrl], [undefined, undefined, undefined]);
    assert.deepStrictEqual(packagesOutput(plan).pipIndexUrl, "none");
    assert.deepStrictEqual(packageApis(plan), ["artifactregistry.googleapis.com", "dns.googleapis.com", "containerfilesystem.googleapis.com"]);
  });

  it("an image already in Artifact Registry is pulled as written, from its own repository; Docker Hub by Google's preset", () => {
    const event = loadStackConfig("event");
    const ar = "europe-west4-docker.pkg.dev/shared-images/course/notebook:2027.1";
    const plan = planPackages(withPackages(event, { mode: "none" }, { userImage: ar, gpu: { machineType: "g2-standard-8", acceleratorType: "nvidia-l4", acceleratorCount: 1, maxNodes: 2, image: "pytorch/pytorch:2.5.1" } }), "jhg");
    assert.deepStrictEqual(plan.images.map((i) => i.pulled), [ar, "us-central1-docker.pkg.dev/jupyterhub-event-example/jhg-docker-io/pytorch/pytorch:2.5.1"]);
    assert.deepStrictEqual(plan.imageRepositories.map((r) => [r.project, r.location, r.repositoryId]), [["shared-images", "europe-west4", "course"], ["jupyterhub-event-example", "us-central1", "jhg-docker-io"]]);
    assert.deepStrictEqual(plan.dockerRemotes.map((r) => [r.repositoryId, r.upstream]), [["jhg-docker-io", { publicRepository: "DOCKER_HUB" }]]);
    // Docker Hub by its legacy name is the same remote repository, by Google's preset.
    const legacy = planPackages(withPackages(event, { mode: "none" }, { userImage: "index.docker.io/jupyter/scipy-notebook:2024-01-15" }), "jhg");
    assert.deepStrictEqual(legacy.dockerRemotes.map((r) => [r.repositoryId, r.upstream]), [["jhg-docker-io", { publicRepository: "DOCKER_HUB" }]]);
    assert.strictEqual(legacy.images[0].pulled, "us-central1-docker.pkg.dev/jupyterhub-event-example/jhg-docker-io/jupyter/scipy-notebook:2024-01-15");
    // Two images from one registry share one remote repository.
    const same = planPackages(withPackages(event, { mode: "none" }, { gpu: { machineType: "g2-standard-8", acceleratorType: "nvidia-l4", acceleratorCount: 1, maxNodes: 2, image: "quay.io/jupyter/pytorch-notebook:2024-12-02" } }), "jhg");
    assert.deepStrictEqual([same.dockerRemotes.length, same.imageRepositories.length, same.images.length], [1, 1, 2]);
  });

  it("a host that only looks like Artifact Registry's is an upstream like any other, read through a remote repository", () => {
    const event = loadStackConfig("event");
    // Artifact Registry's Docker hosts are exactly <location>-docker.pkg.dev ("Docker repository hostnames").
    const cases = [
      { image: "europe-west4-docker.pkg.dev.example.com/team/notebook:1", host: "europe-west4-docker.pkg.dev.example.com", repository: "jhg-europe-west4-docker-pkg-dev-example-com" },
      { image: "mirror.europe-west4-docker.pkg.dev/team/notebook:1", host: "mirror.europe-west4-docker.pkg.dev", repository: "jhg-mirror-europe-west4-docker-pkg-dev" },
    ];
    for (const { image, host, repository } of cases) {
      const plan = planPackages(withPackages(event, { mode: "none" }, { userImage: image }), "jhg");
      assert.deepStrictEqual(plan.dockerRemotes.map((r) => [r.repositoryId, r.upstream]), [[repository, { uri: `https://${host}` }]], `${host} is read through a remote repository`);
      assert.strictEqual(plan.images[0].pulled, `us-central1-docker.pkg.dev/jupyterhub-event-example/${repository}/team/notebook:1`, `${host} is not pulled as written`);
    }
  });

  it("names the APIs from what the plan declares: repositories, image streaming, the private zone", () => {
    const plan = planPackages(loadStackConfig("event"), "jhg-event");
    // Every stack has a user image, so the program's plans always need all three; the rule, one part at a time:
    assert.deepStrictEqual(packageApis({ ...plan, imageRepositories: [] }), ["artifactregistry.googleapis.com", "dns.googleapis.com"], "a Python repository alone: no image to stream");
    assert.deepStrictEqual(packageApis({ ...plan, python: undefined, imageRepositories: [] }), ["dns.googleapis.com"], "no repository at all: the private pkg.dev zone only");
  });

  it("the proxy's Google account id stays within IAM's 30 characters, without a trailing hyphen", () => {
    // IAM service account ids: 6 to 30 characters, ending in a letter or digit ("Create service accounts").
    const plan = planPackages(loadStackConfig("event"), "abcdefghijklmnopqrstuvwxy");
    assert.strictEqual(plan.proxy?.serviceAccountId, "abcdefghijklmnopqrstuvwxy-pkg");
  });

  it("packageMode none points pip at no index, even one written in packageIndexUrl (which config refuses as well)", () => {
    const plan = planPackages(withPackages(loadStackConfig("event"), { mode: "none", indexUrl: "https://pypi.example.org/simple" }), "jhg-event");
    assert.strictEqual(plan.pipIndexUrl, undefined);
    assert.ok(plan.pipConf.includes("\nno-index = true\n"), plan.pipConf);
  });

  it("the packages output: the proxy's deny list and the remote repository of PyPI; none of it without the proxy", () => {
    const event = loadStackConfig("event");
    const mirror = planPackages(withPackages(event, { denyList: ["torch", "some-package"] }), "jhg-event");
    assert.deepStrictEqual(packagesOutput(mirror), {
      mode: "mirror",
      pipIndexUrl: "http://package-proxy.jupyterhub.svc.cluster.local/simple/",
      pythonRepository: "https://us-central1-python.pkg.dev/jupyterhub-event-example/jhg-event-pypi (remote: PyPI)",
      denyList: ["torch", "some-package"],
      images: [{ configured: "quay.io/jupyterhub/k8s-singleuser-sample:4.4.0", pulled: "us-central1-docker.pkg.dev/jupyterhub-event-example/jhg-event-quay-io/jupyterhub/k8s-singleuser-sample:4.4.0" }],
    });
    const own = planPackages(withPackages(event, { indexUrl: "https://pypi.example.org/simple" }), "jhg-event");
    assert.deepStrictEqual(packagesOutput(own).denyList, [], "no proxy, nothing refused by it");
  });

  it("lists the APIs a plan needs that a project lacks", () => {
    assert.deepStrictEqual(missingApis(["a", "b", "c"], ["b"]), ["a", "c"]);
    assert.deepStrictEqual(missingApis(["a"], ["a", "b"]), []);
  });
});

describe("pip.conf and .condarc as shipped", () => {
  it("mirror behind the proxy: the index, its host trusted (plain HTTP in the cluster), fail fast", () => {
    assert.deepStrictEqual(pipConfText("mirror", "http://package-proxy.jupyterhub.svc.cluster.local/simple/", "package-proxy.jupyterhub.svc.cluster.local").split("\n").slice(4), [
      "[global]",
      "index-url = http://package-proxy.jupyterhub.svc.cluster.local/simple/",
      "trusted-host = package-proxy.jupyterhub.svc.cluster.local",
      "timeout = 15",
      "retries = 1",
      "disable-pip-version-check = true",
      "",
    ]);
  });

  it("an organisation's index: the whole file, with its header, no trusted host (HTTPS)", () => {
    assert.strictEqual(pipConfText("curated", "https://pypi.example.org/simple", undefined), [
      "# /etc/pip.conf, shipped read-only by the hub (packageMode curated). PIP_CONFIG_FILE names this file, so",
      "# pip reads it after every global and site file and skips the user's own (pip _internal/configuration.py).",
      "# It is the convenient path, not the boundary: a user can still pass --index-url or set PIP_* variables,",
      "# and the network policy is what leaves nothing else reachable.",
      "[global]",
      "index-url = https://pypi.example.org/simple",
      "timeout = 15",
      "retries = 1",
      "disable-pip-version-check = true",
      "",
    ].join("\n"));
    assert.strictEqual(condarcText("none", undefined), [
      "# /etc/conda/.condarc, shipped read-only by the hub (packageMode none). Like pip.conf it is the",
      "# convenient path, not the boundary: the network policy leaves nothing else reachable.",
      "offline: true  #!final",
      "",
    ].join("\n"));
  });

  it("none, or no index: no-index, so pip never reaches out", () => {
    const none = ["[global]", "no-index = true", "disable-pip-version-check = true", ""];
    assert.deepStrictEqual(pipConfText("none", "http://x/simple/", "x").split("\n").slice(4), none);
    assert.deepStrictEqual(pipConfText("mirror", undefined, undefined).split("\n").slice(4), none);
    assert.strictEqual(pipConfText("curated", undefined, undefined).split("\n")[0], "# /etc/pip.conf, shipped read-only by the hub (packageMode curated). PIP_CONFIG_FILE names this file, so");
  });

  it("conda: one allowed channel, both keys final; offline without one", () => {
    assert.deepStrictEqual(condarcText("mirror", "https://conda.example.org/main").split("\n").slice(2), [
      "channels:  #!final", "  - https://conda.example.org/main", "allowlist_channels:  #!final", "  - https://conda.example.org/main", "",
    ]);
    assert.deepStrictEqual(condarcText("none", "https://conda.example.org/main").split("\n").slice(2), ["offline: true  #!final", ""]);
    assert.deepStrictEqual(condarcText("mirror", undefined).split("\n").slice(2), ["offline: true  #!final", ""]);
    assert.strictEqual(condarcText("curated", undefined).split("\n")[0], "# /etc/conda/.condarc, shipped read-only by the hub (packageMode curated). Like pip.conf it is the");
  });
});
