// SLOW: runs the JupyterHub component under Pulumi's mock runtime.
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  foreignSecretRefs,
  hubSecretData,
  hubSecretName,
  JupyterHub,
  JupyterHubArgs,
  releaseName,
} from "../../infra/components/jupyterhub";
import { StackConfig } from "../../infra/config/types";
import { readShippedFiles } from "../../infra/files";
import { planAll } from "../../infra/plan";
import { planPackages } from "../../infra/plan/packages";
import { dnsSafePrefix } from "../../infra/program";
import { buildChartValues, hubSecretKeys, summarizeHubSecurity, z2jhChart, Z2jhValues } from "../../infra/plan/chart";
import { OfflineRun, runOffline } from "../../infra/tools/offline";
import { planStack } from "../../infra/tools/plan";
import { inputs, ofType, one } from "../support/resources";
import { loadStackConfig, stackNames } from "../support/stacks";
import { TYPES } from "../support/types";

// The JupyterHub component under Pulumi's mock runtime (runOffline sets the mocks for its own run).
// Assertions read what each resource is declared with; a transformation also captures the raw
// properties, so the test can ask Pulumi itself which of them are secret.

const hubComponent = "jupyterhub-gke:hub:JupyterHub";

interface HubRun {
  readonly run: OfflineRun;
  /** Properties as the program passed them (Outputs intact), by resource type. */
  readonly props: Map<string, Record<string, any>>;
}

/** The values the program builds for a stack, naming the component's Secret and planning packages with the stack's prefix. */
function hubValues(config: StackConfig, stack = "test"): Z2jhValues {
  return buildChartValues(config, planAll(config), readShippedFiles(), { secretName: hubSecretName }, planPackages(config, dnsSafePrefix(stack)));
}

/** The component's args for a stack as the program passes them, the chart left to its default. */
function hubArgs(config: StackConfig, changes: Partial<JupyterHubArgs> = {}): JupyterHubArgs {
  return {
    namespace: config.hub.namespace,
    values: hubValues(config),
    oidcClientSecret: pulumi.secret("client-secret-from-config"),
    ...changes,
  };
}

async function runHub(stack: string, changes: Partial<JupyterHubArgs> = {}): Promise<HubRun> {
  const config = loadStackConfig(stack);
  const props = new Map<string, Record<string, any>>();
  const capture: pulumi.ResourceTransformation = ({ type, props: p }) => {
    props.set(type, p);
    return undefined;
  };
  const run = await runOffline(stack, {}, [], () => {
    const provider = new k8s.Provider("cluster-k8s", { kubeconfig: "{}" });
    const hub = new JupyterHub("hub", hubArgs(config, changes), { provider, transformations: [capture] });
    return { namespace: hub.namespace, proxyServiceName: hub.proxyServiceName };
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
      const release = inputs(one(hub.run, TYPES.helmRelease));
      assert.strictEqual(release.name, releaseName);
      assert.strictEqual(release.chart, z2jhChart.name);
      assert.strictEqual(release.version, "4.4.0");
      assert.deepStrictEqual(release.repositoryOpts, { repo: "https://hub.jupyter.org/helm-chart/" });
      assert.strictEqual(release.namespace, config.hub.namespace);
      assert.ok(release.timeout >= 600, "Z2JH advises at least 10 minutes for the pre-puller hook");
      assert.strictEqual(release.atomic, true);
    });

    it("passes the planned values as plain data, readable in a preview, naming its Secret", () => {
      const expected = hubValues(config);
      assert.deepStrictEqual(hub.props.get(TYPES.helmRelease)!.values, expected);
      assert.deepStrictEqual(inputs(one(hub.run, TYPES.helmRelease)).values, JSON.parse(JSON.stringify(expected)));
    });

    it("waits for the Secret before installing, and declares everything under the component with the cluster's provider", () => {
      const secretUrn = one(hub.run, TYPES.secret).urn;
      assert.ok(one(hub.run, TYPES.helmRelease).dependencies.includes(secretUrn));
      const componentUrn = one(hub.run, hubComponent).urn;
      const providerUrn = one(hub.run, TYPES.k8sProvider).urn;
      for (const r of hub.run.resources.filter((x) => x.parent === componentUrn)) {
        if (r.type.startsWith("kubernetes:")) assert.ok(r.provider?.startsWith(`${providerUrn}::`), `${r.name} uses ${r.provider}`);
      }
      // Namespace, Secret, two random keys and the release (the program declares the placeholder calendar).
      assert.strictEqual(hub.run.resources.filter((x) => x.parent === componentUrn).length, 5);
    });

    it("exposes the proxy Service the Gateway routes to", () => {
      assert.strictEqual(hub.run.outputs.proxyServiceName, "proxy-public");
    });

    it("is given its values by the program, which exports the security summary of exactly those values", async () => {
      const program = await planStack(stack);
      const release = one(program, TYPES.helmRelease);
      assert.deepStrictEqual(inputs(release).values, JSON.parse(JSON.stringify(hubValues(config, stack))));
      const summary = program.outputs.securitySummary as string[];
      assert.deepStrictEqual(summary, summarizeHubSecurity(inputs(release).values as Z2jhValues));
      assert.ok(summary.some((l) => /admins can open users' servers: no/.test(l)));
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
        new JupyterHub("hub", hubArgs(config), {});
        return {};
      }),
      /needs the cluster's Kubernetes provider/,
    );
  });

  it("takes the cluster's Kubernetes provider from `providers` too, and puts every object on it", async () => {
    // Pulumi docs, "providers" resource option: a component passes a provider map on to its children.
    const config = loadStackConfig("dev");
    const run = await runOffline("dev", {}, [], () => {
      const provider = new k8s.Provider("cluster-k8s", { kubeconfig: "{}" });
      new JupyterHub("hub", hubArgs(config), { providers: { kubernetes: provider } });
      return {};
    });
    const providerUrn = one(run, TYPES.k8sProvider).urn;
    const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.deepStrictEqual(objects.map((r) => r.type).sort(), [TYPES.helmRelease, TYPES.namespace, TYPES.secret].sort(), "the hub's Kubernetes objects");
    for (const r of objects) assert.ok(r.provider?.startsWith(`${providerUrn}::`), `${r.name} uses ${r.provider}, not the cluster's provider`);
  });

  it("refuses values that read a Secret other than the one it creates, naming each place", async () => {
    const config = loadStackConfig("dev");
    const values = buildChartValues(config, planAll(config), readShippedFiles(), { secretName: "someone-elses" });
    assert.deepStrictEqual(foreignSecretRefs(hubValues(config)), []);
    assert.deepStrictEqual(foreignSecretRefs(values), [
      'hub.existingSecret names Secret "someone-elses"',
      'hub.extraEnv.OAUTH_CLIENT_SECRET names Secret "someone-elses"',
    ]);
    await assert.rejects(
      runOffline("dev", {}, [], () => {
        const provider = new k8s.Provider("cluster-k8s", { kubeconfig: "{}" });
        new JupyterHub("hub", hubArgs(config, { values }), { provider });
        return {};
      }),
      (e: unknown) => {
        // The whole message, so each foreign place stays named and told apart from the next.
        assert.strictEqual(
          (e as Error).message,
          'JupyterHub values must read Secret "hub-pulumi-secrets", which it creates: hub.existingSecret names Secret "someone-elses"; ' +
            'hub.extraEnv.OAUTH_CLIENT_SECRET names Secret "someone-elses"',
          "the refusal",
        );
        return true;
      },
    );
  });

  it("installs the chart pin it is given", async () => {
    const chart = { name: "jupyterhub", version: "4.3.1", repo: "https://example.org/charts/" };
    const release = inputs(one((await runHub("dev", { chart })).run, TYPES.helmRelease));
    assert.deepStrictEqual([release.chart, release.version, release.repositoryOpts], [chart.name, chart.version, { repo: chart.repo }]);
  });
});
