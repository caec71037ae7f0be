import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { hubHostnameList } from "../plan/hostnames";
import { healthCheckPath, healthCheckPort } from "../plan/proxy";
import { proxyService } from "../plan/chart";

// The GKE Gateway in front of JupyterHub's proxy: HTTPS only on the global external Application Load
// Balancer, the certificate map and static IP from HubEdge, plain HTTP answered with a redirect, a
// backend timeout long enough for notebook websockets, a health check the proxy answers, TLS 1.2+, and
// HubEdge's Cloud Armor policy on the proxy's backend with every request (and its decision) logged.
// Sources:
// - Gateway + certificate map: https://cloud.google.com/kubernetes-engine/docs/how-to/secure-gateway
//   ("You cannot use the networking.gke.io/certmap annotation with a tls.certificateRefs on the same
//   Gateway resource").
// - Policies (GCPBackendPolicy, HealthCheckPolicy, GCPGatewayPolicy; same namespace as their target,
//   BackendConfig/FrontendConfig not usable with Gateway):
//   https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources
// - Field names of the networking.gke.io/v1 CRDs: the GKE CRD schemas as generated into
//   glacion/cdktf-typescript-crd (crd/io/gke/networking/{gcp-backend-policy,health-check-policy,
//   gcp-gateway-policy}/v1.ts); GCPBackendPolicy's `securityPolicy` and `logging.{enabled,sampleRate}` as
//   the GKE CRD schema in @kubernetes-models/gke 4.6.2 (networking.gke.io/v1 GCPBackendPolicy) has them,
//   where the sample rate is a whole number from 0 to 1,000,000 (a millionth per unit).

/** The Z2JH service the Gateway sends traffic to, and how its pods are health-checked. */
export interface ProxyBackend {
  readonly serviceName: string;
  readonly servicePort: number;
  /** The container port the health check probes (the pods', not the service's). */
  readonly healthCheckPort: number;
  readonly healthCheckPath: string;
}

/**
 * Z2JH 4.4's configurable-http-proxy: Service `proxy-public` port 80 → container port `http` 8000
 * (jupyterhub/templates/proxy/service.yaml; the chart values keep the Service a ClusterIP), health-checked
 * where its own probes look (plan/proxy.ts).
 */
export const z2jhProxyBackend: ProxyBackend = {
  serviceName: proxyService.name,
  servicePort: proxyService.port,
  healthCheckPort,
  healthCheckPath,
};

/** GKE's global external Application Load Balancer (Premium tier, Certificate Manager maps). */
export const gatewayClassName = "gke-l7-global-external-managed";
export const httpsListener = "https";
export const httpListener = "http";

// Lets requests in flight to a proxy pod that is being replaced finish; the API allows up to an hour,
// and the pod's own termination grace period bounds what this can add.
const connectionDrainingSeconds = 60;

const gatewayApiVersion = "gateway.networking.k8s.io/v1";
const gkePolicyApiVersion = "networking.gke.io/v1";

export interface HubGatewayArgs {
  /** The hub's namespace: the proxy Service lives there, and GKE's policies must sit beside it. Required. */
  readonly namespace: pulumi.Input<string>;
  /** Hostnames the routes accept: the hub domain and its wildcard (`hubHostnameList`). Required. */
  readonly hostnames: readonly string[];
  /** `HubEdge.certificateMapName`: the Gateway's `networking.gke.io/certmap` annotation. Required. */
  readonly certificateMapName: pulumi.Input<string>;
  /** `HubEdge.addressName`: the static IP the Gateway takes as its `NamedAddress`. Required. */
  readonly addressName: pulumi.Input<string>;
  /** `HubEdge.sslPolicyName`: the SSL policy the GCPGatewayPolicy attaches to the Gateway. Required. */
  readonly sslPolicyName: pulumi.Input<string>;
  /**
   * `HubEdge.loadBalancerResources`: everything the Gateway's load balancer uses. The Gateway depends on
   * each, so it is created after them and deleted before them. Its inputs alone would not say so: the SSL
   * policy is named only by the GCPGatewayPolicy, yet GKE attaches it to the Gateway's target proxy.
   * Required.
   */
  readonly loadBalancerResources: readonly pulumi.Resource[];
  /** `edge.backendTimeoutSeconds`: the load balancer ends every websocket after this long. Required. */
  readonly backendTimeoutSeconds: number;
  /**
   * `HubEdge.securityPolicyName`: the Cloud Armor policy the GCPBackendPolicy attaches to the proxy's
   * backend; GKE sets it on the backend service it builds. Required.
   */
  readonly securityPolicyName: pulumi.Input<string>;
  /**
   * `Plan.securityPolicy.logSampleRate`: the share of requests the load balancer logs, in millionths
   * (0 to 1,000,000). Cloud Armor's decisions exist only in these logs ("Cloud Armor logs are part of the
   * Cloud Load Balancing logs … subject to the log sampling rate", Cloud Armor docs, "Use request logging");
   * 0 turns logging off. Required.
   */
  readonly logSampleRate: number;
  /** The Service the routes send traffic to, and how it is health-checked. Default: `z2jhProxyBackend`. */
  readonly proxy?: ProxyBackend;
}

/** What HubEdge hands the Gateway: its certificate map, static IP, SSL and Cloud Armor policies. */
export type EdgeForGateway = Pick<HubGatewayArgs, "certificateMapName" | "addressName" | "sslPolicyName" | "loadBalancerResources" | "securityPolicyName">;

/**
 * HubGateway's arguments for the hub behind `edge`, one place for the program and the component tests
 * to wire them, so a test cannot declare a Gateway the program would not.
 */
export function gatewayArgsFor(
  edge: EdgeForGateway,
  hub: { readonly namespace: pulumi.Input<string>; readonly hubDomain: string; readonly backendTimeoutSeconds: number; readonly logSampleRate: number },
): HubGatewayArgs {
  return {
    namespace: hub.namespace,
    hostnames: hubHostnameList(hub.hubDomain),
    certificateMapName: edge.certificateMapName,
    addressName: edge.addressName,
    sslPolicyName: edge.sslPolicyName,
    loadBalancerResources: edge.loadBalancerResources,
    backendTimeoutSeconds: hub.backendTimeoutSeconds,
    securityPolicyName: edge.securityPolicyName,
    logSampleRate: hub.logSampleRate,
  };
}

/** The GCPBackendPolicy's `spec.default` for the proxy's backend. */
export function gcpBackendPolicyDefaults(args: Pick<HubGatewayArgs, "backendTimeoutSeconds" | "securityPolicyName" | "logSampleRate">) {
  if (!Number.isInteger(args.logSampleRate) || args.logSampleRate < 0 || args.logSampleRate > 1_000_000) {
    throw new RangeError(`logSampleRate ${args.logSampleRate} is not a whole number from 0 to 1,000,000`);
  }
  return {
    // Google's load balancer caps a websocket's whole life at the backend timeout, 30 s by default: "not an
    // idle timeout - it's a timeout on the connection lifetime" (kubernetes/ingress-gce examples/websocket).
    timeoutSec: args.backendTimeoutSeconds,
    connectionDraining: { drainingTimeoutSec: connectionDrainingSeconds },
    securityPolicy: args.securityPolicyName,
    // Logging is off on a new backend service (Cloud Armor docs, "Use request logging").
    logging: args.logSampleRate > 0 ? { enabled: true, sampleRate: args.logSampleRate } : { enabled: false },
  };
}

/** The Gateway API objects' metadata names, from the component's name (a DNS label). */
export function gatewayObjectNames(name: string) {
  return {
    gateway: name,
    httpsRoute: `${name}-https`,
    redirectRoute: `${name}-http-redirect`,
    backendPolicy: `${name}-proxy-backend`,
    healthCheckPolicy: `${name}-proxy-health`,
    gatewayPolicy: `${name}-tls`,
  };
}

/**
 * A Gateway and its routes and policies, as Kubernetes custom resources. Pass the cluster's Kubernetes
 * provider in `opts.provider` and the hub's Helm release in `opts.dependsOn`; every object depends on it.
 */
export class HubGateway extends pulumi.ComponentResource {
  /** The Gateway's metadata name. */
  readonly gatewayName: string;

  constructor(name: string, args: HubGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:edge:HubGateway", name, {}, opts);
    const names = gatewayObjectNames(name);
    const proxy = args.proxy ?? z2jhProxyBackend;
    // Children of a component do not inherit its dependsOn; passed on so nothing is applied before the
    // chart has created the proxy Service.
    const child = { parent: this, dependsOn: opts?.dependsOn };
    const metadata = (objectName: string, annotations?: Record<string, pulumi.Input<string>>) =>
      ({ name: objectName, namespace: args.namespace, ...(annotations ? { annotations } : {}) });
    const create = (role: string, manifest: k8s.apiextensions.CustomResourceArgs, after: readonly pulumi.Resource[] = []) =>
      new k8s.apiextensions.CustomResource(`${name}-${role}`, manifest, pulumi.mergeOptions(child, { dependsOn: [...after] }));
    const serviceRef = { group: "", kind: "Service", name: proxy.serviceName };
    // Routes from other namespaces may not attach: the hub's namespace owns its hostnames.
    const sameNamespaceRoutes = { namespaces: { from: "Same" } };

    create("gateway", {
      apiVersion: gatewayApiVersion,
      kind: "Gateway",
      metadata: metadata(names.gateway, { "networking.gke.io/certmap": args.certificateMapName }),
      spec: {
        gatewayClassName,
        addresses: [{ type: "NamedAddress", value: args.addressName }],
        listeners: [
          // No `tls` block. The certificate comes from the certmap annotation, which Google documents as
          // incompatible with `tls.certificateRefs`. Gateway API's CEL rule "certificateRefs or options must
          // be specified when mode is Terminate" (kubernetes-sigs/gateway-api apis/v1 ListenerTLSConfig)
          // applies only where a tls block exists, so an HTTPS listener without one is valid, as in Google's
          // certmap example. A third-party claim that the CRD needs
          // `tls.options["networking.gke.io/pre-shared-certs"]: ""` is unverified and not followed.
          { name: httpsListener, protocol: "HTTPS", port: 443, allowedRoutes: sameNamespaceRoutes },
          // Only so plain HTTP gets a redirect; no route sends it to a backend.
          { name: httpListener, protocol: "HTTP", port: 80, allowedRoutes: sameNamespaceRoutes },
        ],
      },
    }, args.loadBalancerResources);

    // Each route names its listener (sectionName): a route without one attaches to every listener, and the
    // backend route would then serve plain HTTP too.
    const route = (role: string, objectName: string, listener: string, rules: unknown[]) =>
      create(role, {
        apiVersion: gatewayApiVersion,
        kind: "HTTPRoute",
        metadata: metadata(objectName),
        spec: { parentRefs: [{ name: names.gateway, sectionName: listener }], hostnames: [...args.hostnames], rules },
      });
    route("https-route", names.httpsRoute, httpsListener, [
      { backendRefs: [{ name: proxy.serviceName, port: proxy.servicePort }] },
    ]);
    route("http-redirect", names.redirectRoute, httpListener, [
      { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
    ]);

    // GKE's policies: `spec.default` settings for the object `spec.targetRef` names.
    const policy = (role: string, kind: string, objectName: string, settings: object, targetRef: object) =>
      create(role, {
        apiVersion: gkePolicyApiVersion,
        kind,
        metadata: metadata(objectName),
        spec: { default: settings, targetRef },
      });

    policy("backend-policy", "GCPBackendPolicy", names.backendPolicy, gcpBackendPolicyDefaults(args), serviceRef);

    policy("health-check-policy", "HealthCheckPolicy", names.healthCheckPolicy, {
      config: {
        type: "HTTP",
        httpHealthCheck: { portSpecification: "USE_FIXED_PORT", port: proxy.healthCheckPort, requestPath: proxy.healthCheckPath },
      },
    }, serviceRef);

    policy("gateway-policy", "GCPGatewayPolicy", names.gatewayPolicy, { sslPolicy: args.sslPolicyName },
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: names.gateway });

    this.gatewayName = names.gateway;
    this.registerOutputs({ gatewayName: this.gatewayName });
  }
}
