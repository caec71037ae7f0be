import * as assert from "assert";
import * as fc from "fast-check";
import { isValidHubDomain } from "../../infra/config/schema";
import { hubHostnameList, isCoveredByCertificate, isLdhLabel, normalizedUsername, subdomainLabel, userHost } from "../../infra/plan/hostnames";
import { propertyRuns } from "../support/properties";

// What infra/plan/hostnames.ts claims for its port of JupyterHub 5.5's `subdomain_hook_idna`
// (jupyterhub/utils.py at 5.5.1: `_strict_dns_safe_encode`, `subdomain_hook_idna`), for any login:
// - every user's host is `<one label>.<hub domain>`, the label at most 63 characters, so with a hub domain
//   the config accepts (at most 189 characters) the host is at most 253 (RFC 1035 §2.3.4);
// - the label is a host name label, covered by the wildcard certificate, except for the two upstream
//   quirks the module keeps (a final newline; ı and ſ, which Python's case-insensitive [a-z] matches);
// - distinct users get distinct hosts, except that upstream promises nothing when both take the hash
//   route (`u-<stub>--<sha256[:7]>`): a name kept as it is has no "--", which every encoded label has
//   ("if it contains '--' at all, jump to the end and take the hash route to avoid collisions with
//   escaped"), and IDNA A-labels (`xn--`) are Punycode, one per name.

// Characters that take each route: LDH, IDNA (Latin, Greek, Hebrew, Arabic, CJK), context rules (l·l,
// Arabic-Indic digits, katakana middle dot), joiners, combining marks, case quirks, separators.
const awkward = [
  "a", "z", "l", "0", "7", "-", "--", ".", "@", "_", " ", "A", "Z", "ä", "ö", "ü", "ß", "ë", "ç", "ı", "İ", "ſ", "K",
  "ς", "Σ", "δ", "·", "א", "ד", "ו", "ا", "ب", "٠", "١", "۱", "\u0301", "\u200c", "\u200d", "\n", "日", "本", "ア", "・",
  "。", "xn--", "u-",
];
const from = (chars: readonly string[], maxLength: number, minLength = 0) =>
  fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength, size: "max" });
const login = fc.oneof(
  from(awkward, 16),
  // Around the 63-character limit, with now and then a character upstream keeps unencoded (ı, ſ, a final newline).
  fc
    .tuple(
      fc.string({
        unit: fc.oneof({ weight: 20, arbitrary: fc.constantFrom("a", "z", "0", "9") }, { weight: 1, arbitrary: fc.constantFrom("-", "ı", "ſ", "K") }),
        minLength: 1,
        maxLength: 70,
        size: "max",
      }),
      fc.constantFrom("", "", "", "\n"),
    )
    .map(([name, end]) => name + end),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.emailAddress(),
);

/** Hub domains the config accepts (`isValidHubDomain` is the hubDomain check), up to the longest. */
const hubDomain = fc.oneof(
  fc
    .array(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/), { minLength: 2, maxLength: 4 })
    .map((labels) => labels.join("."))
    .filter(isValidHubDomain),
  fc.constant(`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(57)}.com`),
);

const hashRoute = /^u-[a-z0-9]{1,8}--[0-9a-f]{7}$/;
type Route = "kept" | "idna" | "hash";
const routeOf = (label: string, name: string): Route => (label === name ? "kept" : label.startsWith("xn--") ? "idna" : "hash");
/** The quirks upstream keeps: the user's own name as the label, not a host name label. */
const isUpstreamQuirk = (label: string, name: string) => label === name && /[\u0131\u017f]|\n$/u.test(name);

describe("every user's host, for any login (properties of the subdomain_hook port)", () => {
  it("is one label under the hub domain, at most 63 characters, and at most 253 in all", () => {
    const routes = new Map<Route | "quirk" | "over 63 characters", number>();
    const count = (what: Route | "quirk" | "over 63 characters") => routes.set(what, (routes.get(what) ?? 0) + 1);
    fc.assert(
      fc.property(login, hubDomain, (loginName, domain) => {
        const name = normalizedUsername(loginName);
        const host = userHost(name, domain);
        assert.ok(host.endsWith(`.${domain}`), host);
        assert.strictEqual(host.split(".").length, domain.split(".").length + 1, host);
        const label = host.slice(0, -(domain.length + 1));
        assert.ok(label.length >= 1 && label.length <= 63, label);
        assert.ok(host.length <= 253, `${host.length} characters`);
        count(routeOf(label, name));
        if (isUpstreamQuirk(label, name)) count("quirk");
        if (name.length > 63 && /^[a-z0-9]([a-z0-9\u0131\u017f-]*[a-z0-9\u0131\u017f])?\n?$/u.test(name) && !name.includes("--")) {
          count("over 63 characters"); // a name kept as it is, were it not too long
        }
      }),
      propertyRuns,
    );
    // The cases reach every route, the quirks and the length limit, so the property is not vacuous.
    for (const what of ["kept", "idna", "hash", "quirk", "over 63 characters"] as const) {
      assert.ok((routes.get(what) ?? 0) >= 3, `only ${routes.get(what) ?? 0} cases took ${what}: ${JSON.stringify([...routes])}`);
    }
  });

  it("is a host name label the wildcard certificate covers, but for upstream's two quirks", () => {
    fc.assert(
      fc.property(login, hubDomain, (loginName, domain) => {
        const name = normalizedUsername(loginName);
        const label = subdomainLabel(name);
        if (isUpstreamQuirk(label, name)) return;
        assert.ok(isLdhLabel(label), `${JSON.stringify(name)} → ${JSON.stringify(label)}`);
        assert.ok(isCoveredByCertificate(userHost(name, domain), hubHostnameList(domain)), label);
      }),
      propertyRuns,
    );
  });

  it("differs between users unless both take the hash route, even for a name that is another's label", () => {
    const name = login.map(normalizedUsername);
    // Pairs of names, and names paired with another user's label used as a name ("xn--zo-ija" for "zoë").
    const pair = fc.oneof(fc.tuple(name, name), name.map((n) => [n, subdomainLabel(n)] as const));
    fc.assert(
      fc.property(pair, ([a, b]) => {
        fc.pre(a !== b);
        const [labelA, labelB] = [subdomainLabel(a), subdomainLabel(b)];
        if (labelA === labelB) assert.ok(hashRoute.test(labelA), `${JSON.stringify(a)} and ${JSON.stringify(b)} both get ${labelA}`);
      }),
      propertyRuns,
    );
  });
});
