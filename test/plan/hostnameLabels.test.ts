import * as assert from "assert";
import { idna2008Class, punycode, subdomainLabel } from "../../infra/plan/hostnames";
import { codePointClasses, labelCases, punycodeCases } from "../support/subdomainLabels";

// Each IDNA 2008 rule of the subdomain-label port, on both sides, against labels written out from upstream's
// own code (test/support/subdomainLabels.ts says where each comes from; test/plan/hostnameLabelsUpstream.test.ts
// runs the real `idna` package, hashlib and punycode codec on the same tables).

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;

describe("subdomain labels: each IDNA 2008 rule on both sides, as upstream encodes", () => {
  for (const { what, name, label } of labelCases) {
    it(`${what}: ${JSON.stringify(name)} → ${label}`, () => {
      assert.strictEqual(subdomainLabel(name), label);
    });
  }
});

describe("IDNA 2008 code point classes (RFC 5892), one per rule and range edge", () => {
  for (const [cp, cls, why] of codePointClasses) {
    it(`${hex(cp)} is ${cls}: ${why}`, () => {
      assert.strictEqual(idna2008Class(cp), cls);
    });
  }
});

describe("Punycode (RFC 3492) at the edges of its arithmetic", () => {
  for (const [input, output, why] of punycodeCases) {
    it(`${JSON.stringify(input)} → ${output}: ${why}`, () => {
      assert.strictEqual(punycode(input), output);
    });
  }
});
