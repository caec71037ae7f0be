// Every hostname a user can reach, and whether the certificate and DNS cover it. Pure functions.
//
// With `JupyterHub.subdomain_host` set, each user's server is served at <label>.<hub domain>, where
// <label> comes from JupyterHub 5's default `subdomain_hook = "idna"`. This file ports that hook so the
// tests can show that every label is one DNS label, covered by the wildcard certificate and record.
// Upstream: jupyterhub/jupyterhub `jupyterhub/utils.py` (`subdomain_hook_idna`,
// `_strict_dns_safe_encode`, `_is_dns_safe`, `_trim_and_hash`), called from `jupyterhub/user.py`
// (`User.domain`: `hook(self.name, settings["domain"], kind="user")`), with the `idna` package's
// `idna.encode` (IDNA 2008, RFC 5891/5892/5893).
//
// How faithful: during development, upstream's functions (Python 3.13, idna 3.13) and `subdomainLabel`
// were compared once on 959,264 names (every assigned code point alone, after and before "a", next to a Hebrew and
// between Arabic letters, plus awkward names). They agree on all but two groups, where this port hashes
// and upstream may encode:
// - names with a zero-width joiner or non-joiner (CONTEXTJ), see `passesIdna2008LabelChecks`;
// - names with a character newer than the hub's Python `unicodedata` (Unicode 15.1 for Python 3.13):
//   idna's bidi check raises on an unknown direction there, so upstream hashes them; this port encodes.
// Either way the result is one label under the hub domain, which is what the certificate relies on.
// JupyterHub 5 is not packaged for the machines that run the tests, so the tests pin labels taken from
// upstream (test/plan/hostnames.test.ts, hostnameLabels.test.ts; the latter's tables run through idna too).

import { createHash } from "node:crypto";
import { canonicalName } from "../../policy-pack/contracts/hostnames";

/** The two names the certificate, the DNS records and the Gateway's routes are made for. */
export interface HubHostnames {
  /** The hub itself, e.g. hub.example.com. */
  readonly hub: string;
  /** Every user's server, e.g. *.hub.example.com. */
  readonly wildcard: string;
}

export function hubHostnames(hubDomain: string): HubHostnames {
  return { hub: hubDomain, wildcard: `*.${hubDomain}` };
}

/** Both names, hub first: the order the certificate's domains and the map entries use. */
export function hubHostnameList(hubDomain: string): readonly string[] {
  const { hub, wildcard } = hubHostnames(hubDomain);
  return [hub, wildcard];
}

/**
 * The name JupyterHub stores for a login, with the default `Authenticator.normalize_username`
 * (jupyterhub/auth.py: "Default: cast to lowercase, lookup in username_map"; no map is configured here).
 * JavaScript's and Python's lower-casing both apply Unicode's full, locale-independent mapping.
 */
export function normalizedUsername(loginName: string): string {
  return loginName.toLowerCase();
}

/** The host of a user's server: `<subdomainLabel(username)>.<hubDomain>`. */
export function userHost(username: string, hubDomain: string): string {
  return `${subdomainLabel(username)}.${hubDomain}`;
}

const maxLabelLength = 63;

/**
 * Port of JupyterHub 5.5 `_strict_dns_safe_encode(name)` for users (`kind == "user"` adds no suffix):
 * 1. a name containing `--` takes the hash route, so it cannot collide with an encoded result;
 * 2. a name that is already a DNS label is used as it is (case kept);
 * 3. otherwise its IDNA 2008 A-label (`xn--…`) when `idna.encode` accepts it and the result is a label;
 * 4. otherwise `u-<up to 8 of [a-z0-9]>--<sha256[:7]>`, which is always a label.
 * Every result is one label of at most 63 characters, and a valid host name label except for the two
 * upstream quirks described in `isDnsSafe`.
 */
export function subdomainLabel(username: string): string {
  if (username.includes("--")) return trimAndHash(username);
  if (isDnsSafe(username)) return username;
  return idnaLabel(username) ?? trimAndHash(username);
}

/** `_is_dns_safe`: 1-63 of [A-Za-z0-9-], not all digits, no hyphen at either end. */
function isDnsSafe(label: string): boolean {
  // Python's `label.isnumeric()` also holds for non-ASCII digits, but those fail the final pattern anyway.
  if (/^[0-9]+$/.test(label)) return false;
  if (label.length === 0 || label.length > maxLabelLength) return false;
  if (label.startsWith("-") || label.endsWith("-")) return false;
  // Upstream's `re.match(r"^[a-z0-9-]{1,63}$", label, re.IGNORECASE)` has two quirks, kept for fidelity
  // (see the tests): Python's `$` also matches before a final newline, and Unicode case-insensitive
  // matching lets [a-z] match İ, ı, ſ and the Kelvin sign K, so upstream uses such names unencoded.
  return /^[a-z0-9\u0130\u0131\u017f\u212a-]+\n?$/i.test(label);
}

/** `_trim_and_hash`: the always-valid fallback; 12-19 characters. */
function trimAndHash(name: string): string {
  const hash = createHash("sha256").update(name, "utf8").digest("hex").slice(0, 7);
  const stub = [...name.toLowerCase()].filter((c) => /^[a-z0-9]$/.test(c)).slice(0, 8).join("");
  // Upstream: an empty stub would put "--" at positions 3-4, which RFC 5891 reserves for IDNA.
  return `u-${stub || "x"}--${hash}`;
}

// Full stops IDNA splits labels on (idna's `_unicode_dots_re`): ASCII, ideographic, fullwidth, halfwidth.
const labelSeparators = /[.\u3002\uff0e\uff61]/u;

/**
 * The A-label upstream would use at step 3, or undefined when it falls through to the hash.
 * - A name with a label separator: `idna.encode` either fails or keeps the dots, and a dotted result is not
 *   one label, so upstream always hashes. This is why every e-mail address takes the hash route.
 * - An all-ASCII name here has already failed `isDnsSafe`; `idna.encode` then either raises (a character
 *   other than [a-z0-9-] after lower-casing, a hyphen at an end, over 63 characters) or returns the
 *   lower-cased name, which fails the same test.
 * - Otherwise the label must pass `idna.core.check_label` (NFC, hyphen rules, no leading mark, every code
 *   point PVALID or allowed by its context rule, RFC 5893's bidi rule) and is then Punycode-encoded.
 *   Node's `url.domainToASCII` is not used: it is UTS 46 (it maps upper case instead of refusing it), and
 *   its bidi check both accepts labels idna refuses ("0א") and refuses ones idna accepts ("א\u0870").
 */
function idnaLabel(name: string): string | undefined {
  if (labelSeparators.test(name)) return undefined;
  if (/^[\x00-\x7f]*$/.test(name)) return undefined;
  if (!passesIdna2008LabelChecks(name)) return undefined;
  const aLabel = `xn--${punycode(name)}`;
  return isDnsSafe(aLabel) ? aLabel : undefined;
}

function passesIdna2008LabelChecks(label: string): boolean {
  const codePoints = [...label];
  if (label.normalize("NFC") !== label) return false;
  if (codePoints.slice(2, 4).join("") === "--" || label.startsWith("-") || label.endsWith("-")) return false;
  if (/^\p{M}/u.test(label)) return false;
  const allowed = codePoints.every((ch, i) => {
    const cls = idna2008Class(ch.codePointAt(0) as number);
    // CONTEXTJ (zero-width joiners) is not ported: its rule needs combining classes and Arabic joining
    // types, which JavaScript does not expose. Upstream accepts a joiner after a virama or between joining
    // letters (as in Persian names); here such a name takes the hash route instead.
    return cls === "PVALID" || (cls === "CONTEXTO" && contextRuleHolds(codePoints, i));
  });
  return allowed && passesBidiRule(codePoints);
}

export type Idna2008Class = "PVALID" | "CONTEXTJ" | "CONTEXTO" | "DISALLOWED";

// RFC 5892 §2.6 Exceptions (F), which override the derivation below.
const exceptions: ReadonlyMap<number, Idna2008Class> = new Map<number, Idna2008Class>([
  ...[0x00df, 0x03c2, 0x06fd, 0x06fe, 0x0f0b, 0x3007].map((cp): [number, Idna2008Class] => [cp, "PVALID"]),
  ...[0x00b7, 0x0375, 0x05f3, 0x05f4, 0x30fb, ...range(0x0660, 0x0669), ...range(0x06f0, 0x06f9)].map(
    (cp): [number, Idna2008Class] => [cp, "CONTEXTO"],
  ),
  ...[0x0640, 0x07fa, 0x302e, 0x302f, ...range(0x3031, 0x3035), 0x303b].map(
    (cp): [number, Idna2008Class] => [cp, "DISALLOWED"],
  ),
]);

// RFC 5892 IgnorableBlocks (D) and OldHangulJamo (I), as code-point ranges.
const disallowedRanges: readonly (readonly [number, number])[] = [
  [0x20d0, 0x20ff], [0x1d100, 0x1d1ff], [0x1d200, 0x1d24f], // combining marks for symbols, musical symbols
  [0x1100, 0x11ff], [0xa960, 0xa97f], [0xd7b0, 0xd7ff], // conjoining Hangul jamo (L, V, T)
];

/**
 * A code point's IDNA 2008 derived property (RFC 5892 §3, in its order), from the Unicode data
 * JavaScript's regular expressions and case mappings carry. Checked against every code point of the
 * `idna` 3.13 package's tables (Unicode 17, the same version as this Node's ICU): no differences.
 */
export function idna2008Class(cp: number): Idna2008Class {
  const exception = exceptions.get(cp);
  if (exception) return exception;
  const ch = String.fromCodePoint(cp);
  if (/\p{Cn}/u.test(ch)) return "DISALLOWED"; // unassigned
  if (/^[a-z0-9-]$/.test(ch)) return "PVALID"; // LDH
  if (cp === 0x200c || cp === 0x200d) return "CONTEXTJ"; // zero-width (non-)joiner
  if (caseFold(ch.normalize("NFKC")).normalize("NFKC") !== ch) return "DISALLOWED"; // unstable
  if (/[\p{Default_Ignorable_Code_Point}\p{White_Space}\p{Noncharacter_Code_Point}]/u.test(ch)) return "DISALLOWED";
  if (disallowedRanges.some(([from, to]) => cp >= from && cp <= to)) return "DISALLOWED";
  return /[\p{Ll}\p{Lu}\p{Lo}\p{Nd}\p{Lm}\p{Mn}\p{Mc}]/u.test(ch) ? "PVALID" : "DISALLOWED"; // letters, digits
}

/**
 * Unicode full case folding from what JavaScript offers: upper- then lower-casing agrees with
 * CaseFolding.txt except that dotless ı does not fold and Cherokee folds to its upper case.
 */
function caseFold(text: string): string {
  return [...text]
    .map((ch) => (ch === "\u0131" ? ch : /\p{Script=Cherokee}/u.test(ch) ? ch.toUpperCase() : ch.toUpperCase().toLowerCase()))
    .join("");
}

/** RFC 5892 Appendix A rules for the CONTEXTO code points, as idna's `valid_contexto` applies them. */
function contextRuleHolds(label: readonly string[], pos: number): boolean {
  const cp = label[pos].codePointAt(0) as number;
  const before = label[pos - 1];
  const after = label[pos + 1];
  const has = (pattern: RegExp) => label.some((ch, i) => i !== pos && pattern.test(ch));
  if (cp === 0x00b7) return before === "l" && after === "l"; // Catalan middle dot: l·l
  if (cp === 0x0375) return after !== undefined && /\p{Script=Greek}/u.test(after); // Greek keraia
  if (cp === 0x05f3 || cp === 0x05f4) return before !== undefined && /\p{Script=Hebrew}/u.test(before); // geresh
  if (cp === 0x30fb) return has(/[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u); // katakana middle dot
  if (cp >= 0x0660 && cp <= 0x0669) return !has(/[\u06f0-\u06f9]/u); // Arabic-Indic digits
  if (cp >= 0x06f0 && cp <= 0x06f9) return !has(/[\u0660-\u0669]/u); // extended Arabic-Indic digits
  return false;
}

/** A code point's bidi class as RFC 5893 uses it; `R` stands for R and AL, `neutral` for ES, CS, ET, ON, BN. */
type Direction = "R" | "AN" | "EN" | "L" | "NSM" | "neutral";

// Scripts written right to left (their letters are bidi class R or AL).
const rightToLeftScript = new RegExp(
  "[" + [
    "Adlam", "Arabic", "Avestan", "Chorasmian", "Cypriot", "Elymaic", "Hanifi_Rohingya", "Hatran", "Hebrew",
    "Imperial_Aramaic", "Inscriptional_Pahlavi", "Inscriptional_Parthian", "Kharoshthi", "Lydian", "Mandaic",
    "Manichaean", "Mende_Kikakui", "Meroitic_Cursive", "Meroitic_Hieroglyphs", "Nabataean", "Nko",
    "Old_Hungarian", "Old_North_Arabian", "Old_Sogdian", "Old_South_Arabian", "Old_Turkic", "Old_Uyghur",
    "Palmyrene", "Phoenician", "Psalter_Pahlavi", "Samaritan", "Sogdian", "Syriac", "Thaana", "Yezidi",
  ].map((s) => `\\p{Script=${s}}`).join("") + "]",
  "u",
);
// The code points IDNA allows whose bidi class is not what their category and script suggest.
const directionExceptions: ReadonlyMap<number, Direction> = new Map<number, Direction>([
  ...[0x0cbf, 0x0cc6, 0x11a07, 0x11a08, 0x11c3f].map((cp): [number, Direction] => [cp, "L"]), // marks of class L
  [0x1171e, "NSM"], // Ahom medial ra: a spacing mark of class NSM
  ...[0x00b7, 0x02b9, 0x02ba, ...range(0x02c6, 0x02cf), 0x02ec, 0x0375, 0x2e2f, 0x30fb, 0xa67f, ...range(0xa717, 0xa71f), 0xa788]
    .map((cp): [number, Direction] => [cp, "neutral"]), // modifier letters and dots of class ON
  [0x200c, "neutral"], [0x200d, "neutral"], [0x002d, "neutral"], // BN joiners, ES hyphen
]);

/**
 * The bidi class of a code point IDNA allows. JavaScript has no Bidi_Class property, so it is derived
 * from category and script; checked against Python 3.13's `unicodedata.bidirectional` (Unicode 15.1)
 * for every PVALID, CONTEXTJ and CONTEXTO code point it knows: no differences.
 */
function bidiDirection(ch: string): Direction {
  const cp = ch.codePointAt(0) as number;
  const exception = directionExceptions.get(cp);
  if (exception) return exception;
  if (/[\u0660-\u0669\u{10d30}-\u{10d39}]/u.test(ch)) return "AN"; // Arabic-Indic and Hanifi Rohingya digits
  if (/[0-9\u06f0-\u06f9]/u.test(ch)) return "EN"; // European and extended Arabic-Indic digits
  if (/\p{Mn}/u.test(ch)) return "NSM";
  return rightToLeftScript.test(ch) ? "R" : "L";
}

/** RFC 5893 §2 rules 1-6, applied as idna's `check_bidi` does: only to labels with an R, AL or AN. */
function passesBidiRule(label: readonly string[]): boolean {
  const directions = label.map(bidiDirection);
  if (!directions.some((d) => d === "R" || d === "AN")) return true;
  const rightToLeft = directions[0] === "R";
  if (!rightToLeft && directions[0] !== "L") return false; // rule 1
  const allowed: readonly Direction[] = rightToLeft ? ["R", "AN", "EN", "neutral", "NSM"] : ["L", "EN", "neutral", "NSM"];
  if (!directions.every((d) => allowed.includes(d))) return false; // rules 2 and 5
  if (rightToLeft && directions.includes("AN") && directions.includes("EN")) return false; // rule 4
  const last = directions.filter((d) => d !== "NSM").pop();
  const endings: readonly (Direction | undefined)[] = rightToLeft ? ["R", "EN", "AN"] : ["L", "EN"];
  return endings.includes(last); // rules 3 and 6
}

// RFC 3492 §5 parameters for Punycode.
const punycodeBase = 36;
const punycodeTMin = 1;
const punycodeTMax = 26;

/** RFC 3492 §6.3 encoding (what Python's "punycode" codec does); labels are short, so no overflow checks. */
export function punycode(label: string): string {
  const codePoints = [...label].map((ch) => ch.codePointAt(0) as number);
  const basic = codePoints.filter((cp) => cp < 0x80);
  let output = String.fromCodePoint(...basic) + (basic.length > 0 ? "-" : "");
  let handled = basic.length;
  let n = 0x80;
  let delta = 0;
  let bias = 72;
  while (handled < codePoints.length) {
    const next = Math.min(...codePoints.filter((cp) => cp >= n));
    delta += (next - n) * (handled + 1);
    n = next;
    for (const cp of codePoints) {
      if (cp < n) delta++;
      if (cp !== n) continue;
      let q = delta;
      for (let k = punycodeBase; ; k += punycodeBase) {
        const t = k <= bias ? punycodeTMin : k >= bias + punycodeTMax ? punycodeTMax : k - bias;
        if (q < t) break;
        output += punycodeDigit(t + ((q - t) % (punycodeBase - t)));
        q = Math.floor((q - t) / (punycodeBase - t));
      }
      output += punycodeDigit(q);
      bias = adaptBias(delta, handled + 1, handled === basic.length);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return output;
}

function punycodeDigit(d: number): string {
  return String.fromCharCode(d < 26 ? 0x61 + d : 0x30 + d - 26);
}

function adaptBias(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / 700) : Math.floor(delta / 2);
  d += Math.floor(d / points);
  let k = 0;
  for (; d > ((punycodeBase - punycodeTMin) * punycodeTMax) / 2; k += punycodeBase) {
    d = Math.floor(d / (punycodeBase - punycodeTMin));
  }
  return k + Math.floor(((punycodeBase - punycodeTMin + 1) * d) / (d + 38));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

// Certificate matching (RFC 6125) is the contract shared with the policy pack: policy-pack/contracts/hostnames.ts.
export { isCoveredByCertificate, isLdhLabel } from "../../policy-pack/contracts/hostnames";

/** A record set as Cloud DNS holds it: a fully qualified name (trailing dot optional), a type, its data. */
export interface DnsRecord {
  readonly name: string;
  readonly type: string;
  readonly rrdatas: readonly string[];
}

/**
 * The record that answers a query for `host` of `type`, following RFC 4592 wildcard synthesis within one
 * zone's records: an exact name wins; a name that exists with other types gets no answer; otherwise the
 * closest existing ancestor (the closest encloser, counting names that exist only because something lies
 * below them) answers through its `*` child, if it has one. CNAMEs are not followed.
 */
export function answeringRecord(host: string, records: readonly DnsRecord[], type = "A"): DnsRecord | undefined {
  const target = canonicalName(host);
  const names = records.map((r) => canonicalName(r.name));
  const exists = (name: string) => names.some((n) => n === name || n.endsWith(`.${name}`));
  const recordAt = (name: string) => records.find((r, i) => names[i] === name && r.type === type);
  if (exists(target)) return recordAt(target);
  const labels = target.split(".");
  for (let i = 1; i < labels.length; i++) {
    const ancestor = labels.slice(i).join(".");
    if (exists(ancestor)) return recordAt(`*.${ancestor}`);
  }
  return undefined;
}

/** Whether a query for `host` gets an answer of `type` (A by default) from these records. */
export function isCoveredByDns(host: string, records: readonly DnsRecord[], type = "A"): boolean {
  return answeringRecord(host, records, type) !== undefined;
}
