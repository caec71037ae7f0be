// Each threshold of the pack on both sides, and each insecure-by-default setting left out entirely (issue
// 10: a policy tested only with an explicit `false` lets through a missing block or a threshold moved by
// one). The numbers are written here, not imported from policy-pack/policies/thresholds.ts: moving a
// threshold must be a change a test notices.

import * as assert from "assert";
import { allPolicies } from "../../policy-pack/policies";
import { secureStack, TYPES as T } from "./fixtures";
import { set, values, type Mutation } from "./mutations";
import { assertNoViolation, assertViolation, check } from "./support";

interface Edge {
  readonly policy: string;
  readonly title: string;
  readonly mutate: Mutation;
  /** A fragment of the expected message; undefined: the policy must pass. */
  readonly refused?: string;
}

const userPool = (path: string, value: unknown) => set(T.nodePool, "cluster-user", path, value);
const timeout = (seconds: number | undefined) => set(T.backendPolicy, undefined, "spec.default.timeoutSec", seconds);
const tls = (path: string, value: unknown) => set(T.sslPolicy, undefined, path, value);

const EDGES: readonly Edge[] = [
  // 500 nodes per pool (thresholds.ts MAX_NODES_PER_POOL), over all its zones.
  { policy: "gke-node-pool-max-nodes", title: "exactly 500 nodes", mutate: userPool("autoscaling.totalMaxNodeCount", 500) },
  { policy: "gke-node-pool-max-nodes", title: "501 nodes", mutate: userPool("autoscaling.totalMaxNodeCount", 501), refused: "found: 501 nodes" },
  // The backend timeout is a websocket's whole life on GCP: one hour to one day.
  { policy: "edge-backend-timeout", title: "3599 s", mutate: timeout(3599), refused: "from 3600 to 86400" },
  { policy: "edge-backend-timeout", title: "exactly 3600 s", mutate: timeout(3600) },
  { policy: "edge-backend-timeout", title: "exactly 86400 s", mutate: timeout(86400) },
  { policy: "edge-backend-timeout", title: "86401 s", mutate: timeout(86401), refused: "from 3600 to 86400" },
  // Idle culling: at most a day; left out, the chart's own default (cull.timeout 3600, Z2JH 4.4.0 values.yaml).
  { policy: "jupyterhub-culling", title: "an idle timeout of exactly a day", mutate: values("cull.timeout", 86400) },
  { policy: "jupyterhub-culling", title: "a day and a second", mutate: values("cull.timeout", 86401), refused: "from 1 to 86400" },
  { policy: "jupyterhub-culling", title: "an idle timeout of 0", mutate: values("cull.timeout", 0), refused: "from 1 to 86400" },
  { policy: "jupyterhub-culling", title: "no idle timeout (the chart's 3600)", mutate: values("cull.timeout", undefined) },
  // TLS: 1.2 and 1.3 only; the API's default when unset is TLS 1.0 (gcloud defaults, compute SSLPolicy).
  { policy: "edge-ssl-policy-tls", title: "TLS 1.1", mutate: tls("minTlsVersion", "TLS_1_1"), refused: "TLS 1.2" },
  { policy: "edge-ssl-policy-tls", title: "no minimum TLS version (TLS 1.0)", mutate: tls("minTlsVersion", undefined), refused: "TLS 1.2" },
  { policy: "edge-ssl-policy-tls", title: "TLS 1.3", mutate: tls("minTlsVersion", "TLS_1_3") },
  { policy: "edge-ssl-policy-tls", title: "the COMPATIBLE profile named", mutate: tls("profile", "COMPATIBLE"), refused: "weak ciphers" },
  { policy: "edge-ssl-policy-tls", title: "the RESTRICTED profile", mutate: tls("profile", "RESTRICTED") },
  // A private cluster: the block left out is as public as `enablePrivateNodes: false`.
  { policy: "gke-private-nodes", title: "no privateClusterConfig at all", mutate: set(T.cluster, undefined, "privateClusterConfig", undefined), refused: "external IP" },
  { policy: "gke-control-plane-access", title: "no masterAuthorizedNetworksConfig", mutate: set(T.cluster, undefined, "masterAuthorizedNetworksConfig", undefined), refused: "restricted to authorised networks" },
];

const policyNamed = (name: string) => {
  const policy = allPolicies.find((p) => p.name === name);
  assert.ok(policy, `no policy named ${name}`);
  return policy;
};

describe("policy pack: thresholds on both sides, insecure defaults left out", () => {
  for (const e of EDGES) {
    it(`${e.policy} ${e.refused === undefined ? "accepts" : "refuses"} ${e.title}`, async () => {
      const stack = secureStack();
      e.mutate(stack);
      const result = await check(stack, { policies: [policyNamed(e.policy)] });
      assert.deepStrictEqual(result.failures, []);
      if (e.refused === undefined) assertNoViolation(result.findings, e.policy);
      else assertViolation(result.findings, e.policy, e.refused);
    });
  }
});
