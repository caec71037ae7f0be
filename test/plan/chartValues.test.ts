import * as assert from "assert";
import * as fs from "fs";
import * as YAML from "yaml";
import { parseConfig } from "../../infra/config/parse";
import { StackConfig } from "../../infra/config/types";
import { readShippedFiles } from "../../infra/files";
import { planAll } from "../../infra/plan";
import { contains, overlaps, parseIpv4Cidr, metadataServer, rfc1918 } from "../../infra/catalog/cidr";
import {
  buildChartValues,
  componentEgress,
  disableTerminalsFlag,
  gibToBytes,
  hubSecretKeys,
  oidcClientSecretEnv,
  proxyService,
  splitImageRef,
  summarizeHubSecurity,
  z2jhChart,
  z2jhHubImage,
  z2jhHubImageUid,
  Z2jhValues,
} from "../../infra/plan/chart";
import { staffRoleName } from "../../infra/plan/hubRoles";
import { dedicatedTaintKey, nodePurposeLabel, poolPurpose } from "../../infra/plan/labels";
import { admittedMetadataPaths, chartEgressDefaults } from "../../infra/plan/netpol";
import { offlineSecretPlaceholder } from "../../infra/tools/stackFile";
import { loadStackConfig, rawWith, stackNames } from "../support/stacks";
import { chartDefaultsPath, chartSchemaErrors, describeErrors } from "../support/chartSchema";

const refs = { secretName: "hub-test-secret" };
const shippedFiles = readShippedFiles();

/** Written out rather than built by the code under test: UDP and TCP 53 to kube-dns pods in kube-system. */
const kubeDnsRule = {
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
};

const allSwitchesOff = {
  cloudMetadataServer: false,
  dnsPortsCloudMetadataServer: false,
  dnsPortsKubeSystemNamespace: false,
  dnsPortsPrivateIPs: false,
  nonPrivateIPs: false,
  privateIPs: false,
};

function valuesOf(config: StackConfig): Z2jhValues {
  return buildChartValues(config, planAll(config), shippedFiles, refs);
}

function stackValues(stack: string, changes: Record<string, unknown> = {}): Z2jhValues {
  return valuesOf(parseConfig(rawWith(stack, changes)));
}

const gpuProfile = {
  machineType: "n1-standard-8",
  acceleratorType: "nvidia-tesla-t4",
  acceleratorCount: 1,
  maxNodes: 2,
  image: "quay.io/jupyter/pytorch-notebook:cuda12-2025-11-03",
};

describe("chart values against the Z2JH 4.4.0 schema", () => {
  for (const stack of stackNames) {
    it(`the ${stack} stack's full values pass the chart's own schema`, () => {
      const errors = chartSchemaErrors(valuesOf(loadStackConfig(stack)));
      assert.deepStrictEqual(errors, [], describeErrors(errors));
    });
  }

  it("variants pass too: terminals on, guard off, a GPU profile, explicit limits, sqlite-memory", () => {
    const values = stackValues("event", {
      terminalsEnabled: true,
      shellEscapeGuard: false,
      gpuProfile,
      concurrentSpawnLimit: 30,
      activeServerLimit: 900,
      hubDbType: "sqlite-memory",
    });
    const errors = chartSchemaErrors(values);
    assert.deepStrictEqual(errors, [], describeErrors(errors));
  });

  it("the schema check can fail: an unknown key and a wrong type are both reported", () => {
    const values = valuesOf(loadStackConfig("dev"));
    const broken = { ...values, singleuser: { ...values.singleuser, cpu: { guarantee: "lots" }, bogus: true } };
    const paths = chartSchemaErrors(broken).map((e) => e.instancePath);
    assert.ok(paths.includes("/singleuser/cpu/guarantee"), paths.join(", "));
    assert.ok(paths.includes("/singleuser"), paths.join(", "));
  });
});

for (const stack of stackNames) {
  describe(`hub values for the ${stack} stack`, () => {
    // Built before each test, not while mocha loads the file (docs/testing.md).
    let config: StackConfig;
    let plan: ReturnType<typeof planAll>;
    let values: ReturnType<typeof valuesOf>;
    beforeEach(() => {
      config = loadStackConfig(stack);
      plan = planAll(config);
      values = valuesOf(config);
    });

    it("logs in through OIDC only, with the configured issuer URLs and groups, and no allow-all", () => {
      const { JupyterHub: hub, GenericOAuthenticator: auth } = values.hub.config;
      assert.strictEqual(hub.authenticator_class, "generic-oauth");
      assert.strictEqual(auth.authorize_url, config.hub.oidc.authorizeUrl);
      assert.strictEqual(auth.token_url, config.hub.oidc.tokenUrl);
      assert.strictEqual(auth.userdata_url, config.hub.oidc.userdataUrl);
      // Staff are let in as such; their role comes from hub.loadRoles (test/hub/hubRoles.test.ts).
      assert.deepStrictEqual(auth.allowed_groups, [...new Set([...config.hub.oidc.allowedGroups, ...config.hub.oidc.adminGroups])]);
      assert.deepStrictEqual(auth.admin_groups, config.hub.oidc.fullAdminGroups);
      assert.deepStrictEqual(auth.admin_users, []);
      // oauthenticator 17 ignores group rules unless it manages groups.
      assert.strictEqual(auth.manage_groups, true);
      assert.strictEqual(auth.auth_state_groups_key, `oauth_user.${config.hub.oidc.groupsClaim}`);
      assert.strictEqual(auth.allow_all, false);
      assert.strictEqual(auth.allow_existing_users, false);
      assert.strictEqual(auth.oauth_callback_url, `https://${config.edge.hubDomain}/hub/oauth_callback`);
      assert.doesNotMatch(JSON.stringify(values), /dummy|shared-?password|DummyAuthenticator|"null"/i);
    });

    it("keeps admins out of users' servers: no one holds the built-in admin role, staff get a narrower one", () => {
      assert.strictEqual(values.hub.config.JupyterHub.admin_access, false);
      assert.deepStrictEqual(values.hub.loadRoles.admin, { users: [], groups: [] });
      assert.deepStrictEqual(values.hub.loadRoles[staffRoleName].groups, config.hub.oidc.adminGroups);
      // Written out, not read from infra/plan/hubRoles.ts: a scope dropped or added there must fail here
      // (the real JupyterHub checks what each one grants in test/hub/hubRoles.test.ts, a slow test).
      assert.deepStrictEqual(Object.keys(values.hub.loadRoles).sort(), ["admin", "hub-staff"], "hub.loadRoles declares other roles than admin and hub-staff");
      assert.deepStrictEqual(
        values.hub.loadRoles["hub-staff"],
        {
          description: "Event staff: the admin page, users and their servers, without opening servers or acting as users",
          scopes: ["admin-ui", "list:users", "read:users", "servers", "list:groups", "read:groups"],
          groups: config.hub.oidc.adminGroups,
        },
        "the staff role is not the one README \"Staff, not admins\" describes: its scopes or description changed",
      );
    });

    it("prefixes the hub's login cookie with __Host- so a user's subdomain cannot toss one at it", () => {
      // JupyterHub 5.5.0 app.py: cookie_host_prefix_enabled (new in 4.1), meant for per-user subdomains.
      assert.strictEqual(values.hub.config.JupyterHub.cookie_host_prefix_enabled, true);
      assert.ok(values.hub.config.JupyterHub.subdomain_host);
    });

    it("never restarts the hub over failed spawns (the chart would after 5)", () => {
      assert.strictEqual(values.hub.consecutiveFailureLimit, 0);
    });

    it("keeps the proxy's idle connections open longer than the load balancer's fixed 600 s", () => {
      const flag = values.proxy.chp.extraCommandLineFlags.map((f) => /^--keep-alive-timeout=(\d+)$/.exec(f)).find((m) => m);
      assert.ok(flag, "no --keep-alive-timeout flag for CHP");
      assert.ok(Number(flag[1]) > 600_000, `${flag[1]} ms is not above 600 s`);
    });

    it("carries no secret: the client secret comes from the Secret through an env var, the chart makes the proxy token", () => {
      assert.ok(!JSON.stringify(values).includes(offlineSecretPlaceholder));
      assert.deepStrictEqual(values.hub.extraEnv[oidcClientSecretEnv], {
        valueFrom: { secretKeyRef: { name: refs.secretName, key: hubSecretKeys.oidcClientSecret } },
      });
      assert.strictEqual(values.hub.existingSecret, refs.secretName);
      assert.doesNotMatch(JSON.stringify(values), /client_secret|cookieSecret|cookie_secret"|secretToken|auth_token|CryptKeeper"/);
    });

    it("serves users on per-user subdomains of the hub domain, behind the Gateway rather than its own LB", () => {
      assert.strictEqual(values.hub.config.JupyterHub.subdomain_host, config.edge.hubDomain);
      assert.ok(!("subdomain_hook" in values.hub.config.JupyterHub), "JupyterHub 5's idna hook stays the default");
      assert.strictEqual(values.proxy.service.type, "ClusterIP");
      assert.strictEqual(values.proxy.https.enabled, false);
    });

    it("turns every chart egress switch off for users, hub and proxy, and keeps their NetworkPolicies on", () => {
      // Each switch renders a fixed, wide peer list (Z2JH 4.4.0 templates/_helpers-netpol.tpl); all the
      // egress these pods get beyond the chart's podSelector rules is spelled out below.
      for (const np of [values.singleuser.networkPolicy, values.hub.networkPolicy, values.proxy.chp.networkPolicy]) {
        assert.strictEqual(np.enabled, true);
        assert.deepStrictEqual(np.egressAllowRules, allSwitchesOff);
      }
      assert.strictEqual(values.singleuser.cloudMetadata.blockWithIptables, false);
    });

    it("gives users exactly DNS to the kube-dns pods, the package proxy (mirror and curated) and the allowlist, nothing private or link-local", () => {
      // Written out: the proxy's pods in the hub's namespace, on the proxy's own port, and no address.
      const proxyRule = {
        to: [{
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": config.hub.namespace } },
          podSelector: { matchLabels: { "app.kubernetes.io/name": "package-proxy", "app.kubernetes.io/part-of": "jupyterhub-gke" } },
        }],
        ports: [{ protocol: "TCP", port: 8080 }],
      };
      assert.deepStrictEqual(values.singleuser.networkPolicy.egress, [
        kubeDnsRule,
        ...(config.hub.packages.mode === "none" ? [] : [proxyRule]),
        ...config.hub.egressAllowlist.map((r) => ({
          to: [{ ipBlock: { cidr: r.cidr } }],
          ports: r.ports.map((port) => ({ protocol: "TCP", port })),
        })),
      ]);
      const cidrs = values.singleuser.networkPolicy.egress.flatMap((r) => r.to.flatMap((t) => ("ipBlock" in t ? [parseIpv4Cidr(t.ipBlock.cidr)!] : [])));
      for (const cidr of cidrs) {
        assert.ok(!contains(cidr, metadataServer), `${cidr.text} covers the metadata server`);
        assert.ok(!rfc1918.some((p) => overlaps(cidr, p)), `${cidr.text} opens a private range`);
      }
    });

    it("gives the hub exactly DNS, the Kubernetes API on 443 and the IdP on public addresses, never link-local", () => {
      assert.deepStrictEqual(values.hub.networkPolicy.egress, [
        kubeDnsRule,
        { to: [{ ipBlock: { cidr: "10.0.0.0/8" } }, { ipBlock: { cidr: "172.16.0.0/12" } }, { ipBlock: { cidr: "192.168.0.0/16" } }], ports: [{ protocol: "TCP", port: 443 }] },
        { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"] } }], ports: [{ protocol: "TCP", port: 443 }] },
      ]);
    });

    it("gives the proxy nothing but DNS besides the chart's rules to the hub and user servers", () => {
      assert.deepStrictEqual(values.proxy.chp.networkPolicy.egress, [kubeDnsRule]);
    });

    it("admits the GKE metadata server to no component by any address it answers on", () => {
      for (const [np, defaults] of [
        [values.singleuser.networkPolicy, chartEgressDefaults.singleuser],
        [values.hub.networkPolicy, chartEgressDefaults.hub],
        [values.proxy.chp.networkPolicy, chartEgressDefaults["proxy.chp"]],
      ] as const) {
        assert.deepStrictEqual(admittedMetadataPaths(np, defaults).map((p) => p.label), []);
      }
    });

    it("runs one non-root, unprivileged pod per user with no service-account token", () => {
      assert.strictEqual(values.singleuser.uid, 1000);
      assert.strictEqual(values.singleuser.fsGid, 100);
      assert.strictEqual(values.singleuser.allowPrivilegeEscalation, false);
      const spawner = values.hub.config.KubeSpawner;
      assert.deepStrictEqual(spawner.container_security_context, {
        runAsNonRoot: true,
        runAsUser: 1000,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
      assert.strictEqual(spawner.automount_service_account_token, false);
      assert.strictEqual(spawner.disable_user_config, true);
    });

    it("gives each user the capacity model's CPU, memory and home plus the sandbox's allowance, and placeholders of the same size", () => {
      const { capacity } = config;
      // Both example stacks run gVisor with the default allowance: 0 m CPU, 128 MiB (sandboxPodOverhead).
      assert.strictEqual(config.sandbox.userSandbox, "gvisor");
      const sandboxBytes = config.sandbox.podOverhead.memoryMiB * 1024 ** 2;
      assert.strictEqual(sandboxBytes, 128 * 1024 ** 2);
      assert.deepStrictEqual(values.singleuser.cpu, { guarantee: capacity.userCpuGuarantee, limit: capacity.userCpuLimit });
      assert.deepStrictEqual(values.singleuser.memory, {
        guarantee: capacity.userMemoryGuaranteeGiB * 1024 ** 3 + sandboxBytes,
        limit: capacity.userMemoryLimitGiB * 1024 ** 3 + sandboxBytes,
      });
      // What the scheduler reserves is what the capacity model counted per user.
      assert.strictEqual(values.singleuser.memory.guarantee, plan.userPool.perUserRequest.memoryMiB * 1024 ** 2);
      assert.strictEqual(values.singleuser.storage.capacity, `${capacity.userStorageGiB}Gi`);
      // Placeholders take a user's share (the chart hands singleuser.memory/cpu to them); their count is the
      // placeholder calendar's, so the release creates the StatefulSet empty.
      assert.strictEqual(values.scheduling.userPlaceholder.replicas, 0);
      assert.ok(plan.rush.calendar.length > 0);
    });

    it("leaves scheduling to GKE's scheduler, requires the pools by node purpose, and pre-pulls the image", () => {
      // Z2JH 4.4.0's user-scheduler is kube-scheduler v1.30, outside the skew policy for GKE's channels.
      assert.strictEqual(values.scheduling.userScheduler.enabled, false);
      assert.strictEqual(values.scheduling.podPriority.enabled, true);
      assert.strictEqual(values.scheduling.userPods.nodeAffinity.matchNodePurpose, "require");
      assert.strictEqual(values.scheduling.corePods.nodeAffinity.matchNodePurpose, "require");
      assert.strictEqual(values.prePuller.hook.enabled, true);
      assert.strictEqual(values.prePuller.continuous.enabled, true);
      // The chart's default (values.yaml prePuller.pullProfileListImages: true) would pull the GPU image onto
      // every user node as well.
      assert.strictEqual(values.prePuller.pullProfileListImages, false);
      // Placeholders on (values.yaml scheduling.userPlaceholder.enabled), so the calendar has a StatefulSet to
      // scale; podPriority lets real users evict them.
      assert.strictEqual(values.scheduling.userPlaceholder.enabled, true);
    });

    it("culls idle servers (never users, whose homes would go with them) and caps servers and spawns", () => {
      assert.deepStrictEqual(
        [values.cull.enabled, values.cull.users, values.cull.timeout, values.cull.every, values.cull.maxAge],
        [true, false, config.hub.cullTimeoutSeconds, config.hub.cullEverySeconds, config.hub.cullMaxAgeSeconds],
      );
      // Z2JH 4.4.0 values.yaml cull.adminUsers (--cull-admin-users) and removeNamedServers
      // (--remove-named-servers): staff's idle servers are culled like anyone's, and a culled named server
      // is stopped, not deleted with its state.
      assert.strictEqual(values.cull.adminUsers, true, "admins' idle servers are culled too");
      assert.strictEqual(values.cull.removeNamedServers, false, "culling stops named servers, never deletes them");
      assert.strictEqual(values.hub.activeServerLimit, config.hub.activeServerLimit ?? config.capacity.peakUsers);
      assert.ok(values.hub.activeServerLimit <= config.capacity.peakUsers);
      // Both example stacks keep the hub's database on its PVC (the chart's default, values.yaml hub.db.type).
      assert.deepStrictEqual(values.hub.db, { type: "sqlite-pvc" });
      // From the simulated rush (infra/plan/rush/hub.ts): the dev stack's few spawns in flight are raised to
      // the floor of 10; the event's busiest class has more than 100 in flight, doubled past the ceiling of 200.
      assert.strictEqual(values.hub.concurrentSpawnLimit, { dev: 10, event: 200 }[stack]);
    });

    it("pulls the configured user image, same tag, from the stack's Artifact Registry remote repository of quay.io", () => {
      // quay.io/<path>:<tag> -> <region>-docker.pkg.dev/<project>/<prefix>-quay-io/<path>:<tag> (remote
      // repositories serve the upstream's paths under their own: Artifact Registry, "Remote repositories overview").
      assert.strictEqual(config.hub.userImage, "quay.io/jupyterhub/k8s-singleuser-sample:4.4.0");
      assert.strictEqual(
        `${values.singleuser.image.name}:${values.singleuser.image.tag}`,
        `${config.platform.region}-docker.pkg.dev/${config.platform.project}/hub-quay-io/jupyterhub/k8s-singleuser-sample:4.4.0`,
      );
      assert.notStrictEqual(values.singleuser.image.tag, "latest");
    });

    it("audits through an extraConfig snippet, and ships the shell-escape guard and pip's and conda's configuration read-only", () => {
      assert.match(values.hub.extraConfig["audit-log"], /post_auth_hook/);
      assert.deepStrictEqual(
        Object.values(values.singleuser.extraFiles).map((f) => [f.mountPath, f.mode]).sort(),
        [["/etc/conda/.condarc", 0o444], ["/etc/ipython/ipython_config.py", 0o444], ["/etc/ipython/refuse_shell_escapes.py", 0o444], ["/etc/pip.conf", 0o444]],
      );
      // pip's file, beside the rush model's activity interval (plan hubTuning; "sizing rules" below).
      assert.deepStrictEqual(values.singleuser.extraEnv, {
        JUPYTERHUB_ACTIVITY_INTERVAL: String(plan.hubTuning.activityIntervalSeconds),
        PIP_CONFIG_FILE: "/etc/pip.conf",
      });
    });

    it("prints a security summary read back from the values", () => {
      const text = summarizeHubSecurity(values).join("\n");
      assert.match(text, /admins can open users' servers: no/);
      assert.match(
        text,
        /terminals: off; server start-up ignores Python files in the home \(python3 -I -m jupyterhub\.singleuser\); shell-escape guard: on \(friction, not a boundary\)/,
      );
      assert.match(text, /cloud metadata server: blocked by NetworkPolicy for users, hub and proxy \(169\.254\.169\.254:80, 169\.254\.169\.252:988, private addresses on 988\)/);
      assert.match(text, /DNS: kube-system\/k8s-app=kube-dns only, UDP\/TCP 53, for users, hub and proxy/);
      assert.match(text, /hub egress besides DNS, the proxy and user servers: 10\.0\.0\.0\/8,172\.16\.0\.0\/12,192\.168\.0\.0\/16 tcp\/443; 0\.0\.0\.0\/0 except [^;]*,169\.254\.0\.0\/16 tcp\/443; proxy: none/);
      assert.match(text, /user egress: DNS and the hub only, plus allowlist/);
      assert.match(text, /uid 1000, privilege escalation off, capabilities dropped: ALL, seccomp RuntimeDefault, service-account token not mounted/);
      assert.match(text, new RegExp(`per-user subdomains: <user>\\.${config.edge.hubDomain.replace(/\./g, "\\.")}`));
      for (const group of config.hub.oidc.allowedGroups) assert.ok(text.includes(group));
      assert.match(text, new RegExp(`${values.hub.activeServerLimit} active servers, ${values.hub.concurrentSpawnLimit} concurrent spawns`));
    });
  });
}

describe("hub values that depend on config switches", () => {
  it("a stack with terminalsEnabled false passes the CLI flag; with true it does not", () => {
    // Written out: jupyter_server's trait is ServerApp.terminals_enabled (jupyter_server 2 serverapp.py); the
    // similar-looking --ServerApp.terminal_enabled or --NotebookApp.terminals_enabled are not read by it
    // (test/hub/singleuserIsolation.test.ts runs a real server with the values' args).
    assert.deepStrictEqual(stackValues("dev", { terminalsEnabled: false }).hub.config.KubeSpawner.args, ["--ServerApp.terminals_enabled=False"]);
    assert.strictEqual(disableTerminalsFlag, "--ServerApp.terminals_enabled=False");
    const on = stackValues("dev", { terminalsEnabled: true });
    assert.strictEqual(on.hub.config.KubeSpawner.args, undefined);
    assert.match(summarizeHubSecurity(on).join("\n"), /terminals: on/);
  });

  it("starts every single-user server in isolated mode, terminals on or off (singleuserIsolation.test.ts runs it)", () => {
    for (const terminalsEnabled of [false, true]) {
      assert.deepStrictEqual(stackValues("dev", { terminalsEnabled }).singleuser.cmd, ["python3", "-I", "-m", "jupyterhub.singleuser"]);
    }
    const defaultCommand = { ...stackValues("dev"), singleuser: { ...stackValues("dev").singleuser, cmd: ["jupyterhub-singleuser"] } };
    assert.match(summarizeHubSecurity(defaultCommand).join("\n"), /server start-up runs Python files in the home \(jupyterhub-singleuser\)/);
  });

  it("embeds the shipped Python it is given, as given, and reads nothing from disk itself", () => {
    const given = { auditLog: "# audit\n", ipythonConfig: "# config\n", refuseShellEscapes: "# guard\n", packageProxy: "# proxy\n" };
    const config = loadStackConfig("dev");
    const values = buildChartValues(config, planAll(config), given, refs);
    assert.deepStrictEqual(values.hub.extraConfig, { "audit-log": given.auditLog });
    assert.deepStrictEqual(
      Object.values(values.singleuser.extraFiles).filter((f) => f.mountPath.startsWith("/etc/ipython/")).map((f) => [f.mountPath, f.stringData]),
      [["/etc/ipython/ipython_config.py", given.ipythonConfig], ["/etc/ipython/refuse_shell_escapes.py", given.refuseShellEscapes]],
    );
    // The proxy's source goes into its own ConfigMap (components/registry.ts), never into the chart values.
    assert.doesNotMatch(JSON.stringify(values), /# proxy/);
  });

  it("shellEscapeGuard false ships no IPython files (pip's and conda's configuration stay)", () => {
    const values = stackValues("dev", { shellEscapeGuard: false });
    assert.deepStrictEqual(Object.values(values.singleuser.extraFiles).map((f) => f.mountPath), ["/etc/pip.conf", "/etc/conda/.condarc"]);
    assert.match(summarizeHubSecurity(values).join("\n"), /shell-escape guard: off/);
  });

  it("points pip at the package proxy, the organisation's own index, or no index at all, by packageMode", () => {
    const pip = (v: Z2jhValues) => v.singleuser.extraFiles["pip-config"].stringData;
    assert.match(pip(stackValues("event")), /^index-url = http:\/\/package-proxy\.jupyterhub\.svc\.cluster\.local\/simple\/$/m);
    assert.match(pip(stackValues("event", { packageMode: "curated" })), /^index-url = http:\/\/package-proxy\.jupyterhub\.svc\.cluster\.local\/simple\/$/m);
    const own = stackValues("event", { packageIndexUrl: "https://pypi-mirror.example.edu/simple" });
    assert.match(pip(own), /^index-url = https:\/\/pypi-mirror\.example\.edu\/simple$/m);
    assert.doesNotMatch(pip(own), /trusted-host/);
    // The organisation's index is reached through egressAllowlist, not the proxy.
    assert.ok(!JSON.stringify(own.singleuser.networkPolicy.egress).includes("package-proxy"));
    assert.match(pip(stackValues("dev")), /^no-index = true$/m);
    assert.doesNotMatch(pip(stackValues("dev")), /^index-url/m);
    // Besides pip's config file, only the activity interval (rush tuning) is set.
    for (const stack of stackNames) {
      assert.deepStrictEqual(Object.keys(stackValues(stack).singleuser.extraEnv).sort(), ["JUPYTERHUB_ACTIVITY_INTERVAL", "PIP_CONFIG_FILE"]);
      assert.strictEqual(stackValues(stack).singleuser.extraEnv.PIP_CONFIG_FILE, "/etc/pip.conf");
    }
  });

  it("offers no profile list without a GPU, and a standard plus a GPU profile on the tainted GPU pool with one", () => {
    assert.deepStrictEqual(stackValues("event").singleuser.profileList, []);
    const profiles = stackValues("event", { gpuProfile }).singleuser.profileList;
    assert.deepStrictEqual(profiles.map((p) => [p.slug, p.default ?? false]), [["standard", true], ["gpu", false]]);
    // What the spawn page shows (KubeSpawner 7 profile_list display_name/description): the event stack's
    // share, 0.25–2 CPU and 2–4 GiB, and each profile's image as configured.
    assert.deepStrictEqual(profiles.map((p) => [p.display_name, p.description]), [
      ["Standard", "0.25–2 CPU, 2–4 GiB; quay.io/jupyterhub/k8s-singleuser-sample:4.4.0"],
      ["GPU (nvidia-tesla-t4)", "0.25–2 CPU, 2–4 GiB and one nvidia-tesla-t4; quay.io/jupyter/pytorch-notebook:cuda12-2025-11-03"],
    ]);
    const gpu = profiles[1].kubespawner_override!;
    // The GPU image comes through the same remote repository of its registry (quay.io here).
    assert.strictEqual(gpuProfile.image, "quay.io/jupyter/pytorch-notebook:cuda12-2025-11-03");
    assert.strictEqual(gpu.image, "us-central1-docker.pkg.dev/jupyterhub-event-example/hub-quay-io/jupyter/pytorch-notebook:cuda12-2025-11-03");
    assert.deepStrictEqual(gpu.extra_resource_limits, { "nvidia.com/gpu": "1" });
    assert.deepStrictEqual(gpu.node_affinity_required, [
      { matchExpressions: [{ key: nodePurposeLabel, operator: "In", values: [poolPurpose.gpu] }] },
    ]);
    assert.deepStrictEqual(gpu.tolerations, [{ key: dedicatedTaintKey, operator: "Equal", value: "gpu", effect: "NoSchedule" }]);
    for (const p of profiles) assert.ok(!("profile_options" in p), "users cannot pick their own image");
  });

  it("gives users DNS and the allowlist only when no package plan adds the proxy's pods", () => {
    const config = loadStackConfig("event");
    assert.deepStrictEqual(componentEgress(config).singleuser, [
      kubeDnsRule,
      { to: [{ ipBlock: { cidr: "203.0.113.16/28" } }], ports: [{ protocol: "TCP", port: 443 }] },
    ]);
  });

  it("opens the hub's internet rule on the IdP's own port when its token or userinfo URL names one", () => {
    const values = stackValues("dev", { oidcTokenUrl: "https://idp.example.org:8443/token" });
    assert.deepStrictEqual(values.hub.networkPolicy.egress[2].ports, [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 8443 }]);
    assert.deepStrictEqual(admittedMetadataPaths(values.hub.networkPolicy, chartEgressDefaults.hub), []);
  });

  it("the summary names each metadata path the values admit, read back from them", () => {
    const values = stackValues("dev");
    const np = values.hub.networkPolicy;
    const chartLike = { ...values, hub: { ...values.hub, networkPolicy: { ...np, egressAllowRules: { ...np.egressAllowRules, nonPrivateIPs: true } } } };
    assert.match(summarizeHubSecurity(chartLike).join("\n"), /cloud metadata server: REACHABLE: hub via 169\.254\.169\.252:988;/);
  });

  it("uses configured limits over derived ones", () => {
    const values = stackValues("event", { concurrentSpawnLimit: 30, activeServerLimit: 900 });
    assert.strictEqual(values.hub.concurrentSpawnLimit, 30);
    assert.strictEqual(values.hub.activeServerLimit, 900);
  });

  it("keeps the hub's database where hubDbType says", () => {
    assert.deepStrictEqual(stackValues("dev", { hubDbType: "sqlite-memory" }).hub.db, { type: "sqlite-memory" });
  });

  it("the chart's hard-coded node-purpose label is the one the pools carry", () => {
    // Z2JH's jupyterhub_config.py and templates match on this exact key and the values core/user.
    assert.strictEqual(nodePurposeLabel, "hub.jupyter.org/node-purpose");
    assert.deepStrictEqual([poolPurpose.core, poolPurpose.user], ["core", "user"]);
  });
});

describe("the names the values share with the chart and with resources declared outside them", () => {
  // Module constants, so a mutation test leaves them out (Stryker's ignoreStatic): written out here instead.
  it("installs Z2JH 4.4.0 from the project's chart repository, whose hub image runs as uid 1000", () => {
    assert.deepStrictEqual({ ...z2jhChart }, { name: "jupyterhub", version: "4.4.0", repo: "https://hub.jupyter.org/helm-chart/" });
    // values.yaml hub.image.name (chartpress sets the tag to the chart's version) and
    // hub.containerSecurityContext.runAsUser.
    assert.strictEqual(z2jhHubImage, "quay.io/jupyterhub/k8s-hub:4.4.0");
    assert.strictEqual(z2jhHubImageUid, 1000);
  });

  it("routes to the chart's proxy-public Service on its HTTP port, and names the chart's own Secret keys", () => {
    // templates/proxy/service.yaml: proxy-public (fullnameOverride "") serves `http` on port 80.
    assert.deepStrictEqual({ ...proxyService }, { name: "proxy-public", port: 80 });
    // templates/hub/secret.yaml: the keys the chart's get_secret_value reads, before its own Secret's.
    assert.strictEqual(hubSecretKeys.cookieSecret, "hub.config.JupyterHub.cookie_secret");
    assert.strictEqual(hubSecretKeys.authStateCryptKeys, "hub.config.CryptKeeper.keys");
    // oauthenticator 17 oauth2.py: client_secret defaults to $OAUTH_CLIENT_SECRET; the values set no other env.
    assert.deepStrictEqual(Object.keys(stackValues("dev").hub.extraEnv), ["OAUTH_CLIENT_SECRET"]);
    assert.strictEqual(oidcClientSecretEnv, "OAUTH_CLIENT_SECRET");
  });
});

describe("the chart's own images that these values rely on (Z2JH 4.4.0 values.yaml)", () => {
  const chartDefaults = YAML.parse(fs.readFileSync(chartDefaultsPath, "utf8"));
  const version = (tag: string) => tag.replace(/^v/, "").split(".").map(Number);

  it("runs a CHP that knows --keep-alive-timeout, which configurable-http-proxy added in 4.6.0 (CHANGELOG.md)", () => {
    // An older CHP refuses an unknown flag and would not start.
    const [major, minor] = version(chartDefaults.proxy.chp.image.tag);
    assert.ok(major > 4 || (major === 4 && minor >= 6), chartDefaults.proxy.chp.image.tag);
    assert.ok(stackValues("event").proxy.chp.extraCommandLineFlags.every((f) => f.startsWith("--keep-alive-timeout=")));
  });

  it("ships a user-scheduler too old for GKE's channels (1.34 and later), which is why it stays off", () => {
    // kubernetes.io/releases/version-skew-policy: kube-scheduler at most one minor older than the API server.
    const [, minor] = version(chartDefaults.scheduling.userScheduler.image.tag);
    assert.ok(minor < 34 - 1, chartDefaults.scheduling.userScheduler.image.tag);
    assert.strictEqual(stackValues("event").scheduling.userScheduler.enabled, false);
  });
});

describe("sizing rules", () => {
  it("carries the plan's rush tuning into the values: spawn limit, start timeout, resources, KubeSpawner's API timeouts, activity interval", () => {
    for (const stack of stackNames) {
      const config = loadStackConfig(stack);
      const tuning = planAll(config).hubTuning;
      const values = stackValues(stack);
      assert.strictEqual(values.hub.concurrentSpawnLimit, tuning.concurrentSpawnLimit, stack);
      assert.strictEqual(values.singleuser.startTimeout, tuning.startTimeoutSeconds, stack);
      assert.deepStrictEqual(values.hub.resources, tuning.resources.hub, stack);
      assert.deepStrictEqual(values.proxy.chp.resources, tuning.resources.proxy, stack);
      const ks = values.hub.config.KubeSpawner;
      assert.deepStrictEqual([ks.k8s_api_request_timeout, ks.k8s_api_request_retry_timeout, ks.http_timeout], [10, 60, 60], stack);
      assert.strictEqual(values.singleuser.extraEnv.JUPYTERHUB_ACTIVITY_INTERVAL, String(tuning.activityIntervalSeconds), stack);
      // The placeholder calendar owns the count; the release leaves the StatefulSet empty.
      assert.strictEqual(values.scheduling.userPlaceholder.replicas, 0, stack);
    }
    // Worked by hand from the defaults: reaction 30 + boot 120 + pull 300 + start 20 + 60 s slack = 530,
    // rounded up to 540 s.
    assert.strictEqual(stackValues("event").singleuser.startTimeout, 540);
  });

  it("splits image references so name:tag gives them back, digests included, and refuses unpinned ones", () => {
    const digest = `quay.io/jupyter/base-notebook@sha256:${"a".repeat(64)}`;
    for (const ref of ["quay.io/jupyterhub/k8s-singleuser-sample:4.4.0", "registry.example.com:5000/team/img:v1", digest, `quay.io/x/y:v2@sha256:${"b".repeat(64)}`]) {
      const { name, tag } = splitImageRef(ref);
      assert.strictEqual(`${name}:${tag}`, ref);
    }
    assert.throws(() => splitImageRef("registry.example.com:5000/team/img"), /^RangeError: image registry\.example\.com:5000\/team\/img is not pinned by tag or digest$/);
    // Neither a tag nor a path: Docker Hub's short form, which KubeSpawner would pull as :latest.
    assert.throws(() => splitImageRef("jupyter"), /^RangeError: image jupyter is not pinned by tag or digest$/);
  });

  it("hands memory over in bytes so KubeSpawner and the placeholders agree", () => {
    assert.strictEqual(gibToBytes(2), 2_147_483_648);
    assert.strictEqual(gibToBytes(0.5), 536_870_912);
  });
});
