// The pod derivation (policy-pack/policies/z2jh/pods.ts) against what the upstream code does, read at the
// pinned tags (KubeSpawner cannot run here: it needs kubernetes_asyncio and JupyterHub >= 4, neither
// installable offline). Each case cites the lines it follows:
//   KS  = jupyterhub/kubespawner 7.0.0 (a8f28439): kubespawner/spawner.py, objects.py, utils.py
//   JHC = jupyterhub/zero-to-jupyterhub-k8s 4.4.0 (5c5f5df7): jupyterhub/files/hub/jupyterhub_config.py
//   TPL = the same tag's jupyterhub/templates/

import * as assert from "assert";
import { get } from "../../policy-pack/policies/core";
import { derivePods, userPods, type DerivedPod } from "../../policy-pack/policies/z2jh/pods";
import { USER_INPUT } from "../../policy-pack/policies/z2jh/userPods";

const notebook = (pod: DerivedPod) => (get(pod.spec, "containers") as Record<string, unknown>[])[0] as Record<string, unknown>;
const only = (pods: DerivedPod[], label: string) => {
  const found = pods.filter((p) => p.label === label);
  assert.strictEqual(found.length, 1, `${label} among ${pods.map((p) => p.label).join(" | ")}`);
  return found[0] as DerivedPod;
};

describe("policy pack: pods derived from Z2JH values", () => {
  it("maps singleuser.* to the user pod as JHC does, over the chart's defaults", () => {
    const [pod] = userPods({ singleuser: { image: { name: "quay.io/jupyter/base-notebook", tag: "2025-01-06" }, memory: { limit: "4G" } } });
    assert.ok(pod);
    // JHC: uid 1000, fsGid 100 and allowPrivilegeEscalation false are the chart's defaults; image is name:tag.
    assert.deepStrictEqual(notebook(pod).securityContext, { runAsUser: 1000, allowPrivilegeEscalation: false });
    assert.deepStrictEqual(get(pod.spec, "securityContext"), { fsGroup: 100 });
    assert.strictEqual(notebook(pod).image, "quay.io/jupyter/base-notebook:2025-01-06");
    // KS objects.py 570-575: a limit only for a truthy trait; the chart's 1G guarantee is a request.
    assert.deepStrictEqual(notebook(pod).resources, { requests: { memory: "1G" }, limits: { memory: "4G" } });
    // JHC 482 (blockWithIptables defaults to true): the privileged init container, kept apart as chart-built.
    assert.deepStrictEqual(pod.chartBuilt.map((c) => c.name), ["block-cloud-metadata"]);
    // KS objects.py 557: no service account → no API token.
    assert.strictEqual(get(pod.spec, "automountServiceAccountToken"), false);
    // JHC: the dynamic home volume, per user.
    assert.deepStrictEqual(get(pod.spec, "volumes"), [{ name: "volume-{user_server}", persistentVolumeClaim: { claimName: "{pvc_name}" } }]);
  });

  it("lets hub.config.KubeSpawner replace what the chart set (JHC 500-526: c[section].update(cfg))", () => {
    const [pod] = userPods({
      singleuser: { initContainers: [{ name: "a", image: "a:1" }] },
      hub: { config: { KubeSpawner: { init_containers: [{ name: "b", image: "b:1" }], uid: 2000 }, Spawner: { uid: 3000, mem_limit: "2G" } } },
    });
    assert.ok(pod);
    // The replacement also drops the iptables container the chart had appended to the list.
    assert.deepStrictEqual((get(pod.spec, "initContainers") as { name: string }[]).map((c) => c.name), ["b"]);
    assert.deepStrictEqual(pod.chartBuilt, []);
    // traitlets: a KubeSpawner section wins over a Spawner one; a Spawner trait applies where KubeSpawner has none.
    assert.strictEqual(get(notebook(pod), "securityContext.runAsUser"), 2000);
    assert.strictEqual(get(notebook(pod), "resources.limits.memory"), "2G");
    assert.strictEqual(pod.locate(["containers", 0, "securityContext", "runAsUser"]), "values.hub.config.KubeSpawner.uid");
  });

  it("merges a dict override into a dict trait, deleting keys set to None, and replaces everything else (KS spawner.py 3614-3640, utils.py 209)", () => {
    const pods = userPods({
      singleuser: {
        cloudMetadata: { blockWithIptables: false },
        initContainers: [{ name: "a", image: "a:1" }],
        profileList: [
          {
            display_name: "P",
            kubespawner_override: {
              container_security_context: { runAsUser: 1001, seccompProfile: null },
              init_containers: [{ name: "c", image: "c:1" }],
              cpu_limit: 4,
            },
          },
        ],
      },
      hub: { config: { KubeSpawner: { container_security_context: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } } } },
    });
    const pod = only(pods, 'user servers, profile "P"');
    assert.deepStrictEqual(notebook(pod).securityContext, { runAsUser: 1001, allowPrivilegeEscalation: false, runAsNonRoot: true });
    assert.strictEqual(pod.locate(["containers", 0, "securityContext", "seccompProfile", "type"]), "values.singleuser.profileList[0].kubespawner_override.container_security_context.seccompProfile.type");
    assert.deepStrictEqual((get(pod.spec, "initContainers") as { name: string }[]).map((c) => c.name), ["c"]);
    assert.strictEqual(get(notebook(pod), "resources.limits.cpu"), 4);
  });

  it("container_security_context wins over uid and privileged (KS objects.py 463)", () => {
    const [pod] = userPods({ singleuser: { uid: 0 }, hub: { config: { KubeSpawner: { privileged: true, container_security_context: { runAsUser: 1000, privileged: false } } } } });
    assert.ok(pod);
    assert.strictEqual(get(notebook(pod), "securityContext.runAsUser"), 1000);
    assert.strictEqual(get(notebook(pod), "securityContext.privileged"), false);
  });

  it("applies the profile's override, then each option's choice, with the first choice as default (KS spawner.py 3642-3735)", () => {
    const pods = userPods({
      singleuser: {
        profileList: [
          {
            display_name: "Data",
            kubespawner_override: { image: "x/base:1" },
            profile_options: {
              image: { choices: { one: { kubespawner_override: { image: "x/one:1" } }, two: { default: true, kubespawner_override: { image_spec: "x/two:1" } } } },
              size: { choices: { s: { kubespawner_override: { mem_limit: "1G" } } }, unlisted_choice: { enabled: true, kubespawner_override: { mem_limit: "{value}" } } },
            },
          },
        ],
      },
    });
    assert.deepStrictEqual(
      pods.map((p) => [p.label, notebook(p).image, get(notebook(p), "resources.limits.memory")]),
      [
        ['user servers, profile "Data" (image = "one", size = "s")', "x/one:1", "1G"],
        ['user servers, profile "Data" (image = "one", size typed by the user)', "x/one:1", USER_INPUT],
        // KS spawner.py 1926: image_spec is the deprecated name of image.
        ['user servers, profile "Data" (image = "two", size = "s")', "x/two:1", "1G"],
        ['user servers, profile "Data" (image = "two", size typed by the user)', "x/two:1", USER_INPUT],
      ],
    );
    assert.deepStrictEqual(pods[1]?.variant?.freeText, [{ option: "size", where: "values.singleuser.profileList[0].profile_options.size.unlisted_choice", traits: ["mem_limit"] }]);
  });

  it("lets extra_pod_config and extra_container_config replace whole fields, snake_case or camelCase (KS objects.py 577, 685; utils.py 34)", () => {
    const [pod] = userPods({
      singleuser: { extraPodConfig: { security_context: { runAsUser: 0 }, host_pid: true } },
      hub: { config: { KubeSpawner: { extra_container_config: { securityContext: { privileged: true } } } } },
    });
    assert.ok(pod);
    assert.deepStrictEqual(get(pod.spec, "securityContext"), { runAsUser: 0 });
    assert.strictEqual(get(pod.spec, "hostPID"), true);
    assert.deepStrictEqual(notebook(pod).securityContext, { privileged: true });
    assert.strictEqual(pod.locate(["hostPID"]), "values.singleuser.extraPodConfig.host_pid");
    assert.strictEqual(pod.locate(["containers", 0, "securityContext", "runAsNonRoot"]), "values.hub.config.KubeSpawner.extra_container_config.securityContext.runAsNonRoot");
  });

  it("mounts a service account's token unless the trait says otherwise (KS objects.py 553-559)", () => {
    const [pod] = userPods({ singleuser: { serviceAccountName: "users" } });
    assert.ok(pod);
    assert.strictEqual(get(pod.spec, "serviceAccountName"), "users");
    assert.strictEqual(get(pod.spec, "automountServiceAccountToken"), undefined);
  });

  it("builds the volumes and mounts of extraFiles and extraVolumes, sorted by key (JHC storage and extraFiles; KS spawner.py 2134)", () => {
    const [pod] = userPods({
      singleuser: {
        storage: { type: "none", extraVolumes: [{ name: "shared", persistentVolumeClaim: { claimName: "data" } }], extraVolumeMounts: [{ name: "shared", mountPath: "/shared", readOnly: true }] },
        extraFiles: { motd: { mountPath: "/etc/motd", stringData: "hi" } },
      },
    });
    assert.ok(pod);
    assert.deepStrictEqual((get(pod.spec, "volumes") as { name: string }[]).map((v) => v.name), ["files", "shared"]);
    assert.strictEqual(pod.locate(["volumes", 1]), "values.singleuser.storage.extraVolumes[0]");
    assert.strictEqual(pod.locate(["containers", 0, "volumeMounts", 1, "readOnly"]), "values.singleuser.storage.extraVolumeMounts[0].readOnly");
  });

  it("derives the chart's own pods, with what values add and extraPodSpec last (TPL hub/deployment.yaml 35-243, proxy, autohttps, scheduling, image-puller)", () => {
    const pods = derivePods({
      hub: { initContainers: [{ name: "clone", image: "alpine/git:2.45.2" }], extraPodSpec: { securityContext: { runAsNonRoot: false } } },
      proxy: { https: { enabled: true, hosts: ["hub.example.org"] }, traefik: { extraVolumes: [{ name: "x", hostPath: { path: "/x" } }] } },
      singleuser: { extraContainers: [{ name: "side", image: "side:2" }] },
    });
    const hub = only(pods, "the hub");
    assert.deepStrictEqual(get(hub.spec, "securityContext"), { runAsNonRoot: false });
    assert.strictEqual(hub.locate(["securityContext", "runAsNonRoot"]), "values.hub.extraPodSpec.securityContext.runAsNonRoot");
    assert.strictEqual(hub.locate(["initContainers", 0, "securityContext"]), "values.hub.initContainers[0].securityContext");
    const autohttps = only(pods, "the autohttps (traefik) pod");
    assert.strictEqual(autohttps.locate(["volumes", 2]), "values.proxy.traefik.extraVolumes[0]");
    // The chart's defaults deploy the user scheduler, placeholders and both image pullers.
    for (const label of ["the proxy", "the user scheduler", "the user placeholders", "the continuous image puller", "the hook image puller", "the image awaiter"]) only(pods, label);
    // image-puller/_helpers-daemonset.tpl 137-152: extra containers' images are pulled with the puller's context.
    const puller = only(pods, "the continuous image puller");
    assert.ok((get(puller.spec, "initContainers") as { image: string }[]).some((c) => c.image === "side:2"));
    // No autohttps pod without hosts (proxy/autohttps/deployment.yaml 1-3).
    assert.ok(!derivePods({ proxy: { https: { enabled: true } } }).some((p) => p.label === "the autohttps (traefik) pod"));
  });
});
