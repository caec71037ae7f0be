// The user-server pods the pack derives from Z2JH values (policy-pack/policies/z2jh/userPods.ts, through
// pods.ts), compared whole with the pod written out from the upstream code, and the values key each part
// is located at (the `where` every finding names). Read at the pinned tags:
//   JHC = jupyterhub/zero-to-jupyterhub-k8s 4.4.0: jupyterhub/files/hub/jupyterhub_config.py
//   KS  = jupyterhub/kubespawner 7.0.0: kubespawner/spawner.py, objects.py (`make_pod`), utils.py
// The pod is compared as Kubernetes receives it: the client drops keys whose value is None
// (`sanitize_for_serialization`), as JSON does with undefined.

import * as assert from "assert";
import { UNKNOWN_SENTINEL } from "../../policy-pack/policies/core";
import { policyNamed } from "./caseRunner";
import { secureStack } from "./fixtures";
import { values } from "./mutations";
import { check } from "./support";
import { userPods, type DerivedPod } from "../../policy-pack/policies/z2jh/pods";
import { baseTraits, CHART_BUILT, USER_INPUT } from "../../policy-pack/policies/z2jh/userPods";

const specOf = (pod: DerivedPod) => pod.spec as Record<string, unknown>;
const sent = (pod: DerivedPod): unknown => JSON.parse(JSON.stringify(pod.spec));
const onePod = (values: Record<string, unknown>): DerivedPod => {
  const pods = userPods(values);
  assert.strictEqual(pods.length, 1, `one user pod, got ${pods.map((p) => p.label).join(" | ")}`);
  return pods[0] as DerivedPod;
};
const IMAGE = { name: "quay.io/jupyter/base-notebook", tag: "2025-01-06" };

/** JHC 452-482: the init container `blockWithIptables: true` (the chart's default) appends. */
const iptables = (image: string) => ({
  name: "block-cloud-metadata",
  image,
  command: ["iptables", "--append", "OUTPUT", "--protocol", "tcp", "--destination", "169.254.169.254", "--destination-port", "80", "--jump", "DROP"],
  securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ["NET_ADMIN"] } },
  [CHART_BUILT]: { switch: "values.singleuser.cloudMetadata.blockWithIptables", fix: "false (and block the metadata server with NetworkPolicy)" },
});

function assertLocations(pod: DerivedPod, expected: readonly (readonly [readonly (string | number)[], string])[]): void {
  for (const [path, where] of expected) assert.strictEqual(pod.locate(path), where, `where ${JSON.stringify(path)} is set`);
}

describe("policy pack: the user pod derived from the chart's defaults (z2jh/userPods.ts)", () => {
  it("is KubeSpawner's pod for the chart's defaults: uid 1000, fsGroup 100, a dynamic home, the iptables init container, no API token", () => {
    const pod = onePod({ singleuser: { image: IMAGE } });
    assert.deepStrictEqual(sent(pod), {
      // KS objects.py 431-433: fsGroup from fs_gid (JHC: singleuser.fsGid, 100).
      securityContext: { fsGroup: 100 },
      containers: [
        {
          name: "notebook",
          // JHC 183-189: name:tag.
          image: "quay.io/jupyter/base-notebook:2025-01-06",
          // KS objects.py 448-456: runAsUser from uid (1000); allowPrivilegeEscalation (JHC 196: false).
          securityContext: { runAsUser: 1000, allowPrivilegeEscalation: false },
          // KS objects.py 561-575: the chart's memory.guarantee 1G as a request; no limit for an unset one.
          resources: { requests: { memory: "1G" }, limits: {} },
          // JHC 285-291: the home at homeMountPath, dynamic.subPath unset.
          volumeMounts: [{ mountPath: "/home/jovyan", name: "volume-{user_server}" }],
          // KS objects.py 393, 535: lifecycle_hooks (the chart's {}) is passed to V1Container as it is.
          lifecycle: {},
        },
      ],
      initContainers: [iptables("quay.io/jupyterhub/k8s-network-tools:4.4.0")],
      // JHC 279-284.
      volumes: [{ name: "volume-{user_server}", persistentVolumeClaim: { claimName: "{pvc_name}" } }],
      // KS objects.py 553-559: no service account and no automount trait.
      automountServiceAccountToken: false,
    });
    assert.deepStrictEqual(pod.chartBuilt, [
      { name: "block-cloud-metadata", path: ["initContainers", 0], switch: "values.singleuser.cloudMetadata.blockWithIptables", fix: "false (and block the metadata server with NetworkPolicy)" },
    ]);
    assert.strictEqual(pod.label, "user servers");
    assert.strictEqual(pod.where, "values.singleuser.extraPodConfig");
    assert.deepStrictEqual(pod.annotations, {});
    assert.strictEqual(pod.annotationsWhere, "values.singleuser.extraAnnotations");
    assertLocations(pod, [
      [["securityContext"], "values.hub.config.KubeSpawner.pod_security_context"],
      [["securityContext", "fsGroup"], "values.singleuser.fsGid"],
      [["containers", 0, "image"], "values.singleuser.image"],
      [["containers", 0, "securityContext"], "values.hub.config.KubeSpawner.container_security_context"],
      [["containers", 0, "securityContext", "runAsUser"], "values.singleuser.uid"],
      [["containers", 0, "securityContext", "allowPrivilegeEscalation"], "values.singleuser.allowPrivilegeEscalation"],
      [["containers", 0, "resources", "requests", "memory"], "values.singleuser.memory.guarantee"],
      [["containers", 0, "resources", "requests", "cpu"], "values.singleuser.cpu.guarantee"],
      [["containers", 0, "resources", "limits", "cpu"], "values.singleuser.cpu.limit"],
      [["containers", 0, "resources", "limits", "memory"], "values.singleuser.memory.limit"],
      [["containers", 0, "volumeMounts", 0], "values.singleuser.storage"],
      [["containers", 0, "lifecycle"], "values.singleuser.lifecycleHooks"],
      [["containers", 0, "env"], "values.singleuser.extraPodConfig.containers[0].env"],
      [["initContainers", 0], "values.singleuser.cloudMetadata.blockWithIptables"],
      [["volumes", 0, "persistentVolumeClaim"], "values.singleuser.storage.persistentVolumeClaim"],
      [["serviceAccountName"], "values.singleuser.serviceAccountName"],
      [["automountServiceAccountToken"], "values.hub.config.KubeSpawner.automount_service_account_token"],
      [["hostNetwork"], "values.singleuser.extraPodConfig.hostNetwork"],
    ]);
  });

  it("is the pod for a full singleuser configuration: static home, extra files, volumes, env, resources, groups, a service account", () => {
    const pod = onePod({
      singleuser: {
        // JHC 184-187: an empty tag leaves the name alone.
        image: { name: "quay.io/jupyter/scipy-notebook", tag: "" },
        uid: 1001,
        fsGid: 101,
        serviceAccountName: "users",
        storage: {
          type: "static",
          static: { pvcName: "homes", subPath: "home/{username}" },
          extraVolumes: { shared: { name: "shared", nfs: { server: "10.0.0.2", path: "/s" } }, cache: { name: "cache", emptyDir: {} } },
          extraVolumeMounts: { shared: { name: "shared", mountPath: "/shared", readOnly: true } },
        },
        extraFiles: { motd: { mountPath: "/etc/motd", mode: 292 }, "start.sh": { mountPath: "/usr/local/bin/start.sh" } },
        lifecycleHooks: { postStart: { exec: { command: ["sh", "-c", "true"] } } },
        extraEnv: { A_VAR: "1", B_VAR: { valueFrom: { secretKeyRef: { name: "s", key: "k" } } } },
        cpu: { limit: 2, guarantee: 0.5 },
        memory: { limit: "4G", guarantee: "2G" },
        extraResource: { limits: { "nvidia.com/gpu": 1 }, guarantees: { "ephemeral-storage": "1Gi" } },
        networkTools: { image: { name: "mirror.example/network-tools", tag: "4.4.0-x" } },
        extraAnnotations: { "a.example/x": "y" },
        initContainers: [{ name: "init", image: "init:1" }],
        extraContainers: [{ name: "side", image: "side:1" }],
      },
      hub: { config: { KubeSpawner: { gid: 100, supplemental_gids: [100, 200], privileged: true } } },
    });
    assert.deepStrictEqual(sent(pod), {
      // KS objects.py 431-435.
      securityContext: { fsGroup: 101, supplementalGroups: [100, 200] },
      containers: [
        {
          name: "notebook",
          image: "quay.io/jupyter/scipy-notebook",
          // KS objects.py 448-456: uid, gid, privileged (only when true), allowPrivilegeEscalation.
          securityContext: { runAsUser: 1001, runAsGroup: 100, privileged: true, allowPrivilegeEscalation: false },
          // KS objects.py 561-575: guarantees as requests, limits as limits, the extra resources added.
          resources: { requests: { cpu: 0.5, memory: "2G", "ephemeral-storage": "1Gi" }, limits: { cpu: 2, memory: "4G", "nvidia.com/gpu": 1 } },
          // KS objects.py 477-487: a string value becomes {name, value}; a dict gets its name.
          env: [
            { name: "A_VAR", value: "1" },
            { name: "B_VAR", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
          ],
          // JHC 301-307 (static home), 334-340 (`{idx}-files`), 351-352 (dict update); KS: sorted by key.
          volumeMounts: [
            { mountPath: "/etc/motd", subPath: "motd", name: "files" },
            { mountPath: "/usr/local/bin/start.sh", subPath: "start.sh", name: "files" },
            { mountPath: "/home/jovyan", name: "home", subPath: "home/{username}" },
            { name: "shared", mountPath: "/shared", readOnly: true },
          ],
          lifecycle: { postStart: { exec: { command: ["sh", "-c", "true"] } } },
        },
        { name: "side", image: "side:1" },
      ],
      // JHC 482: appended after the chart's own list.
      initContainers: [{ name: "init", image: "init:1" }, iptables("mirror.example/network-tools:4.4.0-x")],
      // JHC 294-299, 311-332 (mode only where given), 344-345; sorted by key ("cache" before the chart's "files").
      volumes: [
        { name: "cache", emptyDir: {} },
        { name: "files", secret: { secretName: "singleuser", items: [{ key: "motd", path: "motd", mode: 292 }, { key: "start.sh", path: "start.sh" }] } },
        { name: "home", persistentVolumeClaim: { claimName: "homes" } },
        { name: "shared", nfs: { server: "10.0.0.2", path: "/s" } },
      ],
      serviceAccountName: "users",
    });
    assert.deepStrictEqual(pod.annotations, { "a.example/x": "y" });
    assert.deepStrictEqual(pod.chartBuilt.map((c) => c.path), [["initContainers", 1]]);
    assertLocations(pod, [
      [["securityContext", "fsGroup"], "values.singleuser.fsGid"],
      [["securityContext", "supplementalGroups"], "values.hub.config.KubeSpawner.supplemental_gids"],
      [["containers", 0, "securityContext", "runAsGroup"], "values.hub.config.KubeSpawner.gid"],
      [["containers", 0, "securityContext", "privileged"], "values.hub.config.KubeSpawner.privileged"],
      [["containers", 0, "resources", "requests", "cpu"], "values.singleuser.cpu.guarantee"],
      [["containers", 0, "resources", "limits", "cpu"], "values.singleuser.cpu.limit"],
      [["containers", 0, "resources", "limits", "memory"], "values.singleuser.memory.limit"],
      [["containers", 0, "resources", "limits", "nvidia.com/gpu"], 'values.singleuser.extraResource.limits["nvidia.com/gpu"]'],
      [["containers", 0, "resources", "requests", "ephemeral-storage"], "values.singleuser.extraResource.guarantees.ephemeral-storage"],
      [["containers", 0, "env", 0, "value"], "values.singleuser.extraEnv.A_VAR.value"],
      [["containers", 0, "env", 1, "valueFrom"], "values.singleuser.extraEnv.B_VAR.valueFrom"],
      [["containers", 0, "volumeMounts", 0], "values.singleuser.extraFiles.motd"],
      [["containers", 0, "volumeMounts", 1, "subPath"], 'values.singleuser.extraFiles["start.sh"].subPath'],
      [["containers", 0, "volumeMounts", 2], "values.singleuser.storage.static"],
      [["containers", 0, "volumeMounts", 3, "readOnly"], "values.singleuser.storage.extraVolumeMounts.shared.readOnly"],
      [["containers", 0, "lifecycle", "postStart"], "values.singleuser.lifecycleHooks.postStart"],
      [["containers", 1, "image"], "values.singleuser.extraContainers[0].image"],
      [["initContainers", 0, "image"], "values.singleuser.initContainers[0].image"],
      [["initContainers", 1], "values.singleuser.cloudMetadata.blockWithIptables"],
      [["volumes", 0, "emptyDir"], "values.singleuser.storage.extraVolumes.cache.emptyDir"],
      [["volumes", 1], "values.singleuser.extraFiles"],
      [["volumes", 2, "persistentVolumeClaim", "claimName"], "values.singleuser.storage.static.persistentVolumeClaim.claimName"],
      [["volumes", 3, "nfs", "server"], "values.singleuser.storage.extraVolumes.shared.nfs.server"],
      [["serviceAccountName"], "values.singleuser.serviceAccountName"],
    ]);
  });

  it("mounts the dynamic home at its subPath, and extraVolumeMounts given as a list by index and name (JHC 289, 353-359)", () => {
    const pod = onePod({
      singleuser: {
        image: IMAGE,
        cloudMetadata: { blockWithIptables: false },
        storage: { dynamic: { subPath: "{username}" }, extraVolumeMounts: [{ name: "b", mountPath: "/b" }, { name: "a", mountPath: "/a" }] },
      },
    });
    assert.deepStrictEqual(get0(pod, "volumeMounts"), [
      // "0-b" and "1-a" sort before "volume-{user_server}".
      { name: "b", mountPath: "/b" },
      { name: "a", mountPath: "/a" },
      { mountPath: "/home/jovyan", name: "volume-{user_server}", subPath: "{username}" },
    ]);
    assert.strictEqual(get0(pod, "securityContext.runAsUser"), 1000);
    assert.strictEqual(specOf(pod).initContainers, undefined, "no init container at all");
    assert.strictEqual(pod.locate(["containers", 0, "volumeMounts", 1]), "values.singleuser.storage.extraVolumeMounts[1]");
  });

  it("builds no home for storage type none, and does not throw on extra volumes or mounts unknown at preview", () => {
    const pod = onePod({ singleuser: { image: IMAGE, storage: { type: "none", extraVolumes: UNKNOWN_SENTINEL, extraVolumeMounts: UNKNOWN_SENTINEL } } });
    assert.deepStrictEqual(get0(pod, "volumeMounts"), []);
    assert.deepStrictEqual(specOf(pod).volumes, []);
  });

  it("gives the user server no lifecycle when KubeSpawner's lifecycle_hooks is None, and only the API token the traits ask for", () => {
    const pod = onePod({
      singleuser: { image: IMAGE, serviceAccountName: "users" },
      hub: { config: { KubeSpawner: { lifecycle_hooks: null, automount_service_account_token: false } } },
    });
    const notebook = (sent(pod) as { containers: Record<string, unknown>[] }).containers[0] as Record<string, unknown>;
    assert.ok(!("lifecycle" in notebook), `no lifecycle: ${JSON.stringify(notebook)}`);
    assert.strictEqual(specOf(pod).serviceAccountName, "users");
    assert.strictEqual(specOf(pod).automountServiceAccountToken, false);
    assert.strictEqual(pod.locate(["automountServiceAccountToken"]), "values.hub.config.KubeSpawner.automount_service_account_token");
    const mounted = onePod({ singleuser: { image: IMAGE }, hub: { config: { KubeSpawner: { automount_service_account_token: true, service_account: null } } } });
    assert.strictEqual(specOf(mounted).automountServiceAccountToken, true);
    assert.ok(!("serviceAccountName" in specOf(mounted)), "service_account None sets no name (KS objects.py 550)");
  });

  it("leaves a trait the values delete (null) or leave undefined to hub.config.Spawner, else KubeSpawner's default", () => {
    // helm: null deletes the chart's default, so JHC's set_config_if_not_none sets nothing and
    // hub.config.Spawner (or KubeSpawner's own default, {} for lifecycle_hooks) applies.
    const pod = onePod({
      singleuser: { image: IMAGE, memory: null, lifecycleHooks: null, uid: null },
      hub: { config: { Spawner: { mem_limit: "3G" }, KubeSpawner: { gid: undefined } } },
    });
    assert.deepStrictEqual(get0(pod, "resources"), { requests: {}, limits: { memory: "3G" } });
    assert.deepStrictEqual(get0(pod, "lifecycle"), {});
    assert.deepStrictEqual(get0(pod, "securityContext"), { allowPrivilegeEscalation: false });
    assert.strictEqual(pod.locate(["containers", 0, "resources", "limits", "memory"]), "values.hub.config.Spawner.mem_limit");
  });

  it("moves KubeSpawner's deprecated names to the new ones unless the new one is set (KS spawner.py 1898-1969)", () => {
    const sc = (kube: Record<string, unknown>, singleuser: Record<string, unknown> = {}) =>
      get0(onePod({ singleuser: { image: IMAGE, ...singleuser }, hub: { config: { KubeSpawner: kube } } }), "securityContext");
    assert.deepStrictEqual(sc({ singleuser_privileged: true }), { runAsUser: 1000, privileged: true, allowPrivilegeEscalation: false });
    assert.deepStrictEqual(sc({ singleuser_privileged: true, privileged: false }), { runAsUser: 1000, allowPrivilegeEscalation: false });
    // The chart sets uid (1000) itself, so the deprecated name loses unless singleuser.uid is deleted.
    assert.deepStrictEqual(sc({ singleuser_uid: 0 }), { runAsUser: 1000, allowPrivilegeEscalation: false });
    assert.deepStrictEqual(sc({ singleuser_uid: 0 }, { uid: null }), { runAsUser: 0, allowPrivilegeEscalation: false });
    // JHC 189 always sets image, so image_spec in hub.config never replaces it.
    assert.strictEqual(get0(onePod({ singleuser: { image: IMAGE }, hub: { config: { KubeSpawner: { image_spec: "evil/x:1" } } } }), "image"), "quay.io/jupyter/base-notebook:2025-01-06");
  });

  it("keeps KubeSpawner's section over Spawner's for every trait, the ones no check reads included (traitlets)", () => {
    const traits = baseTraits({ singleuser: { cmd: "jupyterhub-singleuser" }, hub: { config: { Spawner: { cmd: ["a"], debug: true }, KubeSpawner: { cmd: ["b"], node_selector: { x: "y" } } } } });
    assert.deepStrictEqual(traits.get("cmd")?.value, ["b"]);
    assert.strictEqual(traits.get("cmd")?.origins.locate([]), "values.hub.config.KubeSpawner.cmd");
    assert.strictEqual(traits.get("debug")?.value, true);
    assert.deepStrictEqual(traits.get("node_selector")?.value, { x: "y" });
    const chartOnly = baseTraits({ singleuser: { cmd: "jupyterhub-singleuser" } });
    assert.strictEqual(chartOnly.get("cmd")?.value, "jupyterhub-singleuser");
    assert.strictEqual(chartOnly.get("cmd")?.origins.locate([]), "values.singleuser.cmd");
    assert.strictEqual(baseTraits({ singleuser: { cmd: "x" }, hub: { config: { Spawner: { cmd: "y" } } } }).get("cmd")?.origins.locate([]), "values.hub.config.Spawner.cmd");
    assert.ok(!baseTraits({}).has("cmd"), "no cmd trait when singleuser.cmd is unset (JHC 442-446)");
    assert.strictEqual(baseTraits({ hub: { config: UNKNOWN_SENTINEL } }).get("uid")?.origins.locate([]), "values.singleuser.uid");
  });

  it("does not change the values it reads, and one profile's override does not leak into another's pod", () => {
    const values = {
      singleuser: {
        image: IMAGE,
        profileList: [
          { display_name: "Root", kubespawner_override: { container_security_context: { runAsUser: 0 }, volumes: { scratch: { name: "scratch", emptyDir: {} } } } },
          { display_name: "Plain" },
        ],
      },
      hub: { config: { KubeSpawner: { container_security_context: { runAsNonRoot: true } } } },
    };
    const before = JSON.stringify(values);
    const [root, plain] = userPods(values);
    assert.strictEqual(JSON.stringify(values), before, "the values are unchanged");
    assert.deepStrictEqual(get0(root as DerivedPod, "securityContext"), { runAsUser: 0, allowPrivilegeEscalation: false, runAsNonRoot: true });
    assert.deepStrictEqual(get0(plain as DerivedPod, "securityContext"), { runAsUser: 1000, allowPrivilegeEscalation: false, runAsNonRoot: true });
    assert.deepStrictEqual(specOf(root as DerivedPod).volumes, [{ name: "scratch", emptyDir: {} }, { name: "volume-{user_server}", persistentVolumeClaim: { claimName: "{pvc_name}" } }]);
    assert.deepStrictEqual(specOf(plain as DerivedPod).volumes, [{ name: "volume-{user_server}", persistentVolumeClaim: { claimName: "{pvc_name}" } }]);
    assert.strictEqual((root as DerivedPod).locate(["volumes", 0, "emptyDir"]), "values.singleuser.profileList[0].kubespawner_override.volumes.scratch.emptyDir");
    assert.strictEqual((root as DerivedPod).locate(["containers", 0, "securityContext", "runAsUser"]), "values.singleuser.profileList[0].kubespawner_override.container_security_context.runAsUser");
    assert.strictEqual((plain as DerivedPod).locate(["containers", 0, "securityContext", "runAsUser"]), "values.singleuser.uid");
  });
});

/** The notebook container's field at a dotted path. */
function get0(pod: DerivedPod, path: string): unknown {
  let current: unknown = (specOf(pod).containers as unknown[])[0];
  for (const key of path.split(".")) current = (current as Record<string, unknown> | undefined)?.[key];
  return current;
}

describe("policy pack: the user pods of a profile list (z2jh/userPods.ts, KS spawner.py `_load_profile`)", () => {
  const choices = (prefix: string, n: number, defaultAt?: number) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, { ...(i === defaultAt ? { default: true } : {}), kubespawner_override: { environment: { [prefix]: `${i}` } } }]));
  const labels = (values: Record<string, unknown>) => userPods(values).map((p) => p.label);

  it("names a profile by display_name, else slug, else its index, and judges the base when the list is unknown at preview", () => {
    assert.deepStrictEqual(labels({ singleuser: { profileList: [{ display_name: "A", slug: "a" }, { slug: "b" }, {}] } }), [
      'user servers, profile "A"',
      'user servers, profile "b"',
      'user servers, profile "#2"',
    ]);
    assert.deepStrictEqual(labels({ singleuser: { profileList: UNKNOWN_SENTINEL } }), ["user servers"]);
  });

  it("keeps a profile whose option has no choice to offer", () => {
    assert.deepStrictEqual(labels({ singleuser: { profileList: [{ display_name: "A", profile_options: { empty: { choices: {} }, size: { choices: { s: {} } } } }] } }), [
      'user servers, profile "A" (size = "s")',
    ]);
  });

  it("lists every combination up to 64, and past it each choice once with the other options at their defaults", () => {
    const profile = (a: number, b: number, aDefault?: number, bDefault?: number) => ({
      singleuser: { profileList: [{ display_name: "P", profile_options: { a: { choices: choices("a", a, aDefault) }, b: { choices: choices("b", b, bDefault) } } }] },
    });
    assert.strictEqual(labels(profile(8, 8)).length, 64);
    // 9 × 8 = 72 > 64: a's default is a2 (default: true), b's is its first choice.
    const pods = userPods(profile(9, 8, 2));
    assert.deepStrictEqual(
      pods.map((p) => p.label),
      [
        ...Array.from({ length: 9 }, (_, i) => `user servers, profile "P" (a = "a${i}", b = "b0")`),
        ...Array.from({ length: 8 }, (_, i) => `user servers, profile "P" (a = "a2", b = "b${i}")`),
      ],
    );
    assert.deepStrictEqual(get0(pods[9] as DerivedPod, "env"), [{ name: "a", value: "2" }, { name: "b", value: "0" }]);
    // With no choice marked default, the first is.
    assert.deepStrictEqual(labels(profile(9, 8)).slice(9, 10), ['user servers, profile "P" (a = "a0", b = "b0")']);
    // A choice marked default: false is not the default.
    const notDefault = profile(9, 8);
    ((notDefault.singleuser.profileList[0]?.profile_options.a.choices as Record<string, Record<string, unknown>>).a0 as Record<string, unknown>).default = false;
    assert.deepStrictEqual(labels(notDefault).slice(9, 10), ['user servers, profile "P" (a = "a0", b = "b0")']);
  });

  it("puts what the user types where {value} is, and names only the traits it reaches", () => {
    const pods = userPods({
      singleuser: {
        profileList: [
          {
            display_name: "Any",
            profile_options: {
              image: { choices: { "py 3.12": { kubespawner_override: { image: "x/base:1" } } }, unlisted_choice: { enabled: true, kubespawner_override: { image: "{value}", cpu_limit: 2, environment: { IMG: "img={value}" }, supplemental_gids: ["{value}"] } } },
            },
          },
        ],
      },
    });
    const typed = pods[1] as DerivedPod;
    assert.strictEqual(typed.label, 'user servers, profile "Any" (image typed by the user)');
    assert.strictEqual(get0(typed, "image"), USER_INPUT);
    assert.deepStrictEqual(typed.variant?.freeText, [{ option: "image", where: "values.singleuser.profileList[0].profile_options.image.unlisted_choice", traits: ["image", "environment", "supplemental_gids"] }]);
    // KS utils.py recursive_format: into lists and dicts; a number is kept as it is.
    assert.strictEqual(get0(typed, "resources.limits.cpu"), 2);
    assert.deepStrictEqual(get0(typed, "env"), [{ name: "IMG", value: `img=${USER_INPUT}` }]);
    assert.deepStrictEqual(specOf(typed).securityContext, { fsGroup: 100, supplementalGroups: [USER_INPUT] });
    assert.strictEqual(typed.locate(["containers", 0, "image"]), "values.singleuser.profileList[0].profile_options.image.unlisted_choice.kubespawner_override.image");
    assert.deepStrictEqual((pods[0] as DerivedPod).variant?.freeText, []);
    // A key that is not a plain word is quoted in the path the finding names.
    assert.strictEqual((pods[0] as DerivedPod).locate(["containers", 0, "image"]), 'values.singleuser.profileList[0].profile_options.image.choices["py 3.12"].kubespawner_override.image');
  });
});

describe("policy pack: user-pod policies with singleuser values unknown at preview", () => {
  // Each of these keys becomes a KubeSpawner trait (JHC set_config_if_not_none); an Output in the program
  // is unknown at preview, and the policies then give no verdict on it rather than throw.
  const POD_POLICIES = ["jupyterhub-non-root", "jupyterhub-pod-security", "jupyterhub-user-no-api-token", "jupyterhub-user-images", "jupyterhub-user-resource-limits", "jupyterhub-user-shared-volumes-read-only", "jupyterhub-user-pod-secrets"];
  for (const key of ["profileList", "uid", "fsGid", "extraEnv", "memory.limit", "extraPodConfig", "serviceAccountName", "initContainers"]) {
    it(`runs every user-pod policy without throwing when singleuser.${key} is unknown`, async () => {
      const stack = secureStack();
      values(`singleuser.${key}`, UNKNOWN_SENTINEL)(stack);
      const result = await check(stack, { policies: POD_POLICIES.map(policyNamed) });
      assert.deepStrictEqual(result.failures, [], `a policy threw with singleuser.${key} unknown`);
    });
  }
});

describe("policy pack: the user pod for values at the edges of what KubeSpawner accepts (z2jh/userPods.ts)", () => {
  it("takes KubeSpawner's default image when the values delete the chart's or leave its name empty, a name whose tag is deleted alone, and a name alone with the chart's tag (JHC 183-189; KS spawner.py 763)", () => {
    const image = (singleuser: Record<string, unknown>) => get0(onePod({ singleuser }), "image");
    assert.strictEqual(image({ image: null }), "quay.io/jupyterhub/singleuser:latest");
    assert.strictEqual(image({ image: { name: "", tag: "1" } }), "quay.io/jupyterhub/singleuser:latest");
    assert.strictEqual(image({ image: { name: "x/nb", tag: null } }), "x/nb");
    // Helm merges a name alone over the chart's image map, so the chart's tag (its version) stays.
    assert.strictEqual(image({ image: { name: "x/nb" } }), "x/nb:4.4.0");
    assert.strictEqual(image({ image: { name: "x/nb", tag: 3 } }), "x/nb:3");
  });

  it("sets no limit or request for a falsy one (0, empty), and no security context at all when nothing fills it (KS objects.py 436-466, 561-575)", () => {
    const pod = onePod({
      singleuser: { image: IMAGE, uid: null, fsGid: null, allowPrivilegeEscalation: null, cpu: { limit: 0, guarantee: "" }, memory: { limit: "", guarantee: 0 }, cloudMetadata: { blockWithIptables: false } },
    });
    assert.deepStrictEqual(sent(pod), {
      containers: [{ name: "notebook", image: "quay.io/jupyter/base-notebook:2025-01-06", resources: { requests: {}, limits: {} }, volumeMounts: [{ mountPath: "/home/jovyan", name: "volume-{user_server}" }], lifecycle: {} }],
      volumes: [{ name: "volume-{user_server}", persistentVolumeClaim: { claimName: "{pvc_name}" } }],
      automountServiceAccountToken: false,
    });
  });

  it("lets users escalate privileges when the values say so (JHC 196)", () => {
    const pod = onePod({ singleuser: { image: IMAGE, allowPrivilegeEscalation: true } });
    assert.deepStrictEqual(get0(pod, "securityContext"), { runAsUser: 1000, allowPrivilegeEscalation: true });
    assert.strictEqual(pod.locate(["containers", 0, "securityContext", "allowPrivilegeEscalation"]), "values.singleuser.allowPrivilegeEscalation");
  });

  it("appends the iptables container to an empty list when the values delete singleuser.initContainers (JHC 482)", () => {
    const pod = onePod({ singleuser: { image: IMAGE, initContainers: null } });
    assert.deepStrictEqual((sent(pod) as { initContainers: unknown }).initContainers, [
      {
        name: "block-cloud-metadata",
        image: "quay.io/jupyterhub/k8s-network-tools:4.4.0",
        command: ["iptables", "--append", "OUTPUT", "--protocol", "tcp", "--destination", "169.254.169.254", "--destination-port", "80", "--jump", "DROP"],
        securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ["NET_ADMIN"] } },
        [CHART_BUILT]: { switch: "values.singleuser.cloudMetadata.blockWithIptables", fix: "false (and block the metadata server with NetworkPolicy)" },
      },
    ]);
    assert.strictEqual(pod.locate(["initContainers", 0]), "values.singleuser.cloudMetadata.blockWithIptables");
  });

  it("drops the containers and volumes KubeSpawner's section sets to None, and maps host_ipc like host_pid (KS objects.py 577-600; utils.py update_k8s_model)", () => {
    const pod = onePod({
      singleuser: { image: IMAGE, extraContainers: [{ name: "side", image: "side:1" }], extraPodConfig: { host_ipc: true } },
      hub: { config: { KubeSpawner: { extra_containers: null, init_containers: null } } },
    });
    assert.deepStrictEqual((specOf(pod).containers as { name: string }[]).map((c) => c.name), ["notebook"]);
    assert.ok(!("initContainers" in specOf(pod)), "init_containers None: none at all, the chart's iptables container included");
    assert.strictEqual(specOf(pod).hostIPC, true);
    assert.strictEqual(pod.locate(["hostIPC"]), "values.singleuser.extraPodConfig.host_ipc");
  });

  it("merges a profile's nested dict key by key into the trait, and sets a dict trait the base lacks (KS utils.py recursive_update)", () => {
    const pods = userPods({
      singleuser: {
        image: IMAGE,
        profileList: [{ display_name: "P", kubespawner_override: { container_security_context: { seLinuxOptions: { type: "u" } }, node_selector: { pool: "gpu" } } }],
      },
      hub: { config: { KubeSpawner: { container_security_context: { seLinuxOptions: { level: "s0", type: "t" } } } } },
    });
    const pod = pods[0] as DerivedPod;
    assert.deepStrictEqual(get0(pod, "securityContext.seLinuxOptions"), { level: "s0", type: "u" });
    assert.strictEqual(pod.locate(["containers", 0, "securityContext", "seLinuxOptions", "level"]), "values.hub.config.KubeSpawner.container_security_context.seLinuxOptions.level");
    assert.strictEqual(pod.locate(["containers", 0, "securityContext", "seLinuxOptions", "type"]), "values.singleuser.profileList[0].kubespawner_override.container_security_context.seLinuxOptions.type");
    assert.deepStrictEqual(pod.variant?.traits.get("node_selector")?.value, { pool: "gpu" });
  });
});
