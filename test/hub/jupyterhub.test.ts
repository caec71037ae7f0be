import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { hubSecretData, hubSecretName, JupyterHub, releaseName } from "../../infra/components/jupyterhub";
import { planAll } from "../../infra/plan";
import { buildChartValues, hubSecretKeys, z2jhChart } from "../../infra/plan/chartValues";
import { OfflineRun, runOffline } from "../../infra/tools/offline";
import { inputs, ofType, one } from "../support/resources";
import { loadStackConfig, stackNames } from "../support/stacks";

// The JupyterHub component under Pulumi's mock runtime (runOffline sets the mocks for its own run).
// Assertions read what each resource is declared with; a transformation also captures the raw
// properties, so the test can ask Pulumi itself which of them are secret.

const TYPES = {
  component: "jupyterhub-gke:hub:JupyterHub",
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  release: "kubernetes:helm.sh/v3:Release",
  randomBytes: "random:index/randomBytes:RandomBytes",
  provider: "pulumi:providers:kubernetes",
};

interface HubRun {
  readonly run: OfflineRun;
  /** Properties as the program passed them (Outputs intact), by resource type. */
  readonly props: Map<string, Record<string, any>>;
}

async function runHub(stack: string): Promise<HubRun> {
  const config = loadStackConfig(stack);
  const props = new Map<string, Record<string, any>>();
  const capture: pulumi.ResourceTransformation = ({ type, props: p }) => {
    props.set(type, p);
    return undefined;
  };
  const run = await runOffline(stack, {}, [], () => {
    const provider = new k8s.Provider("cluster-k8s", { kubeconfig: "{}" });
    const hub = new JupyterHub(
      "hub",
      { config, plan: planAll(config), oidcClientSecret: pulumi.secret("client-secret-from-config") },
      { provider, transformations: [capture] },
    );
    return { namespace: hub.namespace, proxyServiceName: hub.proxyServiceName, securitySummary: hub.securitySummary };
  });
  return { run, props };
}


for (const stack of stackNames) {
  describe(`the JupyterHub component on the ${stack} stack`, function () {
    this.timeout(60_000);
    const config = loadStackConfig(stack);
    let hub: HubRun;
    before(async () => {
      hub = await runHub(stack);
    });

    it("puts the hub in its own namespace, which enforces Pod Security 'restricted'", () => {
      const ns = inputs(one(hub.run, TYPES.namespace));
      assert.strictEqual(ns.metadata.name, config.hub.namespace);
      for (const mode of ["enforce", "warn", "audit"]) {
        assert.strictEqual(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`], "restricted", mode);
      }
      assert.strictEqual(hub.run.outputs.namespace, config.hub.namespace);
    });

    it("generates the cookie secret and auth-state key as 32 random bytes each (the chart makes the proxy token)", () => {
      const keys = ofType(hub.run, TYPES.randomBytes);
      assert.deepStrictEqual(keys.map((k) => k.name).sort(), ["hub-auth-state-key", "hub-cookie-secret"]);
      for (const k of keys) assert.strictEqual(inputs(k).length, 32);
    });

    it("keeps the generated keys and the client secret in one Kubernetes Secret, secret in state", async () => {
      const secret = inputs(one(hub.run, TYPES.secret));
      assert.strictEqual(secret.metadata.name, hubSecretName);
      assert.strictEqual(secret.metadata.namespace, config.hub.namespace);
      assert.ok(await pulumi.isSecret(pulumi.output(hub.props.get(TYPES.secret)!.stringData)));
    });

    it("installs Z2JH 4.4.0 from the official chart repository with a timeout for the image pre-puller", () => {
      const release = inputs(one(hub.run, TYPES.release));
      assert.strictEqual(release.name, releaseName);
      assert.strictEqual(release.chart, z2jhChart.name);
      assert.strictEqual(release.version, "4.4.0");
      assert.deepStrictEqual(release.repositoryOpts, { repo: "https://hub.jupyter.org/helm-chart/" });
      assert.strictEqual(release.namespace, config.hub.namespace);
      assert.ok(release.timeout >= 600, "Z2JH advises at least 10 minutes for the pre-puller hook");
      assert.strictEqual(release.atomic, true);
    });

    it("passes the planned values as plain data, readable in a preview, naming its Secret", () => {
      const expected = buildChartValues(config, planAll(config), { secretName: hubSecretName });
      assert.deepStrictEqual(hub.props.get(TYPES.release)!.values, expected);
      assert.deepStrictEqual(inputs(one(hub.run, TYPES.release)).values, JSON.parse(JSON.stringify(expected)));
    });

    it("waits for the Secret before installing, and declares everything under the component with the cluster's provider", () => {
      const secretUrn = one(hub.run, TYPES.secret).urn;
      assert.ok(one(hub.run, TYPES.release).dependencies.includes(secretUrn));
      const componentUrn = one(hub.run, TYPES.component).urn;
      const providerUrn = one(hub.run, TYPES.provider).urn;
      for (const r of hub.run.resources.filter((x) => x.parent === componentUrn)) {
        if (r.type.startsWith("kubernetes:")) assert.ok(r.provider?.startsWith(`${providerUrn}::`), `${r.name} uses ${r.provider}`);
      }
      // Namespace, Secret, two random keys, the release, and the placeholder calendar (a component of its own).
      assert.strictEqual(hub.run.resources.filter((x) => x.parent === componentUrn).length, 6);
    });

    it("exposes the proxy Service the Gateway routes to, and a security summary", () => {
      assert.strictEqual(hub.run.outputs.proxyServiceName, "proxy-public");
      assert.ok((hub.run.outputs.securitySummary as string[]).some((l) => /admins can open users' servers: no/.test(l)));
    });
  });
}

describe("the JupyterHub component's guard rails", () => {
  it("fills the hub's Secret with the chart's key names and our client-secret key, each value secret", async () => {
    const data = hubSecretData({ cookieSecret: "c", authStateKey: "a", oidcClientSecret: "plain-from-somewhere" });
    assert.deepStrictEqual(Object.keys(data).sort(), [
      "hub.config.CryptKeeper.keys",
      "hub.config.JupyterHub.cookie_secret",
      hubSecretKeys.oidcClientSecret,
    ].sort());
    for (const [key, value] of Object.entries(data)) assert.ok(await pulumi.isSecret(value), `${key} is not secret`);
  });

  it("refuses to be declared without the cluster's Kubernetes provider", async () => {
    const config = loadStackConfig("dev");
    await assert.rejects(
      runOffline("dev", {}, [], () => {
        new JupyterHub("hub", { config, plan: planAll(config), oidcClientSecret: "x" }, {});
        return {};
      }),
      /needs the cluster's Kubernetes provider/,
    );
  });
});
