// The two small pieces every values-derived finding goes through: where a part of a derived pod is set
// (policy-pack/policies/z2jh/origins.ts, the `where` each message names), and how the pack recognises a
// Z2JH release, its namespace, its user pools and its authenticator sections (z2jh/index.ts).

import * as assert from "assert";
import { nodePurposeLabel } from "../../policy-pack/contracts/labels";
import { UNKNOWN, UNKNOWN_SENTINEL } from "../../policy-pack/policies/core";
import { K8S } from "../../policy-pack/policies/types";
import { authenticatorSections, isJupyterHubRelease, releaseNamespace, runsUserServers } from "../../policy-pack/policies/z2jh";
import { Origins } from "../../policy-pack/policies/z2jh/origins";

describe("policy pack: where a derived pod's parts are set (z2jh/origins.ts)", () => {
  it("names the root for the object and anything under it without its own origin", () => {
    const o = new Origins("values.singleuser.extraPodConfig");
    assert.strictEqual(o.locate([]), "values.singleuser.extraPodConfig");
    assert.strictEqual(o.locate(["hostNetwork"]), "values.singleuser.extraPodConfig.hostNetwork");
    assert.strictEqual(o.locate(["containers", 0, "a b"]), 'values.singleuser.extraPodConfig.containers[0]["a b"]');
  });

  it("names the longest recorded prefix, and a later origin replaces every older one at or below it, and only those", () => {
    const o = new Origins("root");
    o.set(["a", "b"], "AB");
    o.set(["a", "b", "c"], "ABC");
    o.set(["ab"], "AB2");
    o.set(["b"], "B");
    assert.strictEqual(o.locate(["a", "b", "c", "d"]), "ABC.d");
    // A deeper origin leaves its prefix's alone.
    assert.strictEqual(o.locate(["a", "b", "x"]), "AB.x");
    o.set(["a"], "A");
    assert.strictEqual(o.locate(["a", "b", "c"]), "A.b.c", "setting a.* forgets what was recorded below it");
    assert.strictEqual(o.locate(["a", "b"]), "A.b");
    assert.strictEqual(o.locate(["ab"]), "AB2", "a key that merely starts with the same letters is not below it");
    assert.strictEqual(o.locate(["b", "z"]), "B.z", "a sibling keeps its origin");
    assert.strictEqual(o.locate(["c"]), "root.c", "the root keeps its origin");
    o.set([], "new root");
    assert.strictEqual(o.locate(["b"]), "new root.b", "setting the root forgets everything");
  });

  it("grafts another object's origins under a path: the part at fromPath and everything below it, nothing beside it", () => {
    const from = new Origins("F");
    from.set(["x"], "FX");
    from.set(["x", "y"], "FXY");
    from.set(["z"], "FZ");
    from.set(["z", "w"], "FZW");
    from.set(["xx", "y"], "FXXY");
    const o = new Origins("root");
    o.set(["c", 0, "old"], "OLD");
    o.graft(["c", 0], from, ["x"]);
    assert.strictEqual(o.locate(["c", 0]), "FX");
    assert.strictEqual(o.locate(["c", 0, "y", "q"]), "FXY.q");
    assert.strictEqual(o.locate(["c", 0, "w"]), "FX.w", "z.w is beside x, not below it");
    assert.strictEqual(o.locate(["c", 0, "old"]), "FX.old", "the graft replaces what was there");
    assert.strictEqual(o.locate(["c", 1]), "root.c[1]");
    // What was grafted is grafted again from here, and forgotten under a later origin like the rest.
    const again = new Origins("again");
    again.graft(["q"], o, ["c", 0]);
    assert.strictEqual(again.locate(["q", "y"]), "FXY");
    o.set(["c"], "NEW");
    assert.strictEqual(o.locate(["c", 0, "y"]), "NEW[0].y");
    const whole = new Origins("root");
    whole.graft(["p"], from);
    assert.strictEqual(whole.locate(["p"]), "F");
    assert.strictEqual(whole.locate(["p", "z", "w"]), "FZW");
    assert.strictEqual(whole.locate(["p", "xx", "y"]), "FXXY");
  });

  it("copies independently: a change to the copy leaves the original as it was", () => {
    const o = new Origins("root");
    o.set(["a"], "A");
    const copy = o.copy();
    assert.strictEqual(copy.locate(["a", "b"]), "A.b");
    assert.strictEqual(copy.locate(["q"]), "root.q");
    copy.set(["a"], "A2");
    assert.strictEqual(o.locate(["a"]), "A");
    assert.strictEqual(copy.locate(["a"]), "A2");
  });
});

describe("policy pack: recognising a Z2JH release and its parts (z2jh/index.ts)", () => {
  const pool = (purpose: unknown) => ({ nodeConfig: { labels: { [nodePurposeLabel]: purpose } } });

  it("counts a pool as running user servers for any string purpose but core, and only when known", () => {
    assert.strictEqual(runsUserServers(pool("user")), true);
    assert.strictEqual(runsUserServers(pool("gpu")), true);
    assert.strictEqual(runsUserServers(pool("core")), false);
    assert.strictEqual(runsUserServers({ nodeConfig: { labels: {} } }), false, "no label");
    assert.strictEqual(runsUserServers({}), false, "no nodeConfig");
    assert.strictEqual(runsUserServers(pool(1)), false, "a number");
    assert.strictEqual(runsUserServers(pool(null)), false, "null");
    assert.strictEqual(runsUserServers(pool(UNKNOWN_SENTINEL)), false, "unknown at preview");
    assert.strictEqual(runsUserServers({ nodeConfig: UNKNOWN }), false, "unknown nodeConfig");
  });

  it("recognises the jupyterhub chart by name (any repository prefix, any case, a packaged file) or by its repository", () => {
    const yes = (type: string, props: Record<string, unknown>) => assert.strictEqual(isJupyterHubRelease(type, props), true, JSON.stringify(props));
    const no = (type: string, props: Record<string, unknown>) => assert.strictEqual(isJupyterHubRelease(type, props), false, JSON.stringify(props));
    yes(K8S.helmRelease, { chart: "jupyterhub" });
    yes(K8S.helmChart, { chart: "jupyterhub/JupyterHub" });
    yes(K8S.helmRelease, { chart: "./charts/jupyterhub-4.4.0.tgz" });
    yes(K8S.helmRelease, { chart: "hub", repositoryOpts: { repo: "https://hub.jupyter.org/helm-chart/" } });
    yes(K8S.helmRelease, { repositoryOpts: { repo: "https://hub.jupyter.org/helm-chart/" } });
    no("kubernetes:apps/v1:Deployment", { chart: "jupyterhub" });
    no(K8S.helmRelease, { chart: "my-jupyterhub-4.4.0.tgz" });
    no(K8S.helmRelease, { chart: "jupyterhub-exporter" });
    no(K8S.helmRelease, { chart: "binderhub" });
    no(K8S.helmRelease, { chart: "binderhub", repositoryOpts: { repo: "https://charts.example.org/" } });
    no(K8S.helmRelease, { chart: "binderhub", repositoryOpts: { repo: 7 } });
    no(K8S.helmRelease, {});
  });

  it("installs into the release's namespace, `default` when it is unset or empty, and no verdict while unknown", () => {
    assert.strictEqual(releaseNamespace({ namespace: "jhub" }), "jhub");
    assert.strictEqual(releaseNamespace({}), "default");
    assert.strictEqual(releaseNamespace({ namespace: "" }), "default");
    assert.strictEqual(releaseNamespace({ namespace: 3 }), "default");
    assert.strictEqual(releaseNamespace({ namespace: UNKNOWN_SENTINEL }), undefined);
  });

  it("reads every hub.config section named …Authenticator whose value is a mapping, and nothing else", () => {
    const values = {
      hub: {
        config: {
          JupyterHub: { authenticator_class: "generic-oauth" },
          GenericOAuthenticator: { allow_all: false },
          Authenticator: { admin_users: ["a"] },
          AuthenticatorHelper: { x: 1 },
          BrokenAuthenticator: "not a mapping",
        },
      },
    };
    assert.deepStrictEqual(authenticatorSections(values), [
      ["GenericOAuthenticator", { allow_all: false }],
      ["Authenticator", { admin_users: ["a"] }],
    ]);
    assert.deepStrictEqual(authenticatorSections({}), []);
    assert.deepStrictEqual(authenticatorSections({ hub: { config: UNKNOWN_SENTINEL } }), []);
  });
});
