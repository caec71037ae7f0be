import * as assert from "assert";
import { parseConfig } from "../../infra/config/parse";
import { readShippedFiles } from "../../infra/files";
import { planAll } from "../../infra/plan";
import { buildChartValues, summarizeHubSecurity, Z2jhValues } from "../../infra/plan/chart";
import { loadStackConfig, rawWith } from "../support/stacks";

// The security summary (infra/plan/chart/summary.ts) is what `pulumi preview` and the stack outputs say about
// a release, and each of its lines is a claim the smoke test checks from inside a user's pod
// (infra/tools/smoke.ts). It must say what the values do, read back from them: the example stacks' summaries
// are written out whole, and each branch is driven by a hand-edited copy of the values (a chart default put
// back, a role added) whose line is written out too, so a summary that papers over an edit fails here.

const refs = { secretName: "hub-test-secret" };

function stackValues(stack: string, changes: Record<string, unknown> = {}): Z2jhValues {
  const config = Object.keys(changes).length === 0 ? loadStackConfig(stack) : parseConfig(rawWith(stack, changes));
  return buildChartValues(config, planAll(config), readShippedFiles(), refs);
}

/**
 * A copy of `values` as the chart receives them (JSON: no object shared between two places, where the
 * plan shares one switch table among the three components) with `edit` applied: hand-made values outside
 * what the plan's types allow.
 */
function edited(values: Z2jhValues, edit: (v: any) => void): Z2jhValues {
  const copy = JSON.parse(JSON.stringify(values));
  edit(copy);
  return copy;
}

/** The one summary line that starts with `prefix`. */
function line(values: Z2jhValues, prefix: string): string {
  const found = summarizeHubSecurity(values).filter((l) => l.startsWith(prefix));
  assert.strictEqual(found.length, 1, `expected one summary line starting "${prefix}", found ${JSON.stringify(found)}`);
  return found[0];
}

// Lines every example stack shares (the chart values are built the same way for both).
const hubEgressLine =
  "hub egress besides DNS, the proxy and user servers: 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16 tcp/443; 0.0.0.0/0 except 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,169.254.0.0/16 tcp/443; proxy: none besides DNS, the hub and user servers";
const dnsLine = "DNS: kube-system/k8s-app=kube-dns only, UDP/TCP 53, for users, hub and proxy";
const metadataLine =
  "cloud metadata server: blocked by NetworkPolicy for users, hub and proxy (169.254.169.254:80, 169.254.169.252:988, private addresses on 988); iptables init container off";
const userPodsLine = "user pods: uid 1000, privilege escalation off, capabilities dropped: ALL, seccomp RuntimeDefault, service-account token not mounted";
const sandboxLine =
  "sandbox: GKE Sandbox (runtimeClassName gvisor) for user and GPU pods, placeholders too, image pullers tolerate the sandbox taint as regular pods; gVisor's user-space kernel answers user code's system calls, so the pod's seccomp profile is not loaded inside it (gVisor's own kernel runs under its host filter) and no-new-privileges always holds";
const staffLine =
  "admins can open users' servers: no; staff groups %STAFF% get role hub-staff (admin-ui list:users read:users servers list:groups read:groups); built-in admin role: nobody";
const terminalsLine =
  "terminals: off; server start-up ignores Python files in the home (python3 -I -m jupyterhub.singleuser); shell-escape guard: on (friction, not a boundary)";
// 600 s is Google's load balancer's fixed keep-alive to backends; CHP gets 20 s more (infra/plan/chart/operations.ts).
const resilienceLine = "resilience: failed spawns never restart the hub; proxy keeps idle connections 620 s; user-scheduler off";

describe("the security summary, read back from the chart values", () => {
  describe("the example stacks' summaries, whole", () => {
    // Written out from the stack files (stacks/Pulumi.<stack>.yaml) and the rush plan's limits
    // (test/plan/chartValues.test.ts pins those): a line changed, dropped or reordered fails here.
    it("the dev stack", () => {
      assert.deepStrictEqual(summarizeHubSecurity(stackValues("dev")), [
        "login: OIDC (generic-oauth); allowed groups: workshop-staff, workshop-admins; full-admin groups: none; allow_all false",
        staffLine.replace("%STAFF%", "workshop-admins"),
        "per-user subdomains: <user>.hub-dev.example.com; hub login cookie __Host- (cannot be tossed from a user's subdomain); proxy Service ClusterIP",
        "user config in $HOME: ignored (disable_user_config); images: europe-west1-docker.pkg.dev/jupyterhub-dev-example/hub-quay-io/jupyterhub/k8s-singleuser-sample:4.4.0",
        terminalsLine,
        "user egress: DNS and the hub only, plus allowlist: none",
        "packages: pip has no index (/etc/pip.conf: no-index)",
        hubEgressLine,
        dnsLine,
        metadataLine,
        userPodsLine,
        sandboxLine,
        // 0.25–1 CPU; 1 and 2 GiB plus gVisor's 128 MiB (0.125 GiB, printed to two decimals).
        "per user: CPU 0.25–1 vCPU, memory 1.13 GiB–2.13 GiB, home 5 GiB",
        "culling: idle after 1800 s (checked every 300 s), any server after 28800 s; users kept",
        "limits: 10 active servers, 10 concurrent spawns; 0 placeholders at install, then the placeholder calendar's count; hub DB sqlite-pvc",
        resilienceLine,
      ]);
    });

    it("the event stack", () => {
      assert.deepStrictEqual(summarizeHubSecurity(stackValues("event")), [
        "login: OIDC (generic-oauth); allowed groups: course-2026-participants, course-2026-staff; full-admin groups: none; allow_all false",
        staffLine.replace("%STAFF%", "course-2026-staff"),
        "per-user subdomains: <user>.hub.example.com; hub login cookie __Host- (cannot be tossed from a user's subdomain); proxy Service ClusterIP",
        "user config in $HOME: ignored (disable_user_config); images: us-central1-docker.pkg.dev/jupyterhub-event-example/hub-quay-io/jupyterhub/k8s-singleuser-sample:4.4.0",
        terminalsLine,
        // The allowlist entry, and the package proxy's pods in the hub's namespace on its port.
        "user egress: DNS and the hub only, plus allowlist: 203.0.113.16/28 tcp/443; pods jupyterhub/app.kubernetes.io/name=package-proxy,app.kubernetes.io/part-of=jupyterhub-gke tcp/8080",
        "packages: pip uses index-url http://package-proxy.jupyterhub.svc.cluster.local/simple/ (/etc/pip.conf, read-only)",
        hubEgressLine,
        dnsLine,
        metadataLine,
        userPodsLine,
        sandboxLine,
        "per user: CPU 0.25–2 vCPU, memory 2.13 GiB–4.13 GiB, home 10 GiB",
        "culling: idle after 3600 s (checked every 300 s), any server after 28800 s; users kept",
        "limits: 1000 active servers, 200 concurrent spawns; 0 placeholders at install, then the placeholder calendar's count; hub DB sqlite-pvc",
        resilienceLine,
      ]);
    });
  });

  describe("who can open users' servers", () => {
    it("names every holder of the built-in admin role, once each, and every other role with a scope reaching other users", () => {
      // JupyterHub 5.5.0: OAuthenticator's admin_groups/admin_users and the loaded `admin` role's members all
      // hold the built-in admin role, which always has access:servers (roles.py). A role named admin is
      // counted by its members, not as "role admin"; a role without scopes grants nothing.
      const values = edited(stackValues("dev"), (v) => {
        v.hub.config.GenericOAuthenticator.admin_groups = ["operators", "auditors"];
        v.hub.config.GenericOAuthenticator.admin_users = ["bob"];
        v.hub.loadRoles.admin = { users: ["alice", "bob"], groups: ["operators", "root"], scopes: ["access:servers"] };
        v.hub.loadRoles["hub-staff"].groups = ["tutors", "markers"];
        v.hub.loadRoles.graders = { scopes: ["read:users", "access:servers!group=students"], groups: ["graders"] };
        v.hub.loadRoles.viewers = { groups: ["viewers"] };
        v.hub.loadRoles.self = { scopes: ["access:servers!server"], groups: ["everyone"] };
      });
      assert.strictEqual(
        line(values, "admins can open"),
        "admins can open users' servers: yes: built-in admin group operators, built-in admin group auditors, built-in admin group root, built-in admin user bob, built-in admin user alice, role graders; staff groups tutors, markers get role hub-staff (admin-ui list:users read:users servers list:groups read:groups); built-in admin role: group operators, group auditors, group root, user bob, user alice",
      );
      assert.strictEqual(line(values, "login:"), "login: OIDC (generic-oauth); allowed groups: workshop-staff, workshop-admins; full-admin groups: operators, auditors; allow_all false");
    });

    it("counts OAuthenticator's admins without any loaded admin role", () => {
      const values = edited(stackValues("dev"), (v) => {
        v.hub.config.GenericOAuthenticator.admin_users = ["carol"];
        delete v.hub.loadRoles.admin;
      });
      assert.strictEqual(
        line(values, "admins can open"),
        "admins can open users' servers: yes: built-in admin user carol; staff groups workshop-admins get role hub-staff (admin-ui list:users read:users servers list:groups read:groups); built-in admin role: user carol",
      );
    });

    it("says so when the staff role is missing, has no groups or has no scopes", () => {
      const noStaff = edited(stackValues("dev"), (v) => delete v.hub.loadRoles["hub-staff"]);
      assert.strictEqual(line(noStaff, "admins can open"), "admins can open users' servers: no; staff groups none get role hub-staff (no scopes); built-in admin role: nobody");
      const noGroups = edited(stackValues("dev"), (v) => (v.hub.loadRoles["hub-staff"] = { scopes: ["admin-ui"] }));
      assert.strictEqual(line(noGroups, "admins can open"), "admins can open users' servers: no; staff groups none get role hub-staff (admin-ui); built-in admin role: nobody");
      const emptyGroups = edited(stackValues("dev"), (v) => (v.hub.loadRoles["hub-staff"].groups = []));
      assert.match(line(emptyGroups, "admins can open"), /; staff groups none get role hub-staff \(admin-ui /);
      const noScopes = edited(stackValues("dev"), (v) => (v.hub.loadRoles["hub-staff"] = { groups: ["tutors"] }));
      assert.strictEqual(line(noScopes, "admins can open"), "admins can open users' servers: no; staff groups tutors get role hub-staff (no scopes); built-in admin role: nobody");
    });
  });

  describe("the chart defaults these values turn off, put back", () => {
    it("a login cookie without __Host-, user config loaded, a GPU image, privilege escalation and a mounted token", () => {
      const values = edited(stackValues("event", {
        gpuProfile: { machineType: "n1-standard-8", acceleratorType: "nvidia-tesla-t4", acceleratorCount: 1, maxNodes: 2, image: "quay.io/jupyter/pytorch-notebook:cuda12-2025-11-03" },
      }), (v) => {
        v.hub.config.JupyterHub.cookie_host_prefix_enabled = false;
        v.hub.config.KubeSpawner.disable_user_config = false;
        v.hub.config.KubeSpawner.automount_service_account_token = true;
        v.hub.config.KubeSpawner.container_security_context.allowPrivilegeEscalation = true;
        v.hub.config.KubeSpawner.container_security_context.capabilities.drop = ["NET_RAW", "SYS_ADMIN"];
        v.singleuser.cloudMetadata.blockWithIptables = true;
      });
      assert.strictEqual(line(values, "per-user subdomains:"), "per-user subdomains: <user>.hub.example.com; hub login cookie without __Host- prefix; proxy Service ClusterIP");
      assert.strictEqual(
        line(values, "user config in $HOME:"),
        "user config in $HOME: loaded (disable_user_config); images: us-central1-docker.pkg.dev/jupyterhub-event-example/hub-quay-io/jupyterhub/k8s-singleuser-sample:4.4.0, us-central1-docker.pkg.dev/jupyterhub-event-example/hub-quay-io/jupyter/pytorch-notebook:cuda12-2025-11-03 (GPU profile)",
      );
      assert.strictEqual(line(values, "user pods:"), "user pods: uid 1000, privilege escalation allowed, capabilities dropped: NET_RAW, SYS_ADMIN, seccomp RuntimeDefault, service-account token mounted");
      assert.match(line(values, "cloud metadata server:"), /; iptables init container on$/);
    });

    it("the chart's internet and private-range switches, and an allowlist entry with exceptions and several ports", () => {
      // Z2JH 4.4.0 values.yaml: singleuser.networkPolicy.egressAllowRules.nonPrivateIPs and privateIPs.
      const values = edited(stackValues("dev"), (v) => {
        v.singleuser.networkPolicy.egressAllowRules.nonPrivateIPs = true;
        v.singleuser.networkPolicy.egressAllowRules.privateIPs = true;
        v.singleuser.networkPolicy.egress.push({
          to: [{ ipBlock: { cidr: "198.51.100.0/24", except: ["198.51.100.8/29", "198.51.100.64/26"] } }, { ipBlock: { cidr: "203.0.113.0/28" } }],
          ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 8443 }],
        });
      });
      assert.strictEqual(
        line(values, "user egress:"),
        "user egress: the internet and private ranges, plus allowlist: 198.51.100.0/24 except 198.51.100.8/29,198.51.100.64/26,203.0.113.0/28 tcp/443,8443",
      );
      // The chart's own nonPrivateIPs rule excepts 169.254.169.254/32 but not the listener on 988, and
      // privateIPs opens the node addresses on 988 (netpol.ts, metadataPaths).
      assert.strictEqual(
        line(values, "cloud metadata server:"),
        "cloud metadata server: REACHABLE: users via 169.254.169.252:988, 10.0.0.0/8:988 (node addresses), 172.16.0.0/12:988 (node addresses), 192.168.0.0/16:988 (node addresses); iptables init container off",
      );
    });

    it("reads a switch the values leave out as the chart's default", () => {
      // Z2JH 4.4.0 values.yaml: singleuser's egressAllowRules default nonPrivateIPs on, cloudMetadataServer and
      // privateIPs off; the hub's and the proxy's default every switch on.
      const values = edited(stackValues("dev"), (v) => {
        delete v.singleuser.networkPolicy.egressAllowRules;
        delete v.proxy.chp.networkPolicy.egressAllowRules;
      });
      assert.strictEqual(line(values, "user egress:"), "user egress: the internet, plus allowlist: none");
      assert.strictEqual(
        line(values, "cloud metadata server:"),
        "cloud metadata server: REACHABLE: users via 169.254.169.252:988; proxy via 169.254.169.254:80, 169.254.169.252:988, 10.0.0.0/8:988 (node addresses), 172.16.0.0/12:988 (node addresses), 192.168.0.0/16:988 (node addresses); iptables init container off",
      );
    });

    it("names each component the metadata server is reachable from", () => {
      const values = edited(stackValues("dev"), (v) => {
        v.hub.networkPolicy.egressAllowRules.nonPrivateIPs = true;
        v.proxy.chp.networkPolicy.egressAllowRules.nonPrivateIPs = true;
      });
      assert.strictEqual(
        line(values, "cloud metadata server:"),
        "cloud metadata server: REACHABLE: hub via 169.254.169.252:988; proxy via 169.254.169.252:988; iptables init container off",
      );
    });

    it("terminals on, the default command, no guard", () => {
      const values = edited(stackValues("dev", { terminalsEnabled: true, shellEscapeGuard: false }), (v) => (v.singleuser.cmd = ["jupyterhub-singleuser"]));
      assert.strictEqual(line(values, "terminals:"), "terminals: on; server start-up runs Python files in the home (jupyterhub-singleuser); shell-escape guard: off (friction, not a boundary)");
    });

    it("a hub that exits after failed spawns, CHP's own keep-alive and the user-scheduler on", () => {
      // JupyterHub's Spawner.consecutive_failure_limit (the chart's default 5); CHP closes idle connections
      // after 5 s without --keep-alive-timeout (configurable-http-proxy 5.2.0 lib/configproxy.js).
      const values = edited(stackValues("dev"), (v) => {
        v.hub.consecutiveFailureLimit = 5;
        v.proxy.chp.extraCommandLineFlags = ["--log-level=debug"];
        v.scheduling.userScheduler.enabled = true;
      });
      assert.strictEqual(line(values, "resilience:"), "resilience: the hub exits after 5 failed spawns in a row; proxy keeps idle connections 5 s (CHP's default); user-scheduler on");
    });

    it("reads the keep-alive flag among others, and only a whole flag with a whole number of milliseconds", () => {
      const keepAlive = (flags: string[]) => line(edited(stackValues("dev"), (v) => (v.proxy.chp.extraCommandLineFlags = flags)), "resilience:").split("; ")[1];
      assert.strictEqual(keepAlive(["--log-level=debug", "--keep-alive-timeout=900000"]), "proxy keeps idle connections 900 s");
      // Not flags CHP reads as a keep-alive of that length: shown as CHP's default.
      for (const flag of ["--keep-alive-timeout=7.5", "--no--keep-alive-timeout=1000", "--keep-alive-timeout=ms"]) {
        assert.strictEqual(keepAlive([flag]), "proxy keeps idle connections 5 s (CHP's default)", flag);
      }
    });
  });

  describe("where users' DNS and other pod destinations go", () => {
    it("lists each component's DNS destinations when they differ, addresses included, and none where there is none", () => {
      const values = edited(stackValues("dev"), (v) => {
        // Z2JH's dnsPortsCloudMetadataServer rule: Cloud DNS answers at the metadata address on 53.
        v.singleuser.networkPolicy.egress.push(
          { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
          // the same peer twice is named once
          { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ protocol: "UDP", port: 53 }] },
        );
        v.hub.networkPolicy.egress = v.hub.networkPolicy.egress.slice(1);
      });
      assert.strictEqual(line(values, "DNS:"), "DNS: users kube-system/k8s-app=kube-dns, 169.254.169.254/32; hub none; proxy kube-system/k8s-app=kube-dns");
    });

    it("names every pod destination with its namespace's and pods' labels and every port", () => {
      const values = edited(stackValues("event"), (v) => {
        v.singleuser.networkPolicy.egress.push({
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "tools", team: "data" } }, podSelector: { matchLabels: { app: "db" } } }],
          ports: [{ protocol: "TCP", port: 5432 }, { protocol: "TCP", port: 6432 }],
        });
        v.hub.networkPolicy.egress[0].to[0].namespaceSelector.matchLabels.team = "platform";
      });
      assert.strictEqual(
        line(values, "user egress:"),
        "user egress: DNS and the hub only, plus allowlist: 203.0.113.16/28 tcp/443; pods jupyterhub/app.kubernetes.io/name=package-proxy,app.kubernetes.io/part-of=jupyterhub-gke tcp/8080; tools,data/app=db tcp/5432,6432",
      );
      assert.strictEqual(line(values, "DNS:"), "DNS: users kube-system/k8s-app=kube-dns; hub kube-system,platform/k8s-app=kube-dns; proxy kube-system/k8s-app=kube-dns");
    });

    it("counts a pod rule that opens DNS among other ports as DNS, not as another destination", () => {
      const values = edited(stackValues("event"), (v) => {
        const proxyRule = v.singleuser.networkPolicy.egress[1];
        proxyRule.ports = [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 8080 }];
      });
      assert.strictEqual(line(values, "user egress:"), "user egress: DNS and the hub only, plus allowlist: 203.0.113.16/28 tcp/443");
      assert.strictEqual(
        line(values, "DNS:"),
        "DNS: users kube-system/k8s-app=kube-dns, jupyterhub/app.kubernetes.io/name=package-proxy,app.kubernetes.io/part-of=jupyterhub-gke; hub kube-system/k8s-app=kube-dns; proxy kube-system/k8s-app=kube-dns",
      );
    });
  });

  describe("where pip looks", () => {
    const pip = (text: string | undefined) =>
      line(
        edited(stackValues("dev"), (v) => {
          if (text === undefined) delete v.singleuser.extraFiles["pip-config"];
          else v.singleuser.extraFiles["pip-config"].stringData = text;
        }),
        "packages:",
      );

    it("names the index the shipped /etc/pip.conf sets, or says there is none", () => {
      assert.strictEqual(pip(undefined), "packages: no pip configuration shipped");
      assert.strictEqual(
        pip("[global]\nindex-url = https://pypi-mirror.example.edu/simple\nextra-index-url =\n    https://a.example.edu/simple\n"),
        "packages: pip uses index-url https://pypi-mirror.example.edu/simple, extra-index-url https://a.example.edu/simple (/etc/pip.conf, read-only)",
      );
      // pip's own default (pypi.org) when the file names no index and does not turn indexes off.
      assert.strictEqual(pip("[global]\ntimeout = 60\n"), "packages: pip uses its default index");
    });

    it("reads no-index however pip's ini syntax spaces it, and not from a comment", () => {
      for (const text of ["[global]\nno-index = true\n", "[global]\nno-index=true\n", "[global]\n  no-index =  true\n"]) {
        assert.strictEqual(pip(text), "packages: pip has no index (/etc/pip.conf: no-index)", JSON.stringify(text));
      }
      assert.strictEqual(pip("[global]\n# no-index = true\n"), "packages: pip uses its default index");
    });
  });

  describe("GKE Sandbox and per-user resources", () => {
    it("says when the image pullers cannot reach sandboxed nodes", () => {
      const without = edited(stackValues("dev"), (v) => delete v.prePuller.extraTolerations);
      const otherTaint = edited(stackValues("dev"), (v) => (v.prePuller.extraTolerations = [{ key: "hub.jupyter.org/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" }]));
      for (const values of [without, otherTaint]) {
        assert.match(line(values, "sandbox:"), /^sandbox: GKE Sandbox \(runtimeClassName gvisor\) for user and GPU pods, placeholders too, image pullers cannot reach sandboxed nodes; /);
      }
    });

    it("prints a home size in GiB only when it is a plain Gi quantity, as given otherwise", () => {
      const home = (capacity: string) => line(edited(stackValues("dev"), (v) => (v.singleuser.storage.capacity = capacity)), "per user:").split(", home ")[1];
      assert.strictEqual(home("12.25Gi"), "12.25 GiB");
      assert.strictEqual(home("20Gi"), "20 GiB");
      // Other Kubernetes quantities (apimachinery resource.Quantity: a sign is allowed) are not rewritten.
      assert.strictEqual(home("5120Mi"), "5120Mi");
      assert.strictEqual(home("+5Gi"), "+5Gi");
    });
  });
});
