// The smoke test's claims, as pure data: what `npm run ops -- smoke` asks the probe
// (infra/files/ops/smoke_probe.py) to check from inside a user's pod, and how its answers are reported.
// Each claim is one line of the hub's security summary (plan/chartValues.ts `summarizeHubSecurity`):
// - DNS and the hub work: the hub domain resolves; the hub's API answers at $JUPYTERHUB_API_URL, which
//   JupyterHub sets in every single-user server's environment (jupyterhub/spawner.py `get_env`);
// - the metadata server is out of reach: 169.254.169.254:80, and 169.254.169.252:988, where GKE's metadata
//   server for Workload Identity listens (GKE docs, "About Workload Identity Federation for GKE");
// - private ranges are out of reach: a core node's kubelet (10250) and the proxy's API port (CHP 8001, which
//   the chart opens to the hub only: Z2JH templates/proxy/netpol.yaml);
// - other users' pods are out of reach: another user's server (KubeSpawner's port 8888);
// - the internet is out of reach outside the allowlist, and the allowlist works where one is given;
// - the pod runs as the stated uid with no capabilities, no privilege escalation and a seccomp filter;
// - under GKE Sandbox (`userSandbox: gvisor`), the pod runs under gVisor: its kernel log is gVisor's, which
//   starts "Starting gVisor..." (gVisor docs, "Docker Quick Start", "Verify the runtime"; the same under
//   Debian's runsc here, test/ops/smoke.test.ts). That replaces the seccomp claim: gVisor does not load the
//   pod's seccomp profile into the sandbox, so /proc/self/status says `Seccomp: 0` inside it (measured under
//   runsc; GKE lists seccomp among GKE Sandbox's unsupported features), and the summary says so.

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface SmokeTargets {
  readonly hubDomain: string;
  /** The uid user pods run as (chartValues.ts `userUid`). */
  readonly uid: number;
  /** A core node's internal IP; its kubelet listens on 10250. */
  readonly coreNodeIp?: string;
  /** The proxy pod's IP; CHP's API listens on 8001. */
  readonly proxyPodIp?: string;
  /** Another user's running server pod's IP; it listens on 8888. */
  readonly otherUserPodIp?: string;
  /** A host:port inside `egressAllowlist` that should accept connections. */
  readonly allowlisted?: Endpoint;
  /** The stack's `userSandbox`: under gvisor the pod must run under gVisor. */
  readonly userSandbox: "gvisor" | "none";
}

export type Claim = { readonly id: string; readonly kind: string; readonly summary: string } & Record<string, unknown>;

/** Public addresses outside any allowlist: Cloudflare's and Google's resolvers, which always listen. */
export const internetProbes: readonly Endpoint[] = [{ host: "1.1.1.1", port: 443 }, { host: "8.8.8.8", port: 53 }];
export const metadataProbes: readonly Endpoint[] = [{ host: "169.254.169.254", port: 80 }, { host: "169.254.169.252", port: 988 }];
export const kubeletPort = 10250;
export const proxyApiPort = 8001;
export const userServerPort = 8888;

/** The claims to check, and the ones that cannot be checked with what was found (each a failure). */
export function smokeClaims(t: SmokeTargets): { claims: Claim[]; missing: { id: string; summary: string; why: string }[] } {
  const claims: Claim[] = [
    { id: "dns", kind: "dns", name: t.hubDomain, summary: "DNS works" },
    { id: "hub-api", kind: "http", urlFromEnv: "JUPYTERHUB_API_URL", status: [200], summary: "the hub's API answers" },
    ...metadataProbes.map((e): Claim => ({ id: `metadata-${e.host}:${e.port}`, kind: "blocked", ...e, summary: "the metadata server is unreachable" })),
    ...internetProbes.map((e): Claim => ({ id: `internet-${e.host}:${e.port}`, kind: "blocked", ...e, summary: "the internet outside the allowlist is unreachable" })),
    { id: "uid", kind: "uid", uid: t.uid, summary: `runs as uid ${t.uid}` },
    { id: "capabilities", kind: "capabilities", summary: "holds no capability" },
    { id: "no-new-privs", kind: "no_new_privs", summary: "cannot gain privileges" },
    t.userSandbox === "gvisor"
      ? { id: "gvisor", kind: "gvisor", summary: "runs under gVisor (GKE Sandbox), not on the node's kernel" }
      : { id: "seccomp", kind: "seccomp", summary: "runs under a seccomp filter" },
  ];
  const missing: { id: string; summary: string; why: string }[] = [];
  const blocked = (id: string, host: string | undefined, port: number, summary: string, why: string) => {
    if (host) claims.push({ id, kind: "blocked", host, port, summary });
    else missing.push({ id, summary, why });
  };
  blocked("private-kubelet", t.coreNodeIp, kubeletPort, "private ranges are unreachable (a node's kubelet)", "no core node found");
  blocked("private-proxy-api", t.proxyPodIp, proxyApiPort, "private ranges are unreachable (the proxy's API)", "no proxy pod found");
  blocked("other-user", t.otherUserPodIp, userServerPort, "other users' servers are unreachable", "start a second test user's server first");
  if (t.allowlisted) claims.push({ id: "allowlist", kind: "open", ...t.allowlisted, summary: "the allowlisted destination is reachable" });
  return { claims, missing };
}

export interface ProbeResult {
  readonly id: string;
  readonly pass: boolean;
  readonly detail: string;
}

export function parseProbeOutput(stdout: string): ProbeResult[] {
  return stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as ProbeResult);
}

/** One PASS/FAIL line per claim; ok only when every claim was checked and held. */
export function smokeReport(claims: readonly Claim[], results: readonly ProbeResult[], missing: ReturnType<typeof smokeClaims>["missing"]): { lines: string[]; ok: boolean } {
  const byId = new Map(results.map((r) => [r.id, r]));
  const lines = claims.map((c) => {
    const r = byId.get(c.id);
    return r ? `${r.pass ? "PASS" : "FAIL"}  ${c.summary}: ${r.detail}` : `FAIL  ${c.summary}: the probe gave no answer`;
  });
  lines.push(...missing.map((m) => `FAIL  ${m.summary}: not checked, ${m.why}`));
  const ok = missing.length === 0 && claims.every((c) => byId.get(c.id)?.pass === true);
  return { lines, ok };
}
