import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../infra/config/errors";
import { readProgramConfig } from "../../infra/config/read";
import { stackRawConfig } from "../../infra/tools/stackFile";
import { stacksAsOf } from "../support/stacks";

// The one place the program reads `pulumi.Config` (infra/config/read.ts), without the mock runtime: the
// config is put where `pulumi up` puts it (`pulumi.runtime.setAllConfig`, the keys project-prefixed, the
// secret ones listed), and what the parser is handed is read back from the result. Until now only slow
// mock-runtime tests reached this file, so mutation testing found every line of it unchecked by the fast
// suite (docs/testing.md).

/** The dev stack's config as the engine hands it over: this project's keys prefixed, gcp's as they are. */
function engineConfig(changes: Record<string, string> = {}): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(stackRawConfig("dev"))) {
    config[key.includes(":") ? key : `jupyterhub-gke:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { ...config, ...changes };
}

function withConfig<T>(config: Record<string, string>, secretKeys: string[], read: () => T): T {
  const saved = pulumi.runtime.allConfig();
  try {
    pulumi.runtime.setAllConfig(config, secretKeys);
    return read();
  } finally {
    pulumi.runtime.setAllConfig(saved, []);
  }
}

const secret = ["jupyterhub-gke:oidcClientSecret"];

/** What readProgramConfig refuses with this engine config, as [key, allowed]; none when it accepts it. */
function refusedBy(config: Record<string, string>, secretKeys: string[], now = stacksAsOf): [string, string][] {
  return withConfig(config, secretKeys, () => {
    try {
      readProgramConfig({ now });
      return [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.issues.map((i): [string, string] => [i.key, i.allowed]);
    }
  });
}

describe("reading the stack's config from Pulumi", () => {
  it("takes this project's keys without their prefix, and gcp:project and gcp:region", () => {
    const { config } = withConfig(engineConfig({ "jupyterhub-gke:peakUsers": "12" }), secret, () => readProgramConfig({ now: stacksAsOf }));
    assert.strictEqual(config.capacity.peakUsers, 12, "jupyterhub-gke:peakUsers read as peakUsers");
    assert.strictEqual(config.platform.region, "europe-west1", "gcp:region");
    assert.strictEqual(config.platform.project, stackRawConfig("dev")["gcp:project"], "gcp:project");
  });

  it("ignores other projects' and providers' keys rather than refusing them as unknown", () => {
    const { config } = withConfig(
      engineConfig({ "other-project:peakUsers": "99", "gcp:zone": "europe-west1-b", "kubernetes:context": "x" }),
      secret,
      () => readProgramConfig({ now: stacksAsOf }),
    );
    assert.strictEqual(config.capacity.peakUsers, 10, "another project's peakUsers is not this one's");
  });

  it("refuses a key of this project it does not know, by its short name", () => {
    const refused = refusedBy(engineConfig({ "jupyterhub-gke:peakUser": "10" }), secret).map(([key]) => key);
    assert.deepStrictEqual(refused, ["peakUser"]);
  });

  it("refuses the OIDC client secret written in plain text, and accepts it stored as a secret", () => {
    const plain = refusedBy(engineConfig(), []);
    assert.deepStrictEqual(plain.map(([key]) => key), ["oidcClientSecret"]);
    assert.match(plain[0][1], /^a secret must not be written in plain text in the stack file: delete that line/);
    assert.doesNotThrow(() => withConfig(engineConfig(), secret, () => readProgramConfig({ now: stacksAsOf })));
  });

  it("checks the event window against the clock it is given", () => {
    const after = new Date("2030-01-01T00:00:00Z");
    const keys = refusedBy(engineConfig(), secret, after).map(([key]) => key);
    assert.deepStrictEqual(keys, ["eventEnd"]);
  });
});
