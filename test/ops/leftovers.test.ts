import * as assert from "assert";
import { findLeftovers, leftoverReport, listProject, sweepFirewallRules, waitForClusterCleanup, clusterMadeKinds } from "../../infra/tools/leftovers";
import { clientOptions, fakeGoogle, footprint, project } from "../support/fakeGoogle";

// The leftover check and the destroy wait, with Google's own client libraries (@google-cloud/compute,
// @google-cloud/storage) talking to a loopback server that answers with recorded API responses
// (test/fixtures/gcp-api, shapes from the API references). The libraries do their real work: URL building,
// paging, JSON decoding into their message types.

describe("the leftover check, against recorded Google API responses", function () {
  this.timeout(60_000);
  const state = { empty: false };
  let google: Awaited<ReturnType<typeof fakeGoogle>>;
  before(async () => (google = await fakeGoogle(state)));
  after(() => google.close());
  beforeEach(() => (state.empty = false));

  it("lists the stack's billable pieces, and only the stack's, on every page", async () => {
    const found = await findLeftovers(footprint, clientOptions(google.port));
    assert.deepStrictEqual(found.map((l) => [l.kind, l.name, l.location, l.retained ?? false]), [
      ["disk", "pvc-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", "us-central1-a", false],
      ["disk", "pvc-9a8b7c6d-5e4f-3a2b-1c0d-efefefefefef", "us-central1-c", false],
      ["snapshot", "snapshot-7c1e2f3a-0000-4000-8000-000000000001", "global", false],
      ["address", "event-hub-ip", "global", false],
      ["forwarding rule", "gkegw1-x7k2-jupyterhub-hub-gateway-9q1w2e3r4t5y", "global", false],
      ["network endpoint group", "k8s1-1a2b3c4d-jupyterhub-proxy-public-80-5e6f7a8b", "us-central1-a", false],
      // The stack's Cloud Armor policy (billed monthly), not a policy the console made for another backend
      // nor one whose name only starts with the same letters.
      ["security policy", "event-hub-armor", "global", false],
      ["bucket", "event-home-export-1a2b3c4", "US-CENTRAL1", true],
      // A repository `pulumi destroy` did not delete (a failed destroy, a state edit), by label and by name.
      ["repository", "event-pypi", "us-central1", false],
      ["repository", "event-quay-io", "us-central1", false],
    ]);
    assert.strictEqual(found.at(-2)!.why, "labelled jupyterhub-gke-stack=event");
    assert.strictEqual(found.at(-1)!.why, "named event-*");
    // The second page of repositories was asked for with the first page's token.
    assert.ok(google.requests.includes(`/v1/projects/${project}/locations/us-central1/repositories?pageToken=CiNldmVudC1xdWF5LWlv`));
    assert.match(found[0].why, /^home disk of PVC jupyterhub\/claim-ada$/);
    // The second page of disks was asked for with the first page's token.
    assert.ok(google.requests.includes(`/compute/v1/projects/${project}/aggregated/disks?pageToken=CkQKQgoWdXMtY2VudHJhbDEtYg`));
    const report = leftoverReport(found);
    assert.strictEqual(report.failed, true);
    assert.strictEqual(report.lines.length, 10);
    assert.match(report.lines[7], /^kept\s+bucket event-home-export-1a2b3c4/);
    assert.strictEqual(report.lines.at(-1), "LEFT  repository event-quay-io (us-central1): named event-*");
  });

  it("passes an empty project, and a project whose only leftover is the export bucket kept on purpose", async () => {
    state.empty = true;
    const none = await findLeftovers(footprint, clientOptions(google.port));
    assert.deepStrictEqual(none, []);
    assert.strictEqual(leftoverReport(none).failed, false);
    state.empty = false;
    const onlyBucket = (await findLeftovers(footprint, clientOptions(google.port))).filter((l) => l.kind === "bucket");
    assert.strictEqual(leftoverReport(onlyBucket).failed, false);
  });

  it("waits during destroy until GKE's own pieces are gone, then returns", async () => {
    let looks = 0;
    const slept: number[] = [];
    await waitForClusterCleanup(footprint, {
      timeoutMs: 60_000,
      pollMs: 15_000,
      list: async () => {
        looks += 1;
        state.empty = looks >= 3; // GKE finishes after the second look
        return listProject(project, { ...clientOptions(google.port), only: clusterMadeKinds });
      },
      sleep: async (ms) => { slept.push(ms); },
      now: () => slept.reduce((a, b) => a + b, 0),
    });
    assert.strictEqual(looks, 3);
    assert.deepStrictEqual(slept, [15_000, 15_000]);
  });

  it("sweeps the firewall rules GKE left in the stack's network, and only those, waiting for each delete", async () => {
    const before = google.requests.length;
    const deleted = await sweepFirewallRules(project, "network-vpc-4d5e6f7", { compute: clientOptions(google.port).compute });
    assert.deepStrictEqual(deleted, ["gkegw1-x7k2-l7-network-vpc-4d5e6f7-global", "gke-cluster-1a2b3c4d-all"]);
    assert.deepStrictEqual(google.requests.slice(before).filter((r) => !r.startsWith("/")), [
      "DELETE /compute/v1/projects/jupyterhub-event-example/global/firewalls/gkegw1-x7k2-l7-network-vpc-4d5e6f7-global",
      "POST /compute/v1/projects/jupyterhub-event-example/global/operations/operation-delete-gkegw1-x7k2-l7-network-vpc-4d5e6f7-global/wait",
      "DELETE /compute/v1/projects/jupyterhub-event-example/global/firewalls/gke-cluster-1a2b3c4d-all",
      "POST /compute/v1/projects/jupyterhub-event-example/global/operations/operation-delete-gke-cluster-1a2b3c4d-all/wait",
    ]);
  });

  it("gives up after the timeout with the list of what is left and what to do", async () => {
    const slept: number[] = [];
    await assert.rejects(
      waitForClusterCleanup(footprint, {
        timeoutMs: 60_000,
        pollMs: 20_000,
        list: () => listProject(project, { ...clientOptions(google.port), only: clusterMadeKinds }),
        sleep: async (ms) => { slept.push(ms); },
        now: () => slept.reduce((a, b) => a + b, 0),
      }),
      (e: Error) => {
        assert.match(e.message, /^gave up after 1 minutes waiting for GKE to delete what it made for namespace jupyterhub in project jupyterhub-event-example; 5 left:/);
        for (const name of ["disk pvc-0b1c2d3e", "disk pvc-9a8b7c6d", "network endpoint group k8s1-1a2b3c4d", "forwarding rule gkegw1-x7k2-jupyterhub-hub-gateway",
          "backend service gkegw1-x7k2-jupyterhub-proxy-public-80"]) {
          assert.ok(e.message.includes(name), `${name} in ${e.message}`);
        }
        assert.ok(!e.message.includes("firewall"), "firewall rules are the network sweep's, after the cluster");
        assert.ok(!e.message.includes("other-team"));
        assert.match(e.message, /The cluster and the network were not deleted, so GKE can still finish\. Run `pulumi destroy` again/);
        return true;
      },
    );
    assert.deepStrictEqual(slept, [20_000, 20_000, 20_000]);
  });
});
