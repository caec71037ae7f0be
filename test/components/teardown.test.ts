import * as assert from "assert";
import * as leftovers from "../../infra/tools/leftovers";
import { firewallSweepProvider, teardownWaitProvider, TeardownInputs } from "../../infra/components/teardown";
import { clientOptions, fakeGoogle, project } from "../support/fakeGoogle";
import { timerDelays } from "../support/timers";

// What `pulumi destroy` runs for the program's two clean-up resources (infra/components/teardown.ts): the
// providers' own create, diff, update and delete, the deletes against Google's client libraries talking to
// the recorded API responses of a project where GKE has not yet finished (test/support/fakeGoogle.ts). The
// only change to the real path is where the libraries connect: the providers call the leftover module's
// `listProject` and `sweepFirewallRules`, which are pointed at the loopback server for each test.

/** The destroy wait's inputs as the event stack stores them, with waits short enough for a test. */
const waitInputs: TeardownInputs = {
  project,
  namePrefix: "event",
  namespace: "jupyterhub",
  stackLabel: "event",
  network: "network-vpc-4d5e6f7",
  timeoutMinutes: 1,
  pollSeconds: 0.01,
};

/** Points the leftover module's Google calls at the loopback server until the returned function runs. */
function connectTo(port: number, onList: () => void): () => void {
  const real = { listProject: leftovers.listProject, sweepFirewallRules: leftovers.sweepFirewallRules };
  const module = leftovers as { -readonly [K in keyof typeof real]: (typeof real)[K] };
  module.listProject = (p, options = {}) => {
    onList();
    return real.listProject(p, { ...options, ...clientOptions(port) });
  };
  module.sweepFirewallRules = (p, network, options = {}) => real.sweepFirewallRules(p, network, { ...options, compute: clientOptions(port).compute });
  return () => Object.assign(module, real);
}

/** What the delete writes to stderr, which Pulumi shows in the destroy's diagnostics. */
async function stderrOf(action: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    // Node's own process warnings (google-gax warns once about autopaginate) are not the delete's.
    if (!String(chunk).startsWith("(node:")) lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    await action();
  } finally {
    process.stderr.write = write;
  }
  return lines;
}

describe("pulumi destroy's clean-up resources, against recorded Google API responses", function () {
  this.timeout(60_000);
  const state = { empty: false };
  let google: Awaited<ReturnType<typeof fakeGoogle>>;
  let looks = 0;
  let disconnect: () => void;
  before(async () => (google = await fakeGoogle(state)));
  after(() => google.close());
  beforeEach(() => {
    state.empty = false;
    looks = 0;
    disconnect = connectTo(google.port, () => {
      looks += 1;
    });
  });
  afterEach(() => disconnect());

  it("holds the cluster back until GKE has deleted the disks and load-balancer pieces it made for the hub, saying what it waits for", async () => {
    // GKE finishes between the second and the third look.
    const listProject = leftovers.listProject;
    (leftovers as { listProject: typeof listProject }).listProject = (p, o) => {
      state.empty = looks >= 2;
      return listProject(p, o);
    };
    const before = google.requests.length;
    let log: string[] = [];
    const delays = await timerDelays(async () => (log = await stderrOf(() => teardownWaitProvider.delete!("id", { ...waitInputs, pollSeconds: 0.05 }))));
    assert.strictEqual(looks, 3, "looked until nothing was left");
    // Between looks it waits the stored pollSeconds (0.05 s here), read from its timers; Google's client
    // libraries set timers of their own, of other lengths.
    assert.strictEqual(delays.filter((ms) => ms === 50).length, 2, `one 50 ms wait between each two looks, in ${delays.join(", ")}`);
    // Each look asks for exactly what the cluster makes (infra/tools/leftovers.ts clusterMadeKinds): disks,
    // network endpoint groups, forwarding rules (with the global addresses they name) and backend
    // services. Not snapshots, buckets or repositories, which are not GKE's to delete, nor firewall rules,
    // which GKE keeps until the cluster goes (the sweep below removes them).
    const oneLook = [
      `/compute/v1/projects/${project}/aggregated/disks`,
      `/compute/v1/projects/${project}/aggregated/disks?pageToken=CkQKQgoWdXMtY2VudHJhbDEtYg`,
      `/compute/v1/projects/${project}/global/addresses`,
      `/compute/v1/projects/${project}/global/forwardingRules`,
      `/compute/v1/projects/${project}/aggregated/forwardingRules`,
      `/compute/v1/projects/${project}/aggregated/networkEndpointGroups`,
      `/compute/v1/projects/${project}/global/backendServices`,
    ].sort();
    const asked = [...new Set(google.requests.slice(before))].sort();
    assert.deepStrictEqual(asked, oneLook, "what the destroy wait lists");
    // The leftovers are the hub's (namespace jupyterhub in the stack's network), found by the stored inputs.
    const waiting = "waiting for GKE to delete 5: disk pvc-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0, disk pvc-9a8b7c6d-5e4f-3a2b-1c0d-efefefefefef, forwarding rule gkegw1-x7k2-jupyterhub-hub-gateway-9q1w2e3r4t5y, ...\n";
    assert.deepStrictEqual(log, [waiting, waiting], "the destroy's diagnostics, one line a look");
  });

  it("waits for nothing of another stack's in the same project: the stored inputs say whose pieces to wait for", async () => {
    const other = { ...waitInputs, namePrefix: "other", namespace: "other-hub", stackLabel: "other", network: "other-vpc" };
    const log = await stderrOf(() => teardownWaitProvider.delete!("id", other));
    assert.strictEqual(looks, 1, "nothing of the other stack is left, so one look");
    assert.deepStrictEqual(log, []);
  });

  it("gives up with what is left after the stored timeout, so Pulumi stops before the cluster and the network", async () => {
    await assert.rejects(
      teardownWaitProvider.delete!("id", { ...waitInputs, timeoutMinutes: 0.0005 }),
      (e: Error) => {
        assert.match(e.message, /^gave up after 0 minutes waiting for GKE to delete what it made for namespace jupyterhub in project jupyterhub-event-example; 5 left:\n {2}- disk pvc-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0 /);
        assert.match(e.message, /\nThe cluster and the network were not deleted, so GKE can still finish\./);
        return true;
      },
    );
    assert.ok(looks >= 1);
  });

  it("removes the firewall rules GKE left in the stack's own network after the cluster, and only those", async () => {
    const before = google.requests.length;
    const log = await stderrOf(() => firewallSweepProvider.delete!("id", { project, network: "network-vpc-4d5e6f7" }));
    assert.deepStrictEqual(google.requests.slice(before).filter((r) => r.startsWith("DELETE")), [
      `DELETE /compute/v1/projects/${project}/global/firewalls/gkegw1-x7k2-l7-network-vpc-4d5e6f7-global`,
      `DELETE /compute/v1/projects/${project}/global/firewalls/gke-cluster-1a2b3c4d-all`,
    ], "deleted");
    assert.deepStrictEqual(log, [
      "deleting firewall rule gkegw1-x7k2-l7-network-vpc-4d5e6f7-global left in network network-vpc-4d5e6f7\n",
      "deleting firewall rule gke-cluster-1a2b3c4d-all left in network network-vpc-4d5e6f7\n",
    ], "the destroy's diagnostics");
  });
});

describe("the clean-up resources' create, diff and update", () => {
  it("creates nothing in the cloud: an id for the stack's wait and sweep, and the inputs stored for the delete", async () => {
    assert.deepStrictEqual(await teardownWaitProvider.create!(waitInputs), { id: `${project}/jupyterhub/cluster-cleanup-wait`, outs: waitInputs });
    const sweep = { project, network: "network-vpc-4d5e6f7" };
    assert.deepStrictEqual(await firewallSweepProvider.create!(sweep), { id: `${project}/network-vpc-4d5e6f7/firewall-sweep`, outs: sweep });
  });

  it("stores every changed input as an update, since the delete reads what was stored last, and the same inputs as no change", async () => {
    const changed: Record<keyof TeardownInputs, unknown> = {
      project: "another-project", namePrefix: "other", namespace: "other-hub", stackLabel: "other", network: "other-vpc", timeoutMinutes: 45, pollSeconds: 30,
    };
    assert.deepStrictEqual(await teardownWaitProvider.diff!("id", waitInputs, { ...waitInputs }), { changes: false });
    for (const [key, value] of Object.entries(changed)) {
      const news = { ...waitInputs, [key]: value };
      assert.deepStrictEqual(await teardownWaitProvider.diff!("id", waitInputs, news), { changes: true }, `a changed ${key}`);
      assert.deepStrictEqual(await teardownWaitProvider.update!("id", waitInputs, news), { outs: news }, `the stored ${key}`);
    }
    const sweep = { project, network: "network-vpc-4d5e6f7" };
    assert.deepStrictEqual(await firewallSweepProvider.diff!("id", sweep, { ...sweep }), { changes: false });
    for (const news of [{ ...sweep, project: "another-project" }, { ...sweep, network: "other-vpc" }]) {
      assert.deepStrictEqual(await firewallSweepProvider.diff!("id", sweep, news), { changes: true }, JSON.stringify(news));
      assert.deepStrictEqual(await firewallSweepProvider.update!("id", sweep, news), { outs: news });
    }
  });

  it("stores new provider code as an update, for the wait and the sweep alike", async () => {
    // @pulumi/pulumi cmd/dynamic-provider/index.js: delete loads `__provider` from the stored properties.
    const sweep = { project, network: "network-vpc-4d5e6f7" };
    for (const [provider, inputs] of [[teardownWaitProvider, waitInputs], [firewallSweepProvider, sweep]] as const) {
      const olds = { ...inputs, __provider: "exports.handler = old" };
      assert.deepStrictEqual(await provider.diff!("id", olds as never, { ...olds }), { changes: false });
      assert.deepStrictEqual(await provider.diff!("id", olds as never, { ...olds, __provider: "exports.handler = new" } as never), { changes: true });
    }
  });
});
