// SLOW: runs the whole program under Pulumi's mock runtime.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../../infra/config/errors";
import { readProgramConfig } from "../../infra/config/read";
import { deployHub } from "../../infra/program";
import { runOffline } from "../../infra/tools/offline";
import { offlineSecretPlaceholder, readStackFile, stacksDir } from "../../infra/tools/stackFile";
import { stacksAsOf } from "../support/stacks";

// A secret written in plain text in a stack file is refused, with the command that encrypts it (issue 16).
// `pulumi config set --secret` stores `key: {secure: <ciphertext>}`; the Node language host hands the
// program the decrypted value and lists the key in PULUMI_CONFIG_SECRET_KEYS, which the SDK's
// `runtime.isConfigSecret` reads (@pulumi/pulumi 3.248.0 runtime/config.ts). A plain value is handed over
// as plain text and the key is not listed: that is what the program checks, under `pulumi up` and in the
// offline plan alike (the plan reads the stack file the same way, infra/tools/stackFile.ts).

const key = "jupyterhub-gke:oidcClientSecret";

/** A copy of the dev stack's file with the client secret written as `line` (or left out). */
function devStackWith(line: string | undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-secret-"));
  const text = fs.readFileSync(path.join(stacksDir, "Pulumi.dev.yaml"), "utf8");
  fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), line === undefined ? text : `${text.trimEnd()}\n${line}\n`);
  return dir;
}

async function programError(dir: string): Promise<string | undefined> {
  const { config, secretKeys } = readStackFile("dev", dir);
  try {
    await runOffline("dev", config, secretKeys, () => deployHub(readProgramConfig({ now: stacksAsOf })));
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return undefined;
}

describe("a secret in a stack file", function () {
  this.timeout(120_000);

  it("stored encrypted is handed over as a secret (the offline plan stands in a placeholder)", () => {
    const { config, secretKeys } = readStackFile("dev", devStackWith(`  ${key}:\n    secure: v1:c2FsdA==:Y2lwaGVydGV4dA==`));
    assert.strictEqual(config[key], offlineSecretPlaceholder);
    assert.deepStrictEqual(secretKeys, [key]);
  });

  it("set outside the file is handed over as a secret too", () => {
    const { config, secretKeys } = readStackFile("dev", devStackWith(undefined));
    assert.strictEqual(config[key], offlineSecretPlaceholder);
    assert.deepStrictEqual(secretKeys, [key]);
  });

  it("written in plain text is handed over as plain text", () => {
    const { config, secretKeys } = readStackFile("dev", devStackWith(`  ${key}: hunter2`));
    assert.strictEqual(config[key], "hunter2");
    assert.deepStrictEqual(secretKeys, []);
  });

  it("written in plain text is refused by the program, which names the command and never repeats the value", async () => {
    const message = await programError(devStackWith(`  ${key}: hunter2`));
    assert.strictEqual(
      message,
      "Invalid stack configuration (1 problem):\n" +
        "  - oidcClientSecret: got a plain-text value (not shown here); a secret must not be written in plain text in the stack file: delete that line (and rotate the secret if the file was shared), then set it encrypted with `pulumi config set --secret oidcClientSecret '<client secret from your identity provider>'`",
    );
  });

  it("stored encrypted is accepted by the program", async () => {
    assert.strictEqual(await programError(devStackWith(`  ${key}:\n    secure: v1:c2FsdA==:Y2lwaGVydGV4dA==`)), undefined);
  });
});
