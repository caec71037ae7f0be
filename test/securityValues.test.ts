// SLOW: runs the whole program under Pulumi's mock runtime.
import * as assert from "assert";
import { projectName } from "../infra/config/read";
import { readStackFile } from "../infra/tools/stackFile";
import { inputs, named, one } from "./support/resources";
import { stackRun } from "./support/runs";
import { loadStackConfig, stackNames } from "./support/stacks";
import { TYPES as T } from "./support/types";

// The values a user's security depends on, read where the program hands them to the cloud or the chart
// (the declared resources' inputs, the Helm release's values), against values written out here from the
// upstream documentation, never computed by the code under test. Each message names what breaks.

// GKE's kube-dns pods: namespace kube-system, label k8s-app=kube-dns, DNS on 53/UDP and 53/TCP (GKE docs,
// "Service discovery and DNS": kube-dns; Kubernetes docs, "DNS for Services and Pods").
const kubeDns = {
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }],
};
// Every Z2JH 4.4.0 egressAllowRules switch off (values.yaml defaults turn dnsPorts* and nonPrivateIPs on).
const noChartEgress = {
  cloudMetadataServer: false, dnsPortsCloudMetadataServer: false, dnsPortsKubeSystemNamespace: false,
  dnsPortsPrivateIPs: false, nonPrivateIPs: false, privateIPs: false,
};
const rfc1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

for (const stack of stackNames) {
  describe(`the ${stack} stack's security values, where the program produces them`, function () {
    this.timeout(300_000);
    const config = loadStackConfig(stack);
    const fileConfig = readStackFile(stack).config;

    it("Cloud NAT translates every range of the node subnetwork, pods included, with 1024 to 8192 ports per node", async () => {
      const run = await stackRun(stack);
      const nat = inputs(named(run, T.routerNat, "network-nat"));
      const subnetwork = named(run, T.subnetwork, "network-nodes");
      const cluster = inputs(one(run, T.cluster));
      assert.strictEqual(nat.sourceSubnetworkIpRangesToNat, "LIST_OF_SUBNETWORKS", "NAT must name the node subnetwork explicitly");
      assert.deepStrictEqual(
        nat.subnetworks,
        [{ name: cluster.subnetwork, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
        "NAT must translate ALL_IP_RANGES of the cluster's subnetwork (primary and secondary): pods have VPC-native " +
          "addresses from the secondary range, and with only the primary range no user pod reaches the package mirror",
      );
      const podRange = (inputs(subnetwork).secondaryIpRanges as { rangeName: string }[]).map((r) => r.rangeName);
      assert.ok(podRange.includes(cluster.ipAllocationPolicy.clusterSecondaryRangeName), "the pods' range must be a secondary range of the NATed subnetwork");
      // Cloud NAT's default is 64 ports per VM ("Ports and addresses"); ~30 users a node each opening a few
      // connections to the mirror exhaust that.
      assert.strictEqual(nat.minPortsPerVm, 1024, "each node must get at least 1024 NAT ports: with the 64-port default, pip installs fail at the start of a session");
      assert.strictEqual(nat.maxPortsPerVm, 8192, "a cap, so one busy node cannot starve the others");
      assert.strictEqual(nat.enableDynamicPortAllocation, true, "dynamic port allocation");
      assert.strictEqual(nat.enableEndpointIndependentMapping, false, "dynamic port allocation requires endpoint-independent mapping off (Cloud NAT docs)");
    });

    it("keeps nodes private and the control plane's IP endpoint closed to all but the configured networks", async () => {
      const cluster = inputs(one(await stackRun(stack), T.cluster));
      // Private nodes have internal addresses only (GKE docs, "About network isolation"); this cluster uses the
      // DNS-based control-plane endpoint, so there is no masterIpv4CidrBlock to set (PSC-based clusters).
      assert.deepStrictEqual(cluster.privateClusterConfig, { enablePrivateNodes: true }, "without private nodes every node gets a public IP");
      assert.deepStrictEqual(
        cluster.masterAuthorizedNetworksConfig,
        { cidrBlocks: config.platform.authorizedNetworks.map((n) => ({ cidrBlock: n.cidrBlock, displayName: n.displayName })), gcpPublicCidrsAccessEnabled: false },
        "gcpPublicCidrsAccessEnabled would open the control plane's IP endpoint to every Google Cloud public address",
      );
    });

    it("logs users in by the configured claim (default email) with the configured scopes (default openid email profile)", async () => {
      const run = await stackRun(stack);
      const auth = inputs(one(run, T.helmRelease)).values.hub.config.GenericOAuthenticator;
      // the shipped stacks keep the defaults, which is what this asserts (parse.ts's schema, docs/configuration.md's table)
      assert.strictEqual(fileConfig[`${projectName}:oidcUsernameClaim`], undefined);
      assert.strictEqual(fileConfig[`${projectName}:oidcScopes`], undefined);
      assert.strictEqual(auth.username_claim, "email", "the user name must come from the email claim: another claim (a display name) could collide between users or be chosen by them");
      assert.deepStrictEqual(auth.scope, ["openid", "email", "profile"], "without the email scope the IdP sends no email claim and nobody can log in");
      assert.deepStrictEqual(auth.allowed_groups, [...new Set([...config.hub.oidc.allowedGroups, ...config.hub.oidc.adminGroups])], "allowed groups");
      assert.strictEqual(auth.allow_all, false, "allow_all would let every account of the IdP in");
    });

    it("turns terminals off with the flag jupyter_server reads, and sets the __Host- login cookie", async () => {
      const values = inputs(one(await stackRun(stack), T.helmRelease)).values;
      // jupyter_server 1.23/2.x: ServerApp.terminals_enabled (serverapp.py); test/hub/singleuserIsolation runs
      // a real server with exactly this argument and finds no terminals API.
      assert.deepStrictEqual(values.hub.config.KubeSpawner.args, ["--ServerApp.terminals_enabled=False"], "the terminals flag as jupyter_server reads it");
      assert.strictEqual(values.hub.config.JupyterHub.cookie_host_prefix_enabled, true, "without __Host-, a user's server on a subdomain can toss a login cookie at the hub");
      assert.strictEqual(values.hub.config.JupyterHub.subdomain_host, config.edge.hubDomain, "per-user subdomains keep users' servers off the hub's origin");
      assert.strictEqual(values.hub.config.JupyterHub.admin_access, false, "admin_access");
    });

    it("allows users DNS and the allowlist only, the hub DNS, the Kubernetes API and the IdP on public addresses, the proxy DNS only", async () => {
      const values = inputs(one(await stackRun(stack), T.helmRelease)).values;
      const allowlist = config.hub.egressAllowlist.map((rule) => ({ to: [{ ipBlock: { cidr: rule.cidr } }], ports: rule.ports.map((port) => ({ port, protocol: "TCP" })) }));
      // With a Python repository in Artifact Registry (packageMode mirror or curated, no index of the
      // organisation's), user pods also reach the registry proxy's pods, on its port only (docs/packages.md); the proxy, not the user pod, holds the credential and reaches Google.
      const proxied = (config.hub.packages.mode === "mirror" || config.hub.packages.mode === "curated") && config.hub.packages.indexUrl === undefined;
      const toProxy = {
        to: [{
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": config.hub.namespace } },
          podSelector: { matchLabels: { "app.kubernetes.io/name": "package-proxy", "app.kubernetes.io/part-of": "jupyterhub-gke" } },
        }],
        ports: [{ port: 8080, protocol: "TCP" }],
      };
      assert.deepStrictEqual(
        values.singleuser.networkPolicy,
        { enabled: true, egressAllowRules: noChartEgress, egress: proxied ? [kubeDns, toProxy, ...allowlist] : [kubeDns, ...allowlist] },
        "user pods: DNS to kube-dns on 53/UDP+TCP, the registry proxy on 8080 where it serves them, and each allowlist entry on its own ports; anything wider reaches the VPC, the internet or the metadata server",
      );
      assert.deepStrictEqual(
        values.hub.networkPolicy,
        {
          enabled: true,
          egressAllowRules: noChartEgress,
          egress: [
            kubeDns,
            { to: rfc1918.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 443, protocol: "TCP" }] },
            // the IdP (login.example.com) on 443 at public addresses only: not the VPC, not link-local (the
            // GKE metadata server answers on 169.254.169.254 and 169.254.169.252)
            { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...rfc1918, "169.254.0.0/16"] } }], ports: [{ port: 443, protocol: "TCP" }] },
          ],
        },
        "hub egress",
      );
      assert.deepStrictEqual(values.proxy.chp.networkPolicy, { enabled: true, egressAllowRules: noChartEgress, egress: [kubeDns] }, "proxy egress");
    });

    it("serves TLS 1.2 or later only, with the RESTRICTED profile", async () => {
      const tls = inputs(named(await stackRun(stack), T.sslPolicy, "edge-tls"));
      assert.strictEqual(tls.minTlsVersion, "TLS_1_2", "TLS 1.0/1.1 are deprecated (RFC 8996)");
      assert.strictEqual(tls.profile, "RESTRICTED", "RESTRICTED: only AES-GCM/ChaCha20 suites");
    });
  });
}
