// SLOW: runs a component under Pulumi's mock runtime, and the real wait provider.
import * as assert from "assert";
import { apiPropagationSeconds, apiPropagationWaitProvider as provider, ProjectApis, requiredApis } from "../../infra/components/apis";
import { runOffline } from "../../infra/tools/offline";
import { one } from "../support/resources";
import { TYPES } from "../support/types";

// The wait between turning Google APIs on and using them. Google answers 403 SERVICE_DISABLED for a while
// after an API is enabled ("If you enabled this API recently, wait a few minutes for the action to
// propagate to our systems and retry"), and the Google provider neither waits for that nor retries it
// (terraform-provider-google v7.40.0: resource_google_project.go EnableServiceUsageProjectServices;
// transport/error_retry_predicates.go). The provider below runs here for real, with short waits.

const inputs = (services: string[], seconds = 0.2) => ({ project: "p", services, seconds });

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
    assert.deepStrictEqual(wait.inputs.services, [...requiredApis]);
    assert.strictEqual(wait.inputs.seconds, apiPropagationSeconds);
    assert.ok(apiPropagationSeconds >= 60 && apiPropagationSeconds <= 300);
    assert.strictEqual(typeof wait.inputs.__provider, "string", "Pulumi serialises the provider into the state");
    assert.strictEqual(run.outputs.project, "p");
  });
});
