// The pack's own thresholds: the defaults of its policies' config schemas (each can be overridden per
// policy with `--policy-pack-config`, e.g. `{"gke-node-pool-max-nodes": {"maxNodesPerPool": 800}}`) and the
// lists the pack checks values against.
//
// They are literals here, not imports from the program: the pack is the guard the program is checked
// against, so loosening a limit in the program must not loosen the guard with it. When the program's own
// limits or defaults drift outside these, test/policy-pack/thresholds.test.ts fails; raise a threshold
// here only as a deliberate, reviewed change to the guard.

/**
 * The most nodes one pool may reach over all its zones (gke-node-pool-max-nodes). A budget and quota
 * guard for an event of a few days, not a GKE limit: the value is the bound the program's config parser
 * put on its capacity plan when the pack was separated from it (500; the program now keeps it in
 * infra/config/schema.ts, userMachineType's `maxNodesPerPool`, and its plan refuses a stack over it); an
 * event this size wants larger machines, not more of them.
 */
export const MAX_NODES_PER_POOL = 500;

/**
 * Bounds of the load balancer's backend timeout (edge-backend-timeout). On GCP's load balancers that
 * timeout is the whole lifetime of a websocket, not an idle timeout (kubernetes/ingress-gce
 * examples/websocket/README.md), and kernels and terminals are websockets: under an hour drops them
 * mid-lesson. A day is the upper bound (the API accepts up to 2,147,483,647 s, compute
 * BackendService.timeoutSec); longer only keeps abandoned connections open.
 */
export const BACKEND_TIMEOUT_SECONDS = { min: 3_600, max: 86_400 } as const;

/**
 * The longest idle time before a user server is culled (jupyterhub-culling). Z2JH 4.4.0 values.yaml
 * defaults `cull.timeout` to 3600; a server idle for a whole day at an event is abandoned and only holds a
 * node, so a day is the ceiling.
 */
export const MAX_IDLE_TIMEOUT_SECONDS = 86_400;

/**
 * Machine types nodes may use (gke-node-machine-type): the E2, N2, N2D and N1 general-purpose shapes
 * (https://cloud.google.com/compute/docs/general-purpose-machines) whose disks attach as Persistent Disk
 * — each user's home is one PD — without the shared-core e2-medium (GKE's default when `machineType` is
 * unset), which attaches only 15 disks (GCP PD CSI driver pkg/gce-pd-csi-driver/node.go,
 * volumeLimitSmall). These are the shapes the program's capacity model sizes (infra/catalog/machineTypes.ts).
 */
export const ALLOWED_MACHINE_TYPES: readonly string[] = [
  "e2-standard-2", "e2-standard-4", "e2-standard-8", "e2-standard-16", "e2-standard-32",
  "e2-highmem-2", "e2-highmem-4", "e2-highmem-8", "e2-highmem-16",
  "e2-highcpu-2", "e2-highcpu-4", "e2-highcpu-8", "e2-highcpu-16", "e2-highcpu-32",
  "n2-standard-2", "n2-standard-4", "n2-standard-8", "n2-standard-16", "n2-standard-32", "n2-standard-48", "n2-standard-64", "n2-standard-80",
  "n2-highmem-2", "n2-highmem-4", "n2-highmem-8", "n2-highmem-16", "n2-highmem-32", "n2-highmem-48", "n2-highmem-64", "n2-highmem-80",
  "n2-highcpu-2", "n2-highcpu-4", "n2-highcpu-8", "n2-highcpu-16", "n2-highcpu-32", "n2-highcpu-48", "n2-highcpu-64", "n2-highcpu-80",
  // N2D (AMD EPYC): Persistent Disk like N2, priced below it; added with the program's `userMachineType: auto`.
  "n2d-standard-2", "n2d-standard-4", "n2d-standard-8", "n2d-standard-16", "n2d-standard-32", "n2d-standard-48", "n2d-standard-64", "n2d-standard-80", "n2d-standard-96", "n2d-standard-128", "n2d-standard-224",
  "n2d-highmem-2", "n2d-highmem-4", "n2d-highmem-8", "n2d-highmem-16", "n2d-highmem-32", "n2d-highmem-48", "n2d-highmem-64", "n2d-highmem-80", "n2d-highmem-96",
  "n2d-highcpu-2", "n2d-highcpu-4", "n2d-highcpu-8", "n2d-highcpu-16", "n2d-highcpu-32", "n2d-highcpu-48", "n2d-highcpu-64", "n2d-highcpu-80", "n2d-highcpu-96", "n2d-highcpu-128", "n2d-highcpu-224",
  "n1-standard-2", "n1-standard-4", "n1-standard-8", "n1-standard-16", "n1-standard-32",
  "n1-highmem-2", "n1-highmem-4", "n1-highmem-8", "n1-highmem-16", "n1-highmem-32",
];

/**
 * Health checks the load balancer may use for Z2JH's backends (edge-health-check-path): what the chart's
 * own probes use, so a check never follows the proxy's 302 from `/` (zero-to-jupyterhub-k8s PR #1112).
 * Z2JH 4.4.0: configurable-http-proxy answers `/_chp_healthz` on container port `http` 8000
 * (jupyterhub/templates/proxy/deployment.yaml), the hub `/hub/health` on 8081 (templates/hub/deployment.yaml).
 */
export const ALLOWED_HEALTH_CHECKS: readonly { readonly requestPath: string; readonly port: number }[] = [
  { requestPath: "/_chp_healthz", port: 8000 },
  { requestPath: "/hub/health", port: 8081 },
];

/**
 * Image tags that name a moving target rather than one build (jupyterhub-pinned-versions,
 * k8s-pinned-images): `latest` (Checkov CKV_K8S_14/43, kube-score container-image-tag) and the branch
 * and channel names registries move the same way. Matched case-insensitively.
 */
export const MOVING_IMAGE_TAGS: readonly string[] = ["latest", "main", "master", "stable", "edge", "nightly"];
