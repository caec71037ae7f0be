import * as assert from "assert";
import { parseConfig } from "../../infra/config/parse";
import { StackConfig } from "../../infra/config/types";
import { planAll } from "../../infra/plan";
import { contains, overlaps, parseIpv4Cidr, metadataServer, rfc1918 } from "../../infra/plan/cidr";
import {
  buildChartValues,
  concurrentSpawnLimit,
  coreResources,
  disableTerminalsFlag,
  gibToBytes,
  hubSecretKeys,
  maxConcurrentSpawns,
  minConcurrentSpawns,
  oidcClientSecretEnv,
  serverStartTimeoutSeconds,
  splitImageRef,
  summarizeHubSecurity,
  workshopMaxUsers,
  Z2jhValues,
} from "../../infra/plan/chartValues";
import { dedicatedTaintKey, nodePurposeLabel, poolPurpose } from "../../infra/plan/labels";
import { offlineSecretPlaceholder } from "../../infra/tools/stackFile";
import { loadStackConfig, rawWith, stackNames } from "../support/stacks";
import { chartSchemaErrors, describeErrors } from "./chartSchema";

const refs = { secretName: "hub-test-secret" };

function valuesOf(config: StackConfig): Z2jhValues {
  return buildChartValues(config, planAll(config), refs);
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
    const config = loadStackConfig(stack);
    const plan = planAll(config);
    const values = valuesOf(config);

    it("logs in through OIDC only, with the configured issuer URLs and groups, and no allow-all", () => {
      const { JupyterHub: hub, GenericOAuthenticator: auth } = values.hub.config;
      assert.strictEqual(hub.authenticator_class, "generic-oauth");
      assert.strictEqual(auth.authorize_url, config.hub.oidc.authorizeUrl);
      assert.strictEqual(auth.token_url, config.hub.oidc.tokenUrl);
      assert.strictEqual(auth.userdata_url, config.hub.oidc.userdataUrl);
      assert.deepStrictEqual(auth.allowed_groups, config.hub.oidc.allowedGroups);
      assert.deepStrictEqual(auth.admin_groups, config.hub.oidc.adminGroups);
      // oauthenticator 17 ignores group rules unless it manages groups.
      assert.strictEqual(auth.manage_groups, true);
      assert.strictEqual(auth.auth_state_groups_key, `oauth_user.${config.hub.oidc.groupsClaim}`);
      assert.strictEqual(auth.allow_all, false);
      assert.strictEqual(auth.allow_existing_users, false);
      assert.strictEqual(auth.oauth_callback_url, `https://${config.edge.hubDomain}/hub/oauth_callback`);
      assert.doesNotMatch(JSON.stringify(values), /dummy|shared-?password|DummyAuthenticator|"null"/i);
    });

    it("keeps admins out of users' servers", () => {
      assert.strictEqual(values.hub.config.JupyterHub.admin_access, false);
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

    it("denies the cloud metadata server to users, the hub and the proxy, by NetworkPolicy not iptables", () => {
      assert.strictEqual(values.singleuser.cloudMetadata.blockWithIptables, false);
      assert.strictEqual(values.singleuser.networkPolicy.enabled, true);
      assert.strictEqual(values.singleuser.networkPolicy.egressAllowRules.cloudMetadataServer, false);
      assert.strictEqual(values.hub.networkPolicy.egressAllowRules.cloudMetadataServer, false);
      assert.strictEqual(values.proxy.chp.networkPolicy.egressAllowRules.cloudMetadataServer, false);
    });

    it("denies users the internet and private ranges; only DNS and the allowlist are open", () => {
      const rules = values.singleuser.networkPolicy.egressAllowRules;
      assert.strictEqual(rules.nonPrivateIPs, false);
      assert.strictEqual(rules.privateIPs, false);
      assert.strictEqual(rules.dnsPortsPrivateIPs, false);
      assert.strictEqual(rules.dnsPortsKubeSystemNamespace, true);
      const cidrs = values.singleuser.networkPolicy.egress.flatMap((r) => r.to.map((t) => parseIpv4Cidr(t.ipBlock.cidr)!));
      for (const cidr of cidrs) {
        assert.ok(!contains(cidr, metadataServer), `${cidr.text} covers the metadata server`);
        assert.ok(!rfc1918.some((p) => overlaps(cidr, p)), `${cidr.text} opens a private range`);
      }
      assert.deepStrictEqual(
        values.singleuser.networkPolicy.egress,
        config.hub.egressAllowlist.map((r) => ({
          to: [{ ipBlock: { cidr: r.cidr } }],
          ports: r.ports.map((port) => ({ protocol: "TCP", port })),
        })),
      );
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

    it("gives each user the capacity model's CPU, memory and home, and placeholders of the same size", () => {
      const { capacity } = config;
      assert.deepStrictEqual(values.singleuser.cpu, { guarantee: capacity.userCpuGuarantee, limit: capacity.userCpuLimit });
      assert.deepStrictEqual(values.singleuser.memory, {
        guarantee: capacity.userMemoryGuaranteeGiB * 1024 ** 3,
        limit: capacity.userMemoryLimitGiB * 1024 ** 3,
      });
      assert.strictEqual(values.singleuser.storage.capacity, `${capacity.userStorageGiB}Gi`);
      assert.strictEqual(values.scheduling.userPlaceholder.replicas, plan.userPool.placeholderUsers);
      assert.ok(values.scheduling.userPlaceholder.replicas > 0);
    });

    it("packs users with the user scheduler, requires the pools by node purpose, and pre-pulls the image", () => {
      assert.strictEqual(values.scheduling.userScheduler.enabled, true);
      assert.strictEqual(values.scheduling.podPriority.enabled, true);
      assert.strictEqual(values.scheduling.userPods.nodeAffinity.matchNodePurpose, "require");
      assert.strictEqual(values.scheduling.corePods.nodeAffinity.matchNodePurpose, "require");
      assert.strictEqual(values.prePuller.hook.enabled, true);
      assert.strictEqual(values.prePuller.continuous.enabled, true);
    });

    it("culls idle servers (never users, whose homes would go with them) and caps servers and spawns", () => {
      assert.deepStrictEqual(
        [values.cull.enabled, values.cull.users, values.cull.timeout, values.cull.every, values.cull.maxAge],
        [true, false, config.hub.cullTimeoutSeconds, config.hub.cullEverySeconds, config.hub.cullMaxAgeSeconds],
      );
      assert.strictEqual(values.hub.activeServerLimit, config.hub.activeServerLimit ?? config.capacity.peakUsers);
      assert.ok(values.hub.activeServerLimit <= config.capacity.peakUsers);
      // Worked by hand: 60 arrivals a minute × a minute per start × 2 for bursts = 120 (event); the dev
      // stack's 1 a minute gives 2, raised to the floor of 10.
      assert.strictEqual(values.hub.concurrentSpawnLimit, { dev: 10, event: 120 }[stack]);
    });

    it("pins the user image by tag, never latest", () => {
      assert.strictEqual(`${values.singleuser.image.name}:${values.singleuser.image.tag}`, config.hub.userImage);
      assert.notStrictEqual(values.singleuser.image.tag, "latest");
    });

    it("audits through an extraConfig snippet, and ships the shell-escape guard in the IPython system config", () => {
      assert.match(values.hub.extraConfig["audit-log"], /post_auth_hook/);
      assert.deepStrictEqual(
        Object.values(values.singleuser.extraFiles).map((f) => [f.mountPath, f.mode]).sort(),
        [["/etc/ipython/ipython_config.py", 0o444], ["/etc/ipython/refuse_shell_escapes.py", 0o444]],
      );
    });

    it("prints a security summary read back from the values", () => {
      const text = summarizeHubSecurity(values).join("\n");
      assert.match(text, /admins can open users' servers: no/);
      assert.match(
        text,
        /terminals: off; server start-up ignores Python files in the home \(python3 -I -m jupyterhub\.singleuser\); shell-escape guard: on \(friction, not a boundary\)/,
      );
      assert.match(text, /cloud metadata server: blocked by NetworkPolicy for users, hub and proxy/);
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
    assert.deepStrictEqual(stackValues("dev", { terminalsEnabled: false }).hub.config.KubeSpawner.args, [disableTerminalsFlag]);
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

  it("shellEscapeGuard false ships no IPython files", () => {
    const values = stackValues("dev", { shellEscapeGuard: false });
    assert.deepStrictEqual(values.singleuser.extraFiles, {});
    assert.match(summarizeHubSecurity(values).join("\n"), /shell-escape guard: off/);
  });

  it("points pip at the package mirror when there is one, and at nothing otherwise", () => {
    assert.deepStrictEqual(stackValues("event").singleuser.extraEnv, { PIP_INDEX_URL: "https://pypi-mirror.example.edu/simple" });
    assert.deepStrictEqual(stackValues("dev").singleuser.extraEnv, {});
  });

  it("offers no profile list without a GPU, and a standard plus a GPU profile on the tainted GPU pool with one", () => {
    assert.deepStrictEqual(stackValues("event").singleuser.profileList, []);
    const profiles = stackValues("event", { gpuProfile }).singleuser.profileList;
    assert.deepStrictEqual(profiles.map((p) => [p.slug, p.default ?? false]), [["standard", true], ["gpu", false]]);
    const gpu = profiles[1].kubespawner_override!;
    assert.strictEqual(gpu.image, gpuProfile.image);
    assert.deepStrictEqual(gpu.extra_resource_limits, { "nvidia.com/gpu": "1" });
    assert.deepStrictEqual(gpu.node_affinity_required, [
      { matchExpressions: [{ key: nodePurposeLabel, operator: "In", values: [poolPurpose.gpu] }] },
    ]);
    assert.deepStrictEqual(gpu.tolerations, [{ key: dedicatedTaintKey, operator: "Equal", value: "gpu", effect: "NoSchedule" }]);
    for (const p of profiles) assert.ok(!("profile_options" in p), "users cannot pick their own image");
  });

  it("uses configured limits over derived ones", () => {
    const values = stackValues("event", { concurrentSpawnLimit: 30, activeServerLimit: 900 });
    assert.strictEqual(values.hub.concurrentSpawnLimit, 30);
    assert.strictEqual(values.hub.activeServerLimit, 900);
  });

  it("the chart's hard-coded node-purpose label is the one the pools carry", () => {
    // Z2JH's jupyterhub_config.py and templates match on this exact key and the values core/user.
    assert.strictEqual(nodePurposeLabel, "hub.jupyter.org/node-purpose");
    assert.deepStrictEqual([poolPurpose.core, poolPurpose.user], ["core", "user"]);
  });
});

describe("sizing rules", () => {
  const capacity = (arrivalRatePerMinute: number) => ({ ...loadStackConfig("event").capacity, arrivalRatePerMinute });

  it("sizes concurrent spawns from the arrival rate: 60/min in flight for a minute, doubled for bursts", () => {
    assert.strictEqual(concurrentSpawnLimit(capacity(60), undefined), 120);
    assert.strictEqual(concurrentSpawnLimit(capacity(1), undefined), minConcurrentSpawns);
    assert.strictEqual(concurrentSpawnLimit(capacity(5000), undefined), maxConcurrentSpawns);
    assert.strictEqual(concurrentSpawnLimit(capacity(60), 7), 7);
  });

  it("waits long enough for a user who needs a new node: node start-up plus two minutes, never under the chart's 300 s", () => {
    assert.strictEqual(serverStartTimeoutSeconds({ ...capacity(60), nodeStartupMinutes: 4 }), 360);
    assert.strictEqual(serverStartTimeoutSeconds({ ...capacity(60), nodeStartupMinutes: 1 }), 300);
    assert.strictEqual(stackValues("event").singleuser.startTimeout, 360);
  });

  it("gives a 1,000-user hub and proxy more than a workshop's, with the proxy's memory limit above CHP's known 1 Gi OOM", () => {
    const small = coreResources(workshopMaxUsers);
    const large = coreResources(1000);
    assert.deepStrictEqual(large.hub.requests, { cpu: "1", memory: "2Gi" });
    assert.strictEqual(large.proxy.limits.memory, "3Gi");
    assert.notDeepStrictEqual(small, large);
  });

  it("splits image references so name:tag gives them back, digests included, and refuses unpinned ones", () => {
    const digest = `quay.io/jupyter/base-notebook@sha256:${"a".repeat(64)}`;
    for (const ref of ["quay.io/jupyterhub/k8s-singleuser-sample:4.4.0", "registry.example.com:5000/team/img:v1", digest, `quay.io/x/y:v2@sha256:${"b".repeat(64)}`]) {
      const { name, tag } = splitImageRef(ref);
      assert.strictEqual(`${name}:${tag}`, ref);
    }
    assert.throws(() => splitImageRef("registry.example.com:5000/team/img"), /not pinned/);
  });

  it("hands memory over in bytes so KubeSpawner and the placeholders agree", () => {
    assert.strictEqual(gibToBytes(2), 2_147_483_648);
    assert.strictEqual(gibToBytes(0.5), 536_870_912);
  });
});
