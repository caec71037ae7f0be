import * as assert from "assert";
import { subdomainLabel } from "../../infra/plan/hostnames";

// Each IDNA 2008 rule of the subdomain-label port, on both sides. Expected labels from upstream's own
// code: jupyterhub 5.5 utils.py `_strict_dns_safe_encode` / `_trim_and_hash` run in Python with the `idna`
// package 3.4 (`idna.encode`) and hashlib's sha256, so every hash and A-label here is upstream's, not the port's.

const cases: readonly (readonly [string, string, string])[] = [
  ["63 letters: one label", "a".repeat(63), "a".repeat(63)],
  ["64 letters: too long for a label, hashed", "a".repeat(64), "u-aaaaaaaa--ffe054f"],
  ["é composed (NFC): encoded", "\u00e9", "xn--9ca"],
  ["é decomposed (not NFC): hashed", "e\u0301", "u-e--bf12767"],
  ["a leading hyphen", "-\u00e9", "u-x--2546b3d"],
  ["a trailing hyphen", "\u00e9-", "u-x--0236661"],
  ["Catalan middle dot between two l (CONTEXTO)", "l\u00b7l", "xn--ll-0ea"],
  ["middle dot between other letters", "a\u00b7b", "u-ab--afebecf"],
  ["middle dot at the end", "l\u00b7", "u-l--ecea344"],
  ["a zero-width joiner (CONTEXTJ)", "a\u200db", "u-ab--57d3077"],
  ["katakana middle dot with katakana", "\u30fb\u30a2", "xn--cckyj"],
  ["katakana middle dot with Latin only", "a\u30fbb", "u-ab--a48e386"],
  ["katakana middle dot alone", "\u30fb", "u-x--2a21905"],
  ["Greek keraia before Greek", "ab\u0375\u03b1", "xn--ab-73b4v"],
  ["Greek keraia at the end", "ab\u0375", "u-ab--381ad19"],
  ["Greek keraia before Latin", "ab\u0375b", "u-abb--e2e0b15"],
  ["Hebrew geresh after Hebrew", "\u05d0\u05f3", "xn--4db4e"],
  ["Hebrew geresh after Latin", "a\u05f3", "u-a--352dd1e"],
  ["Hebrew geresh alone", "\u05f3", "u-x--2f326e3"],
  ["Hebrew only (bidi rule, right to left)", "\u05d0\u05d1", "xn--4dbc"],
  ["Latin then Hebrew (bidi rule 1)", "a\u05d0", "u-a--d1c8c75"],
  ["Hebrew then Latin (bidi rule 2)", "\u05d0a", "u-a--9a0fd46"],
  ["Hebrew then a digit (bidi rule 3)", "\u05d01", "xn--1-zhc"],
  ["a digit then Hebrew", "1\u05d0", "u-1--ef71fe5"],
  ["Arabic with an Arabic-Indic digit", "\u0627\u0644\u0661", "xn--mgb2d4d"],
  ["Arabic with a combining mark last (NSM skipped by rule 3)", "\u0627\u0301", "xn--lsa52n"],
];

describe("subdomain labels: each IDNA 2008 rule on both sides, as upstream encodes", () => {
  for (const [what, name, label] of cases) {
    it(`${what}: ${JSON.stringify(name)} → ${label}`, () => {
      assert.strictEqual(subdomainLabel(name), label);
    });
  }
});
