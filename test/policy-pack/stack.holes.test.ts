// The stack policies (policy-pack/policies/stack/) against the holes mutation testing found in them
// (issue 10): each finding asserted as the whole list of what the policy reports (the resource it lands on
// and the full message a user reads), each guard on a value not known at preview or of an odd type
// (no verdict, no throw), each lookalike a comparison must refuse, and the reason a policy gives when it
// does not apply — @pulumi/policy's server sends that reason to the engine (server.js `pushNotApplicable`,
// AnalyzeResponse.notApplicable), which the offline checker drops, so it is read from the policy itself.

import * as assert from "assert";
import type { StackValidationArgs } from "@pulumi/policy";
import { findingsOfAlone, policyNamed } from "./caseRunner";
import { HUB, NODE_SA, NS, secureStack, TYPES as T } from "./fixtures";
import { add, all, remove, set, values, type Mutation, type Stack } from "./mutations";
import { AR, AR_IAM, pipConf, proxyAccount, proxyDeployment, proxyIndex, registry, withRegistry } from "./registryFixtures";
import { clone, find, setPath, UNKNOWN_STRING, urnOf } from "./support";

type Path = string | readonly (string | number)[];
const cluster = (path: Path, value: unknown) => set(T.cluster, undefined, path, value);
const userPool = (path: Path, value: unknown) => set(T.nodePool, "cluster-user", path, value);
const route = (path: Path, value: unknown) => set(T.route, "edge-route", path, value);
const redirect = (path: Path, value: unknown) => set(T.route, "edge-redirect", path, value);
const gateway = (path: Path, value: unknown) => set(T.gateway, undefined, path, value);
const pipFile = (text: unknown) => values(["singleuser", "extraFiles", "pip-config", "stringData"], text);
/** Only the Docker repository of the user image: pip may use the organisation's index, never PyPI. */
const imageRegistryOnly = (...mutations: Mutation[]): Mutation => all(withRegistry, remove(AR, "registry-python"), ...mutations);

/** The findings of one policy, run alone on the hardened stack after `mutate`: `<resource>: <message>`. */
async function findingsOf(policy: string, mutate: Mutation, config?: unknown): Promise<string[]> {
  return (await findingsOfAlone(policy, mutate, config)).map((f) => `${f.level === "mandatory" ? "" : `${f.level} `}${f.urn.split("::").pop() ?? ""}: ${f.message}`);
}

function itFinds(policy: string, title: string, mutate: Mutation, expected: readonly string[], config?: unknown): void {
  it(`${policy} reports ${title}`, async () => {
    assert.deepStrictEqual(await findingsOf(policy, mutate, config), expected);
  });
}

function itPasses(policy: string, title: string, mutate: Mutation): void {
  it(`${policy} leaves alone ${title}`, async () => {
    assert.deepStrictEqual(await findingsOf(policy, mutate), []);
  });
}

class Skipped extends Error {
  constructor(readonly reason: string | undefined) {
    super(`not applicable: ${reason}`);
  }
}

/** The reason a stack policy gives for not applying to the hardened stack after `mutate`, or a failure. */
function itSkips(policy: string, title: string, mutate: Mutation, reason: string): void {
  it(`${policy} does not apply to ${title}`, () => {
    const stack: Stack = secureStack();
    mutate(stack);
    const p = policyNamed(policy);
    assert.ok(p.kind === "stack", `${policy} is not a stack policy`);
    const reported: string[] = [];
    const args = {
      resources: stack.map((r) => ({ type: r.type, urn: urnOf(r.type, r.name), name: r.name, props: r.inputs })),
      getConfig: () => ({}),
      notApplicable: (why?: string) => {
        throw new Skipped(why);
      },
    } as unknown as StackValidationArgs;
    let skipped: Skipped | undefined;
    try {
      void p.validateStack(args, (message: string) => reported.push(message));
    } catch (e) {
      if (!(e instanceof Skipped)) throw e;
      skipped = e;
    }
    assert.deepStrictEqual({ reason: skipped?.reason, reported }, { reason, reported: [] }, `${policy} should have said it does not apply`);
  });
}

const proxyPublic = `${NS}/proxy-public`;
const extraBackendPolicy = (spec: Record<string, unknown>, service = "proxy-public") =>
  add({
    type: T.backendPolicy,
    name: "edge-backend-extra",
    inputs: { apiVersion: "networking.gke.io/v1", kind: "GCPBackendPolicy", metadata: { name: `${service}-extra`, namespace: NS }, spec: { targetRef: { group: "", kind: "Service", name: service }, default: spec } },
  });

describe("stack policies: whole findings, unknowns, odd types, lookalikes (mutation holes)", () => {
  describe("edge-backend-security-policy (cloudArmor.ts)", () => {
    const P = "edge-backend-security-policy";
    const logged = { logging: { enabled: true } };
    itSkips(P, "a stack without HTTPRoutes", all(remove(T.route, "edge-route"), remove(T.route, "edge-redirect")), "No HTTPRoute in the stack");
    itFinds(P, "a backend with no GCPBackendPolicy at all", remove(T.backendPolicy), [
      `edge-route: Backend Service ${proxyPublic} must be behind Cloud Armor: set spec.default.securityPolicy on its GCPBackendPolicy to "test-hub-armor" (found: no GCPBackendPolicy).`,
      `edge-route: Cloud Armor's decisions for ${proxyPublic} are only recorded in the load balancer's request log: set spec.default.logging.enabled to true on its GCPBackendPolicy (found: []).`,
    ]);
    itFinds(P, "a stack with no backend (CLOUD_ARMOR) policy to name", set(T.securityPolicy, undefined, "type", "CLOUD_ARMOR_EDGE"), [
      `edge-route: Backend Service ${proxyPublic} must be behind Cloud Armor: set spec.default.securityPolicy on its GCPBackendPolicy to the name of a CLOUD_ARMOR SecurityPolicy declared in the stack (found: ["test-hub-armor"]).`,
    ]);
    // The Compute API's SecurityPolicy `type` defaults to CLOUD_ARMOR when unset.
    itFinds(
      P,
      "every declared backend policy by name, an untyped one included",
      all(add({ type: T.securityPolicy, name: "edge-armor-2", inputs: { name: "second-armor" } }), set(T.backendPolicy, "edge-backend", "spec.default.securityPolicy", "someone-elses")),
      [`edge-route: Backend Service ${proxyPublic} must be behind Cloud Armor: set spec.default.securityPolicy on its GCPBackendPolicy to "test-hub-armor" or "second-armor" (found: ["someone-elses"]).`],
    );
    itFinds(
      P,
      "a backend whose own policy names none, beside another Service's that does",
      all(set(T.backendPolicy, "edge-backend", "spec.default.securityPolicy", undefined), extraBackendPolicy({ securityPolicy: "test-hub-armor", ...logged }, "other-service")),
      [`edge-route: Backend Service ${proxyPublic} must be behind Cloud Armor: set spec.default.securityPolicy on its GCPBackendPolicy to "test-hub-armor" (found: [null]).`],
    );
    itPasses(P, "a policy of a type not known yet, named by the backend", all(add({ type: T.securityPolicy, name: "edge-armor-2", inputs: { name: "pending-armor", type: UNKNOWN_STRING } }), set(T.backendPolicy, "edge-backend", "spec.default.securityPolicy", "pending-armor")));
    itPasses(P, "a declared policy whose name is not known yet", set(T.securityPolicy, undefined, "name", UNKNOWN_STRING));
    itPasses(P, "two backend policies, one naming a policy not known yet", extraBackendPolicy({ securityPolicy: UNKNOWN_STRING, ...logged }));
    itPasses(P, "two backend policies, one of them naming the declared policy", extraBackendPolicy({ securityPolicy: "someone-elses", ...logged }));
    itPasses(P, "two backend policies, one logging, the other not", extraBackendPolicy({ securityPolicy: "test-hub-armor", logging: { enabled: false } }));
    itPasses(P, "two backend policies, one's logging not known yet", all(set(T.backendPolicy, "edge-backend", "spec.default.logging.enabled", false), extraBackendPolicy({ securityPolicy: "test-hub-armor", logging: { enabled: UNKNOWN_STRING } })));
  });

  describe("edge-backend-policies-attached (gateway.ts)", () => {
    const P = "edge-backend-policies-attached";
    const needsHealthCheck = `edge-route: Backend Service ${proxyPublic} needs a health check that does not follow the proxy's redirect: declare a HealthCheckPolicy in namespace ${NS} with spec.targetRef { kind: "Service", name: "proxy-public" } (found: none).`;
    itSkips(P, "a stack without HTTPRoutes", all(remove(T.route, "edge-route"), remove(T.route, "edge-redirect")), "No HTTPRoute in the stack");
    itFinds(P, "a backend without a GCPBackendPolicy", remove(T.backendPolicy), [
      `edge-route: Backend Service ${proxyPublic} needs a websocket-friendly timeout: declare a GCPBackendPolicy in namespace ${NS} with spec.targetRef { kind: "Service", name: "proxy-public" } (found: none).`,
    ]);
    itFinds(P, "a HealthCheckPolicy in another namespace", set(T.healthCheck, undefined, "metadata.namespace", "tools"), [needsHealthCheck]);
    itFinds(P, "a HealthCheckPolicy without a namespace (default)", set(T.healthCheck, undefined, "metadata.namespace", undefined), [needsHealthCheck]);
    itFinds(P, "a HealthCheckPolicy targeting the Gateway", set(T.healthCheck, undefined, "spec.targetRef.kind", "Gateway"), [needsHealthCheck]);
    itFinds(P, "a HealthCheckPolicy targeting another Service", set(T.healthCheck, undefined, "spec.targetRef.name", "hub"), [needsHealthCheck]);
    itFinds(P, "a backend in another namespace, by its own namespace", route(["spec", "rules", 0, "backendRefs"], [{ name: "proxy-public", namespace: "tools", port: 80 }]), [
      `edge-route: Backend Service tools/proxy-public needs a websocket-friendly timeout: declare a GCPBackendPolicy in namespace tools with spec.targetRef { kind: "Service", name: "proxy-public" } (found: none).`,
      `edge-route: Backend Service tools/proxy-public needs a health check that does not follow the proxy's redirect: declare a HealthCheckPolicy in namespace tools with spec.targetRef { kind: "Service", name: "proxy-public" } (found: none).`,
    ]);
    itPasses(P, "a route whose rules are not known yet", all(remove(T.healthCheck), route("spec.rules", UNKNOWN_STRING)));
    itPasses(P, "a route whose namespace is not known yet", all(remove(T.healthCheck), route("metadata.namespace", UNKNOWN_STRING)));
    itPasses(P, "a route whose namespace is not known yet, its backend naming its own", all(remove(T.healthCheck), route("metadata.namespace", UNKNOWN_STRING), route(["spec", "rules", 0, "backendRefs", 0, "namespace"], NS)));
    itPasses(P, "a rule whose backendRefs are not known yet", all(remove(T.healthCheck), route("spec.rules", [{ backendRefs: UNKNOWN_STRING }])));
    itPasses(
      P,
      "backend refs that are no known Service: another kind, a name or namespace of another type or not known yet",
      route(["spec", "rules", 0, "backendRefs"], [
        { name: "proxy-public", port: 80 },
        { kind: "ServiceImport", name: "other" },
        { name: 5 },
        { name: "x", namespace: 7 },
        { name: UNKNOWN_STRING },
        { name: "y", namespace: UNKNOWN_STRING },
      ]),
    );
  });

  describe("edge-http-redirects-only (gateway.ts)", () => {
    const P = "edge-http-redirects-only";
    const serving = (routeName: string, ref: number, rule: number, found: string) =>
      `${routeName}: Plain HTTP must only redirect to HTTPS: route ${routeName} attaches to HTTP listener http through spec.parentRefs[${ref}] and spec.rules[${rule}] serves it; set spec.parentRefs[${ref}].sectionName to the HTTPS listener, or make that rule a RequestRedirect with scheme "https" and no backendRefs (found: ${found}).`;
    const backendRule = '{"backendRefs":[{"name":"proxy-public","port":80}]}';
    itSkips(P, "a stack without a Gateway", remove(T.gateway), "Needs a Gateway and an HTTPRoute in the stack");
    itSkips(P, "a stack without HTTPRoutes", all(remove(T.route, "edge-route"), remove(T.route, "edge-redirect")), "Needs a Gateway and an HTTPRoute in the stack");
    itFinds(P, "a backend route on every listener", route("spec.parentRefs", [{ name: "hub" }]), [serving("edge-route", 0, 0, backendRule)]);
    itFinds(P, "a backend route on port 80 of the Gateway", route("spec.parentRefs", [{ name: "hub", port: 80 }]), [serving("edge-route", 0, 0, backendRule)]);
    itFinds(P, "the second parentRef on the HTTP listener", route("spec.parentRefs", [{ name: "hub", sectionName: "https" }, { name: "hub", sectionName: "http" }]), [serving("edge-route", 1, 0, backendRule)]);
    itFinds(
      P,
      "a serving rule after the redirect",
      redirect("spec.rules", [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }, { backendRefs: [{ name: "proxy-public", port: 80 }] }]),
      [serving("edge-redirect", 0, 1, backendRule)],
    );
    itFinds(P, "a redirect rule that also has backends", redirect(["spec", "rules", 0, "backendRefs"], [{ name: "proxy-public", port: 80 }]), [
      serving("edge-redirect", 0, 0, '{"filters":[{"type":"RequestRedirect","requestRedirect":{"scheme":"https","st...'),
    ]);
    itFinds(P, "a filter that is not a RequestRedirect, though it carries a requestRedirect", redirect(["spec", "rules", 0, "filters", 0, "type"], "RequestHeaderModifier"), [
      serving("edge-redirect", 0, 0, '{"filters":[{"type":"RequestHeaderModifier","requestRedirect":{"scheme":"http...'),
    ]);
    itPasses(P, "a backend route on port 443 only", route("spec.parentRefs", [{ name: "hub", port: 443 }]));
    itPasses(P, "a backend route on a Gateway of the same name in another namespace", route("spec.parentRefs", [{ name: "hub", namespace: "other" }]));
    itPasses(P, "a backend route on another Gateway", route("spec.parentRefs", [{ name: "other-gateway" }]));
    itPasses(P, "a parentRef whose section is not known yet", route("spec.parentRefs", [{ name: "hub", sectionName: UNKNOWN_STRING }]));
    itPasses(P, "a Gateway whose listeners are not known yet", all(route("spec.parentRefs", [{ name: "hub" }]), gateway("spec.listeners", UNKNOWN_STRING)));
    itPasses(P, "a route whose namespace is not known yet", all(route("spec.parentRefs", [{ name: "hub", namespace: NS }]), route("metadata.namespace", UNKNOWN_STRING)));
    itPasses(P, "a route whose parentRefs are not known yet", route("spec.parentRefs", UNKNOWN_STRING));
    itPasses(P, "a route on every listener whose rules are not known yet", all(route("spec.parentRefs", [{ name: "hub" }]), route("spec.rules", UNKNOWN_STRING)));
    itPasses(P, "a redirect whose backendRefs are not known yet", redirect(["spec", "rules", 0, "backendRefs"], UNKNOWN_STRING));
    itPasses(P, "a redirect whose filters are not known yet", redirect(["spec", "rules", 0, "filters"], UNKNOWN_STRING));
    itPasses(
      P,
      "a redirect after another filter",
      redirect(["spec", "rules", 0, "filters"], [{ type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "X-Forwarded-Proto", value: "http" }] } }, { type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }]),
    );
  });

  describe("edge-gateway-ssl-policy (gateway.ts, knownStrings)", () => {
    const P = "edge-gateway-ssl-policy";
    const gatewayNeeds = (to: string, found: string) =>
      `edge-gateway: Gateway ${NS}/hub must use a TLS 1.2+ SSL policy: declare a GCPGatewayPolicy targeting it with spec.default.sslPolicy set to ${to} (found: ${found}).`;
    itSkips(P, "a stack without a Gateway", remove(T.gateway), "No Gateway in the stack");
    itFinds(P, "a Gateway without a GCPGatewayPolicy", remove(T.gatewayPolicy), [gatewayNeeds('"test-hub-tls"', "[]")]);
    itFinds(P, "a stack without an SSLPolicy", remove(T.sslPolicy), [gatewayNeeds("a declared SSLPolicy's name", '["test-hub-tls"]')]);
    itFinds(
      P,
      "every declared SSL policy by name, and no name of another type",
      all(
        add({ type: T.sslPolicy, name: "edge-tls-2", inputs: { name: "second-tls", minTlsVersion: "TLS_1_2", profile: "MODERN" } }),
        add({ type: T.sslPolicy, name: "edge-tls-3", inputs: { name: 42, minTlsVersion: "TLS_1_2", profile: "MODERN" } }),
        set(T.gatewayPolicy, undefined, "spec.default.sslPolicy", "gcloud-default"),
      ),
      [gatewayNeeds('"test-hub-tls" or "second-tls"', '["gcloud-default"]')],
    );
    itFinds(P, "a GCPGatewayPolicy targeting another Gateway", set(T.gatewayPolicy, undefined, "spec.targetRef.name", "other"), [gatewayNeeds('"test-hub-tls"', "[]")]);
    itPasses(P, "a Gateway whose namespace is not known yet", all(remove(T.gatewayPolicy), gateway("metadata.namespace", UNKNOWN_STRING)));
    itPasses(P, "a Gateway whose name is not known yet", all(remove(T.gatewayPolicy), gateway("metadata.name", UNKNOWN_STRING)));
    itPasses(P, "a Gateway whose name is not a string", all(remove(T.gatewayPolicy), gateway("metadata.name", 7)));
    itPasses(P, "an sslPolicy not known yet", set(T.gatewayPolicy, undefined, "spec.default.sslPolicy", UNKNOWN_STRING));
    itPasses(P, "an SSLPolicy whose name is not known yet", set(T.sslPolicy, undefined, "name", UNKNOWN_STRING));
  });

  describe("stack-hostnames-covered (hostnames.ts)", () => {
    const P = "stack-hostnames-covered";
    const CERTS = `["${HUB}","*.${HUB}"]`;
    const RECORDS = `["${HUB}.","*.${HUB}.","_acme-challenge.${HUB}."]`;
    const uncovered = (at: string, host: string, why: string) => [
      `${at}: ${host} (${why}) must be covered by a Google-managed certificate: add it to a Certificate's managed.domains (found: ${CERTS}).`,
      `${at}: ${host} (${why}) must have a certificate-map entry: add a CertificateMapEntry with hostname "${host}" (found: ${CERTS}).`,
      `${at}: ${host} (${why}) must resolve: add a DNS RecordSet named "${host}." of type A (found: ${RECORDS}).`,
    ];
    const mapNeeds = (to: string, found: string) => `edge-gateway: The Gateway must serve the stack's certificate map: set metadata.annotations["networking.gke.io/certmap"] to ${to} (found: ${found}).`;
    itSkips(P, "a stack that serves no hostname", all(remove(T.release), remove(T.route, "edge-route"), remove(T.route, "edge-redirect")), "The stack serves no hostname");
    // The hub's name is served by the release and by both routes: one finding, on the release, not three.
    itFinds(P, "the hub's name without a record, once", remove(T.record, "dns-hub"), [
      `hub: ${HUB} (the hub's subdomain_host) must resolve: add a DNS RecordSet named "${HUB}." of type A (found: ["*.${HUB}.","_acme-challenge.${HUB}."]).`,
    ]);
    itFinds(P, "a wildcard record of a type that does not resolve to the Gateway", set(T.record, "dns-wildcard", "type", "TXT"), [
      `hub: *.${HUB} (user servers under subdomain_host) must resolve: add a DNS RecordSet named "*.${HUB}." of type A (found: ["${HUB}.","_acme-challenge.${HUB}."]).`,
    ]);
    itFinds(P, "an HTTPRoute hostname nothing covers", route("spec.hostnames", [HUB, `*.${HUB}`, "extra.example.org"]), uncovered("edge-route", "extra.example.org", "HTTPRoute edge-route"));
    itFinds(P, "a Gateway listener hostname nothing covers", gateway(["spec", "listeners", 0, "hostname"], "gw.example.org"), uncovered("edge-gateway", "gw.example.org", "Gateway edge-gateway"));
    // Certificate Manager: a PRIMARY entry is the fallback for names without their own entry.
    itFinds(P, "a PRIMARY entry standing in for the wildcard's own", all(remove(T.certMapEntry, "edge-certmap-wildcard"), set(T.certMapEntry, "edge-certmap-primary", "hostname", `*.${HUB}`)), [
      `hub: *.${HUB} (user servers under subdomain_host) must have a certificate-map entry: add a CertificateMapEntry with hostname "*.${HUB}" (found: ["${HUB}"]).`,
    ]);
    itFinds(P, "a certmap annotation that is not a string", gateway(["metadata", "annotations", "networking.gke.io/certmap"], 5), [mapNeeds('"test-hub-certmap"', "5")]);
    itFinds(P, "a stack without a CertificateMap", remove(T.certMap), [mapNeeds("a declared CertificateMap's name", '"test-hub-certmap"')]);
    itFinds(
      P,
      "every declared map by name",
      all(add({ type: T.certMap, name: "edge-certmap-2", inputs: { name: "second-certmap" } }), gateway(["metadata", "annotations", "networking.gke.io/certmap"], "other")),
      [mapNeeds('"test-hub-certmap" or "second-certmap"', '"other"')],
    );
    itPasses(P, "an empty subdomain_host", values("hub.config.JupyterHub.subdomain_host", ""));
    itPasses(P, "a blank subdomain_host", values("hub.config.JupyterHub.subdomain_host", "   "));
    itPasses(P, "a subdomain_host not known yet", values("hub.config.JupyterHub.subdomain_host", UNKNOWN_STRING));
    itPasses(P, "a subdomain_host that is not a string", values("hub.config.JupyterHub.subdomain_host", 443));
    itPasses(P, "route hostnames not known yet", route("spec.hostnames", UNKNOWN_STRING));
    itPasses(P, "a route hostname not known yet or not a string", route("spec.hostnames", [HUB, UNKNOWN_STRING, 7]));
    itPasses(P, "Gateway listeners not known yet", gateway("spec.listeners", UNKNOWN_STRING));
    itPasses(P, "a listener hostname not known yet", gateway(["spec", "listeners", 0, "hostname"], UNKNOWN_STRING));
    itPasses(P, "a map entry's hostname not known yet", set(T.certMapEntry, "edge-certmap-hub", "hostname", UNKNOWN_STRING));
    itPasses(P, "a record's name not known yet", set(T.record, "dns-hub", "name", UNKNOWN_STRING));
    itPasses(P, "a record without a type beside the hub's own", add({ type: T.record, name: "dns-untyped", inputs: { managedZone: "dns-zone", name: `other.${HUB}.`, ttl: 300 } }));
    itPasses(P, "a certmap annotation not known yet", gateway(["metadata", "annotations", "networking.gke.io/certmap"], UNKNOWN_STRING));
    itPasses(P, "a CertificateMap whose name is not known yet", set(T.certMap, undefined, "name", UNKNOWN_STRING));
  });

  describe("k8s-namespace-network-policy (namespaces.ts, namespaceOf)", () => {
    const P = "k8s-namespace-network-policy";
    const hubNamespaceUnprotected = [`hub: Namespace ${NS} must have a NetworkPolicy: declare one there for hub (found: none).`];
    itSkips(P, "a stack without workloads", all(remove(T.release), remove(T.deployment)), "No Kubernetes workload in the stack");
    // Z2JH 4.4.0 values.yaml: hub, proxy.chp and singleuser each have networkPolicy.enabled (default true).
    itFinds(P, "the hub's namespace once the hub's NetworkPolicy is off", values("hub.networkPolicy.enabled", false), hubNamespaceUnprotected);
    itFinds(P, "the hub's namespace once the users' NetworkPolicy is off", values("singleuser.networkPolicy.enabled", false), hubNamespaceUnprotected);
    itFinds(P, "a workload in kube-system", set(T.deployment, undefined, "metadata.namespace", "kube-system"), [
      "tools-audit: Workloads must live in a dedicated namespace: set the namespace of tools-audit to one the program creates (found: kube-system).",
    ]);
    itFinds(P, "a workload with an empty namespace (default)", set(T.deployment, undefined, "metadata.namespace", ""), [
      "tools-audit: Workloads must live in a dedicated namespace: set the namespace of tools-audit to one the program creates (found: default).",
    ]);
    itPasses(P, "a workload whose namespace is not known yet", set(T.deployment, undefined, "metadata.namespace", UNKNOWN_STRING));
    itPasses(P, "a release whose namespace is not known yet", set(T.release, undefined, "namespace", UNKNOWN_STRING));
  });

  describe("stack-network-policy-enforced (dataplane.ts)", () => {
    const P = "stack-network-policy-enforced";
    const reason = "Needs a jupyterhub release and a GKE cluster in the stack";
    itSkips(P, "a release without a cluster", remove(T.cluster), reason);
    itSkips(P, "a cluster without a release", remove(T.release), reason);
    itFinds(P, "the legacy dataplane under the chart", cluster("datapathProvider", "LEGACY_DATAPATH"), [
      `hub: The chart's NetworkPolicies are trusted only when the cluster enforces them: set datapathProvider to "ADVANCED_DATAPATH" on cluster (found: "LEGACY_DATAPATH").`,
    ]);
  });

  describe("gke-node-service-account-roles (nodeServiceAccount.ts)", () => {
    const P = "gke-node-service-account-roles";
    const binding = (inputs: Record<string, unknown>) => add({ type: "gcp:projects/iAMBinding:IAMBinding", name: "nodes-binding", inputs: { project: "p", ...inputs } });
    const ALLOWED =
      "roles/container.defaultNodeServiceAccount, roles/logging.logWriter, roles/monitoring.metricWriter, roles/monitoring.viewer, roles/stackdriver.resourceMetadata.writer, roles/autoscaling.metricsWriter, roles/serviceusage.serviceUsageConsumer";
    itSkips(
      P,
      "a stack whose node service accounts are not known yet",
      all(cluster("nodeConfig.serviceAccount", UNKNOWN_STRING), userPool("nodeConfig.serviceAccount", UNKNOWN_STRING), set(T.nodePool, "cluster-core", "nodeConfig.serviceAccount", UNKNOWN_STRING)),
      "No known node service account in the stack",
    );
    itFinds(P, "an IAMBinding granting editor to the node account among odd members", binding({ role: "roles/editor", members: [42, UNKNOWN_STRING, `serviceAccount:${NODE_SA}`] }), [
      `nodes-binding: The node service account must hold only the roles nodes need: grant one of ${ALLOWED} instead of roles/editor to serviceAccount:${NODE_SA} (or add it to allowedRoles).`,
    ]);
    itPasses(P, "a pool whose service account is not known yet", userPool("nodeConfig.serviceAccount", UNKNOWN_STRING));
    itPasses(P, "a pool whose service account is not a string", userPool("nodeConfig.serviceAccount", 12));
    itPasses(P, "a binding whose members are not known yet", binding({ role: "roles/editor", members: UNKNOWN_STRING }));
    itPasses(P, "a binding whose role is not known yet", binding({ role: UNKNOWN_STRING, members: [`serviceAccount:${NODE_SA}`] }));
    itPasses(P, "a binding whose role is not a string", binding({ role: 3, members: [`serviceAccount:${NODE_SA}`] }));
  });

  describe("stack-user-pods-on-user-nodes (userNodes.ts)", () => {
    const P = "stack-user-pods-on-user-nodes";
    const inlineUserPool = (nodeConfig: Record<string, unknown>) => cluster("nodePools", [{ nodeConfig: { labels: { "hub.jupyter.org/node-purpose": "user" }, ...nodeConfig } }]);
    itSkips(P, "a stack without a jupyterhub release", remove(T.release), "No jupyterhub release in the stack");
    itFinds(P, "a user pool without taints", userPool("nodeConfig.taints", []), [
      'cluster-user: A node pool for user servers must be tainted so only user pods land there: add { key: "hub.jupyter.org/dedicated", value: "user", effect: "NO_SCHEDULE" } to nodeConfig.taints on cluster-user (found: []).',
    ]);
    itFinds(P, "a user pool on the GCE metadata server", userPool("nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA"), [
      'cluster-user: A node pool for user servers must run the GKE metadata server: set nodeConfig.workloadMetadataConfig.mode to "GKE_METADATA" on cluster-user (found: "GCE_METADATA").',
    ]);
    itFinds(P, "a user pool without a metadata mode", userPool("nodeConfig.workloadMetadataConfig", undefined), [
      'cluster-user: A node pool for user servers must run the GKE metadata server: set nodeConfig.workloadMetadataConfig.mode to "GKE_METADATA" on cluster-user (found: not set).',
    ]);
    itFinds(P, "a cluster's inline user pool, by its index", inlineUserPool({ workloadMetadataConfig: { mode: "GCE_METADATA" } }), [
      'cluster: A node pool for user servers must be tainted so only user pods land there: add { key: "hub.jupyter.org/dedicated", value: "user", effect: "NO_SCHEDULE" } to nodePools[0].nodeConfig.taints on cluster (found: not set).',
      'cluster: A node pool for user servers must run the GKE metadata server: set nodePools[0].nodeConfig.workloadMetadataConfig.mode to "GKE_METADATA" on cluster (found: "GCE_METADATA").',
    ]);
    // A GPU pool runs user servers, but Z2JH's matchNodePurpose "require" needs a pool labelled "user".
    itFinds(P, "user servers only on a pool of another purpose", all(userPool(["nodeConfig", "labels", "hub.jupyter.org/node-purpose"], "gpu"), userPool(["nodeConfig", "taints", 0, "value"], "gpu")), [
      'hub: User pods need a dedicated node pool: add a NodePool with nodeConfig.labels["hub.jupyter.org/node-purpose"] = "user" and the user taint (found: no pool labelled for users).',
    ]);
    itPasses(P, "a user pool whose taints are not known yet", userPool("nodeConfig.taints", UNKNOWN_STRING));
    // Kubernetes' own spelling of the effect (core/v1 Taint), which the provider also accepts.
    itPasses(P, "a user taint spelt NoSchedule", userPool(["nodeConfig", "taints", 0, "effect"], "NoSchedule"));
    itPasses(P, "a pool whose purpose label is not known yet (it may be the user pool)", userPool(["nodeConfig", "labels", "hub.jupyter.org/node-purpose"], UNKNOWN_STRING));
    itPasses(P, "a user pool whose metadata mode is not known yet", userPool("nodeConfig.workloadMetadataConfig.mode", UNKNOWN_STRING));
  });

  describe("stack-user-sandbox (userSandbox.ts)", () => {
    const P = "stack-user-sandbox";
    const podsAsk = "user pods request the gvisor RuntimeClass";
    const poolAsks = "a user-server pool is sandboxed";
    const profiles = (list: unknown) => values("singleuser.profileList", list);
    const gpuPool = (stack: Stack) => {
      const pool = clone(find(stack, T.nodePool, "cluster-user"));
      setPath(pool.inputs, ["nodeConfig", "labels", "hub.jupyter.org/node-purpose"], "gpu");
      setPath(pool.inputs, "nodeConfig.sandboxConfig", undefined);
      stack.push({ ...pool, name: "cluster-gpu" });
    };
    itSkips(
      P,
      "a stack that asks for the sandbox nowhere",
      all(userPool("nodeConfig.sandboxConfig", undefined), values("singleuser.extraPodConfig", undefined), values("scheduling.userPlaceholder.extraPodSpec", undefined)),
      "Nothing in the stack asks for GKE Sandbox (gke-user-node-sandbox advises it)",
    );
    itFinds(P, "an unsandboxed user pool under pods that ask", userPool("nodeConfig.sandboxConfig", undefined), [
      `cluster-user: Every pool that runs user servers must run GKE Sandbox when the stack uses it (${podsAsk}): set nodeConfig.sandboxConfig.type to "GVISOR" on cluster-user (found: not set).`,
    ]);
    itFinds(P, "a cluster's inline user pool without the sandbox, by its index", cluster("nodePools", [{ nodeConfig: { labels: { "hub.jupyter.org/node-purpose": "user" } } }]), [
      `cluster: Every pool that runs user servers must run GKE Sandbox when the stack uses it (${podsAsk}): set nodePools[0].nodeConfig.sandboxConfig.type to "GVISOR" on cluster (found: not set).`,
    ]);
    itFinds(P, "user pods that do not ask, under a sandboxed pool", values("singleuser.extraPodConfig", undefined), [
      `hub: User pods must run in GKE Sandbox when the stack uses it (${poolAsks}): set values.singleuser.extraPodConfig.runtimeClassName to "gvisor" (found: not set).`,
    ]);
    itFinds(P, "a hub.config override without the RuntimeClass", values("hub.config.KubeSpawner.extra_pod_config", { priorityClassName: "x" }), [
      `hub: User pods must run in GKE Sandbox when the stack uses it (${poolAsks}): set values.hub.config.KubeSpawner.extra_pod_config.runtimeClassName to "gvisor" (found: not set).`,
    ]);
    itFinds(
      P,
      "a second release whose pods do not ask, beside one whose pods do",
      all(
        userPool("nodeConfig.sandboxConfig", undefined),
        add({ type: T.release, name: "hub-2", inputs: { chart: "jupyterhub", version: "4.4.0", namespace: "other", values: { scheduling: { userPlaceholder: { enabled: false } } } } }),
      ),
      [
        `cluster-user: Every pool that runs user servers must run GKE Sandbox when the stack uses it (${podsAsk}): set nodeConfig.sandboxConfig.type to "GVISOR" on cluster-user (found: not set).`,
        `hub-2: User pods must run in GKE Sandbox when the stack uses it (${podsAsk}): set values.singleuser.extraPodConfig.runtimeClassName to "gvisor" (found: not set).`,
      ],
    );
    itFinds(P, "a second user-server pool without the sandbox, beside a sandboxed one", all(values("singleuser.extraPodConfig", undefined), gpuPool), [
      `cluster-gpu: Every pool that runs user servers must run GKE Sandbox when the stack uses it (${poolAsks}): set nodeConfig.sandboxConfig.type to "GVISOR" on cluster-gpu (found: not set).`,
      `hub: User pods must run in GKE Sandbox when the stack uses it (${poolAsks}): set values.singleuser.extraPodConfig.runtimeClassName to "gvisor" (found: not set).`,
    ]);
    itFinds(P, "a profile replacing extra_pod_config without the RuntimeClass", profiles([{ slug: "big", kubespawner_override: { extra_pod_config: { hostname: "x" } } }]), [
      `hub: A profile that replaces extra_pod_config must keep the sandbox: set values.singleuser.profileList[0].kubespawner_override.extra_pod_config.runtimeClassName to "gvisor" (found: not set).`,
    ]);
    itFinds(P, "placeholders outside the sandbox", values("scheduling.userPlaceholder.extraPodSpec", undefined), [
      `hub: Placeholders must run where sandboxed user pods run, or they hold no room there: set values.scheduling.userPlaceholder.extraPodSpec.runtimeClassName to "gvisor" (found: not set).`,
    ]);
    itPasses(P, "a profile list not known yet", profiles(UNKNOWN_STRING));
    itPasses(P, "a profile overriding other settings only", profiles([{ slug: "big", kubespawner_override: { cpu_limit: 4 } }]));
    itPasses(P, "a profile whose extra_pod_config is not known yet", profiles([{ slug: "big", kubespawner_override: { extra_pod_config: UNKNOWN_STRING } }]));
    itPasses(P, "a profile that keeps the RuntimeClass", profiles([{ slug: "big", kubespawner_override: { extra_pod_config: { runtimeClassName: "gvisor", hostname: "x" } } }]));
    itPasses(P, "a profile whose RuntimeClass is not known yet", profiles([{ slug: "big", kubespawner_override: { extra_pod_config: { runtimeClassName: UNKNOWN_STRING } } }]));
  });

  describe("stack-packages-through-registry (packages.ts)", () => {
    const P = "stack-packages-through-registry";
    const noIndexUrl = (python: boolean) =>
      `hub: Packages must come through the registry: give /etc/pip.conf an index-url naming the registry or its proxy${python ? "" : ", or no-index = true"} (found: no index-url, so pip would use PyPI).`;
    const notPublic = (what: string) => `hub: Packages must come through the registry, not a public index: ${what}.`;
    const imageFrom = (where: string, image: string) =>
      `hub: The user image must come through Artifact Registry, not a public registry: set ${where} to the image's path in the stack's remote repository, <location>-docker.pkg.dev/<project>/<repository>/... (found: "${image}").`;
    const proxy = (mutate: Mutation = () => undefined) => registry(add(proxyAccount()), add(proxyDeployment({})), mutate);
    const deployment = (path: Path, value: unknown) => set(T.deployment, "package-proxy-deployment", path, value);
    const account = (path: Path, value: unknown) => set("kubernetes:core/v1:ServiceAccount", "package-proxy-sa", path, value);
    const mustRunAs = (found: string) =>
      `package-proxy-deployment: The registry proxy's pods reach the metadata server, so they must run as the proxy's own Workload Identity service account: set spec.template.spec.serviceAccountName of package-proxy-deployment to a ServiceAccount of the stack in ${NS} annotated iam.gke.io/gcp-service-account (found: ${found}).`;
    const upstream = (path: string, uri: string) =>
      `registry-quay-io: A remote repository must fetch its upstream over HTTPS: set ${path} of registry-quay-io to an https:// URL (found: "${uri}").`;
    const userEgress = (rules: unknown[]) => (stack: Stack) => {
      const egress = (find(stack, T.release).inputs as { values: { singleuser: { networkPolicy: { egress: unknown[] } } } }).values.singleuser.networkPolicy.egress;
      egress.push(...rules);
    };
    const toolsEgress = (egress: unknown) => set(T.networkPolicy, "tools-default-deny", "spec.egress", egress);

    itSkips(P, "a stack without an Artifact Registry repository", () => undefined, "No Artifact Registry repository in the stack");

    // pip's sources
    itFinds(P, "a find-links path on the nodes beside a Python repository", registry(pipFile(`${pipConf(proxyIndex)}find-links = /opt/wheels\n`)), [
      notPublic("find-links in /etc/pip.conf: /opt/wheels is not a URL of the registry"),
    ]);
    itPasses(P, "a find-links path without a Python repository", imageRegistryOnly(pipFile("[global]\nindex-url = https://pypi-mirror.example.edu/simple\nfind-links = /opt/wheels\n")));
    itFinds(P, "a pip.conf with no index beside a Python repository, no-index or not", registry(pipFile("[global]\nno-index = true\n")), [noIndexUrl(true)]);
    itFinds(P, "a pip.conf with neither an index nor no-index", imageRegistryOnly(pipFile("[global]\ntimeout = 60\n")), [noIndexUrl(false)]);
    itFinds(P, "a no-index commented out", imageRegistryOnly(pipFile("[global]\n# no-index = true\n")), [noIndexUrl(false)]);
    itFinds(P, "a no-index option with a longer name", imageRegistryOnly(pipFile("[global]\nxno-index = true\n")), [noIndexUrl(false)]);
    itFinds(P, "a no-index value that is not a boolean", imageRegistryOnly(pipFile("[global]\nno-index = trueish\n")), [noIndexUrl(false)]);
    itPasses(P, "no-index without spaces", imageRegistryOnly(pipFile("[global]\nno-index=true\n")));
    itPasses(P, "no-index on the file's last line, without a newline", imageRegistryOnly(pipFile("[global]\nno-index = true")));
    itPasses(
      P,
      "pip's file after another extra file",
      registry(values("singleuser.extraFiles", { motd: { mountPath: "/etc/motd", stringData: "hello\n" }, "pip-config": { mountPath: "/etc/pip.conf", stringData: pipConf(proxyIndex), mode: 0o444 } })),
    );
    itPasses(P, "a pip.conf not known yet", registry(pipFile(UNKNOWN_STRING)));
    // Z2JH 4.4.0 templates/singleuser/secret.yaml: binaryData lands in the Secret's data, base64.
    const binaryPip = (text: string, extra: Record<string, unknown> = {}) =>
      values(["singleuser", "extraFiles", "pip-config"], { mountPath: "/etc/pip.conf", binaryData: Buffer.from(text).toString("base64").replace(/(.{20})/g, "$1\n"), ...extra });
    itFinds(P, "a pip.conf shipped as binaryData naming PyPI", registry(binaryPip("[global]\nindex-url = https://pypi.org/simple\n")), [
      notPublic("index-url in /etc/pip.conf: https://pypi.org/simple is neither Artifact Registry (*.pkg.dev) nor a Service of this stack"),
    ]);
    itPasses(P, "a pip.conf shipped as binaryData naming the proxy", registry(binaryPip(pipConf(proxyIndex))));
    itPasses(P, "stringData beside binaryData (Kubernetes lets stringData win)", registry(binaryPip("[global]\nindex-url = https://pypi.org/simple\n", { stringData: pipConf(proxyIndex) })));
    itPasses(P, "binaryData not known yet", registry(values(["singleuser", "extraFiles", "pip-config"], { mountPath: "/etc/pip.conf", binaryData: UNKNOWN_STRING })));
    itPasses(P, "a pip.conf whose stringData is not a string", registry(pipFile(7)));
    itFinds(P, "KubeSpawner's environment naming PyPI", registry(values("hub.config.KubeSpawner.environment", { PIP_INDEX_URL: "https://pypi.org/simple" })), [
      notPublic("PIP_INDEX_URL: https://pypi.org/simple is neither Artifact Registry (*.pkg.dev) nor a Service of this stack"),
    ]);
    // Z2JH 4.4.0 values.yaml: singleuser.extraEnv values may be EnvVar objects (valueFrom), not strings.
    itPasses(P, "PIP_INDEX_URL from a Secret (valueFrom)", registry(values(["singleuser", "extraEnv", "PIP_INDEX_URL"], { valueFrom: { secretKeyRef: { name: "pip", key: "index" } } })));
    itPasses(P, "PIP_EXTRA_INDEX_URL naming the proxy and the registry, with spaces around", registry(values(["singleuser", "extraEnv", "PIP_EXTRA_INDEX_URL"], ` ${proxyIndex}  https://europe-west1-python.pkg.dev/p/r/simple/ `)));

    // the user image
    itPasses(P, "a quay.io image when only Python comes through the registry", registry(remove(AR, "registry-quay-io"), values("singleuser.image.name", "quay.io/jupyterhub/k8s-singleuser-sample")));
    itFinds(P, "the user image from quay.io", registry(values("singleuser.image.name", "quay.io/jupyterhub/k8s-singleuser-sample")), [imageFrom("values.singleuser.image", "quay.io/jupyterhub/k8s-singleuser-sample")]);
    itFinds(P, "KubeSpawner's image from quay.io", registry(values("hub.config.KubeSpawner.image", "quay.io/jupyterhub/k8s-singleuser-sample:4.4.0")), [
      imageFrom("values.hub.config.KubeSpawner.image", "quay.io/jupyterhub/k8s-singleuser-sample:4.4.0"),
    ]);
    itFinds(P, "an image on a host that ends like Artifact Registry's", registry(values("singleuser.image.name", "europe-west1.evil-docker.pkg.dev/p/r/img")), [
      imageFrom("values.singleuser.image", "europe-west1.evil-docker.pkg.dev/p/r/img"),
    ]);
    itFinds(P, "an image on a host that starts like Artifact Registry's", registry(values("singleuser.image.name", "europe-west1-docker.pkg.dev.attacker.example/p/r/img")), [
      imageFrom("values.singleuser.image", "europe-west1-docker.pkg.dev.attacker.example/p/r/img"),
    ]);

    // user egress
    // Z2JH 4.4.0 values.yaml: singleuser.networkPolicy.egressAllowRules.nonPrivateIPs defaults to true.
    itFinds(P, "user egress to the internet by the chart's default", registry(values("singleuser.networkPolicy.egressAllowRules.nonPrivateIPs", undefined)), [
      'hub: User pods must reach packages only through the registry: set values.singleuser.networkPolicy.egressAllowRules.nonPrivateIPs to false (found: "true (chart default)").',
    ]);
    itFinds(P, "user egress to the whole internet by a rule", registry(userEgress([{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }])), [
      "hub: User pods must reach packages only through the registry proxy, not the whole internet: remove 0.0.0.0/0 from values.singleuser.networkPolicy.egress[1].",
    ]);
    itFinds(P, "user egress to Google's API front ends", registry(userEgress([{ to: [{ ipBlock: { cidr: "199.36.153.8/30" } }] }])), [
      "hub: User pods must reach packages only through the registry proxy, not Google's API front ends (199.36.153.0/24), where anyone's public repository answers: remove 199.36.153.8/30 from values.singleuser.networkPolicy.egress[1].",
    ]);
    itPasses(P, "user egress rules not known yet", registry(values("singleuser.networkPolicy.egress", UNKNOWN_STRING)));
    itPasses(P, "a user egress rule whose peers are not known yet", registry(userEgress([{ to: UNKNOWN_STRING }])));
    itPasses(P, "user egress peers without an address, or not known yet, or not a CIDR", registry(userEgress([{ to: [{ podSelector: {} }, { ipBlock: { cidr: UNKNOWN_STRING } }, { ipBlock: { cidr: "not-a-cidr" } }] }])));

    // the stack's own NetworkPolicies
    itFinds(P, "a NetworkPolicy that does not restrict egress", registry(set(T.networkPolicy, "tools-default-deny", "spec.policyTypes", ["Ingress"])), [
      'tools-default-deny: Egress from the pods it selects must be restricted: add "Egress" to spec.policyTypes of tools-default-deny (found: ["Ingress"]).',
    ]);
    // Kubernetes NetworkPolicyEgressRule: an empty or missing `to` matches all destinations.
    itFinds(P, "an egress rule without peers", registry(toolsEgress([{ ports: [{ port: 443 }] }])), [
      "tools-default-deny: No pod of the stack may reach the whole internet: narrow spec.egress[0].to of tools-default-deny (found: not set).",
    ]);
    itFinds(P, "an egress rule with the whole internet among its peers", registry(toolsEgress([{ to: [{ podSelector: {} }, { ipBlock: { cidr: "0.0.0.0/0" } }] }])), [
      'tools-default-deny: No pod of the stack may reach the whole internet: narrow spec.egress[0].to of tools-default-deny (found: [{"podSelector":{}},{"ipBlock":{"cidr":"0.0.0.0/0"}}]).',
    ]);
    itPasses(P, "a NetworkPolicy whose policyTypes are not known yet", registry(set(T.networkPolicy, "tools-default-deny", "spec.policyTypes", UNKNOWN_STRING)));
    itPasses(P, "a NetworkPolicy whose egress is not known yet", registry(toolsEgress(UNKNOWN_STRING)));
    itPasses(P, "an egress rule whose peers are not known yet", registry(toolsEgress([{ to: UNKNOWN_STRING }])));
    itPasses(P, "egress peers without an address, or not a CIDR", registry(toolsEgress([{ to: [{ podSelector: {} }, { ipBlock: { cidr: "bogus" } }] }])));

    // pods labelled as the registry proxy
    itPasses(P, "a workload with only one of the proxy's labels", proxy(all(deployment("spec.template.metadata.labels", { "app.kubernetes.io/name": "package-proxy" }), deployment("spec.template.spec.automountServiceAccountToken", true))));
    itFinds(P, "the proxy's pods holding an API token", proxy(deployment("spec.template.spec.automountServiceAccountToken", true)), [
      "package-proxy-deployment: The registry proxy's pods must not hold a Kubernetes API token: set spec.template.spec.automountServiceAccountToken of package-proxy-deployment to false (found: true).",
    ]);
    itFinds(P, "the proxy's account handing out API tokens", proxy(account("automountServiceAccountToken", true)), [
      "package-proxy-deployment: The registry proxy's service account must not hand out a Kubernetes API token: set automountServiceAccountToken of package-proxy-sa to false (found: true).",
    ]);
    itFinds(P, "the proxy's pods without a service account", proxy(deployment("spec.template.spec.serviceAccountName", undefined)), [mustRunAs("not set")]);
    itFinds(P, "the proxy's account in another namespace", proxy(account("metadata.namespace", "tools")), [mustRunAs('"package-proxy"')]);
    itFinds(P, "the proxy's pods under an account the stack does not declare", proxy(account("metadata.name", "other-account")), [mustRunAs('"package-proxy"')]);
    itFinds(P, "the proxy's account without the Workload Identity annotation", proxy(account("metadata.annotations", {})), [mustRunAs('"package-proxy", not annotated')]);
    itFinds(P, "the proxy's account with an empty Workload Identity annotation", proxy(account(["metadata", "annotations", "iam.gke.io/gcp-service-account"], "")), [mustRunAs('"package-proxy", not annotated')]);
    itFinds(P, "the proxy's pods under the namespace's default account, even annotated", proxy(all(account("metadata.name", "default"), deployment("spec.template.spec.serviceAccountName", "default"))), [mustRunAs('"default"')]);
    itFinds(P, "the proxy's pods under an account with an empty name", proxy(all(account("metadata.name", ""), deployment("spec.template.spec.serviceAccountName", ""))), [mustRunAs('""')]);
    itPasses(P, "the proxy's pods whose account is not known yet", proxy(deployment("spec.template.spec.serviceAccountName", UNKNOWN_STRING)));
    itPasses(P, "the proxy's pods whose namespace is not known yet", proxy(deployment("metadata.namespace", UNKNOWN_STRING)));

    // repositories, Services, grants
    itPasses(P, "a repository whose format is not known yet", registry(set(AR, "registry-quay-io", "format", UNKNOWN_STRING), values("singleuser.image.name", "quay.io/jupyterhub/k8s-singleuser-sample")));
    itPasses(P, "the Python repository's format not known yet", registry(set(AR, "registry-python", "format", UNKNOWN_STRING)));
    itPasses(P, "a grant whose member is not known yet", registry(add({ type: AR_IAM, name: "pending", inputs: { repository: "test-pypi", role: "roles/artifactregistry.reader", member: UNKNOWN_STRING } })));
    itPasses(
      P,
      "a Service whose name or namespace is not known yet",
      registry(
        add({ type: T.service, name: "pending-name", inputs: { metadata: { name: UNKNOWN_STRING, namespace: NS }, spec: { type: "ClusterIP" } } }),
        add({ type: T.service, name: "pending-namespace", inputs: { metadata: { name: "x", namespace: UNKNOWN_STRING }, spec: { type: "ClusterIP" } } }),
      ),
    );
    itFinds(P, "a Docker upstream over plain HTTP", registry(set(AR, "registry-quay-io", "remoteRepositoryConfig", { dockerRepository: { customRepository: { uri: "http://registry.example.org" } } })), [
      upstream("remoteRepositoryConfig.dockerRepository.customRepository.uri", "http://registry.example.org"),
    ]);
    itFinds(P, "a Python upstream over plain HTTP", registry(set(AR, "registry-quay-io", "remoteRepositoryConfig", { pythonRepository: { customRepository: { uri: "http://pypi.example.org/simple" } } })), [
      upstream("remoteRepositoryConfig.pythonRepository.customRepository.uri", "http://pypi.example.org/simple"),
    ]);
    itFinds(P, "a plain-HTTP upstream with https:// further on", registry(set(AR, "registry-quay-io", "remoteRepositoryConfig.commonRepository.uri", "http://mirror.example.org/https://quay.io")), [
      upstream("remoteRepositoryConfig.commonRepository.uri", "http://mirror.example.org/https://quay.io"),
    ]);
    // Artifact Registry remote repositories: commonRepository.uri may name another Artifact Registry repository.
    itPasses(P, "an upstream that is another Artifact Registry repository", registry(set(AR, "registry-quay-io", "remoteRepositoryConfig.commonRepository.uri", "projects/p/locations/europe-west1/repositories/other")));
    for (const member of ["allUsers", "allAuthenticatedUsers"]) {
      itFinds(P, `a repository readable by ${member}`, registry(add({ type: AR_IAM, name: "public", inputs: { repository: "test-pypi", role: "roles/artifactregistry.reader", member } })), [
        `public: Artifact Registry repositories must not be public: grant read to service accounts, not ${member} (found on public).`,
      ]);
    }
  });
});
