import * as compute from "@google-cloud/compute";
import { Storage } from "@google-cloud/storage";

// What a stack leaves behind in its project, found with Google's own client libraries: the billable pieces
// that carry the stack's labels or names, and the pieces GKE creates by itself for the hub (user home disks,
// network endpoint groups and the Gateway's load balancer), which `pulumi destroy` must wait for before it
// deletes the cluster and the network (components/teardown.ts).
//
// How each is recognised (what GKE or the program writes on it):
// - home disks: description JSON with "kubernetes.io/created-for/pvc/namespace" and
//   "storage.gke.io/created-by" (gcp-compute-persistent-disk-csi-driver pkg/parameters/constants.go and
//   pkg/gce-cloud-provider/compute/gce-compute.go `encodeTags`);
// - snapshots of them: description JSON with "kubernetes.io/created-for/volumesnapshot/namespace" (same file);
// - network endpoint groups: description JSON {"cluster-uid","namespace","service-name","port"}
//   (kubernetes/ingress-gce pkg/utils/negdescription.go `StandardNEGDescription`);
// - the Gateway's load balancer: names `gkegw1-<4 characters>-<namespace>-...` (GKE's Gateway controller;
//   not documented by Google, seen in `gcloud compute backend-services list` output), and any forwarding
//   rule that holds the stack's static address;
// - what the program names: `<stack prefix>-...` (edge.ts `edgeResourceNames`), and the stack label on
//   buckets (plan/lifecycle.ts `stackLabels`). The Cloud Armor policy (`<prefix>-hub-armor`) is found by
//   name: it is billed per policy and per rule each month (Cloud Armor pricing, Standard tier) and a destroy
//   that stopped half-way, or a policy made by hand with `gcloud compute security-policies create`, leaves it.
// - Artifact Registry repositories (the PyPI mirror or curated repository and the user image's remote
//   repository, components/registry.ts): ids `<stack prefix>-...` (plan/packages.ts `repositoryId`) or the
//   stack label, in the stack's region; what they cache or hold is billed as storage.
// Responses are the Compute Engine API v1 and Cloud Storage JSON API shapes
// (cloud.google.com/compute/docs/reference/rest/v1: disks.aggregatedList, snapshots.list,
// globalAddresses.list, addresses.aggregatedList, globalForwardingRules.list, forwardingRules.aggregatedList,
// networkEndpointGroups.aggregatedList, backendServices.list, securityPolicies.list, firewalls.list;
// cloud.google.com/storage/docs/json_api/v1/buckets/list;
// cloud.google.com/artifact-registry/docs/reference/rest/v1/projects.locations.repositories/list).

/** What identifies a stack's resources in its project. */
export interface StackFootprint {
  readonly project: string;
  /** The stack's name prefix (program.ts `dnsSafePrefix`). */
  readonly namePrefix: string;
  /** The hub's namespace: PD CSI and NEG descriptions carry it, and the Gateway's names. */
  readonly namespace: string;
  /** The value of the `jupyterhub-gke-stack` label. */
  readonly stackLabel: string;
  /** The stack's VPC name, when known (during `pulumi destroy`); GKE's firewall rules for the Gateway live there. */
  readonly network?: string;
  /** The stack's region (`gcp:region`): its Artifact Registry repositories are there. Without it they are not looked for. */
  readonly region?: string;
}

export type LeftoverKind =
  | "disk"
  | "snapshot"
  | "address"
  | "forwarding rule"
  | "network endpoint group"
  | "backend service"
  | "security policy"
  | "firewall rule"
  | "bucket"
  | "repository";

export interface Leftover {
  readonly kind: LeftoverKind;
  readonly name: string;
  /** Zone, region, "global", or the bucket's location. */
  readonly location: string;
  /** Why it is counted as the stack's. */
  readonly why: string;
  /** Kept on purpose (the export bucket): listed, but not a failure. */
  readonly retained?: boolean;
  /** Made by GKE for the cluster (disks, NEGs, the Gateway's pieces): what `pulumi destroy` waits for. */
  readonly madeByCluster: boolean;
}

/** The subset of each API resource read here (fields as the client libraries return them). */
export interface ApiItem {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly labels?: Record<string, string | null> | null;
  readonly IPAddress?: string | null;
  readonly address?: string | null;
  readonly network?: string | null;
  readonly location?: string | null;
}

/** Everything listed, with where it lives. */
export interface Listing {
  readonly disks: readonly (readonly [string, ApiItem])[];
  readonly snapshots: readonly ApiItem[];
  readonly globalAddresses: readonly ApiItem[];
  readonly addresses: readonly (readonly [string, ApiItem])[];
  readonly globalForwardingRules: readonly ApiItem[];
  readonly forwardingRules: readonly (readonly [string, ApiItem])[];
  readonly networkEndpointGroups: readonly (readonly [string, ApiItem])[];
  readonly backendServices: readonly ApiItem[];
  readonly securityPolicies: readonly ApiItem[];
  readonly firewalls: readonly ApiItem[];
  readonly buckets: readonly ApiItem[];
  /** Artifact Registry repositories; `name` is the full `projects/<p>/locations/<l>/repositories/<id>`. */
  readonly repositories: readonly ApiItem[];
}

function descriptionJson(item: ApiItem): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(item.description ?? "");
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const lastSegment = (url: string | null | undefined) => (url ?? "").split("/").pop() ?? "";
/** "zones/us-central1-a" → "us-central1-a" (the aggregated lists' scope keys). */
const scopeName = (scope: string) => scope.replace(/^(zones|regions)\//, "");

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Pure: which listed items are the stack's. */
export function matchLeftovers(listing: Listing, f: StackFootprint): Leftover[] {
  const found: Leftover[] = [];
  const add = (kind: LeftoverKind, item: ApiItem, location: string, why: string | undefined, madeByCluster: boolean, retained = false) => {
    if (why) found.push({ kind, name: item.name ?? "", location, why, madeByCluster, ...(retained ? { retained } : {}) });
  };
  const prefixed = (item: ApiItem) => (item.name ?? "").startsWith(`${f.namePrefix}-`) ? `named ${f.namePrefix}-*` : undefined;
  const labelled = (item: ApiItem) => item.labels?.["jupyterhub-gke-stack"] === f.stackLabel ? `labelled jupyterhub-gke-stack=${f.stackLabel}` : undefined;
  const gateway = new RegExp(`^gkegw1-[a-z0-9]{4}-${escapeRegExp(f.namespace)}-`);
  const gatewayNamed = (item: ApiItem) => gateway.test(item.name ?? "") ? `GKE Gateway load balancer in namespace ${f.namespace}` : undefined;

  for (const [scope, disk] of listing.disks) {
    const d = descriptionJson(disk);
    const home = d["kubernetes.io/created-for/pvc/namespace"] === f.namespace && typeof d["storage.gke.io/created-by"] === "string"
      ? `home disk of PVC ${String(d["kubernetes.io/created-for/pvc/namespace"])}/${String(d["kubernetes.io/created-for/pvc/name"] ?? "?")}`
      : undefined;
    add("disk", disk, scopeName(scope), home ?? labelled(disk) ?? prefixed(disk), home !== undefined);
  }
  for (const snap of listing.snapshots) {
    const d = descriptionJson(snap);
    const ofHome = d["kubernetes.io/created-for/volumesnapshot/namespace"] === f.namespace ? `snapshot of a volume in namespace ${f.namespace}` : undefined;
    add("snapshot", snap, "global", ofHome ?? labelled(snap) ?? prefixed(snap), false);
  }
  const stackAddresses = new Set<string>();
  for (const a of listing.globalAddresses) {
    const why = labelled(a) ?? prefixed(a);
    if (why && a.address) stackAddresses.add(a.address);
    add("address", a, "global", why, false);
  }
  for (const [scope, a] of listing.addresses) add("address", a, scopeName(scope), labelled(a) ?? prefixed(a), false);
  const onStackAddress = (rule: ApiItem) => rule.IPAddress && stackAddresses.has(rule.IPAddress) ? `serves the stack's address ${rule.IPAddress}` : undefined;
  for (const rule of listing.globalForwardingRules) {
    const byGke = gatewayNamed(rule) ?? onStackAddress(rule);
    add("forwarding rule", rule, "global", byGke ?? labelled(rule) ?? prefixed(rule), byGke !== undefined);
  }
  for (const [scope, rule] of listing.forwardingRules) {
    const byGke = gatewayNamed(rule);
    add("forwarding rule", rule, scopeName(scope), byGke ?? labelled(rule) ?? prefixed(rule), byGke !== undefined);
  }
  for (const [scope, neg] of listing.networkEndpointGroups) {
    const d = descriptionJson(neg);
    const ours = d.namespace === f.namespace && typeof d["service-name"] === "string"
      ? `endpoints of Service ${f.namespace}/${String(d["service-name"])}`
      : f.network !== undefined && lastSegment(neg.network) === f.network ? `in network ${f.network}` : undefined;
    add("network endpoint group", neg, scopeName(scope), ours, true);
  }
  for (const bs of listing.backendServices) add("backend service", bs, "global", gatewayNamed(bs), true);
  // Declared by the program (edge.ts), not made by GKE: `pulumi destroy` deletes it after the wait.
  for (const sp of listing.securityPolicies) add("security policy", sp, "global", prefixed(sp), false);
  for (const fw of listing.firewalls) {
    // GKE's Gateway controller opens health checks with `gkegw1-<hash>-l7-<network>-global`; the
    // cluster's own `gke-<cluster>-*` rules go with the cluster.
    const why = f.network !== undefined && lastSegment(fw.network) === f.network && /^(gkegw1|k8s)-/.test(fw.name ?? "")
      ? `GKE load-balancer rule in network ${f.network}` : undefined;
    add("firewall rule", fw, "global", why, true);
  }
  for (const b of listing.buckets) {
    const why = labelled(b);
    add("bucket", b, b.location ?? "", why && `${why} (the home-directory export bucket, kept on purpose; its lifecycle rule deletes the archives)`, false, true);
  }
  for (const repo of listing.repositories) {
    const [, , , location = "", , id = ""] = (repo.name ?? "").split("/");
    const named = { ...repo, name: id };
    add("repository", named, location, labelled(repo) ?? prefixed(named), false);
  }
  return found;
}

/** The billable pieces the leftover check reports (not backend services or firewall rules, which are free). */
export const billableKinds: readonly LeftoverKind[] = ["disk", "snapshot", "address", "forwarding rule", "network endpoint group", "security policy", "bucket", "repository"];

/** Options for the client libraries: none in real use (Application Default Credentials, Google's endpoints). */
export type ClientOptions = Record<string, string | number | object | undefined>;

/** Artifact Registry's REST endpoint (API reference, "Service endpoint"). */
export const artifactRegistryEndpoint = "https://artifactregistry.googleapis.com";

/**
 * Artifact Registry repositories in one location, every page. There is no Node client for Artifact
 * Registry among the program's dependencies, so this calls the REST method with the credentials the
 * Compute client already holds (its `auth`, a google-auth-library GoogleAuth with the cloud-platform scope).
 */
async function listRepositories(project: string, location: string, computeOptions: ClientOptions, endpoint: string): Promise<ApiItem[]> {
  const auth = new compute.RegionsClient(computeOptions).auth;
  const out: ApiItem[] = [];
  let pageToken: string | undefined;
  do {
    const url = new URL(`${endpoint}/v1/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}/repositories`);
    if (pageToken) url.searchParams.set("pageToken", pageToken);
    const res = await auth.request<{ repositories?: ApiItem[]; nextPageToken?: string }>({ url: url.toString() });
    out.push(...(res.data.repositories ?? []));
    pageToken = res.data.nextPageToken || undefined;
  } while (pageToken);
  return out;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

/** Flattens an aggregated list: [scope, {<field>: items}] pairs into [scope, item]. */
async function aggregated<K extends string>(iterable: AsyncIterable<[string, Partial<Record<K, ApiItem[] | null>>]>, field: K): Promise<(readonly [string, ApiItem])[]> {
  const pairs = await collect(iterable);
  return pairs.flatMap(([scope, list]) => (list[field] ?? []).map((item) => [scope, item] as const));
}

/**
 * Lists what the check reads, with Google's client libraries. `only` limits the listing to the kinds the
 * caller needs (the destroy wait reads only what the cluster makes).
 */
export async function listProject(
  project: string,
  options: { compute?: ClientOptions; storage?: ClientOptions; artifactRegistry?: string; regions?: readonly string[]; only?: readonly LeftoverKind[] } = {},
): Promise<Listing> {
  const want = (k: LeftoverKind) => !options.only || options.only.includes(k);
  const o = options.compute ?? {};
  const none = async () => [];
  const [disks, snapshots, globalAddresses, addresses, globalForwardingRules, forwardingRules, networkEndpointGroups, backendServices, securityPolicies, firewalls, buckets, repositories] = await Promise.all([
    want("disk") ? aggregated(new compute.DisksClient(o).aggregatedListAsync({ project }), "disks") : none(),
    want("snapshot") ? collect(new compute.SnapshotsClient(o).listAsync({ project })) : none(),
    want("address") || want("forwarding rule") ? collect(new compute.GlobalAddressesClient(o).listAsync({ project })) : none(),
    want("address") ? aggregated(new compute.AddressesClient(o).aggregatedListAsync({ project }), "addresses") : none(),
    want("forwarding rule") ? collect(new compute.GlobalForwardingRulesClient(o).listAsync({ project })) : none(),
    want("forwarding rule") ? aggregated(new compute.ForwardingRulesClient(o).aggregatedListAsync({ project }), "forwardingRules") : none(),
    want("network endpoint group") ? aggregated(new compute.NetworkEndpointGroupsClient(o).aggregatedListAsync({ project }), "networkEndpointGroups") : none(),
    want("backend service") ? collect(new compute.BackendServicesClient(o).listAsync({ project })) : none(),
    want("security policy") ? collect(new compute.SecurityPoliciesClient(o).listAsync({ project })) : none(),
    want("firewall rule") ? collect(new compute.FirewallsClient(o).listAsync({ project })) : none(),
    want("bucket")
      ? new Storage({ projectId: project, ...(options.storage ?? {}) }).getBuckets().then(([bs]) => bs.map((b) => ({ name: b.name, labels: b.metadata.labels ?? null, location: b.metadata.location ?? null })))
      : none(),
    want("repository")
      ? Promise.all((options.regions ?? []).map((r) => listRepositories(project, r, o, options.artifactRegistry ?? artifactRegistryEndpoint))).then((lists) => lists.flat())
      : none(),
  ]);
  return { disks, snapshots, globalAddresses, addresses, globalForwardingRules, forwardingRules, networkEndpointGroups, backendServices, securityPolicies, firewalls, buckets, repositories };
}

/** The stack's billable leftovers in its project. */
export async function findLeftovers(f: StackFootprint, options: { compute?: ClientOptions; storage?: ClientOptions; artifactRegistry?: string } = {}): Promise<Leftover[]> {
  const listing = await listProject(f.project, { ...options, regions: f.region ? [f.region] : [], only: billableKinds });
  return matchLeftovers(listing, f).filter((l) => billableKinds.includes(l.kind));
}

/** One line per leftover; failed when anything but the kept export bucket is left. */
export function leftoverReport(leftovers: readonly Leftover[]): { lines: string[]; failed: boolean } {
  const lines = leftovers.map((l) => `${l.retained ? "kept" : "LEFT"}  ${describeLeftover(l)}`);
  return { lines, failed: leftovers.some((l) => !l.retained) };
}

/**
 * What `pulumi destroy` waits for before the cluster goes: the pieces GKE makes for the hub and deletes on its
 * own, asynchronously, once the hub and its Gateway are gone. Not firewall rules: GKE's controllers may keep
 * theirs until the cluster is deleted, and cluster deletion itself leaves some behind
 * (hashicorp/terraform-provider-google#5948), so the network's own sweep removes them after the cluster
 * (`sweepFirewallRules`).
 */
export const clusterMadeKinds: readonly LeftoverKind[] = ["disk", "network endpoint group", "forwarding rule", "backend service"];

type ComputeOperation = { name?: string | null; status?: unknown; error?: { errors?: { message?: string | null }[] | null } | null };

/**
 * Deletes every firewall rule left in the stack's own network once the cluster is gone: GKE creates them
 * (`gke-<cluster>-…`, `k8s-…`, `gkegw1-…`), the program declares none, and any one left stops the network's
 * deletion ("The network resource … is already being used by …/firewalls/…",
 * hashicorp/terraform-provider-google#5948). Waits for each delete the way Google's Compute samples do:
 * GlobalOperations.wait until the operation is DONE. Returns the names deleted.
 */
export async function sweepFirewallRules(
  project: string,
  network: string,
  options: { compute?: ClientOptions; log?: (line: string) => void } = {},
): Promise<string[]> {
  const o = options.compute ?? {};
  const firewalls = new compute.FirewallsClient(o);
  const operations = new compute.GlobalOperationsClient(o);
  const inNetwork = (await collect(firewalls.listAsync({ project }))).filter((fw) => lastSegment(fw.network) === network && fw.name);
  for (const fw of inNetwork) {
    options.log?.(`deleting firewall rule ${fw.name} left in network ${network}`);
    const [started] = await firewalls.delete({ project, firewall: fw.name! });
    let op = ((started as { latestResponse?: ComputeOperation }).latestResponse ?? started) as ComputeOperation;
    while (op.status !== "DONE") {
      [op] = (await operations.wait({ project, operation: op.name ?? "" })) as [ComputeOperation, ...unknown[]];
    }
    const errors = op.error?.errors ?? [];
    if (errors.length > 0) throw new Error(`deleting firewall rule ${fw.name} failed: ${errors.map((e) => e.message).join("; ")}`);
  }
  return inNetwork.map((fw) => fw.name!);
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly list: () => Promise<Listing>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

export function describeLeftover(l: Leftover): string {
  return `${l.kind} ${l.name} (${l.location}): ${l.why}`;
}

/**
 * Waits until nothing the cluster made for the hub is left, looking every `pollMs`, for at most
 * `timeoutMs`. Throws an error naming what is left and what to do when the time is up: the cluster and
 * network are then still there (Pulumi stops before deleting them), so GKE can finish and a second
 * `pulumi destroy` continues.
 */
export async function waitForClusterCleanup(f: StackFootprint, options: WaitOptions): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  for (;;) {
    const left = matchLeftovers(await options.list(), f).filter((l) => l.madeByCluster);
    if (left.length === 0) return;
    if (now() >= deadline) {
      throw new Error(
        `gave up after ${Math.round(options.timeoutMs / 60_000)} minutes waiting for GKE to delete what it made for namespace ${f.namespace} ` +
          `in project ${f.project}; ${left.length} left:\n` + left.map((l) => `  - ${describeLeftover(l)}`).join("\n") +
          "\nThe cluster and the network were not deleted, so GKE can still finish. Run `pulumi destroy` again to keep waiting " +
          "(or raise teardownTimeoutMinutes), or delete these by hand (docs/runbook.md, \"After the event\") and run it again.",
      );
    }
    options.log?.(`waiting for GKE to delete ${left.length}: ${left.slice(0, 3).map((l) => `${l.kind} ${l.name}`).join(", ")}${left.length > 3 ? ", ..." : ""}`);
    await sleep(options.pollMs);
  }
}
