// The digests of the Python the program ships as hub.extraConfig (policy-pack/contracts/shippedDigests.ts)
// are a contract between the program and the pack: the pack lets exactly these blocks through
// jupyterhub-extra-config-reviewed without policy config, so they must be the digests of the files the
// program really ships (read through infra/files, as the program reads them), and every block the
// program's values carry must be one of them.

import * as assert from "assert";
import * as fs from "fs";
import { readShippedFiles } from "../../infra/files";
import { shippedExtraConfigDigests } from "../../policy-pack/contracts/shippedDigests";
import { codeDigest, hubCode } from "../../policy-pack/policies/jupyterhub/code";
import { contractFile, renderContract, sha256 } from "../../policy-pack/tools/shippedDigests";

describe("program ↔ pack contract: digests of the shipped hub.extraConfig", () => {
  it("the committed contract is what the generator makes from the files", () => {
    assert.strictEqual(fs.readFileSync(contractFile, "utf8"), renderContract(), "stale: run `npx ts-node --transpile-only policy-pack/tools/shippedDigests.ts --write`");
  });

  it("the audit-log block's digest is the SHA-256 of infra/files/hub/audit_log.py as the program reads it", () => {
    const { auditLog } = readShippedFiles();
    assert.strictEqual(shippedExtraConfigDigests["audit-log"], codeDigest(auditLog));
    assert.strictEqual(codeDigest(auditLog), sha256(auditLog));
  });

  it("a one-character change to the block is a different digest, so it needs a review", () => {
    const { auditLog } = readShippedFiles();
    const changed = codeDigest(`${auditLog}\nc.KubeSpawner.privileged = True\n`);
    assert.ok(!Object.values(shippedExtraConfigDigests).includes(changed));
  });

  it("hubCode finds extraConfig blocks and config files the hub loads, not other hub files", () => {
    const code = hubCode({
      hub: {
        extraConfig: { a: "x = 1" },
        extraFiles: {
          conf: { mountPath: "/usr/local/etc/jupyterhub/jupyterhub_config.d/conf.py", stringData: "y = 2" },
          logo: { mountPath: "/usr/local/share/jupyterhub/static/logo.svg", stringData: "<svg/>" },
        },
      },
    });
    assert.deepStrictEqual(code.map((c) => c.where), ["values.hub.extraConfig.a", "values.hub.extraFiles.conf.stringData"]);
  });
});
