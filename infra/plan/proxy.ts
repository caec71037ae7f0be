// How the load balancer health-checks Z2JH's proxy (the Gateway's HealthCheckPolicy, components/gateway.ts).
// The policy pack keeps its own list of allowed health checks (policy-pack/policies/thresholds.ts);
// test/policy-pack/thresholds.test.ts fails if this one is not on it.

/**
 * Z2JH 4.4's configurable-http-proxy answers `GET /_chp_healthz` on container port `http` 8000, as its
 * own probes do (jupyterhub/templates/proxy/deployment.yaml). `/` through the proxy answers 302, which
 * fails a load balancer's health check (zero-to-jupyterhub-k8s PR #1112).
 */
export const healthCheckPath = "/_chp_healthz";

/** The container port the health check probes (the pods', not the Service's port 80). */
export const healthCheckPort = 8000;
