// The security summary: short lines for the offline plan and the stack outputs, read back from the values
// themselves (not from config), so they say what the chart will actually be given.
import { reachesOtherUsers, staffRoleName } from "../hubRoles";
import { admittedMetadataPaths, chartEgressDefaults, MetadataPath, NetworkPolicyEgressRule } from "../netpol";
import { gvisorRuntimeClass, sandboxNodeKey } from "../sandbox";
import { Z2jhValues } from "./types";
import { disableTerminalsFlag } from "./userPods";
import { pipConfigPath, pipConfigSources } from "../packages";

function onOff(on: boolean): string {
  return on ? "on" : "off";
}

/** ipBlock rules as `cidr tcp/ports`; the DNS rule (a pod selector) is reported on its own line. */
function describeEgress(rules: readonly NetworkPolicyEgressRule[]): string {
  const described = rules.flatMap((r) => {
    const cidrs = r.to.flatMap((t) =>
      "ipBlock" in t ? [t.ipBlock.except?.length ? `${t.ipBlock.cidr} except ${t.ipBlock.except.join(",")}` : t.ipBlock.cidr] : [],
    );
    return cidrs.length === 0 ? [] : [`${cidrs.join(",")} tcp/${r.ports.map((p) => p.port).join(",")}`];
  });
  return described.length === 0 ? "none" : described.join("; ");
}

/** Pod-selector destinations other than DNS (the registry proxy), as `; pods namespace/labels tcp/ports`. */
function describePeers(rules: readonly NetworkPolicyEgressRule[]): string {
  const peers = rules
    .filter((r) => !r.ports.some((p) => p.port === 53))
    .flatMap((r) => r.to.flatMap((t) =>
      "ipBlock" in t ? [] : [`${Object.values(t.namespaceSelector.matchLabels).join(",")}/${Object.entries(t.podSelector.matchLabels).map(([k, v]) => `${k}=${v}`).join(",")} tcp/${r.ports.map((p) => p.port).join(",")}`],
    ));
  return peers.length === 0 ? "" : `; pods ${peers.join("; ")}`;
}

/** Where each component's DNS rules point: pod selectors as namespace/labels, ipBlocks as CIDRs. */
function describeDns(rules: readonly NetworkPolicyEgressRule[]): string {
  const peers = rules
    .filter((r) => r.ports.some((p) => p.port === 53))
    .flatMap((r) => r.to.map((t) =>
      "ipBlock" in t
        ? t.ipBlock.cidr
        : `${Object.values(t.namespaceSelector.matchLabels).join(",")}/${Object.entries(t.podSelector.matchLabels).map(([k, v]) => `${k}=${v}`).join(",")}`,
    ));
  return [...new Set(peers)].join(", ") || "none";
}

/** The metadata paths each component's values admit (netpol.ts), or "" when none does. */
function metadataExposure(values: Z2jhValues): string {
  const admitted: [string, MetadataPath[]][] = [
    ["users", admittedMetadataPaths(values.singleuser.networkPolicy, chartEgressDefaults.singleuser)],
    ["hub", admittedMetadataPaths(values.hub.networkPolicy, chartEgressDefaults.hub)],
    ["proxy", admittedMetadataPaths(values.proxy.chp.networkPolicy, chartEgressDefaults["proxy.chp"])],
  ];
  return admitted
    .filter(([, paths]) => paths.length > 0)
    .map(([who, paths]) => `${who} via ${paths.map((p) => p.label).join(", ")}`)
    .join("; ");
}

/** Where pip in user pods looks, read back from the shipped /etc/pip.conf. */
function describePip(values: Z2jhValues): string {
  const file = Object.values(values.singleuser.extraFiles).find((f) => f.mountPath === pipConfigPath);
  if (!file) return "no pip configuration shipped";
  const sources = pipConfigSources(file.stringData).map((s) => `${s.option} ${s.value}`);
  if (sources.length > 0) return `pip uses ${sources.join(", ")} (${pipConfigPath}, read-only)`;
  return /^\s*no-index\s*=\s*true/m.test(file.stringData) ? `pip has no index (${pipConfigPath}: no-index)` : "pip uses its default index";
}

/** Whether user pods run in GKE Sandbox, and what that changes about the user pod line above it. */
function describeSandbox(values: Z2jhValues): string {
  const { singleuser, scheduling, prePuller } = values;
  if (singleuser.extraPodConfig?.runtimeClassName !== gvisorRuntimeClass) {
    return "sandbox: none; user code calls the node's kernel directly (runc), filtered by the seccomp profile above";
  }
  const placeholders = scheduling.userPlaceholder.extraPodSpec?.runtimeClassName === gvisorRuntimeClass ? "placeholders too" : "placeholders NOT sandboxed";
  const pullers = (prePuller.extraTolerations ?? []).some((t) => t.key === sandboxNodeKey) ? "image pullers tolerate the sandbox taint as regular pods" : "image pullers cannot reach sandboxed nodes";
  return `sandbox: GKE Sandbox (runtimeClassName ${gvisorRuntimeClass}) for user and GPU pods, ${placeholders}, ${pullers}; gVisor's user-space kernel answers user code's system calls, so the pod's seccomp profile is not loaded inside it (gVisor's own kernel runs under its host filter) and no-new-privileges always holds`;
}

/** Short lines for the offline plan: what the shipped values actually do, read back from them. */
export function summarizeHubSecurity(values: Z2jhValues): string[] {
  const { hub, singleuser, cull, scheduling } = values;
  const auth = hub.config.GenericOAuthenticator;
  const guard = Object.values(singleuser.extraFiles).some((f) => f.mountPath.endsWith("/refuse_shell_escapes.py"));
  const terminalsOff = (hub.config.KubeSpawner.args ?? []).includes(disableTerminalsFlag);
  const metadataReachable = metadataExposure(values);
  const dnsPeers = [singleuser, hub, values.proxy.chp].map((c) => describeDns(c.networkPolicy.egress));
  const isolated = singleuser.cmd.includes("-I");
  const gib = (bytes: number) => `${+(bytes / 1024 ** 3).toFixed(2)} GiB`;
  const gpu = singleuser.profileList.find((p) => p.kubespawner_override);
  // A switch the values leave out is the chart's default (Z2JH 4.4.0 values.yaml), as for the metadata paths.
  const egress = { ...chartEgressDefaults.singleuser, ...singleuser.networkPolicy.egressAllowRules };
  const pod = hub.config.KubeSpawner.container_security_context;
  // Who holds JupyterHub's built-in admin role (which always has access:servers), and which loaded role
  // grants a scope that reaches other users' servers.
  const adminRole = hub.loadRoles.admin;
  const builtInAdmins = [
    ...new Set([
      ...[...auth.admin_groups, ...(adminRole?.groups ?? [])].map((g) => `group ${g}`),
      ...[...auth.admin_users, ...(adminRole?.users ?? [])].map((u) => `user ${u}`),
    ]),
  ];
  const reachingRoles = Object.entries(hub.loadRoles)
    .filter(([name, role]) => name !== "admin" && (role.scopes ?? []).some(reachesOtherUsers))
    .map(([name]) => `role ${name}`);
  const openers = [...builtInAdmins.map((a) => `built-in admin ${a}`), ...reachingRoles];
  const staff = hub.loadRoles[staffRoleName];
  const keepAlive = values.proxy.chp.extraCommandLineFlags.map((f) => /^--keep-alive-timeout=(\d+)$/.exec(f)).find((m) => m);
  return [
    `login: OIDC (${hub.config.JupyterHub.authenticator_class}); allowed groups: ${auth.allowed_groups.join(", ")}; full-admin groups: ${auth.admin_groups.join(", ") || "none"}; allow_all ${auth.allow_all}`,
    `admins can open users' servers: ${openers.length ? `yes: ${openers.join(", ")}` : "no"}; staff groups ${staff?.groups?.join(", ") || "none"} get role ${staffRoleName} (${staff?.scopes?.join(" ") ?? "no scopes"}); built-in admin role: ${builtInAdmins.join(", ") || "nobody"}`,
    `per-user subdomains: <user>.${hub.config.JupyterHub.subdomain_host}; hub login cookie ${hub.config.JupyterHub.cookie_host_prefix_enabled ? "__Host- (cannot be tossed from a user's subdomain)" : "without __Host- prefix"}; proxy Service ${values.proxy.service.type}`,
    `user config in $HOME: ${hub.config.KubeSpawner.disable_user_config ? "ignored" : "loaded"} (disable_user_config); images: ${singleuser.image.name}:${singleuser.image.tag}${gpu ? `, ${gpu.kubespawner_override?.image} (GPU profile)` : ""}`,
    `terminals: ${terminalsOff ? "off" : "on"}; server start-up ${isolated ? "ignores" : "runs"} Python files in the home (${singleuser.cmd.join(" ")}); shell-escape guard: ${onOff(guard)} (friction, not a boundary)`,
    `user egress: ${egress.nonPrivateIPs ? "the internet" : "DNS and the hub only"}${egress.privateIPs ? " and private ranges" : ""}, plus allowlist: ${describeEgress(singleuser.networkPolicy.egress)}${describePeers(singleuser.networkPolicy.egress)}`,
    `packages: ${describePip(values)}`,
    `hub egress besides DNS, the proxy and user servers: ${describeEgress(hub.networkPolicy.egress)}; proxy: ${describeEgress(values.proxy.chp.networkPolicy.egress)} besides DNS, the hub and user servers`,
    `DNS: ${new Set(dnsPeers).size === 1 ? `${dnsPeers[0]} only, UDP/TCP 53, for users, hub and proxy` : `users ${dnsPeers[0]}; hub ${dnsPeers[1]}; proxy ${dnsPeers[2]}`}`,
    `cloud metadata server: ${metadataReachable ? `REACHABLE: ${metadataReachable}` : "blocked by NetworkPolicy for users, hub and proxy (169.254.169.254:80, 169.254.169.252:988, private addresses on 988)"}; iptables init container ${onOff(singleuser.cloudMetadata.blockWithIptables)}`,
    `user pods: uid ${pod.runAsUser}, privilege escalation ${pod.allowPrivilegeEscalation ? "allowed" : "off"}, capabilities dropped: ${pod.capabilities.drop.join(", ")}, seccomp ${pod.seccompProfile.type}, service-account token ${hub.config.KubeSpawner.automount_service_account_token ? "mounted" : "not mounted"}`,
    describeSandbox(values),
    // The home's size is a Kubernetes quantity ("10Gi"): said in GiB like the rest of the line.
    `per user: CPU ${singleuser.cpu.guarantee}–${singleuser.cpu.limit} vCPU, memory ${gib(singleuser.memory.guarantee)}–${gib(singleuser.memory.limit)}, home ${singleuser.storage.capacity.replace(/^(\d+(?:\.\d+)?)Gi$/, "$1 GiB")}`,
    `culling: idle after ${cull.timeout} s (checked every ${cull.every} s), any server after ${cull.maxAge} s; users kept`,
    `limits: ${hub.activeServerLimit} active servers, ${hub.concurrentSpawnLimit} concurrent spawns; ${scheduling.userPlaceholder.replicas} placeholders at install, then the placeholder calendar's count; hub DB ${hub.db.type}`,
    `resilience: ${hub.consecutiveFailureLimit ? `the hub exits after ${hub.consecutiveFailureLimit} failed spawns in a row` : "failed spawns never restart the hub"}; proxy keeps idle connections ${keepAlive ? `${Number(keepAlive[1]) / 1000} s` : "5 s (CHP's default)"}; user-scheduler ${onOff(scheduling.userScheduler.enabled)}`,
  ];
}
