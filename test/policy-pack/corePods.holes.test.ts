// The chart's own pods (policy-pack/policies/z2jh/corePods.ts) as Zero to JupyterHub 4.4.0 renders them
// from values, each pod written out whole, with the values key every part is located at (the key a
// finding tells the user to change). Expected pods are read from the templates at tag 4.4.0 (commit
// 5c5f5df7), jupyterhub/templates/:
//   HUB   = hub/deployment.yaml              PROXY = proxy/deployment.yaml
//   AUTO  = proxy/autohttps/deployment.yaml  SCHED = scheduling/user-scheduler/deployment.yaml
//   PH    = scheduling/user-placeholder/statefulset.yaml
//   PULL  = image-puller/_helpers-daemonset.tpl   JOB = image-puller/job.yaml
//   NAMES = _helpers-names.tpl (with values.yaml's `fullnameOverride: ""`, names carry no prefix)
// and the chart defaults from jupyterhub/values.yaml at the same tag (the fields the model keeps: it
// leaves out env, ports, probes and the chart's own mounts, which no values key changes).

import * as assert from "assert";
import { get } from "../../policy-pack/policies/core";
import { corePods } from "../../policy-pack/policies/z2jh/corePods";
import { derivePods, effectiveValues, userPods, type DerivedPod } from "../../policy-pack/policies/z2jh/pods";
import { itRunsCases } from "./caseRunner";
import { HUB } from "./fixtures";
import { all, values } from "./mutations";
import { UNKNOWN_STRING } from "./support";

/** values.yaml: the containerSecurityContext of chp, traefik, secretSync, the scheduler, placeholders, pullers. */
const RESTRICTED_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: 65534,
  runAsGroup: 65534,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

const corePodsOf = (values: Record<string, unknown>): DerivedPod[] => derivePods(values).filter((p) => p.kind === "core");

function podLabelled(values: Record<string, unknown>, label: string): DerivedPod {
  const found = corePodsOf(values).filter((p) => p.label === label);
  assert.strictEqual(found.length, 1, `one pod labelled ${label}, among ${corePodsOf(values).map((p) => p.label).join(" | ")}`);
  return found[0] as DerivedPod;
}

/** Each path of the pod is located at the values key given. */
function assertLocated(pod: DerivedPod, expected: readonly [readonly (string | number)[], string][]): void {
  for (const [path, where] of expected) assert.strictEqual(pod.locate(path), where, `${pod.label}: where ${JSON.stringify(path)} is set`);
}

const labels = (values: Record<string, unknown>): string[] => corePodsOf(values).map((p) => p.label);

describe("policy pack: the chart's own pods derived from values (corePods)", () => {
  it("the chart's defaults deploy the hub, the proxy, the user scheduler, the placeholders, both pullers and the awaiter, in that order", () => {
    assert.deepStrictEqual(labels({}), [
      "the hub",
      "the proxy",
      "the user scheduler",
      "the user placeholders",
      "the continuous image puller",
      "the hook image puller",
      "the image awaiter",
    ]);
    for (const pod of corePodsOf({})) assert.strictEqual(pod.where, pod.locate([]), `${pod.label}: the pod as a whole`);
  });

  it("renders the hub from every hub.* key that adds to its pod (HUB 48-80, 84-97, 170-184, 238-243)", () => {
    const values = {
      hub: {
        image: { name: "quay.io/jupyterhub/k8s-hub", tag: "4.4.0" },
        resources: { requests: { cpu: "200m", memory: "512Mi" } },
        existingSecret: "hub-secret",
        extraFiles: { motd: { mountPath: "/etc/motd", stringData: "hi" } },
        extraVolumes: [{ name: "extra", emptyDir: {} }],
        extraVolumeMounts: [{ name: "extra", mountPath: "/extra" }],
        initContainers: [{ name: "clone", image: "alpine/git:2.45.2" }],
        extraContainers: [{ name: "side", image: "side:2" }],
        lifecycle: { preStop: { exec: { command: ["sleep", "5"] } } },
        extraPodSpec: { priorityClassName: "hub-critical" },
        annotations: { "example.org/owner": "events" },
      },
    };
    const hub = podLabelled(values, "the hub");
    assert.deepStrictEqual(hub.spec, {
      // values.yaml hub.podSecurityContext
      securityContext: { runAsNonRoot: true, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
      volumes: [
        { name: "config", configMap: { name: "hub" } },
        { name: "secret", secret: { secretName: "hub" } },
        { name: "existing-secret", secret: { secretName: "hub-secret" } },
        { name: "files", secret: { secretName: "hub" } },
        { name: "extra", emptyDir: {} },
        // values.yaml hub.db.type sqlite-pvc; NAMES jupyterhub.hub-pvc.fullname
        { name: "pvc", persistentVolumeClaim: { claimName: "hub-db-dir" } },
      ],
      initContainers: [{ name: "clone", image: "alpine/git:2.45.2" }],
      containers: [
        {
          name: "hub",
          image: "quay.io/jupyterhub/k8s-hub:4.4.0",
          // values.yaml hub.containerSecurityContext
          securityContext: { runAsUser: 1000, runAsGroup: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
          resources: { requests: { cpu: "200m", memory: "512Mi" } },
          volumeMounts: [{ name: "extra", mountPath: "/extra" }],
          lifecycle: { preStop: { exec: { command: ["sleep", "5"] } } },
        },
        { name: "side", image: "side:2" },
      ],
      priorityClassName: "hub-critical",
    });
    assertLocated(hub, [
      [[], "values.hub.extraPodSpec"],
      [["securityContext", "runAsNonRoot"], "values.hub.podSecurityContext.runAsNonRoot"],
      [["volumes", 0], "values.hub"],
      [["volumes", 1, "secret"], "values.hub.secret"],
      [["volumes", 2], "values.hub.existingSecret"],
      [["volumes", 3], "values.hub.extraFiles"],
      [["volumes", 4, "emptyDir"], "values.hub.extraVolumes[0].emptyDir"],
      [["volumes", 5], "values.hub.db"],
      [["initContainers", 0, "securityContext"], "values.hub.initContainers[0].securityContext"],
      [["containers", 0], "values.hub.containerSecurityContext"],
      [["containers", 0, "securityContext", "runAsUser"], "values.hub.containerSecurityContext.runAsUser"],
      [["containers", 0, "image"], "values.hub.image"],
      [["containers", 0, "resources", "limits"], "values.hub.resources.limits"],
      [["containers", 0, "lifecycle", "preStop"], "values.hub.lifecycle.preStop"],
      [["containers", 0, "volumeMounts", 0, "readOnly"], "values.hub.extraVolumeMounts[0].readOnly"],
      [["containers", 1, "securityContext"], "values.hub.extraContainers[0].securityContext"],
      [["priorityClassName"], "values.hub.extraPodSpec.priorityClassName"],
    ]);
    assert.deepStrictEqual([hub.annotations, hub.annotationsWhere], [{ "example.org/owner": "events" }, "values.hub.annotations"]);
    assert.strictEqual(hub.kind, "core");
  });

  it("adds no existing-secret, files or pvc volume when hub.existingSecret is empty, extraFiles has no entry and the database is not sqlite-pvc (HUB 55-80)", () => {
    const hub = podLabelled({ hub: { existingSecret: "", extraFiles: {}, db: { type: "mysql" }, image: { name: "quay.io/jupyterhub/k8s-hub" } } }, "the hub");
    assert.deepStrictEqual(get(hub.spec, "volumes"), [
      { name: "config", configMap: { name: "hub" } },
      { name: "secret", secret: { secretName: "hub" } },
    ]);
    // An image without a tag renders as "name:" (Helm prints a missing value as nothing).
    assert.strictEqual((get(hub.spec, "containers") as { image: string }[])[0]?.image, "quay.io/jupyterhub/k8s-hub:");
  });

  it("keeps out of the hub every field its values key leaves unset or null (Helm's `with` skips both)", () => {
    // corePods itself, without the chart's defaults: what is not in values is not in the pod.
    const bare = corePods({ hub: { podSecurityContext: null, extraPodSpec: { hostNetwork: undefined, dnsPolicy: null } } });
    assert.deepStrictEqual(bare.map((p) => p.label), ["the hub", "the proxy"]);
    assert.deepStrictEqual(bare[0]?.spec, {
      volumes: [
        { name: "config", configMap: { name: "hub" } },
        { name: "secret", secret: { secretName: "hub" } },
      ],
      containers: [{ name: "hub", volumeMounts: [] }],
    });
    assert.deepStrictEqual(bare[1]?.spec, { containers: [{ name: "chp" }] });
  });

  it("keeps the chart's defaults where a values key is given as undefined (Pulumi drops it from the release)", () => {
    const hub = podLabelled({ hub: { podSecurityContext: undefined } }, "the hub");
    assert.deepStrictEqual(get(hub.spec, "securityContext"), { runAsNonRoot: true, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } });
    assert.deepStrictEqual(effectiveValues({ proxy: { https: undefined } }).proxy, effectiveValues({}).proxy);
  });

  it("lists only the chart's volumes and no init container while hub.extraVolumes or hub.initContainers is unknown at preview", () => {
    const hub = podLabelled({ hub: { extraVolumes: UNKNOWN_STRING, initContainers: UNKNOWN_STRING, db: { type: "sqlite-memory" } } }, "the hub");
    assert.deepStrictEqual(get(hub.spec, "volumes"), [
      { name: "config", configMap: { name: "hub" } },
      { name: "secret", secret: { secretName: "hub" } },
    ]);
    assert.deepStrictEqual(Object.keys(hub.spec as object).sort(), ["containers", "securityContext", "volumes"], "no initContainers list");
  });

  it("renders the proxy: chp with its image, resources and restricted context, extraPodSpec last (PROXY 73-75, 115-118, 175-181)", () => {
    const proxy = podLabelled(
      {
        proxy: {
          chp: { image: { name: "quay.io/jupyterhub/configurable-http-proxy", tag: "5.2.0" }, resources: { requests: { memory: "256Mi" } }, extraPodSpec: { priorityClassName: "proxy" } },
          annotations: { "example.org/owner": "events" },
        },
      },
      "the proxy",
    );
    assert.deepStrictEqual(proxy.spec, {
      containers: [{ name: "chp", image: "quay.io/jupyterhub/configurable-http-proxy:5.2.0", resources: { requests: { memory: "256Mi" } }, securityContext: RESTRICTED_CONTEXT }],
      priorityClassName: "proxy",
    });
    assertLocated(proxy, [
      [[], "values.proxy.chp.extraPodSpec"],
      [["containers", 0], "values.proxy.chp.containerSecurityContext"],
      [["containers", 0, "securityContext", "runAsUser"], "values.proxy.chp.containerSecurityContext.runAsUser"],
      [["containers", 0, "image"], "values.proxy.chp.image"],
      [["containers", 0, "resources"], "values.proxy.chp.resources"],
      [["priorityClassName"], "values.proxy.chp.extraPodSpec.priorityClassName"],
    ]);
    assert.deepStrictEqual([proxy.annotations, proxy.annotationsWhere], [{ "example.org/owner": "events" }, "values.proxy.annotations"]);
  });

  it("mounts chp's certificate secret only with https enabled and type manual (the chart's secret) or secret (the user's) (PROXY 1-2, 59-69)", () => {
    const volumes = (https: Record<string, unknown>) => get(podLabelled({ proxy: { https } }, "the proxy").spec, "volumes");
    // NAMES: jupyterhub.proxy-public-manual-tls.fullname
    assert.deepStrictEqual(volumes({ enabled: true, type: "manual" }), [{ name: "tls-secret", secret: { secretName: "proxy-public-manual-tls" } }]);
    assert.deepStrictEqual(volumes({ enabled: true, type: "secret", secret: { name: "events-tls" } }), [{ name: "tls-secret", secret: { secretName: "events-tls" } }]);
    assert.strictEqual(podLabelled({ proxy: { https: { enabled: true, type: "manual" } } }, "the proxy").locate(["volumes", 0]), "values.proxy.https");
    for (const https of [{ enabled: false, type: "manual" }, { enabled: false, type: "secret", secret: { name: "events-tls" } }, { enabled: true, type: "letsencrypt", secret: { name: "events-tls" } }, { enabled: true, type: "offload" }]) {
      assert.strictEqual(volumes(https), undefined, `no volume with ${JSON.stringify(https)}`);
    }
  });

  it("renders the autohttps pod with its volumes, load-acme, traefik and secret-sync (AUTO 48-58, 60-90, 94-151)", () => {
    const values = {
      proxy: {
        https: { enabled: true, hosts: ["hub.example.org"] },
        traefik: {
          image: { name: "traefik", tag: "v3.6.12" },
          resources: { requests: { memory: "128Mi" } },
          extraVolumes: [{ name: "extra", emptyDir: {} }],
          extraVolumeMounts: [{ name: "extra", mountPath: "/extra" }],
          extraInitContainers: [{ name: "wait", image: "busybox:1.37" }],
          extraPodSpec: { priorityClassName: "edge" },
        },
        secretSync: { image: { name: "quay.io/jupyterhub/k8s-secret-sync", tag: "4.4.0" }, resources: { requests: { memory: "64Mi" } } },
      },
    };
    const auto = podLabelled(values, "the autohttps (traefik) pod");
    const secretSync = (name: string) => ({ name, image: "quay.io/jupyterhub/k8s-secret-sync:4.4.0", securityContext: RESTRICTED_CONTEXT, resources: { requests: { memory: "64Mi" } } });
    assert.deepStrictEqual(auto.spec, {
      volumes: [
        { name: "certificates", emptyDir: {} },
        // NAMES: jupyterhub.autohttps.fullname
        { name: "traefik-config", configMap: { name: "autohttps" } },
        { name: "extra", emptyDir: {} },
      ],
      initContainers: [secretSync("load-acme"), { name: "wait", image: "busybox:1.37" }],
      containers: [
        { name: "traefik", image: "traefik:v3.6.12", securityContext: RESTRICTED_CONTEXT, resources: { requests: { memory: "128Mi" } }, volumeMounts: [{ name: "extra", mountPath: "/extra" }] },
        secretSync("secret-sync"),
      ],
      priorityClassName: "edge",
    });
    assertLocated(auto, [
      [[], "values.proxy.traefik.extraPodSpec"],
      [["volumes", 0], "values.proxy.https"],
      [["volumes", 1], "values.proxy.https"],
      [["volumes", 2], "values.proxy.traefik.extraVolumes[0]"],
      [["initContainers", 0], "values.proxy.secretSync.containerSecurityContext"],
      [["initContainers", 0, "image"], "values.proxy.secretSync.image"],
      [["initContainers", 0, "resources"], "values.proxy.secretSync.resources"],
      [["initContainers", 1, "securityContext"], "values.proxy.traefik.extraInitContainers[0].securityContext"],
      [["containers", 0, "securityContext"], "values.proxy.traefik.containerSecurityContext"],
      [["containers", 0, "image"], "values.proxy.traefik.image"],
      [["containers", 0, "resources"], "values.proxy.traefik.resources"],
      [["containers", 0, "volumeMounts", 0, "readOnly"], "values.proxy.traefik.extraVolumeMounts[0].readOnly"],
      [["containers", 1, "securityContext", "runAsUser"], "values.proxy.secretSync.containerSecurityContext.runAsUser"],
      [["containers", 1, "image"], "values.proxy.secretSync.image"],
      [["priorityClassName"], "values.proxy.traefik.extraPodSpec.priorityClassName"],
    ]);
    assert.deepStrictEqual([auto.annotations, auto.annotationsWhere], [undefined, "values.proxy.traefik.extraPodSpec.metadata"]);
  });

  it("deploys autohttps only with https enabled, at least one host and type letsencrypt (AUTO 1-3)", () => {
    const deployed = (https: unknown) => labels({ proxy: { https } }).includes("the autohttps (traefik) pod");
    assert.strictEqual(deployed({ enabled: true, hosts: ["hub.example.org"], type: "letsencrypt" }), true);
    assert.strictEqual(deployed({ enabled: true, hosts: ["hub.example.org"] }), true, "letsencrypt is values.yaml's type");
    assert.strictEqual(deployed({ enabled: false, hosts: ["hub.example.org"] }), false, "https disabled");
    assert.strictEqual(deployed({ enabled: true, hosts: [] }), false, "no host");
    assert.strictEqual(deployed({ enabled: true, hosts: UNKNOWN_STRING }), false, "hosts unknown at preview");
    assert.strictEqual(deployed({ enabled: true, hosts: ["hub.example.org"], type: "manual" }), false, "type manual");
  });

  it("renders the user scheduler and the placeholders, each only when enabled (SCHED 1, 44-53, 81-91; PH 10, 59-82)", () => {
    const values = {
      scheduling: {
        userScheduler: {
          image: { name: "registry.k8s.io/kube-scheduler", tag: "v1.30.14" },
          resources: { requests: { cpu: "50m" } },
          extraPodSpec: { priorityClassName: "sched" },
          annotations: { "example.org/a": "s" },
        },
        userPlaceholder: {
          image: { name: "registry.k8s.io/pause", tag: "3.10.1" },
          resources: { requests: { memory: "2G" } },
          extraPodSpec: { runtimeClassName: "gvisor" },
          annotations: { "example.org/a": "p" },
        },
      },
    };
    const scheduler = podLabelled(values, "the user scheduler");
    assert.deepStrictEqual(scheduler.spec, {
      // NAMES: jupyterhub.user-scheduler-deploy.fullname
      volumes: [{ name: "config", configMap: { name: "user-scheduler" } }],
      containers: [{ name: "kube-scheduler", image: "registry.k8s.io/kube-scheduler:v1.30.14", securityContext: RESTRICTED_CONTEXT, resources: { requests: { cpu: "50m" } } }],
      priorityClassName: "sched",
    });
    assertLocated(scheduler, [
      [[], "values.scheduling.userScheduler.extraPodSpec"],
      [["volumes", 0], "values.scheduling.userScheduler"],
      [["containers", 0], "values.scheduling.userScheduler.containerSecurityContext"],
      [["containers", 0, "image"], "values.scheduling.userScheduler.image"],
      [["containers", 0, "resources"], "values.scheduling.userScheduler.resources"],
      [["priorityClassName"], "values.scheduling.userScheduler.extraPodSpec.priorityClassName"],
    ]);
    assert.deepStrictEqual([scheduler.annotations, scheduler.annotationsWhere], [{ "example.org/a": "s" }, "values.scheduling.userScheduler.annotations"]);

    const placeholders = podLabelled(values, "the user placeholders");
    assert.deepStrictEqual(placeholders.spec, {
      automountServiceAccountToken: false,
      containers: [{ name: "pause", image: "registry.k8s.io/pause:3.10.1", securityContext: RESTRICTED_CONTEXT, resources: { requests: { memory: "2G" } } }],
      runtimeClassName: "gvisor",
    });
    assertLocated(placeholders, [
      [[], "values.scheduling.userPlaceholder.extraPodSpec"],
      [["automountServiceAccountToken"], "values.scheduling.userPlaceholder"],
      [["containers", 0], "values.scheduling.userPlaceholder.containerSecurityContext"],
      [["containers", 0, "image"], "values.scheduling.userPlaceholder.image"],
      [["containers", 0, "resources"], "values.scheduling.userPlaceholder.resources"],
      [["runtimeClassName"], "values.scheduling.userPlaceholder.extraPodSpec.runtimeClassName"],
    ]);
    assert.deepStrictEqual([placeholders.annotations, placeholders.annotationsWhere], [{ "example.org/a": "p" }, "values.scheduling.userPlaceholder.annotations"]);

    assert.deepStrictEqual(labels({ scheduling: { userScheduler: { enabled: false }, userPlaceholder: { enabled: false } } }).slice(0, 3), ["the hub", "the proxy", "the continuous image puller"]);
  });

  it("pulls every image a user pod may run in the pullers' init containers, and runs pause (PULL 93-236; JOB 54-75)", () => {
    const values = {
      singleuser: {
        image: { name: "quay.io/jupyterhub/k8s-singleuser-sample", tag: "4.4.0" },
        networkTools: { image: { name: "quay.io/jupyterhub/k8s-network-tools", tag: "4.4.0" } },
        initContainers: [{ name: "fetch", image: "git-sync:4.2.1" }],
        extraContainers: [{ name: "side", image: "side:2" }],
        profileList: [
          {
            display_name: "A",
            kubespawner_override: { image: "x/a:1" },
            profile_options: { img: { choices: { one: { kubespawner_override: { image: "x/one:1" } }, plain: { kubespawner_override: { mem_limit: "1G" } } } } },
          },
          { display_name: "B", kubespawner_override: { cpu_limit: 2 } },
        ],
      },
      prePuller: {
        resources: { requests: { cpu: "0", memory: "0" } },
        extraImages: { tools: { name: "x/tools", tag: "2" }, bare: { name: "x/bare" } },
        pause: { image: { name: "registry.k8s.io/pause", tag: "3.10.1" } },
        hook: { image: { name: "quay.io/jupyterhub/k8s-image-awaiter", tag: "4.4.0" }, resources: { requests: { memory: "32Mi" } } },
        annotations: { "example.org/a": "pull" },
      },
    };
    const resources = { requests: { cpu: "0", memory: "0" } };
    const pull = (name: string, image: string) => ({ name, image, command: ["/bin/sh", "-c", 'echo "Pulling complete"'], resources, securityContext: RESTRICTED_CONTEXT });
    const pullerSpec = {
      automountServiceAccountToken: false,
      initContainers: [
        // PULL 99-118: values.yaml's blockWithIptables true
        pull("image-pull-metadata-block", "quay.io/jupyterhub/k8s-network-tools:4.4.0"),
        pull("image-pull-singleuser", "quay.io/jupyterhub/k8s-singleuser-sample:4.4.0"),
        pull("image-pull-singleuser-init-and-extra-containers-0", "git-sync:4.2.1"),
        pull("image-pull-singleuser-init-and-extra-containers-1", "side:2"),
        pull("image-pull-singleuser-profilelist-0", "x/a:1"),
        pull("image-pull-profile-0-option-img-one", "x/one:1"),
        pull("image-pull-tools", "x/tools:2"),
        pull("image-pull-bare", "x/bare:"),
      ],
      containers: [{ name: "pause", image: "registry.k8s.io/pause:3.10.1", resources, securityContext: RESTRICTED_CONTEXT }],
    };
    for (const label of ["the continuous image puller", "the hook image puller"]) {
      const puller = podLabelled(values, label);
      assert.deepStrictEqual(puller.spec, pullerSpec, label);
      assertLocated(puller, [
        [[], "values.prePuller"],
        [["automountServiceAccountToken"], "values.prePuller"],
        [["initContainers", 0], "values.prePuller.containerSecurityContext"],
        [["initContainers", 0, "securityContext", "runAsUser"], "values.prePuller.containerSecurityContext.runAsUser"],
        [["initContainers", 0, "resources"], "values.prePuller.resources"],
        [["initContainers", 0, "image"], "values.singleuser.networkTools.image"],
        [["initContainers", 1, "image"], "values.singleuser.image"],
        [["initContainers", 2, "image"], "values.singleuser.initContainers[0].image"],
        [["initContainers", 3, "image"], "values.singleuser.extraContainers[0].image"],
        [["initContainers", 4, "image"], "values.singleuser.profileList[0].kubespawner_override.image"],
        [["initContainers", 5, "image"], "values.singleuser.profileList[0].profile_options.img.choices.one.kubespawner_override.image"],
        [["initContainers", 6, "image"], "values.prePuller.extraImages.tools"],
        [["containers", 0, "securityContext"], "values.prePuller.pause.containerSecurityContext"],
        [["containers", 0, "image"], "values.prePuller.pause.image"],
        [["containers", 0, "resources"], "values.prePuller.resources"],
      ]);
      assert.deepStrictEqual([puller.annotations, puller.annotationsWhere], [{ "example.org/a": "pull" }, "values.prePuller.annotations"], label);
    }
    const awaiter = podLabelled(values, "the image awaiter");
    assert.deepStrictEqual(awaiter.spec, {
      // NAMES: jupyterhub.hook-image-awaiter.fullname
      containers: [{ name: "hook-image-awaiter", image: "quay.io/jupyterhub/k8s-image-awaiter:4.4.0", securityContext: RESTRICTED_CONTEXT, resources: { requests: { memory: "32Mi" } } }],
    });
    assertLocated(awaiter, [
      [[], "values.prePuller.hook"],
      [["containers", 0], "values.prePuller.hook.containerSecurityContext"],
      [["containers", 0, "image"], "values.prePuller.hook.image"],
      [["containers", 0, "resources"], "values.prePuller.hook.resources"],
    ]);
    assert.deepStrictEqual([awaiter.annotations, awaiter.annotationsWhere], [{ "example.org/a": "pull" }, "values.prePuller.annotations"]);
  });

  it("pulls no profile image without pullProfileListImages, none while the profile list is unknown, and no metadata-block image without iptables (PULL 99-100, 155)", () => {
    const pulled = (values: Record<string, unknown>) =>
      (get(podLabelled(values, "the continuous image puller").spec, "initContainers") as { name: string }[]).map((c) => c.name);
    const profiles = [{ display_name: "A", kubespawner_override: { image: "x/a:1" } }];
    assert.deepStrictEqual(pulled({ singleuser: { profileList: profiles }, prePuller: { pullProfileListImages: false } }), ["image-pull-metadata-block", "image-pull-singleuser"]);
    // Without prePuller.resources (values.yaml: {}), no resources field (PULL 127: `with`).
    const [first] = get(podLabelled({ singleuser: { image: { name: "quay.io/jupyterhub/k8s-singleuser-sample", tag: "4.4.0" }, cloudMetadata: { blockWithIptables: false } } }, "the continuous image puller").spec, "initContainers") as unknown[];
    assert.deepStrictEqual(first, { name: "image-pull-singleuser", image: "quay.io/jupyterhub/k8s-singleuser-sample:4.4.0", command: ["/bin/sh", "-c", 'echo "Pulling complete"'], securityContext: RESTRICTED_CONTEXT });
    // corePods alone: userPods does not yet take an unknown profileList (reported, userPods.ts is not this file's).
    const whileUnknown = corePods(effectiveValues({ singleuser: { profileList: UNKNOWN_STRING } })).find((p) => p.label === "the continuous image puller");
    assert.deepStrictEqual((get(whileUnknown?.spec, "initContainers") as { name: string }[]).map((c) => c.name), ["image-pull-metadata-block", "image-pull-singleuser"]);
    assert.deepStrictEqual(pulled({ singleuser: { profileList: profiles, cloudMetadata: { blockWithIptables: false } } }), ["image-pull-singleuser", "image-pull-singleuser-profilelist-0"]);
  });

  it("deploys each image puller only when enabled, and the awaiter with the hook (PULL; JOB 8)", () => {
    const pullers = (prePuller: Record<string, unknown>) => labels({ prePuller }).slice(4);
    assert.deepStrictEqual(pullers({ continuous: { enabled: false } }), ["the hook image puller", "the image awaiter"]);
    assert.deepStrictEqual(pullers({ hook: { enabled: false } }), ["the continuous image puller"]);
    assert.deepStrictEqual(pullers({ hook: { enabled: false }, continuous: { enabled: false } }), []);
  });

  it("keeps the chart's iptables container out of a user pod's containers, with the switch and fix that remove it (pods.ts)", () => {
    const [pod] = userPods({});
    assert.ok(pod);
    assert.strictEqual(pod.kind, "user");
    assert.strictEqual(pod.where, pod.locate([]));
    assert.deepStrictEqual(pod.chartBuilt, [
      { name: "block-cloud-metadata", path: ["initContainers", 0], switch: "values.singleuser.cloudMetadata.blockWithIptables", fix: "false (and block the metadata server with NetworkPolicy)" },
    ]);
    assert.deepStrictEqual(pod.containers.map((c) => c.path), [["containers", 0]], "the notebook container only");
  });
});

describe("policy pack: what a user is told about the chart's own pods", () => {
  const autohttps = values("proxy.https", { enabled: true, hosts: [HUB] });
  itRunsCases(
    [
      {
        policy: "jupyterhub-pod-security",
        title: "a hostPath volume added to the autohttps pod",
        mutate: all(autohttps, values("proxy.traefik.extraVolumes", [{ name: "host", hostPath: { path: "/var/run" } }])),
        expect:
          'In the autohttps (traefik) pod: Pods must not mount node or network volumes: set values.proxy.traefik.extraVolumes[0] to one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret (found: "hostPath").',
      },
      {
        policy: "jupyterhub-pod-security",
        title: "image pullers whose pulling containers run as root",
        mutate: values("prePuller.containerSecurityContext.runAsUser", 0),
        expect: "In the continuous image puller; the hook image puller: Containers must not run as root: set values.prePuller.containerSecurityContext.runAsUser to a non-zero uid (found: 0).",
      },
    ],
    [{ policy: "jupyterhub-pod-security", title: "the autohttps pod as the chart's defaults render it", mutate: autohttps }],
  );
});
