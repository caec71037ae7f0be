// The Kubernetes and GKE pool policies by the whole message a user sees (issue 10, docs/testing.md): each
// case runs one policy alone on the hand-built hardened stack (fixtures.ts) with one input changed, and
// expects exactly the messages written out below, no more, no fewer; so an emptied requirement, a `where`
// path cut short, a fix or a found value changed, or a second message is a failure. Each guard the code has
// is tried: a setting absent, an explicit insecure value, the value unknown at preview (no verdict, no
// throw), odd types, and each side of every threshold. Message shape: core.ts `violation`,
// "<requirement>: set <where> to <fix> (found: <value>)."

import * as assert from "assert";
import { findingsOfAlone } from "./caseRunner";
import { TYPES as T } from "./fixtures";
import { add, all, pod, remove, set, type Mutation } from "./mutations";
import { UNKNOWN_STRING } from "./support";

interface Exact {
  readonly policy: string;
  readonly title: string;
  readonly mutate: Mutation;
  /** Every message the policy reports, in order; `[]` for a stack it must leave alone. */
  readonly messages: readonly string[];
  readonly config?: unknown;
}

/** The messages one policy reports on the hardened stack after `mutate`, at any level; it must not throw. */
async function messagesOf(policy: string, mutate: Mutation, config?: unknown): Promise<string[]> {
  return (await findingsOfAlone(policy, mutate, config)).map((f) => f.message);
}

function itReportsExactly(cases: readonly Exact[]): void {
  for (const c of cases) {
    const verb = c.messages.length === 0 ? "leaves alone" : "reports exactly, for";
    it(`${c.policy} ${verb} ${c.title}`, async () => {
      assert.deepStrictEqual(await messagesOf(c.policy, c.mutate, c.config), c.messages, `${c.policy} on ${c.title}`);
    });
  }
}

// The fixture's Deployment keeps its pod spec at spec.template.spec (types.ts WORKLOADS), its one container
// at containers[0].
const P = "spec.template.spec";
const C0 = `${P}.containers[0]`;
const SC0 = `${C0}.securityContext`;

const POD_CASES: readonly Exact[] = [
  // Pod Security Standards baseline (Kubernetes 1.33), kubernetes/baseline.ts.
  {
    policy: "k8s-pss-host-process",
    title: "HostProcess on the pod and on a container",
    mutate: all(pod("securityContext.windowsOptions.hostProcess", true), pod("containers.0.securityContext.windowsOptions.hostProcess", true)),
    messages: [
      `Pods must not run with host access: set ${P}.securityContext.windowsOptions.hostProcess to false (found: true).`,
      `Pods must not run with host access: set ${SC0}.windowsOptions.hostProcess to false (found: true).`,
    ],
  },
  { policy: "k8s-pss-host-process", title: "hostProcess false", mutate: pod("securityContext.windowsOptions.hostProcess", false), messages: [] },
  {
    policy: "k8s-pss-host-namespaces",
    title: "hostPID and hostIPC",
    mutate: all(pod("hostPID", true), pod("hostIPC", true)),
    messages: [
      `Pods must not share the node's namespaces: set ${P}.hostPID to false (found: true).`,
      `Pods must not share the node's namespaces: set ${P}.hostIPC to false (found: true).`,
    ],
  },
  {
    policy: "k8s-pss-privileged",
    title: "a privileged container",
    mutate: pod("containers.0.securityContext.privileged", true),
    messages: [`Containers must not be privileged: set ${SC0}.privileged to false (found: true).`],
  },
  {
    policy: "k8s-pss-host-ports",
    title: "a host port on the second port",
    mutate: pod("containers.0.ports", [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 9090 }]),
    messages: [`Containers must not bind node ports: set ${C0}.ports[1].hostPort to nothing (remove it) (found: 9090).`],
  },
  { policy: "k8s-pss-host-ports", title: "hostPort 0 (no host port)", mutate: pod("containers.0.ports.0.hostPort", 0), messages: [] },
  { policy: "k8s-pss-host-ports", title: "ports unknown at preview", mutate: pod("containers.0.ports", UNKNOWN_STRING), messages: [] },
  {
    policy: "k8s-pss-apparmor",
    title: "an unconfined pod profile",
    mutate: pod("securityContext.appArmorProfile.type", "Unconfined"),
    messages: [`AppArmor must confine containers: set ${P}.securityContext.appArmorProfile.type to "RuntimeDefault" (found: "Unconfined").`],
  },
  {
    policy: "k8s-pss-apparmor",
    title: "a profile type that is not a string",
    mutate: pod("containers.0.securityContext.appArmorProfile.type", 1),
    messages: [`AppArmor must confine containers: set ${SC0}.appArmorProfile.type to "RuntimeDefault" (found: 1).`],
  },
  {
    policy: "k8s-pss-apparmor",
    title: "RuntimeDefault on the pod and Localhost on the container",
    mutate: all(pod("securityContext.appArmorProfile.type", "RuntimeDefault"), pod("containers.0.securityContext.appArmorProfile.type", "Localhost")),
    messages: [],
  },
  {
    policy: "k8s-pss-apparmor",
    title: "the unconfined annotation",
    mutate: set(T.deployment, undefined, ["spec", "template", "metadata", "annotations", "container.apparmor.security.beta.kubernetes.io/audit"], "unconfined"),
    messages: ['AppArmor must confine containers: set spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/audit"] to "runtime/default" (found: "unconfined").'],
  },
  {
    policy: "k8s-pss-apparmor",
    title: "annotations runtime/default and localhost/<profile>, a non-string one, and another key unconfined",
    mutate: set(T.deployment, undefined, ["spec", "template", "metadata", "annotations"], {
      "container.apparmor.security.beta.kubernetes.io/audit": "runtime/default",
      "container.apparmor.security.beta.kubernetes.io/sidecar": "localhost/k8s-audit",
      "container.apparmor.security.beta.kubernetes.io/init": 1,
      "example.com/profile": "unconfined",
    }),
    messages: [],
  },
  {
    policy: "k8s-pss-selinux",
    title: "spc_t, a user and a role",
    mutate: pod("containers.0.securityContext.seLinuxOptions", { type: "spc_t", user: "system_u", role: "system_r" }),
    messages: [
      `SELinux must keep the container type: set ${SC0}.seLinuxOptions.type to "container_t" (found: "spc_t").`,
      `SELinux user must not be overridden: set ${SC0}.seLinuxOptions.user to nothing (remove it) (found: "system_u").`,
      `SELinux role must not be overridden: set ${SC0}.seLinuxOptions.role to nothing (remove it) (found: "system_r").`,
    ],
  },
  {
    policy: "k8s-pss-selinux",
    title: "a type that is not a string",
    mutate: pod("securityContext.seLinuxOptions.type", 7),
    messages: [`SELinux must keep the container type: set ${P}.securityContext.seLinuxOptions.type to "container_t" (found: 7).`],
  },
  {
    policy: "k8s-pss-selinux",
    title: "the allowed types and a level",
    mutate: all(pod("securityContext.seLinuxOptions", { type: "container_kvm_t", level: "s0:c123,c456" }), pod("containers.0.securityContext.seLinuxOptions", { type: "" })),
    messages: [],
  },
  {
    policy: "k8s-pss-proc-mount",
    title: "an unmasked /proc",
    mutate: pod("containers.0.securityContext.procMount", "Unmasked"),
    messages: [`/proc must stay masked: set ${SC0}.procMount to "Default" (found: "Unmasked").`],
  },
  { policy: "k8s-pss-proc-mount", title: "procMount Default", mutate: pod("containers.0.securityContext.procMount", "Default"), messages: [] },
  {
    policy: "k8s-pss-sysctls",
    title: "an unsafe sysctl after a safe one, and one without a name",
    mutate: pod("securityContext.sysctls", [{ name: "net.ipv4.tcp_syncookies", value: "1" }, { name: "kernel.msgmax", value: "1" }, { value: "1" }]),
    messages: [
      `Pods must not change unsafe kernel parameters: set ${P}.securityContext.sysctls[1] to nothing (remove it) (found: "kernel.msgmax").`,
      `Pods must not change unsafe kernel parameters: set ${P}.securityContext.sysctls[2] to nothing (remove it) (found: not set).`,
    ],
  },
  { policy: "k8s-pss-sysctls", title: "a sysctl whose name is unknown at preview", mutate: pod("securityContext.sysctls", [{ name: UNKNOWN_STRING, value: "1" }]), messages: [] },
  { policy: "k8s-pss-sysctls", title: "sysctls unknown at preview", mutate: pod("securityContext.sysctls", UNKNOWN_STRING), messages: [] },

  // Pod Security Standards restricted, kubernetes/restricted.ts.
  {
    policy: "k8s-pss-capabilities",
    title: "NET_RAW dropped instead of ALL, and SYS_ADMIN added after NET_BIND_SERVICE",
    mutate: pod("containers.0.securityContext.capabilities", { drop: ["NET_RAW"], add: ["NET_BIND_SERVICE", "SYS_ADMIN"] }),
    messages: [
      `Containers must drop every capability: set ${SC0}.capabilities.drop to ["ALL"] (found: ["NET_RAW"]).`,
      `Containers must add back no capability other than NET_BIND_SERVICE: set ${SC0}.capabilities.add to [] or ["NET_BIND_SERVICE"] (found: ["NET_BIND_SERVICE","SYS_ADMIN"]).`,
    ],
  },
  {
    policy: "k8s-pss-capabilities",
    title: "drop and add written as strings, not lists",
    mutate: pod("containers.0.securityContext.capabilities", { drop: "ALL", add: "NET_BIND_SERVICE" }),
    messages: [
      `Containers must drop every capability: set ${SC0}.capabilities.drop to ["ALL"] (found: "ALL").`,
      `Containers must add back no capability other than NET_BIND_SERVICE: set ${SC0}.capabilities.add to [] or ["NET_BIND_SERVICE"] (found: "NET_BIND_SERVICE").`,
    ],
  },
  {
    policy: "k8s-pss-capabilities",
    title: "ALL dropped after another, and only NET_BIND_SERVICE added",
    mutate: pod("containers.0.securityContext.capabilities", { drop: ["NET_RAW", "ALL"], add: ["NET_BIND_SERVICE"] }),
    messages: [],
  },
  {
    policy: "k8s-pss-seccomp",
    title: "an unconfined pod (its container inherits it)",
    mutate: pod("securityContext.seccompProfile.type", "Unconfined"),
    messages: [
      `Pods must not run unconfined by seccomp: set ${P}.securityContext.seccompProfile.type to "RuntimeDefault" (found: "Unconfined").`,
      `Every container must run with a seccomp profile: set ${SC0}.seccompProfile.type (or the pod's) to "RuntimeDefault" (found: not set).`,
    ],
  },
  { policy: "k8s-pss-seccomp", title: "a Localhost pod profile", mutate: pod("securityContext.seccompProfile", { type: "Localhost", localhostProfile: "profiles/audit.json" }), messages: [] },
  { policy: "k8s-pss-seccomp", title: "the pod's profile unknown at preview", mutate: pod("securityContext.seccompProfile.type", UNKNOWN_STRING), messages: [] },
  {
    policy: "k8s-pss-seccomp",
    title: "no pod profile and the container's unknown at preview",
    mutate: all(pod("securityContext.seccompProfile", undefined), pod("containers.0.securityContext.seccompProfile.type", UNKNOWN_STRING)),
    messages: [],
  },
  {
    policy: "k8s-pss-volume-types",
    title: "hostPath after an emptyDir, and a volume with both nfs and hostPath",
    mutate: pod("volumes", [{ name: "tmp", emptyDir: {} }, { name: "root", hostPath: { path: "/" } }, { name: "both", nfs: { server: "nfs", path: "/" }, hostPath: { path: "/" } }]),
    messages: [
      `Pods must not mount node or network volumes: set ${P}.volumes[1] to one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret (found: "hostPath").`,
      `Pods must not mount node or network volumes: set ${P}.volumes[2] to one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret (found: "nfs, hostPath").`,
    ],
  },
  { policy: "k8s-pss-volume-types", title: "volumes unknown at preview", mutate: pod("volumes", UNKNOWN_STRING), messages: [] },
  {
    policy: "k8s-pss-privilege-escalation",
    title: "allowPrivilegeEscalation true",
    mutate: pod("containers.0.securityContext.allowPrivilegeEscalation", true),
    messages: [`Containers must not gain privileges (setuid binaries): set ${SC0}.allowPrivilegeEscalation to false (found: true).`],
  },
  {
    policy: "k8s-pss-run-as-non-root",
    title: "a container that sets runAsNonRoot false under a non-root pod",
    mutate: pod("containers.0.securityContext.runAsNonRoot", false),
    messages: [`Containers must be required to run as non-root: set ${SC0}.runAsNonRoot (or the pod's) to true (found: false).`],
  },
  {
    policy: "k8s-pss-run-as-non-root",
    title: "runAsNonRoot on the container only",
    mutate: all(pod("securityContext.runAsNonRoot", undefined), pod("containers.0.securityContext.runAsNonRoot", true)),
    messages: [],
  },
  { policy: "k8s-pss-run-as-non-root", title: "the pod's runAsNonRoot unknown at preview", mutate: all(pod("securityContext.runAsNonRoot", UNKNOWN_STRING)), messages: [] },
  {
    policy: "k8s-pss-run-as-non-root",
    title: "no pod setting and the container's unknown at preview",
    mutate: all(pod("securityContext.runAsNonRoot", undefined), pod("containers.0.securityContext.runAsNonRoot", UNKNOWN_STRING)),
    messages: [],
  },
  {
    policy: "k8s-pss-run-as-user",
    title: "uid 0 on the pod and on the container",
    mutate: all(pod("securityContext.runAsUser", 0), pod("containers.0.securityContext.runAsUser", 0)),
    messages: [
      `Containers must not run as root: set ${P}.securityContext.runAsUser to a non-zero uid (found: 0).`,
      `Containers must not run as root: set ${SC0}.runAsUser to a non-zero uid (found: 0).`,
    ],
  },

  // kubernetes/workloads.ts.
  {
    policy: "k8s-resource-limits",
    title: "no limits on the container, an empty CPU limit and a null memory limit on an init container, none on an ephemeral one",
    mutate: all(
      pod("containers.0.resources", {}),
      pod("initContainers", [{ name: "init", image: "registry.example.com/init:1.0.0", resources: { limits: { cpu: "", memory: null } } }]),
      pod("ephemeralContainers", [{ name: "debug", image: "registry.example.com/debug:1.0.0" }]),
    ),
    messages: [
      `Containers must have a cpu limit: set ${C0}.resources.limits.cpu to "500m" (for example) (found: not set).`,
      `Containers must have a memory limit: set ${C0}.resources.limits.memory to "512Mi" (for example) (found: not set).`,
      `Containers must have a cpu limit: set ${P}.initContainers[0].resources.limits.cpu to "500m" (for example) (found: "").`,
      `Containers must have a memory limit: set ${P}.initContainers[0].resources.limits.memory to "512Mi" (for example) (found: null).`,
    ],
  },
  {
    policy: "k8s-service-account-token",
    title: "the default account named, with the token mounted",
    mutate: all(pod("serviceAccountName", "default"), pod("automountServiceAccountToken", true)),
    messages: [`Pods must not carry the default service account's token: set ${P}.automountServiceAccountToken to false (found: true).`],
  },
  {
    policy: "k8s-service-account-token",
    title: "an empty account name, with the token setting absent",
    mutate: all(pod("serviceAccountName", ""), pod("automountServiceAccountToken", undefined)),
    messages: [`Pods must not carry the default service account's token: set ${P}.automountServiceAccountToken to false (found: not set).`],
  },
  { policy: "k8s-service-account-token", title: "a dedicated account with the token mounted", mutate: all(pod("serviceAccountName", "audit"), pod("automountServiceAccountToken", true)), messages: [] },
  { policy: "k8s-service-account-token", title: "the token setting unknown at preview", mutate: pod("automountServiceAccountToken", UNKNOWN_STRING), messages: [] },
  { policy: "k8s-service-account-token", title: "the account unknown at preview", mutate: all(pod("serviceAccountName", UNKNOWN_STRING), pod("automountServiceAccountToken", undefined)), messages: [] },
  {
    policy: "k8s-pinned-images",
    title: "the latest tag",
    mutate: pod("containers.0.image", "registry.example.com/audit:latest"),
    messages: [`Images must be pinned; registry.example.com/audit:latest uses the moving tag "latest": set ${C0}.image to "<name>:<version>" or a digest (found: "registry.example.com/audit:latest").`],
  },
  {
    policy: "k8s-pinned-images",
    title: "a blank tag",
    mutate: pod("containers.0.image", "registry.example.com/audit: "),
    messages: [`Images must be pinned; registry.example.com/audit:  has an empty tag: set ${C0}.image to "<name>:<version>" or a digest (found: "registry.example.com/audit: ").`],
  },
  { policy: "k8s-pinned-images", title: "the image unknown at preview", mutate: pod("containers.0.image", UNKNOWN_STRING), messages: [] },
  { policy: "k8s-pinned-images", title: "an image that is not a string", mutate: pod("containers.0.image", 42), messages: [] },
  { policy: "k8s-pinned-images", title: "a digest without a tag", mutate: pod("containers.0.image", `registry.example.com/audit@sha256:${"0123456789abcdef".repeat(4)}`), messages: [] },
  // A pod spec unknown at preview: no verdict from any pod policy (kubernetes/shared.ts podPolicy).
  { policy: "k8s-pss-privileged", title: "a pod spec unknown at preview", mutate: set(T.deployment, undefined, "spec.template.spec", UNKNOWN_STRING), messages: [] },
  { policy: "k8s-pss-privileged", title: "a container list unknown at preview", mutate: pod("containers", UNKNOWN_STRING), messages: [] },
];

// The NetworkPolicy the fixture declares (tools namespace); and the registry proxy's, by its contract
// (contracts/packages.ts `packageProxy`: name package-proxy and these labels; GKE's Workload Identity rules,
// "About Workload Identity Federation for GKE": 169.254.169.254/32 TCP 80 and 169.254.169.252/32 TCP 988).
const PROXY_LABELS = { "app.kubernetes.io/name": "package-proxy", "app.kubernetes.io/part-of": "jupyterhub-gke" };
const WI_80 = { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ protocol: "TCP", port: 80 }] };
const WI_988 = { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [{ protocol: "TCP", port: 988 }] };
const proxyPolicy = (egress: unknown[], podSelector: unknown = { matchLabels: PROXY_LABELS }): Mutation =>
  add({
    type: T.networkPolicy,
    name: "proxy-netpol",
    inputs: { metadata: { name: "package-proxy", namespace: "jupyterhub" }, spec: { podSelector, policyTypes: ["Ingress", "Egress"], egress } },
  });
const netpol = (path: string, value: unknown) => set(T.networkPolicy, undefined, path, value);
// core.ts \`show\` cuts a found value's JSON past 80 characters to its first 77 and "...".
const RULE_80_SHOWN = '[{"to":[{"ipBlock":{"cidr":"169.254.169.254/32"}}],"ports":[{"protocol":"TCP"...';
const METADATA_FIX = "set spec.egress to ipBlocks that exclude 169.254.0.0/16 and port 988";

const NETPOL_CASES: readonly Exact[] = [
  {
    policy: "k8s-network-policy-metadata-egress",
    title: "an ingress-only policy",
    mutate: netpol("spec.policyTypes", ["Ingress"]),
    messages: ['NetworkPolicies must restrict egress: set spec.policyTypes to ["Ingress", "Egress"] (found: ["Ingress"]).'],
  },
  {
    policy: "k8s-network-policy-metadata-egress",
    title: "policyTypes absent",
    mutate: netpol("spec.policyTypes", undefined),
    messages: ['NetworkPolicies must restrict egress: set spec.policyTypes to ["Ingress", "Egress"] (found: not set).'],
  },
  { policy: "k8s-network-policy-metadata-egress", title: "policyTypes unknown at preview", mutate: netpol("spec.policyTypes", UNKNOWN_STRING), messages: [] },
  { policy: "k8s-network-policy-metadata-egress", title: "egress unknown at preview", mutate: netpol("spec.egress", UNKNOWN_STRING), messages: [] },
  { policy: "k8s-network-policy-metadata-egress", title: "Egress with no rules (all egress denied)", mutate: netpol("spec.egress", undefined), messages: [] },
  {
    policy: "k8s-network-policy-metadata-egress",
    title: "the metadata address on port 80",
    mutate: netpol("spec.egress", [WI_80]),
    messages: [`Pods must not reach the GKE metadata server (this admits 169.254.169.254:80): ${METADATA_FIX} (found: ${RULE_80_SHOWN}).`],
  },
  {
    policy: "k8s-network-policy-metadata-egress",
    title: "the proxy's policy with the metadata rule on a second port too",
    mutate: proxyPolicy([{ to: WI_80.to, ports: [{ protocol: "TCP", port: 80 }, { protocol: "TCP", port: 443 }] }, WI_988]),
    messages: [
      `Pods must not reach the GKE metadata server (this admits 169.254.169.254:80, 169.254.169.252:988): ${METADATA_FIX} (found: ${RULE_80_SHOWN}).`,
    ],
  },
  {
    policy: "k8s-network-policy-metadata-egress",
    title: "the proxy's rules on a policy selecting the proxy's labels and one more",
    mutate: proxyPolicy([WI_80, WI_988], { matchLabels: { ...PROXY_LABELS, tier: "cache" } }),
    messages: [
      `Pods must not reach the GKE metadata server (this admits 169.254.169.254:80, 169.254.169.252:988): ${METADATA_FIX} (found: ${RULE_80_SHOWN}).`,
    ],
  },
  {
    policy: "k8s-network-policy-metadata-egress",
    title: "the proxy's rules on a policy whose podSelector is a list",
    mutate: proxyPolicy([WI_80], [{ matchLabels: PROXY_LABELS }]),
    messages: [`Pods must not reach the GKE metadata server (this admits 169.254.169.254:80): ${METADATA_FIX} (found: ${RULE_80_SHOWN}).`],
  },
  {
    policy: "k8s-network-policy-metadata-egress",
    title: "the proxy's rule with its ports given as one object, not a list",
    mutate: proxyPolicy([{ to: WI_80.to, ports: { protocol: "TCP", port: 80 } }]),
    messages: [
      `Pods must not reach the GKE metadata server (this admits 169.254.169.254:80): ${METADATA_FIX} (found: [{"to":[{"ipBlock":{"cidr":"169.254.169.254/32"}}],"ports":{"protocol":"TCP",...).`,
    ],
  },
  {
    policy: "k8s-network-policy-metadata-egress",
    title: "the proxy's rule with `port` misspelt for `ports` (so every port is open)",
    mutate: proxyPolicy([{ to: WI_80.to, port: 80 }]),
    messages: [`Pods must not reach the GKE metadata server (this admits 169.254.169.254:80): ${METADATA_FIX} (found: [{"to":[{"ipBlock":{"cidr":"169.254.169.254/32"}}],"port":80}]).`],
  },
  {
    policy: "k8s-network-policy-metadata-egress",
    title: "the proxy's rule with an (empty) except list: not the contract's rule, written exactly",
    mutate: proxyPolicy([{ to: [{ ipBlock: { cidr: "169.254.169.254/32", except: [] } }], ports: WI_80.ports }]),
    messages: [`Pods must not reach the GKE metadata server (this admits 169.254.169.254:80): ${METADATA_FIX} (found: [{"to":[{"ipBlock":{"cidr":"169.254.169.254/32","except":[]}}],"ports":[{"pro...).`],
  },
  {
    policy: "k8s-network-policy-metadata-egress",
    title: "the proxy's rules on a policy whose podSelector is null",
    mutate: proxyPolicy([WI_80], null),
    messages: [`Pods must not reach the GKE metadata server (this admits 169.254.169.254:80): ${METADATA_FIX} (found: ${RULE_80_SHOWN}).`],
  },
  {
    policy: "k8s-network-policy-metadata-egress",
    title: "the proxy's rules on a policy without a podSelector",
    mutate: all(proxyPolicy([WI_80]), set(T.networkPolicy, "proxy-netpol", "spec.podSelector", undefined)),
    messages: [`Pods must not reach the GKE metadata server (this admits 169.254.169.254:80): ${METADATA_FIX} (found: ${RULE_80_SHOWN}).`],
  },
  { policy: "k8s-network-policy-metadata-egress", title: "the proxy's policy with exactly the Workload Identity rules", mutate: proxyPolicy([WI_80, WI_988]), messages: [] },
];

const NAMESPACE_AND_SERVICE_CASES: readonly Exact[] = [
  {
    policy: "k8s-namespace-pod-security",
    title: "enforce privileged, with baseline and restricted allowed",
    mutate: set(T.namespace, "tools-namespace", ["metadata", "labels", "pod-security.kubernetes.io/enforce"], "privileged"),
    config: { "k8s-namespace-pod-security": { allowedLevels: ["baseline", "restricted"] } },
    messages: ['Namespaces must reject pods that break the Pod Security Standards: set metadata.labels."pod-security.kubernetes.io/enforce" to "baseline" or "restricted" (found: "privileged").'],
  },
  {
    policy: "k8s-namespace-pod-security",
    title: "no enforce label",
    mutate: set(T.namespace, "tools-namespace", ["metadata", "labels", "pod-security.kubernetes.io/enforce"], undefined),
    messages: ['Namespaces must reject pods that break the Pod Security Standards: set metadata.labels."pod-security.kubernetes.io/enforce" to "restricted" (found: not set).'],
  },
  {
    policy: "k8s-no-public-load-balancer",
    title: "a LoadBalancer open to one private range and the whole internet",
    mutate: add({ type: T.service, name: "lb", inputs: { spec: { type: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8", "0.0.0.0/0"] } } }),
    messages: ['Services must not be load balancers open to the world: set spec.loadBalancerSourceRanges to specific CIDRs (or use ClusterIP behind the Gateway) (found: ["10.0.0.0/8","0.0.0.0/0"]).'],
  },
  {
    policy: "k8s-no-public-load-balancer",
    title: "a LoadBalancer with no source ranges",
    mutate: add({ type: T.service, name: "lb", inputs: { spec: { type: "LoadBalancer" } } }),
    messages: ["Services must not be load balancers open to the world: set spec.loadBalancerSourceRanges to specific CIDRs (or use ClusterIP behind the Gateway) (found: not set)."],
  },
  {
    policy: "k8s-no-public-load-balancer",
    title: "a LoadBalancer limited to a documentation range",
    mutate: add({ type: T.service, name: "lb", inputs: { spec: { type: "LoadBalancer", loadBalancerSourceRanges: ["203.0.113.0/24"] } } }),
    messages: [],
  },
  {
    policy: "k8s-no-public-load-balancer",
    title: "a LoadBalancer whose one source range is a number (not a CIDR, so not the whole internet)",
    mutate: add({ type: T.service, name: "lb", inputs: { spec: { type: "LoadBalancer", loadBalancerSourceRanges: [5] } } }),
    messages: [],
  },
  {
    policy: "k8s-no-public-load-balancer",
    title: "a LoadBalancer whose source ranges are unknown at preview",
    mutate: add({ type: T.service, name: "lb", inputs: { spec: { type: "LoadBalancer", loadBalancerSourceRanges: UNKNOWN_STRING } } }),
    messages: [],
  },
  {
    policy: "k8s-no-public-load-balancer",
    title: "an internal LoadBalancer (GKE's networking.gke.io/load-balancer-type annotation)",
    mutate: add({ type: T.service, name: "lb", inputs: { metadata: { annotations: { "networking.gke.io/load-balancer-type": "Internal" } }, spec: { type: "LoadBalancer" } } }),
    messages: [],
  },
];

describe("policy pack: Kubernetes policies by their whole messages", () => {
  itReportsExactly(POD_CASES);
  itReportsExactly(NETPOL_CASES);
  itReportsExactly(NAMESPACE_AND_SERVICE_CASES);
});

const cluster = (path: string | readonly (string | number)[], value: unknown) => set(T.cluster, undefined, path, value);
const userPool = (path: string | readonly (string | number)[], value: unknown) => set(T.nodePool, "cluster-user", path, value);
const corePool = (path: string | readonly (string | number)[], value: unknown) => set(T.nodePool, "cluster-core", path, value);
const MACHINES = { "gke-node-machine-type": { allowedMachineTypes: ["e2-standard-*", "n2-standard-*"] } };
const FIVE_NODES = { "gke-node-pool-max-nodes": { maxNodesPerPool: 5 } };
const PID_FIX = "set nodeConfig.kubeletConfig.podPidsLimit to a number from 1024 to 32768 (e.g. 4096)";
const PID_REQUIREMENT = "A user pod must not be able to exhaust the node's process IDs";
const maxNodes = (path: string, found: number) =>
  `A node pool must not grow beyond 5 nodes: lower ${path} so the pool stays at or under 5 nodes over all its zones, or raise maxNodesPerPool (found: ${found} nodes).`;
/** A zonal or regional pool sized only by `sizing` (the fixture's totalMaxNodeCount removed). */
const sizedPool = (location: string | undefined, sizing: Record<string, unknown>): Mutation =>
  all(userPool("autoscaling", "maxNodeCount" in sizing ? { maxNodeCount: sizing["maxNodeCount"] } : undefined), userPool("initialNodeCount", sizing["initialNodeCount"]), userPool("nodeCount", sizing["nodeCount"]), userPool("location", location));

const GKE_CASES: readonly Exact[] = [
  // gke/operations.ts.
  {
    policy: "gke-logging-monitoring",
    title: 'monitoringService "none"',
    mutate: cluster("monitoringService", "none"),
    messages: ['Cloud Monitoring must be on: set monitoringService to "monitoring.googleapis.com/kubernetes" (found: "none").'],
  },
  { policy: "gke-logging-monitoring", title: "loggingConfig and monitoringConfig absent (GKE's defaults collect both)", mutate: all(cluster("loggingConfig", undefined), cluster("monitoringConfig", undefined)), messages: [] },
  {
    policy: "gke-node-auto-repair",
    title: "a pool without auto-repair or auto-upgrade, and an inline pool without auto-upgrade",
    mutate: all(userPool("management", { autoRepair: false, autoUpgrade: false }), cluster("nodePools", [{ management: { autoUpgrade: false } }])),
    // The cluster comes before its pools in the stack, so its inline pool is reported first.
    messages: [
      "Nodes must be upgraded automatically with the release channel: set nodePools[0].management.autoUpgrade to true (found: false).",
      "Unhealthy nodes must be repaired automatically: set management.autoRepair to true (found: false).",
      "Nodes must be upgraded automatically with the release channel: set management.autoUpgrade to true (found: false).",
    ],
  },
  { policy: "gke-node-auto-repair", title: "inline pools unknown at preview", mutate: cluster("nodePools", UNKNOWN_STRING), messages: [] },

  // gke/shared.ts: which node configs a resource creates nodes from.
  { policy: "gke-node-secure-boot", title: "an Autopilot cluster's (ignored) nodeConfig without secure boot", mutate: all(cluster("enableAutopilot", true), cluster("nodeConfig.shieldedInstanceConfig.enableSecureBoot", false)), messages: [] },
  {
    policy: "gke-node-secure-boot",
    title: 'enableAutopilot "true" (a string: not Autopilot) with the default pool without secure boot',
    mutate: all(cluster("enableAutopilot", "true"), cluster("nodeConfig.shieldedInstanceConfig.enableSecureBoot", false)),
    messages: ["Nodes must use secure boot: set nodeConfig.shieldedInstanceConfig.enableSecureBoot to true (found: false)."],
  },
  {
    policy: "gke-node-machine-type",
    title: "a kept default pool of GKE's default machine type and an inline shared-core pool",
    mutate: all(cluster("removeDefaultNodePool", false), cluster("nodePools", [{ nodeConfig: { machineType: "e2-micro" } }])),
    config: MACHINES,
    messages: [
      "Node machine type e2-medium is not allowed: set nodeConfig.machineType to one of e2-standard-*, n2-standard-* (found: not set).",
      'Node machine type e2-micro is not allowed: set nodePools[0].nodeConfig.machineType to one of e2-standard-*, n2-standard-* (found: "e2-micro").',
    ],
  },
  { policy: "gke-node-machine-type", title: "inline pools unknown at preview", mutate: cluster("nodePools", UNKNOWN_STRING), config: MACHINES, messages: [] },
  { policy: "gke-node-machine-type", title: "a machine type unknown at preview", mutate: userPool("nodeConfig.machineType", UNKNOWN_STRING), config: MACHINES, messages: [] },
  {
    policy: "gke-network-policy-enforced",
    title: "the legacy dataplane with the Calico add-on disabled",
    mutate: all(cluster("datapathProvider", "LEGACY_DATAPATH"), cluster("networkPolicy.enabled", true), cluster("addonsConfig.networkPolicyConfig.disabled", true)),
    messages: ['The cluster must enforce NetworkPolicy, or the chart\'s user isolation is silently ignored: set datapathProvider to "ADVANCED_DATAPATH" (found: "LEGACY_DATAPATH").'],
  },
  { policy: "gke-network-policy-enforced", title: "the legacy dataplane with Calico on", mutate: all(cluster("datapathProvider", "LEGACY_DATAPATH"), cluster("networkPolicy.enabled", true)), messages: [] },
  { policy: "gke-network-policy-enforced", title: "the legacy dataplane, Calico unknown at preview", mutate: all(cluster("datapathProvider", "LEGACY_DATAPATH"), cluster("networkPolicy.enabled", UNKNOWN_STRING)), messages: [] },
  {
    policy: "gke-network-policy-enforced",
    title: "the legacy dataplane, Calico on, its add-on switch unknown at preview",
    mutate: all(cluster("datapathProvider", "LEGACY_DATAPATH"), cluster("networkPolicy.enabled", true), cluster("addonsConfig.networkPolicyConfig.disabled", UNKNOWN_STRING)),
    messages: [],
  },
  { policy: "gke-network-policy-enforced", title: "the dataplane unknown at preview", mutate: cluster("datapathProvider", UNKNOWN_STRING), messages: [] },

  // gke/pools.ts: machine types, node counts over zones, PID limit, sandbox.
  { policy: "gke-node-pool-max-nodes", title: "a zonal pool of at most 5 nodes per zone", mutate: sizedPool("europe-west1-b", { maxNodeCount: 5 }), config: FIVE_NODES, messages: [] },
  // A region (europe-west12, Turin, has a two-digit number) spreads a pool over 3 zones.
  { policy: "gke-node-pool-max-nodes", title: "a regional pool of 2 nodes per zone", mutate: sizedPool("europe-west12", { maxNodeCount: 2 }), config: FIVE_NODES, messages: [maxNodes("autoscaling.maxNodeCount", 6)] },
  { policy: "gke-node-pool-max-nodes", title: "a regional pool of 2 fixed nodes per zone", mutate: sizedPool("europe-west1", { nodeCount: 2 }), config: FIVE_NODES, messages: [maxNodes("nodeCount", 6)] },
  { policy: "gke-node-pool-max-nodes", title: "a regional pool starting with 2 nodes per zone", mutate: sizedPool("europe-west1", { initialNodeCount: 2 }), config: FIVE_NODES, messages: [maxNodes("initialNodeCount", 6)] },
  {
    policy: "gke-node-pool-max-nodes",
    title: "a zonal pool that starts larger (6) than its autoscaling maximum (1)",
    mutate: sizedPool("europe-west1-b", { maxNodeCount: 1, initialNodeCount: 6 }),
    config: FIVE_NODES,
    messages: [maxNodes("initialNodeCount", 6)],
  },
  { policy: "gke-node-pool-max-nodes", title: "a pool with two node locations and 3 per zone", mutate: all(sizedPool("europe-west1", { maxNodeCount: 3 }), userPool("nodeLocations", ["europe-west1-b", "europe-west1-c"])), config: FIVE_NODES, messages: [maxNodes("autoscaling.maxNodeCount", 6)] },
  { policy: "gke-node-pool-max-nodes", title: "a pool with no size at all", mutate: sizedPool("europe-west1", {}), config: FIVE_NODES, messages: [] },
  { policy: "gke-node-pool-max-nodes", title: "node locations unknown at preview", mutate: all(sizedPool("europe-west1", { maxNodeCount: 3 }), userPool("nodeLocations", UNKNOWN_STRING)), config: FIVE_NODES, messages: [] },
  { policy: "gke-node-pool-max-nodes", title: "the location unknown at preview (6 per zone: over the bound even in one zone)", mutate: sizedPool(UNKNOWN_STRING, { maxNodeCount: 6 }), config: FIVE_NODES, messages: [] },
  { policy: "gke-node-pool-max-nodes", title: "the initial count unknown at preview", mutate: sizedPool("europe-west1", { maxNodeCount: 9, initialNodeCount: UNKNOWN_STRING }), config: FIVE_NODES, messages: [] },
  {
    policy: "gke-node-pool-max-nodes",
    title: "an inline pool (no location: one zone) starting with 9 nodes",
    mutate: cluster("nodePools", [{ initialNodeCount: 9 }]),
    config: FIVE_NODES,
    messages: [maxNodes("nodePools[0].initialNodeCount", 9)],
  },
  { policy: "gke-user-node-pid-limit", title: "a PID limit of 1023, one under the floor", mutate: userPool("nodeConfig.kubeletConfig.podPidsLimit", 1023), messages: [`${PID_REQUIREMENT}: ${PID_FIX} (found: 1023).`] },
  { policy: "gke-user-node-pid-limit", title: "a PID limit of exactly 1024", mutate: userPool("nodeConfig.kubeletConfig.podPidsLimit", 1024), messages: [] },
  { policy: "gke-user-node-pid-limit", title: 'a PID limit written as the string "4096"', mutate: userPool("nodeConfig.kubeletConfig.podPidsLimit", "4096"), messages: [`${PID_REQUIREMENT}: ${PID_FIX} (found: "4096").`] },
  { policy: "gke-user-node-pid-limit", title: "the core pool without a PID limit", mutate: corePool("nodeConfig.kubeletConfig.podPidsLimit", undefined), messages: [] },
  {
    policy: "gke-user-node-sandbox",
    title: "a user pool without a sandbox",
    mutate: userPool("nodeConfig.sandboxConfig", undefined),
    messages: ['Nodes that run untrusted user code should sandbox it: set nodeConfig.sandboxConfig.type to "GVISOR" (found: not set).'],
  },
  {
    policy: "gke-user-node-sandbox",
    title: "a user pool on runc",
    mutate: userPool("nodeConfig.sandboxConfig", { type: "RUNC" }),
    messages: ['Nodes that run untrusted user code should sandbox it: set nodeConfig.sandboxConfig.type to "GVISOR" (found: {"type":"RUNC"}).'],
  },
  { policy: "gke-user-node-sandbox", title: 'the deprecated sandboxType "gvisor"', mutate: userPool("nodeConfig.sandboxConfig", { sandboxType: "gvisor" }), messages: [] },
  { policy: "gke-user-node-sandbox", title: "the sandbox config unknown at preview", mutate: userPool("nodeConfig.sandboxConfig", UNKNOWN_STRING), messages: [] },
  { policy: "gke-user-node-sandbox", title: "the sandbox type unknown at preview", mutate: userPool("nodeConfig.sandboxConfig", { type: UNKNOWN_STRING }), messages: [] },
  { policy: "gke-user-node-sandbox", title: "the deprecated sandbox type unknown at preview", mutate: userPool("nodeConfig.sandboxConfig", { sandboxType: UNKNOWN_STRING }), messages: [] },
  { policy: "gke-user-node-sandbox", title: "the core pool without a sandbox", mutate: all(corePool("nodeConfig.sandboxConfig", undefined), remove(T.nodePool, "cluster-user")), messages: [] },
];

describe("policy pack: GKE pool and operations policies by their whole messages", () => {
  itReportsExactly(GKE_CASES);
});
