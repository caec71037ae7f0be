import * as assert from "assert";
import * as fs from "fs";
import * as YAML from "yaml";
import { clusterDns, clusterDnsSettings, dnsEgressRule, ClusterDns } from "../../infra/plan/clusterDns";
import {
  admittedMetadataPaths,
  chartEgressDefaults,
  EgressAllowRules,
  egressRuleSpec,
  hubInternetEgressRule,
  httpsPort,
  noEgressAllowRules,
} from "../../infra/plan/netpol";
import { chartDefaultsPath } from "../support/chartSchema";

const labels = (np: Parameters<typeof admittedMetadataPaths>[0], defaults: EgressAllowRules = noEgressAllowRules) =>
  admittedMetadataPaths(np, defaults).map((p) => p.label);

const privateOn988 = ["10.0.0.0/8:988 (node addresses)", "172.16.0.0/12:988 (node addresses)", "192.168.0.0/16:988 (node addresses)"];

describe("the chart's egress switches", () => {
  it("default as Z2JH 4.4.0's values.yaml says, component by component", () => {
    const chart = YAML.parse(fs.readFileSync(chartDefaultsPath, "utf8"));
    assert.deepStrictEqual(chartEgressDefaults.hub, chart.hub.networkPolicy.egressAllowRules);
    assert.deepStrictEqual(chartEgressDefaults["proxy.chp"], chart.proxy.chp.networkPolicy.egressAllowRules);
    assert.deepStrictEqual(chartEgressDefaults["proxy.traefik"], chart.proxy.traefik.networkPolicy.egressAllowRules);
    assert.deepStrictEqual(chartEgressDefaults.singleuser, chart.singleuser.networkPolicy.egressAllowRules);
  });

  it("all off names every switch the chart has, so none falls back to its default", () => {
    const chart = YAML.parse(fs.readFileSync(chartDefaultsPath, "utf8"));
    assert.deepStrictEqual(Object.keys(noEgressAllowRules).sort(), Object.keys(chart.hub.networkPolicy.egressAllowRules).sort());
    assert.ok(Object.values(noEgressAllowRules).every((v) => v === false));
  });
});

describe("metadata paths a NetworkPolicy admits", () => {
  it("the chart's defaults for the hub and proxy admit every path", () => {
    assert.deepStrictEqual(labels({}, chartEgressDefaults.hub), ["169.254.169.254:80", "169.254.169.252:988", ...privateOn988]);
  });

  it("turning off only cloudMetadataServer (this program's old hub and proxy values) still admits the listener and node addresses", () => {
    // nonPrivateIPs excepts 169.254.169.254/32 only; privateIPs opens every port of RFC 1918.
    assert.deepStrictEqual(labels({ egressAllowRules: { cloudMetadataServer: false } }, chartEgressDefaults.hub), ["169.254.169.252:988", ...privateOn988]);
    assert.deepStrictEqual(labels({ egressAllowRules: { cloudMetadataServer: false, privateIPs: false } }, chartEgressDefaults.hub), ["169.254.169.252:988"]);
  });

  it("the DNS switches open port 53 only, so they admit no path", () => {
    assert.deepStrictEqual(labels({ egressAllowRules: { dnsPortsCloudMetadataServer: true, dnsPortsKubeSystemNamespace: true, dnsPortsPrivateIPs: true } }), []);
  });

  it("reads custom rules as Kubernetes does: no ports is every port, no `to` is every address, except carves out", () => {
    const linkLocal = { ipBlock: { cidr: "169.254.0.0/16" } };
    assert.deepStrictEqual(labels({ egress: [{ to: [linkLocal] }] }), ["169.254.169.254:80", "169.254.169.252:988"]);
    assert.deepStrictEqual(labels({ egress: [{ to: [linkLocal], ports: [{ protocol: "UDP", port: 988 }] }] }), []);
    assert.deepStrictEqual(labels({ egress: [{ to: [linkLocal], ports: [{ port: 900, endPort: 1000 }] }] }), ["169.254.169.252:988"]);
    assert.deepStrictEqual(labels({ egress: [{ to: [linkLocal], ports: [{ port: "http" }] }] }), ["169.254.169.254:80", "169.254.169.252:988"]);
    assert.deepStrictEqual(labels({ egress: [{ ports: [{ port: 80 }] }] }), ["169.254.169.254:80"]);
    assert.deepStrictEqual(labels({ egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.0.0/16", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }] }] }), []);
    assert.deepStrictEqual(labels({ egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/20" } }], ports: [{ port: 988 }] }] }), [privateOn988[0]]);
    assert.deepStrictEqual(labels({ egress: [{ to: [{ namespaceSelector: {}, podSelector: {} }] }] }), []);
  });

  it("the hub's rules admit none, whatever port the IdP uses", () => {
    const egress = [dnsEgressRule(clusterDns), hubInternetEgressRule(["https://idp.example.org:988/token"])];
    assert.deepStrictEqual(labels({ egress }), []);
  });
});

describe("the hub's internet rule", () => {
  it("takes the IdP's ports from its URLs, 443 when none is written", () => {
    assert.strictEqual(httpsPort("https://login.example.com/oauth2/v1/token"), 443);
    assert.strictEqual(httpsPort("https://login.example.com:8443/token"), 8443);
    assert.deepStrictEqual(hubInternetEgressRule(["https://a.example/t", "https://b.example:8443/u"]).ports, [
      { protocol: "TCP", port: 443 },
      { protocol: "TCP", port: 8443 },
    ]);
  });

  it("lists each port once, in ascending order whatever the URLs' order (stable chart values, no churn in a diff)", () => {
    const rule = hubInternetEgressRule(["https://a.example:8443/t", "https://b.example:444/u", "https://c.example:8443/v"]);
    assert.deepStrictEqual(rule.ports, [
      { protocol: "TCP", port: 443 },
      { protocol: "TCP", port: 444 },
      { protocol: "TCP", port: 8443 },
    ], "the hub's internet egress ports are not 443, 444, 8443 in that order");
  });
});

describe("the cluster's DNS choice", () => {
  it("is kube-dns with NodeLocal DNSCache off, as cluster inputs", () => {
    assert.deepStrictEqual(clusterDnsSettings(clusterDns), { dnsConfig: { clusterDns: "KUBE_DNS" }, dnsCacheConfig: { enabled: false } });
  });

  it("has a DNS rule only for the choice it was written for", () => {
    assert.throws(() => dnsEgressRule({ ...clusterDns, nodeLocalDnsCache: true } as unknown as ClusterDns), /no DNS egress rule/);
    assert.throws(() => dnsEgressRule({ ...clusterDns, provider: "CLOUD_DNS" } as unknown as ClusterDns), /no DNS egress rule/);
  });
});

describe("an egress rule as a NetworkPolicy spec takes it", () => {
  // GKE's kube-dns (a selector peer) and the public internet without RFC 1918 (an ipBlock with exceptions):
  // both kinds of peer the plan's rules carry (Kubernetes API, NetworkPolicyPeer).
  const dns = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } };
  const internet = { ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } };

  it("keeps every peer, a selector as well as an ipBlock with its exceptions, and every port", () => {
    const spec = egressRuleSpec({ to: [internet, dns, { ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 443 }] });
    assert.deepStrictEqual(spec, {
      to: [
        { ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } },
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } },
        { ipBlock: { cidr: "10.0.0.0/8" } },
      ],
      ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 443 }],
    });
  });

  it("copies, so a change to a declared spec cannot reach the plan's shared rule", () => {
    const rule = { to: [internet, dns], ports: [{ protocol: "TCP" as const, port: 443 }] };
    const spec = egressRuleSpec(rule);
    assert.notStrictEqual(spec.to[0], internet);
    assert.notStrictEqual((spec.to[0] as { ipBlock: { except: string[] } }).ipBlock.except, internet.ipBlock.except);
    assert.notStrictEqual((spec.to[1] as { podSelector: { matchLabels: object } }).podSelector.matchLabels, dns.podSelector.matchLabels);
    assert.notStrictEqual(spec.ports[0], rule.ports[0]);
  });
});
