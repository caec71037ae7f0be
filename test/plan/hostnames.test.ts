import * as assert from "assert";
import {
  answeringRecord,
  DnsRecord,
  hubHostnameList,
  hubHostnames,
  idna2008Class,
  isCoveredByCertificate,
  isCoveredByDns,
  isLdhLabel,
  normalizedUsername,
  punycode,
  subdomainLabel,
  userHost,
} from "../../infra/plan/hostnames";
import { loadStackConfig, stackNames } from "../support/stacks";

// Expected labels were produced by upstream's own code: `_strict_dns_safe_encode` and its helpers copied
// from jupyterhub/jupyterhub `jupyterhub/utils.py` (JupyterHub 5.5), run under Python 3.13 with idna 3.13.
// Only names whose result was checked that way are asserted exactly; the known differences of the port
// (zero-width joiners, characters newer than the hub's Python) are listed in infra/plan/hostnames.ts.

/** Awkward logins, as the identity provider sends them, with the label of their normalised name. */
const awkwardLogins: readonly [login: string, label: string][] = [
  ["Ann.Lee@uni.edu", "u-annleeun--27c51fd"], // dots and @: always the hash route
  ["maximilian.alexander.von.hohenzollern-sigmaringen@studierende.uni-musterstadt.example.edu", "u-maximili--056510f"],
  ["jürgen.müller@uni.de", "u-jrgenmll--05a2091"],
  ["Zoë", "xn--zo-ija"], // lower-cased by normalisation, then IDNA
  ["Müller", "xn--mller-kva"],
  ["straße", "xn--strae-oqa"],
  ["Дмитрий", "xn--d1aiaemzn"],
  ["日本語", "xn--wgv71a119e"],
  ["δημήτρης", "xn--jxaljbx5ain"],
  ["דוד", "xn--7dbaf"], // right-to-left, passes RFC 5893
  ["محمد", "xn--sgbe8db"],
  ["l·l", "xn--ll-0ea"], // CONTEXTO: a middle dot between two l's
  ["١٢٣", "u-x--7afc29c"], // Arabic-Indic digits alone fail the bidi rule
  ["0\u05d0", "u-0--190ef85"], // a digit before Hebrew fails bidi rule 1
  ["a--b", "u-ab--90827a2"], // "--" always hashes, so no name can pose as an encoded one
  ["xn--zo-laa", "u-xnzolaa--aabbc73"],
  ["12345", "u-12345--5994471"], // all digits
  ["-bob", "u-bob--57f6624"],
  ["bob-", "u-bob--671cc3e"],
  ["Alice", "alice"],
  ["O'Brien", "u-obrien--65b8717"],
  ["ANN_LEE", "u-annlee--6652187"],
  ["ann lee", "u-annlee--e495917"],
  ["a".repeat(63), "a".repeat(63)], // the longest label kept as it is
  ["a".repeat(64), "u-aaaaaaaa--ffe054f"],
];

describe("hostnames for per-user subdomains", () => {
  describe("the ported JupyterHub 5.5 subdomain_hook (idna)", () => {
    it("gives the upgrading-v5 documentation's example: jester@mighty.nein", () => {
      // docs/source/howto/upgrading-v5.md: `u-jestermi--8037680.jupyter.example.org`
      assert.strictEqual(userHost("jester@mighty.nein", "jupyter.example.org"), "u-jestermi--8037680.jupyter.example.org");
    });

    for (const [login, label] of awkwardLogins) {
      it(`maps ${JSON.stringify(login)} to ${label}`, () => {
        assert.strictEqual(subdomainLabel(normalizedUsername(login)), label);
      });
    }

    it("hashes names without normalisation the way upstream does (case kept in the hash input)", () => {
      assert.strictEqual(subdomainLabel("Ann.Lee@uni.edu"), "u-annleeun--3747c05");
      assert.strictEqual(subdomainLabel("Zoë"), "u-zo--c6a1269"); // upper case is not IDNA 2008
      assert.strictEqual(subdomainLabel("Alice"), "Alice"); // already a label; DNS ignores case
      assert.strictEqual(subdomainLabel(""), "u-x--e3b0c44");
    });

    it("keeps upstream's two quirks, which do not produce host name labels", () => {
      // Python's `$` matches before a final newline, and re.IGNORECASE lets [a-z] match ı, İ, ſ and K.
      assert.strictEqual(subdomainLabel("alice\n"), "alice\n");
      assert.strictEqual(isLdhLabel(subdomainLabel("alice\n")), false);
      // A lower-case Turkish name stays as it is: browsers ask for xn--lker-kza.<hub>, which the wildcard
      // certificate and record cover, but the proxy's route is registered for "ılker.<hub>".
      assert.strictEqual(subdomainLabel(normalizedUsername("ılker")), "ılker");
      assert.strictEqual(isLdhLabel(subdomainLabel(normalizedUsername("ılker"))), false);
      // E-mail usernames (this deployment's default claim) always take the hash route instead.
      assert.strictEqual(subdomainLabel(normalizedUsername("ılker@uni.edu")), "u-lkerunie--a7f68d2");
      assert.strictEqual(isLdhLabel(subdomainLabel(normalizedUsername("İ"))), true); // normalised: i + dot → IDNA
    });

    it("encodes with RFC 3492 Punycode (the RFC's own samples)", () => {
      assert.strictEqual(punycode("他们为什么不说中文"), "ihqwcrb4cv8a8dqg056pqjye");
      assert.strictEqual(punycode("ليهمابتكلموشعربي؟"), "egbpdaj6bu4bxfgehfvwxn");
      assert.strictEqual(punycode("bücher"), "bcher-kva");
    });

    it("classifies code points as IDNA 2008 does", () => {
      const classOf = (ch: string) => idna2008Class(ch.codePointAt(0) as number);
      assert.deepStrictEqual(["a", "ß", "ς", "Z", "\u200d", "·", "@", "ﬁ"].map(classOf),
        ["PVALID", "PVALID", "PVALID", "DISALLOWED", "CONTEXTJ", "CONTEXTO", "DISALLOWED", "DISALLOWED"]);
    });
  });

  for (const stack of stackNames) {
    describe(`on the ${stack} stack's hub domain`, () => {
      const staticIp = "203.0.113.10";
      // Computed before each test, not while mocha loads the file (docs/testing.md).
      let hubDomain: string;
      let certificateNames: ReturnType<typeof hubHostnameList>;
      let records: DnsRecord[];
      let reachable: string[];
      beforeEach(() => {
        ({ hubDomain } = loadStackConfig(stack).edge);
        certificateNames = hubHostnameList(hubDomain);
        records = [
          { name: `${hubDomain}.`, type: "A", rrdatas: [staticIp] },
          { name: `*.${hubDomain}.`, type: "A", rrdatas: [staticIp] },
          { name: `_acme-challenge.${hubDomain}.`, type: "CNAME", rrdatas: ["x.1.authorize.certificatemanager.goog."] },
        ];
        reachable = [hubDomain, ...awkwardLogins.map(([login]) => userHost(normalizedUsername(login), hubDomain))];
      });

      it("puts every user on a single host name label directly under the hub domain", () => {
        for (const login of awkwardLogins.map(([l]) => l).concat("jester@mighty.nein")) {
          const host = userHost(normalizedUsername(login), hubDomain);
          const label = host.slice(0, -(hubDomain.length + 1));
          assert.ok(host.endsWith(`.${hubDomain}`), host);
          assert.ok(isLdhLabel(label), `${JSON.stringify(login)} → ${JSON.stringify(label)} is not one label`);
        }
      });

      it("covers the hub and every user's host with the certificate's two names", () => {
        for (const host of reachable) assert.ok(isCoveredByCertificate(host, certificateNames), host);
      });

      it("answers for the hub and every user's host with the static IP", () => {
        for (const host of reachable) assert.deepStrictEqual(answeringRecord(host, records)?.rrdatas, [staticIp], host);
      });

      it("would not cover a host two labels down, which is why one label per user matters", () => {
        const deep = `a.b.${hubDomain}`;
        assert.strictEqual(isCoveredByCertificate(deep, certificateNames), false);
        assert.strictEqual(isCoveredByDns(deep, records), true); // DNS wildcards match any depth (RFC 4592)
      });
    });
  }

  describe("certificate name matching (RFC 6125 §6.4.3)", () => {
    let names: ReturnType<typeof hubHostnameList>;
    beforeEach(() => {
      names = hubHostnameList("hub.example.com");
    });
    const cases: [string, boolean][] = [
      ["hub.example.com", true],
      ["HUB.Example.com.", true],
      ["ann.hub.example.com", true],
      ["xn--zo-ija.hub.example.com", true],
      ["example.com", false],
      ["a.b.hub.example.com", false], // a wildcard stands for exactly one label
      ["evilhub.example.com", false],
      ["ann.hub.example.com.evil.org", false],
      ["*.hub.example.com", false],
      ["alice\n.hub.example.com", false],
      ["ı.hub.example.com", false], // not in A-label form
    ];
    for (const [host, covered] of cases) {
      it(`${covered ? "covers" : "does not cover"} ${JSON.stringify(host)}`, () =>
        assert.strictEqual(isCoveredByCertificate(host, names), covered));
    }
    it("never treats a partial-label or inner wildcard as a wildcard", () => {
      assert.strictEqual(isCoveredByCertificate("ann.hub.example.com", ["a*.hub.example.com"]), false);
      assert.strictEqual(isCoveredByCertificate("ann.hub.example.com", ["ann.*.example.com"]), false);
    });
  });

  describe("DNS answers (RFC 4592 wildcards)", () => {
    const records: DnsRecord[] = [
      { name: "hub.example.com.", type: "A", rrdatas: ["203.0.113.10"] },
      { name: "*.hub.example.com.", type: "A", rrdatas: ["203.0.113.10"] },
      { name: "_acme-challenge.hub.example.com.", type: "CNAME", rrdatas: ["x.authorize.certificatemanager.goog."] },
      { name: "ops.hub.example.com.", type: "TXT", rrdatas: ["\"owned\""] },
    ];
    it("answers an exact name and any name the wildcard synthesises", () => {
      assert.strictEqual(answeringRecord("hub.example.com", records)?.name, "hub.example.com.");
      assert.strictEqual(answeringRecord("u-annleeun--27c51fd.hub.example.com", records)?.name, "*.hub.example.com.");
    });
    it("gives no A answer for a name that exists with other types only", () => {
      assert.strictEqual(isCoveredByDns("ops.hub.example.com", records), false);
      assert.strictEqual(isCoveredByDns("_acme-challenge.hub.example.com", records), false);
    });
    it("gives no answer outside the zone's names", () => {
      assert.strictEqual(isCoveredByDns("other.example.com", records), false);
      assert.strictEqual(isCoveredByDns("example.com", records), false);
    });

    // RFC 4592 §2.2.1's example zone (SOA, NS and SRV data left out). A name that owns nothing but has names
    // below it (an empty non-terminal, §2.2.2) exists, so it is the closest encloser (§3.3.1) and the
    // wildcard above it does not answer for it or below it.
    const rfc4592: DnsRecord[] = [
      { name: "example.", type: "SOA", rrdatas: ["ns.example.com. hostmaster.example. 1 3600 600 86400 3600"] },
      { name: "*.example.", type: "TXT", rrdatas: ["\"this is a wildcard\""] },
      { name: "*.example.", type: "MX", rrdatas: ["10 host1.example."] },
      { name: "sub.*.example.", type: "TXT", rrdatas: ["\"this is not a wildcard\""] },
      { name: "host1.example.", type: "A", rrdatas: ["192.0.2.1"] },
      { name: "_ssh._tcp.host1.example.", type: "SRV", rrdatas: ["0 0 22 host1.example."] },
      { name: "_ssh._tcp.host2.example.", type: "SRV", rrdatas: ["0 0 22 host2.example."] },
    ];
    it("synthesises from the wildcard where RFC 4592 §2.2.1 says it does", () => {
      assert.strictEqual(answeringRecord("host3.example", rfc4592, "MX")?.name, "*.example.");
      assert.strictEqual(answeringRecord("host3.example", rfc4592, "A"), undefined, "no A at *.example: no data");
      assert.strictEqual(answeringRecord("foo.bar.example", rfc4592, "TXT")?.name, "*.example.");
    });
    it("does not synthesise where RFC 4592 §2.2.1 says it does not", () => {
      assert.strictEqual(answeringRecord("host1.example", rfc4592, "MX"), undefined, "host1.example exists");
      assert.strictEqual(answeringRecord("sub.*.example", rfc4592, "MX"), undefined, "sub.*.example exists");
      assert.strictEqual(answeringRecord("_telnet._tcp.host1.example", rfc4592, "SRV"), undefined, "_tcp.host1.example exists");
      assert.strictEqual(answeringRecord("ghost.*.example", rfc4592, "MX"), undefined, "*.example exists");
    });
    it("treats a name with only names below it as existing (an empty non-terminal, RFC 4592 §2.2.2)", () => {
      // host2.example and _tcp.host2.example own nothing; _ssh._tcp.host2.example does.
      assert.strictEqual(answeringRecord("host2.example", rfc4592, "TXT"), undefined, "host2.example exists: no data, not the wildcard");
      assert.strictEqual(answeringRecord("_telnet._tcp.host2.example", rfc4592, "TXT"), undefined, "closest encloser _tcp.host2.example has no wildcard");
      assert.strictEqual(answeringRecord("other.host2.example", rfc4592, "TXT"), undefined, "closest encloser host2.example has no wildcard");
    });
  });

  it("names the hub and its wildcard", () => {
    assert.deepStrictEqual(hubHostnames("hub.example.com"), { hub: "hub.example.com", wildcard: "*.hub.example.com" });
  });
});
