// SLOW: runs a component under Pulumi's mock runtime, and the real wait provider.
import * as assert from "assert";
import { apiPropagationSeconds, apiPropagationWaitProvider as provider, ProjectApis } from "../../infra/components/apis";
import { runOffline } from "../../infra/tools/offline";
import { named, one, waitsFor } from "../support/resources";
import { stackRun } from "../support/runs";
import { timerDelays } from "../support/timers";

/** The waits `action` asks for: the wait provider's only timers, fired at once. */
const waitsOf = (action: () => Promise<unknown>) => timerDelays(action, { immediately: true });
import { TYPES } from "../support/types";

// The wait between turning Google APIs on and using them. Google answers 403 SERVICE_DISABLED for a while
// after an API is enabled ("If you enabled this API recently, wait a few minutes for the action to
// propagate to our systems and retry"), and the Google provider neither waits for that nor retries it
// (terraform-provider-google v7.40.0: resource_google_project.go EnableServiceUsageProjectServices;
// transport/error_retry_predicates.go). The provider below runs here for real, with short waits.

const inputs = (services: string[], seconds = 0.2) => ({ project: "p", services, seconds });

// The APIs the program turns on, written out by their service names (each product's "Enable the API" page;
// image streaming's is containerfilesystem.googleapis.com, Cloud Billing budgets' billingbudgets.googleapis.com).
// Why each is needed is in infra/components/apis.ts; test/packages.test.ts checks the package plan needs no other.
const programApis = [
  "serviceusage.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  "iam.googleapis.com",
  "compute.googleapis.com",
  "container.googleapis.com",
  "containerfilesystem.googleapis.com",
  "artifactregistry.googleapis.com",
  "dns.googleapis.com",
  "certificatemanager.googleapis.com",
  "logging.googleapis.com",
  "monitoring.googleapis.com",
  "storage.googleapis.com",
  "billingbudgets.googleapis.com",
];

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await action();
  return Date.now() - started;
}

describe("waiting for new Google APIs to be usable", () => {
  it("waits on create, and passes the project on only afterwards", async () => {
    let result: any;
    const took = await timed(async () => (result = await provider.create!(inputs(["dns.googleapis.com"]))));
    assert.ok(took >= 190, `waited ${took} ms`);
    assert.strictEqual(result.outs.project, "p");
  });

  it("does nothing on a later `pulumi up` with the same APIs: no diff, no wait", async () => {
    const diff = await provider.diff!("p/apis-usable", inputs(["a", "b"]), inputs(["a", "b"]));
    assert.strictEqual(diff.changes, false);
  });

  it("waits again when an API is added, not when one is dropped", async () => {
    const added = inputs(["a", "b", "c"]);
    assert.strictEqual((await provider.diff!("id", inputs(["a", "b"]), added)).changes, true);
    assert.ok((await timed(() => provider.update!("id", inputs(["a", "b"]), added))) >= 190);
    const dropped = inputs(["a"]);
    assert.strictEqual((await provider.diff!("id", inputs(["a", "b"]), dropped)).changes, true);
    assert.ok((await timed(() => provider.update!("id", inputs(["a", "b"]), dropped))) < 150);
  });

  it("waits after every API, for a couple of minutes by default, in the component", async () => {
    const run = await runOffline("dev", {}, [], () => {
      const apis = new ProjectApis("apis", { project: "p" });
      return { project: apis.project };
    });
    const wait = one(run, TYPES.dynamicResource);
    assert.deepStrictEqual(wait.inputs.services, programApis);
    assert.strictEqual(wait.inputs.seconds, apiPropagationSeconds);
    assert.ok(apiPropagationSeconds >= 60 && apiPropagationSeconds <= 300);
    assert.strictEqual(typeof wait.inputs.__provider, "string", "Pulumi serialises the provider into the state");
    assert.strictEqual(run.outputs.project, "p");
  });
});

describe("how long the API wait waits, read from its timers", () => {
  it("waits the stored number of seconds on create, once, and names the wait for its project", async () => {
    let created: unknown;
    assert.deepStrictEqual(await waitsOf(async () => (created = await provider.create!(inputs(["dns.googleapis.com"], 120)))), [120_000]);
    // Pulumi refuses a create that returns no id (@pulumi/pulumi cmd/dynamic-provider/index.js passes it on as the resource's id).
    assert.deepStrictEqual(created, { id: "p/apis-usable", outs: inputs(["dns.googleapis.com"], 120) });
  });

  it("waits again on an update that adds an API or moves to another project, and not on one that only drops an API", async () => {
    const olds = inputs(["a", "b"], 120);
    assert.deepStrictEqual(await waitsOf(() => provider.update!("id", olds, inputs(["a", "b", "c"], 120))), [120_000], "an API added");
    assert.deepStrictEqual(await waitsOf(() => provider.update!("id", olds, { ...olds, project: "q" })), [120_000], "another project");
    assert.deepStrictEqual(await waitsOf(() => provider.update!("id", olds, inputs(["a"], 120))), [], "an API dropped");
    assert.deepStrictEqual(await waitsOf(() => provider.update!("id", olds, inputs(["b", "a"], 120))), [], "the same APIs in another order");
    assert.deepStrictEqual(await provider.update!("id", olds, inputs(["a"], 120)), { outs: inputs(["a"], 120) }, "the new inputs are stored");
  });

  it("treats a stored state without the list of APIs as having none: every API is new", async () => {
    const stored = { project: "p", seconds: 120 } as never;
    assert.strictEqual((await provider.diff!("id", stored, inputs(["a"], 120))).changes, true);
    assert.deepStrictEqual(await waitsOf(() => provider.update!("id", stored, inputs(["a"], 120))), [120_000]);
  });

  it("sees a changed project, wait or API as a change, not only a longer list", async () => {
    const olds = inputs(["a", "b"], 120);
    assert.strictEqual((await provider.diff!("id", olds, { ...olds, project: "q" })).changes, true, "project");
    assert.strictEqual((await provider.diff!("id", olds, { ...olds, seconds: 60 })).changes, true, "seconds");
    assert.strictEqual((await provider.diff!("id", olds, inputs(["a", "c"], 120))).changes, true, "an API swapped for another");
    assert.strictEqual((await provider.diff!("id", olds, inputs(["a"], 120))).changes, true, "an API dropped");
  });
});

describe("the project's APIs as the component declares them", function () {
  this.timeout(120_000);

  it("turns on each API the program uses and never turns it off, not even at pulumi destroy", async () => {
    const run = await runOffline("dev", {}, [], () => {
      const apis = new ProjectApis("apis", { project: "p", propagationSeconds: 5 });
      return { project: apis.project };
    });
    // google_project_service: disable_on_destroy false leaves the API on when the resource is deleted, and
    // disable_dependent_services false never turns off another API with it (Google provider docs,
    // google_project_service): other workloads in the project may use them.
    assert.deepStrictEqual(run.resources.filter((r) => r.type === TYPES.projectService).map((r) => [r.name, r.inputs]), programApis.map((api) => [
      `apis-${api.split(".")[0]}`,
      { project: "p", service: api, disableOnDestroy: false, disableDependentServices: false },
    ]));
    const component = one(run, "jupyterhub-gke:project:ProjectApis");
    for (const r of run.resources.filter((x) => x.custom)) assert.strictEqual(r.parent, component.urn, `${r.name} belongs to the component`);
    const wait = one(run, TYPES.dynamicResource);
    assert.deepStrictEqual([wait.name, wait.inputs.project, wait.inputs.services, wait.inputs.seconds], ["apis-usable", "p", programApis, 5], "the wait, with the seconds given");
  });

  it("makes every Google resource of the program wait for the APIs", async () => {
    const run = await stackRun("event");
    const wait = named(run, TYPES.dynamicResource, "apis-usable");
    const google = run.resources.filter((r) => r.custom && r.type.startsWith("gcp:") && r.type !== TYPES.projectService);
    assert.ok(google.length > 20, `only ${google.length} Google resources`);
    // Directly, or through a resource whose output it takes (an IAM member names a bucket or an account).
    assert.deepStrictEqual(google.filter((r) => !waitsFor(run, r, wait)).map((r) => r.name), [], "created before the APIs are usable");
    assert.ok(google.filter((r) => r.dependencies.includes(wait.urn)).length > 20, "most wait for it directly, by the project id");
  });
});
