// SLOW: runs the edge and gateway components under Pulumi's mock runtime.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "../../infra/config/parse";
import { StackConfig } from "../../infra/config/types";
import { absoluteDnsName, edgeResourceNames } from "../../infra/components/edge";
import { httpListener, httpsListener, z2jhProxyBackend } from "../../infra/components/gateway";
import {
  answeringRecord,
  DnsRecord,
  isCoveredByCertificate,
  normalizedUsername,
  userHost,
} from "../../infra/plan/hostnames";
import { DeclaredResource, mockKeySigningKeys, OfflineRun, runOffline } from "../../infra/tools/offline";
import { declareEdge } from "../support/components";
import { inputs, ofType, one } from "../support/resources";
import { loadStackConfig, rawWith, stackNames } from "../support/stacks";
import { TYPES } from "../support/types";

// HubEdge and HubGateway under Pulumi's mock runtime (infra/tools/offline.ts: `runOffline` sets the mocks
// for its own run, so nothing leaks into other test files), for each shipped stack, with the zone owned
// by the program and with records going into an existing zone. Assertions read the inputs each resource
// is declared with, which is what `pulumi up` would send to Google and to the cluster.

// The mock runtime gives every resource the id "<logical name>-id" (offline.ts).
const mockId = (r: DeclaredResource) => `${r.name}-id`;
const logins = ["Ann.Lee@uni.edu", "jester@mighty.nein", "Zoë", "דוד", "a--b", "12345", "x".repeat(64), "admin"];

interface EdgeRun {
  readonly config: StackConfig;
  readonly run: OfflineRun;
  /** Logical names of the resources declared with `protect: true`. */
  readonly protectedNames: readonly string[];
}

/** Declares HubEdge and HubGateway the way the program does, recording which resources are protected. */
async function runEdge(stack: string, config: StackConfig, protectZone?: boolean): Promise<EdgeRun> {
  const protectedNames: string[] = [];
  const recordProtect: pulumi.ResourceTransformation = ({ name, opts }) => {
    if (opts.protect) protectedNames.push(name);
    return undefined;
  };
  const run = await runOffline(stack, {}, [], () => {
    const edge = declareEdge(stack, config, { protectZone, edgeOptions: { transformations: [recordProtect] } });
    return { hubUrl: edge.hubUrl, staticIp: edge.staticIp, nameServers: edge.nameServers, dsRecords: edge.dsRecords, certificateName: edge.certificateName };
  });
  return { config, run, protectedNames };
}


function dnsRecords(run: OfflineRun): DnsRecord[] {
  return ofType(run, TYPES.recordSet).map((r) => inputs(r) as DnsRecord);
}

/** Hosts a user can reach: the hub and each user's server. */
function reachableHosts(hubDomain: string): string[] {
  return [hubDomain, ...logins.map((login) => userHost(normalizedUsername(login), hubDomain))];
}

/** The listeners of the Gateway a route attaches to (all of them when the route names no section). */
function listenersOf(gateway: DeclaredResource, route: DeclaredResource): any[] {
  const listeners: any[] = inputs(gateway).spec.listeners;
  return inputs(route).spec.parentRefs.flatMap((ref: any) => {
    assert.strictEqual(ref.name, inputs(gateway).metadata.name, "the route attaches to another Gateway");
    return ref.sectionName === undefined ? listeners : listeners.filter((l) => l.name === ref.sectionName);
  });
}

for (const stack of stackNames) {
  describe(`per-user subdomains on the ${stack} stack under the mock runtime`, function () {
    this.timeout(120_000);
    const config = loadStackConfig(stack);
    const { hubDomain } = config.edge;
    const names = edgeResourceNames(stack);
    let owned: EdgeRun;
    let existing: EdgeRun;

    before(async () => {
      owned = await runEdge(stack, config, true);
      const parent = hubDomain.split(".").slice(1).join(".");
      const withZone = parseConfig(rawWith(stack, { dnsZone: { name: "parent-zone", dnsName: `${parent}.` } }));
      existing = await runEdge(stack, withZone);
    });

    describe("certificate", () => {
      it("is Google-managed, authorised by DNS, for exactly the hub and its wildcard", () => {
        const certificate = inputs(one(owned.run, TYPES.certificate));
        const authorization = one(owned.run, TYPES.dnsAuthorization);
        assert.strictEqual(certificate.selfManaged, undefined);
        assert.deepStrictEqual(certificate.managed.domains, [hubDomain, `*.${hubDomain}`]);
        assert.deepStrictEqual(certificate.managed.dnsAuthorizations, [mockId(authorization)]);
        assert.strictEqual(certificate.scope, "DEFAULT");
        assert.strictEqual(inputs(authorization).domain, hubDomain); // the parent domain covers its wildcard
      });

      it("is served through a map with one entry per hostname, and a PRIMARY entry for clients without SNI", () => {
        // PRIMARY: "served when SNI wasn't specified in the request or SNI couldn't be found in the map"
        // (Certificate Manager API, CertificateMapEntry.Matcher); `hostname` and `matcher` are a one-of.
        const certificate = one(owned.run, TYPES.certificate);
        const map = inputs(one(owned.run, TYPES.certificateMap));
        const entries = ofType(owned.run, TYPES.certificateMapEntry).map(inputs);
        const byHost = entries.filter((e) => e.matcher === undefined);
        assert.deepStrictEqual(byHost.map((e) => e.hostname).sort(), [hubDomain, `*.${hubDomain}`].sort());
        const primary = entries.filter((e) => e.matcher !== undefined);
        assert.deepStrictEqual(primary.map((e) => [e.matcher, e.hostname]), [["PRIMARY", undefined]]);
        for (const entry of entries) {
          assert.strictEqual(entry.map, map.name);
          assert.deepStrictEqual(entry.certificates, [mockId(certificate)]);
        }
      });

      it("lets the provider name the certificate, so a replacement exists before the old one is deleted", () => {
        // An explicit name would make the bridge replace delete-first (pulumi-terraform-bridge
        // pkg/tfbridge/schema.go, nameRequiresDeleteBeforeReplace) while the map entries still use it.
        const certificate = one(owned.run, TYPES.certificate);
        assert.strictEqual(inputs(certificate).name, undefined);
        // The entries take the certificate's id as an input, so they move to the replacement (an in-place
        // update of `certificates`) before Pulumi deletes the old certificate at the end of the update.
        for (const entry of ofType(owned.run, TYPES.certificateMapEntry)) {
          assert.ok(entry.dependencies.includes(certificate.urn), `${entry.name} does not take the certificate's id`);
        }
        assert.strictEqual(owned.run.outputs.certificateName, certificate.outputs.name);
      });

      it("covers the hub and every user's host, by its domains and by the map's entries", () => {
        const domains: string[] = inputs(one(owned.run, TYPES.certificate)).managed.domains;
        const entryHosts = ofType(owned.run, TYPES.certificateMapEntry).flatMap((e) => inputs(e).hostname ?? []);
        for (const host of reachableHosts(hubDomain)) {
          assert.ok(isCoveredByCertificate(host, domains), `${host} is not in the certificate`);
          assert.ok(isCoveredByCertificate(host, entryHosts), `${host} has no map entry`);
        }
      });
    });

    describe("DNS", () => {
      it("points the hub and every user's host at the static IP", () => {
        const staticIp = owned.run.outputs.staticIp;
        assert.strictEqual(staticIp, "203.0.113.10"); // the mock's address
        for (const host of reachableHosts(hubDomain)) {
          const answer = answeringRecord(host, dnsRecords(owned.run));
          assert.deepStrictEqual(answer?.rrdatas, [staticIp], `${host} does not resolve to the static IP`);
        }
      });

      it("publishes the authorisation's CNAME in the same zone as the A records", () => {
        const challenge: any = (one(owned.run, TYPES.dnsAuthorization).outputs.dnsResourceRecords as any[])[0];
        const records = ofType(owned.run, TYPES.recordSet).map(inputs);
        const cname = records.find((r) => r.type === "CNAME");
        assert.deepStrictEqual(
          { name: cname?.name, type: cname?.type, rrdatas: cname?.rrdatas },
          { name: challenge.name, type: "CNAME", rrdatas: [challenge.data] },
        );
        assert.deepStrictEqual([...new Set(records.map((r) => r.managedZone))], [names.zone]);
      });

      it("creates the hub's own public zone with DNSSEC on, protected when asked to", () => {
        const zone = one(owned.run, TYPES.managedZone);
        assert.deepStrictEqual(
          { name: inputs(zone).name, dnsName: inputs(zone).dnsName, visibility: inputs(zone).visibility, dnssec: inputs(zone).dnssecConfig?.state },
          { name: names.zone, dnsName: `${hubDomain}.`, visibility: "public", dnssec: "on" },
        );
        assert.deepStrictEqual(owned.protectedNames, [zone.name]);
      });

      it("exports the hub URL, the static IP and the zone's name servers", () => {
        assert.strictEqual(owned.run.outputs.hubUrl, `https://${hubDomain}/`);
        assert.ok(Array.isArray(owned.run.outputs.nameServers) && owned.run.outputs.nameServers.length > 0);
        assert.deepStrictEqual(owned.run.outputs.nameServers, one(owned.run, TYPES.managedZone).outputs.nameServers);
      });

      it("exports the DS record of the zone's active key-signing key, for the registrar", () => {
        const zone = one(owned.run, TYPES.managedZone);
        const [keys, ...more] = owned.run.invokes.filter((i) => i.token === "gcp:dns/getKeys:getKeys");
        assert.deepStrictEqual(more, []);
        assert.deepStrictEqual(keys.inputs, { managedZone: inputs(zone).name, project: config.platform.project });
        // The mock lists an active key and the next one of a rollover (offline.ts); only the active one counts.
        assert.deepStrictEqual(owned.run.outputs.dsRecords, mockKeySigningKeys.filter((k) => k.isActive).map((k) => k.dsRecord));
        assert.strictEqual((owned.run.outputs.dsRecords as string[]).length, 1);
      });

      it("names its DNS records for what they answer, so a refactor cannot make Pulumi create them twice", () => {
        // A record set under a new logical name is created before the old one is deleted (Pulumi docs,
        // "Resource names": the URN is the identity), and Cloud DNS refuses a second record set of the same
        // name and type in a zone (409 alreadyExists): `pulumi up` would fail until aliases are added.
        const names = ofType(owned.run, TYPES.recordSet).map((r) => [r.name, inputs(r).type]);
        assert.deepStrictEqual(names, [["edge-hub-a", "A"], ["edge-wildcard-a", "A"], ["edge-dns-auth-cname", "CNAME"]], "record sets' logical names");
      });

      it("with an existing zone, creates no zone and puts every record in the configured one", () => {
        assert.strictEqual(ofType(existing.run, TYPES.managedZone).length, 0);
        const records = ofType(existing.run, TYPES.recordSet).map(inputs);
        assert.deepStrictEqual(records.map((r) => r.type).sort(), ["A", "A", "CNAME"]);
        assert.ok(records.every((r) => r.managedZone === "parent-zone"));
        assert.strictEqual(existing.run.outputs.nameServers, undefined);
        assert.strictEqual(existing.run.outputs.dsRecords, undefined); // not our zone: its owner does DNSSEC
        assert.deepStrictEqual(existing.run.invokes, []);
        assert.deepStrictEqual(existing.protectedNames, []);
        for (const host of reachableHosts(hubDomain)) {
          assert.deepStrictEqual(answeringRecord(host, dnsRecords(existing.run))?.rrdatas, ["203.0.113.10"], host);
        }
      });

      it("gives every Google resource but the certificate the deterministic name people look for", () => {
        const nameOf = (type: string) => ofType(owned.run, type).map((r) => inputs(r).name);
        assert.deepStrictEqual(nameOf(TYPES.certificate), [undefined]);
        assert.deepStrictEqual(nameOf(TYPES.globalAddress), [names.address]);
        assert.deepStrictEqual(nameOf(TYPES.certificateMap), [names.certificateMap]);
        assert.deepStrictEqual(nameOf(TYPES.sslPolicy), [names.sslPolicy]);
        assert.deepStrictEqual(nameOf(TYPES.certificateMapEntry).sort(), Object.values(names.mapEntries).sort());
      });
    });

    describe("Gateway", () => {
      it("is the global external managed class, on the static IP, serving the certificate map", () => {
        const gateway = inputs(one(owned.run, TYPES.gateway));
        assert.strictEqual(gateway.spec.gatewayClassName, "gke-l7-global-external-managed");
        assert.deepStrictEqual(gateway.spec.addresses, [{ type: "NamedAddress", value: names.address }]);
        assert.strictEqual(gateway.metadata.annotations["networking.gke.io/certmap"], names.certificateMap);
        assert.strictEqual(gateway.metadata.namespace, config.hub.namespace);
      });

      it("sends no plain-HTTP request to a backend: the HTTP listener only redirects to HTTPS", () => {
        const gateway = one(owned.run, TYPES.gateway);
        const routes = ofType(owned.run, TYPES.httpRoute);
        assert.ok(routes.length > 0);
        let redirects = 0;
        for (const route of routes) {
          const protocols = listenersOf(gateway, route).map((l) => l.protocol);
          const rules: any[] = inputs(route).spec.rules;
          if (protocols.includes("HTTP")) {
            assert.ok(rules.every((rule) => (rule.backendRefs ?? []).length === 0), `${route.name} sends plain HTTP to a backend`);
            for (const rule of rules) {
              assert.deepStrictEqual(rule.filters, [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }]);
            }
            redirects++;
          }
        }
        assert.strictEqual(redirects, 1, "plain HTTP must be answered with a redirect");
        const listeners: any[] = inputs(gateway).spec.listeners;
        assert.deepStrictEqual(listeners.map((l) => [l.name, l.protocol, l.port]), [[httpsListener, "HTTPS", 443], [httpListener, "HTTP", 80]]);
      });

      it("routes every hostname of the hub domain over HTTPS to the proxy's public service", () => {
        const gateway = one(owned.run, TYPES.gateway);
        const backendRoutes = ofType(owned.run, TYPES.httpRoute).filter((r) =>
          inputs(r).spec.rules.some((rule: any) => (rule.backendRefs ?? []).length > 0));
        assert.strictEqual(backendRoutes.length, 1);
        const route = inputs(backendRoutes[0]);
        assert.deepStrictEqual(listenersOf(gateway, backendRoutes[0]).map((l) => l.protocol), ["HTTPS"]);
        assert.deepStrictEqual(route.spec.hostnames, [hubDomain, `*.${hubDomain}`]);
        assert.deepStrictEqual(route.spec.rules, [{ backendRefs: [{ name: "proxy-public", port: 80 }] }]);
      });

      it("refuses TLS below 1.2 through the SSL policy attached to the Gateway", () => {
        const sslPolicy = inputs(one(owned.run, TYPES.sslPolicy));
        assert.ok(["TLS_1_2", "TLS_1_3"].includes(sslPolicy.minTlsVersion), sslPolicy.minTlsVersion);
        assert.ok(["MODERN", "RESTRICTED"].includes(sslPolicy.profile), sslPolicy.profile);
        const gatewayPolicy = inputs(one(owned.run, TYPES.gatewayPolicy));
        assert.strictEqual(gatewayPolicy.spec.default.sslPolicy, sslPolicy.name);
        assert.deepStrictEqual(gatewayPolicy.spec.targetRef, {
          group: "gateway.networking.k8s.io", kind: "Gateway", name: inputs(one(owned.run, TYPES.gateway)).metadata.name,
        });
      });

      it("keeps websockets for at least an hour: the backend timeout is the stack's", () => {
        const policy = inputs(one(owned.run, TYPES.backendPolicy));
        assert.strictEqual(policy.spec.default.timeoutSec, config.edge.backendTimeoutSeconds);
        assert.ok(policy.spec.default.timeoutSec >= 3_600 && policy.spec.default.timeoutSec <= 86_400);
        assert.deepStrictEqual(policy.spec.targetRef, { group: "", kind: "Service", name: "proxy-public" });
        assert.strictEqual(policy.metadata.namespace, config.hub.namespace); // beside the Service it targets
      });

      it("health-checks the proxy on /_chp_healthz, port 8000, which it answers with 200", () => {
        const policy = inputs(one(owned.run, TYPES.healthCheckPolicy));
        assert.deepStrictEqual(policy.spec.default.config, {
          type: "HTTP",
          httpHealthCheck: { portSpecification: "USE_FIXED_PORT", port: 8000, requestPath: "/_chp_healthz" },
        });
        assert.notStrictEqual(policy.spec.default.config.httpHealthCheck.requestPath, "/"); // a 302 through CHP
        assert.deepStrictEqual(policy.spec.targetRef, { group: "", kind: "Service", name: z2jhProxyBackend.serviceName });
      });

      it("applies every Kubernetes object with the cluster's provider, after the hub's release", () => {
        const release = one(owned.run, TYPES.helmRelease);
        const objects = owned.run.resources.filter((r) => r.custom && /^kubernetes:(gateway\.networking\.k8s\.io|networking\.gke\.io)\//.test(r.type));
        assert.strictEqual(objects.length, 6);
        for (const object of objects) {
          assert.ok(object.provider?.includes("pulumi:providers:kubernetes::k8s"), `${object.name} has no k8s provider`);
          assert.ok(object.dependencies.includes(release.urn), `${object.name} does not wait for the hub release`);
        }
      });

      it("depends on everything its load balancer uses, so `pulumi destroy` deletes it first", () => {
        // GKE builds the Gateway's target HTTPS proxy with the certificate map and the SSL policy the
        // GCPGatewayPolicy names, and its forwarding rule on the address; Pulumi deletes dependents first.
        const gateway = one(owned.run, TYPES.gateway);
        const used = [TYPES.certificate, TYPES.certificateMap, TYPES.certificateMapEntry, TYPES.sslPolicy, TYPES.globalAddress]
          .flatMap((type) => ofType(owned.run, type));
        assert.strictEqual(used.length, 7);
        assert.deepStrictEqual(used.filter((r) => !gateway.dependencies.includes(r.urn)).map((r) => r.name), []);
        assert.ok(one(owned.run, TYPES.gatewayPolicy).dependencies.includes(one(owned.run, TYPES.sslPolicy).urn));
      });
    });
  });
}

describe("HubEdge's protectZone, left out", function () {
  this.timeout(120_000);
  it("leaves the zone it creates unprotected, so an example stack can be destroyed (Default: false)", async () => {
    const edge = await runEdge("dev", loadStackConfig("dev"));
    assert.strictEqual(ofType(edge.run, TYPES.managedZone).length, 1, "the stack's own zone");
    assert.deepStrictEqual(edge.protectedNames, [], "resources declared with protect");
  });
});

describe("edge resource names", () => {
  it("derives every GCP name from the prefix, within GCP's 63 characters", () => {
    const names = edgeResourceNames("a".repeat(40));
    const all = [names.zone, names.address, names.dnsAuthorization, names.certificateMap,
      ...Object.values(names.mapEntries), names.sslPolicy];
    assert.strictEqual(new Set(all).size, all.length);
    for (const name of all) assert.match(name, /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/);
  });

  it("names the event stack's resources as people look them up in the console", () => {
    assert.deepStrictEqual(edgeResourceNames("event"), {
      zone: "event-hub-zone",
      address: "event-hub-ip",
      dnsAuthorization: "event-hub-dns-auth",
      certificateMap: "event-hub-certmap",
      mapEntries: { hub: "event-hub-certmap-hub", wildcard: "event-hub-certmap-wildcard", primary: "event-hub-certmap-primary" },
      sslPolicy: "event-hub-tls",
      securityPolicy: "event-hub-armor",
    });
  });

  it("accepts a prefix of exactly 42 characters, whose longest name is exactly GCP's 63", () => {
    // Compute resource names: RFC 1035, at most 63 characters (Compute docs, "Naming resources");
    // 42 + "-" + "hub-certmap-wildcard" (20) = 63.
    const prefix = "p".repeat(42);
    assert.strictEqual(edgeResourceNames(prefix).mapEntries.wildcard, `${prefix}-hub-certmap-wildcard`);
    assert.strictEqual(edgeResourceNames(prefix).mapEntries.wildcard.length, 63);
  });

  it("refuses a bad prefix with the whole rule and the prefix quoted", () => {
    assert.throws(() => edgeResourceNames("Dev"), {
      name: "RangeError",
      message: 'edge name prefix "Dev" must start with a lower-case letter, hold only lower-case letters, digits and hyphens, not end with a hyphen, and be at most 42 characters',
    });
  });

  it("makes a DNS name absolute once: a name already ending in a dot is kept as it is", () => {
    // Cloud DNS record and zone names are fully qualified, ending in "." (Cloud DNS API, ResourceRecordSet.name).
    assert.strictEqual(absoluteDnsName("hub.example.com"), "hub.example.com.");
    assert.strictEqual(absoluteDnsName("hub.example.com."), "hub.example.com.");
  });

  for (const bad of ["", "Dev", "1dev", "dev-", "dev_1", "a".repeat(43)]) {
    it(`refuses the prefix ${JSON.stringify(bad)} with the rule it breaks`, () => {
      assert.throws(() => edgeResourceNames(bad), /must start with a lower-case letter.*at most 42 characters/);
    });
  }
});
