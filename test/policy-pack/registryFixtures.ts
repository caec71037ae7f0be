// The registry proxy and the Artifact Registry repositories in the shape the program declares them
// (components/registry.ts, plan/packages.ts), shared by the policy cases that need them
// (policies.test.ts, stack.holes.test.ts).

import { NODE_SA, NS, secureDeployment, TYPES as T } from "./fixtures";
import { add, all, values, type Mutation } from "./mutations";

// The registry proxy's NetworkPolicy as components/registry.ts writes it, spelled out here: its name and
// labels (contracts/packages.ts `packageProxy`) and GKE's Workload Identity rules ("About Workload
// Identity Federation for GKE": 169.254.169.254/32 TCP 80 on Dataplane V2, 169.254.169.252/32 TCP 988).
export const WI_RULES = [
  { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
  { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [{ protocol: "TCP", port: 988 }] },
];
export const DNS_RULE = { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] };
export const PROXY_LABELS = { "app.kubernetes.io/name": "package-proxy", "app.kubernetes.io/part-of": "jupyterhub-gke" };
export function proxyAccount(bound = true) {
  return {
    type: "kubernetes:core/v1:ServiceAccount",
    name: "package-proxy-sa",
    inputs: {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "package-proxy", namespace: NS, labels: PROXY_LABELS, ...(bound ? { annotations: { "iam.gke.io/gcp-service-account": "test-proxy@p.iam.gserviceaccount.com" } } : {}) },
      automountServiceAccountToken: false,
    },
  };
}
export function proxyDeployment(pod: Record<string, unknown>) {
  const d = secureDeployment() as any;
  d.metadata = { name: "package-proxy", namespace: NS, labels: PROXY_LABELS };
  d.spec.selector = { matchLabels: PROXY_LABELS };
  d.spec.template.metadata = { labels: PROXY_LABELS };
  Object.assign(d.spec.template.spec, { serviceAccountName: "package-proxy", ...pod });
  return { type: T.deployment, name: "package-proxy-deployment", inputs: d };
}
export function proxyNetpol(egress: unknown[], matchLabels: Record<string, string> = PROXY_LABELS, name = "package-proxy") {
  return {
    type: T.networkPolicy,
    name: `${name}-netpol`,
    inputs: {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name, namespace: NS, labels: PROXY_LABELS },
      spec: { podSelector: { matchLabels }, policyTypes: ["Ingress", "Egress"], ingress: [], egress },
    },
  };
}


// Packages and the user image through Artifact Registry, in the shape the program declares it
// (components/registry.ts, plan/packages.ts): a remote PyPI repository behind the package proxy's Service,
// a remote Docker repository of quay.io, and pip and the user image pointed at them.
export const AR = "gcp:artifactregistry/repository:Repository";
export const AR_IAM = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember";
export const proxyIndex = `http://package-proxy.${NS}.svc.cluster.local/simple/`;
export const pipConf = (index: string) => `[global]\nindex-url = ${index}\ntrusted-host = package-proxy.${NS}.svc.cluster.local\n`;
// A function, so each case gets objects of its own to make insecure.
export const withRegistry: Mutation = (stack) => all(
  add({ type: AR, name: "registry-python", inputs: { format: "PYTHON", mode: "REMOTE_REPOSITORY", repositoryId: "test-pypi", location: "europe-west1", remoteRepositoryConfig: { pythonRepository: { publicRepository: "PYPI" } } } }),
  add({ type: AR, name: "registry-quay-io", inputs: { format: "DOCKER", mode: "REMOTE_REPOSITORY", repositoryId: "test-quay-io", location: "europe-west1", remoteRepositoryConfig: { commonRepository: { uri: "https://quay.io" } } } }),
  add({ type: AR_IAM, name: "registry-nodes-read", inputs: { repository: "test-quay-io", location: "europe-west1", role: "roles/artifactregistry.reader", member: `serviceAccount:${NODE_SA}` } }),
  add({ type: T.service, name: "package-proxy-service", inputs: { apiVersion: "v1", kind: "Service", metadata: { name: "package-proxy", namespace: NS }, spec: { type: "ClusterIP", ports: [{ port: 80 }] } } }),
  values("singleuser.image.name", "europe-west1-docker.pkg.dev/jupyterhub-test/test-quay-io/jupyterhub/k8s-singleuser-sample"),
  values("singleuser.extraFiles", { "pip-config": { mountPath: "/etc/pip.conf", stringData: pipConf(proxyIndex), mode: 0o444 } }),
  values("singleuser.extraEnv", { PIP_CONFIG_FILE: "/etc/pip.conf" }),
)(stack);
export const registry = (...mutations: Mutation[]): Mutation => all(withRegistry, ...mutations);
