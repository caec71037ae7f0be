// SLOW: runs Python's idna package, hashlib and punycode codec (upstream_idna_driver.py).
import * as assert from "assert";
import * as path from "path";
import { removeScratchDirs, requirePythonModule, runPython, scratchDir } from "../hub/python";
import { codePointClasses, labelCases, punycodeCases } from "../support/subdomainLabels";

// The tables test/plan/hostnameLabels.test.ts holds the port to, held in turn to the real encoders that
// JupyterHub 5.5's `_strict_dns_safe_encode` calls: Debian's python3-idna (3.3 on bookworm, Unicode 14 tables;
// every code point in the tables is from Unicode 6 or older, so its class is the same in every idna release
// since), hashlib and Python's punycode codec. JupyterHub 5 itself is not packaged here (Debian's jupyterhub
// is 3.0, which has no `subdomain_hook`), so the hook's own steps around idna are those utils.py @ 5.5.0 has:
// a DNS-safe name as it is, an A-label when idna gives one DNS-safe label, else `u-<stub>--<sha256[:7]>`.

interface Upstream {
  readonly unicode: string;
  readonly idna: Record<string, { readonly encodes: string } | { readonly raises: readonly string[] }>;
  readonly sha256: Record<string, string>;
  readonly classes: Record<string, string>;
  readonly punycode: Record<string, string>;
}

const driver = path.join(__dirname, "upstream_idna_driver.py");

/** `_trim_and_hash`'s shape: `u-`, up to 8 of [a-z0-9] (or x), `--`, 7 hex digits. */
const hashedLabel = /^u-([a-z0-9]{1,8})--([0-9a-f]{7})$/;

describe("the subdomain-label tables, against Python's idna, hashlib and punycode codec", () => {
  let upstream: Upstream;
  before(function () {
    requirePythonModule("idna");
    const dir = scratchDir("idna-");
    const request = {
      names: labelCases.map((c) => c.name),
      codePoints: codePointClasses.map(([cp]) => cp),
      punycode: punycodeCases.map(([input]) => input),
    };
    const result = runPython([driver], { input: JSON.stringify(request), cwd: dir });
    assert.strictEqual(result.status, 0, result.stderr);
    upstream = JSON.parse(result.stdout) as Upstream;
  });
  after(removeScratchDirs);

  for (const { what, name, label, idna } of labelCases) {
    it(`${what}: ${JSON.stringify(name)}`, () => {
      if (idna) {
        const actual = upstream.idna[name];
        const said = `idna.encode(${JSON.stringify(name)}) gives ${JSON.stringify(actual)}`;
        if ("encodes" in idna) assert.deepStrictEqual(actual, idna, said);
        else assert.ok("raises" in actual && actual.raises.includes(idna.raises), `${said}, not ${idna.raises}`);
      }
      if (label.startsWith("xn--")) {
        assert.deepStrictEqual(idna, { encodes: label }, "an A-label is what idna.encode returned");
      }
      const hashed = hashedLabel.exec(label);
      if (hashed) {
        assert.strictEqual(hashed[2], upstream.sha256[name], "the hash is sha256 of the UTF-8 name");
        assert.ok(idna === undefined || "raises" in idna || idna.encodes.includes("."), "hashed only when idna gave no single label");
      }
    });
  }

  for (const [cp, cls] of codePointClasses) {
    it(`U+${cp.toString(16).toUpperCase()} is ${cls} in idna's tables`, () => {
      assert.strictEqual(upstream.classes[String(cp)], cls, `idna.idnadata (Unicode ${upstream.unicode})`);
    });
  }

  for (const [input, output] of punycodeCases) {
    it(`Python's punycode codec gives ${output} for ${JSON.stringify(input)}`, () => {
      assert.strictEqual(upstream.punycode[input], output);
    });
  }
});
