// SLOW: runs the whole program under Pulumi's mock runtime.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { dnsEndpointKubeconfig } from "../../infra/components/cluster";
import { DeclaredResource, OfflineRun } from "../../infra/tools/offline";
import { dependsOn, inputs, named, ofType, one } from "../support/resources";
import { stackRun } from "../support/runs";
import { loadStackConfig, stackNames } from "../support/stacks";
import { TYPES as T } from "../support/types";

// Careless one-line changes (docs/testing.md, "Careless changes we check", the second sweep): each value a
// user, an organiser or a reviewer relies on is read where the program hands it to the cloud or the chart
// (the declared resources' inputs), and the expected value is written out here from the upstream
// documentation cited next to it, never taken from the code under test. One `it` per setting, so a failure
// names the setting that broke.

/** Every node pool, never none: a check looped over an empty list would pass with nothing checked. */
const poolsOf = (run: OfflineRun): DeclaredResource[] => {
  const pools = ofType(run, T.nodePool);
  assert.ok(pools.length >= 2, `expected the core and user pools at least, found ${pools.length}`);
  return pools;
};

for (const stack of stackNames) {
  describe(`the ${stack} stack's settings a careless edit could change, where the program produces them`, function () {
    this.timeout(300_000);
    const config = loadStackConfig(stack);
    let run: OfflineRun;
    let cluster: any;
    before(async () => {
      run = await stackRun(stack);
      cluster = inputs(one(run, T.cluster));
    });

    describe("node pools (GKE hardening guide; CIS GKE Benchmark 1.x section 5)", () => {
      it("every pool uses the GKE metadata server (workloadMetadataConfig.mode GKE_METADATA: CIS GKE 5.4.1)", () => {
        // GCE_METADATA exposes the node service account's token to every pod (GKE docs, "Use Workload Identity").
        for (const p of poolsOf(run)) assert.deepStrictEqual(inputs(p).nodeConfig.workloadMetadataConfig, { mode: "GKE_METADATA" }, `${p.name}: workloadMetadataConfig`);
      });
      it("every pool is a Shielded node with secure boot and integrity monitoring (CIS GKE 5.5.5, 5.5.6)", () => {
        for (const p of poolsOf(run)) {
          assert.deepStrictEqual(inputs(p).nodeConfig.shieldedInstanceConfig, { enableSecureBoot: true, enableIntegrityMonitoring: true }, `${p.name}: shieldedInstanceConfig`);
        }
      });
      it("every pool auto-repairs and auto-upgrades (CIS GKE 5.5.2, 5.5.3)", () => {
        for (const p of poolsOf(run)) assert.deepStrictEqual(inputs(p).management, { autoRepair: true, autoUpgrade: true }, `${p.name}: management`);
      });
      it("every pool disables the legacy metadata endpoints and the kubelet's read-only port", () => {
        // GKE docs, "Protecting cluster metadata": metadata disable-legacy-endpoints=true; "Disable the kubelet
        // read-only port" (CIS Kubernetes 4.2.4): insecureKubeletReadonlyPortEnabled FALSE, per pool and as the default.
        for (const p of poolsOf(run)) {
          const nodeConfig = inputs(p).nodeConfig;
          assert.strictEqual(nodeConfig.metadata["disable-legacy-endpoints"], "true", `${p.name}: disable-legacy-endpoints`);
          assert.strictEqual(nodeConfig.kubeletConfig.insecureKubeletReadonlyPortEnabled, "FALSE", `${p.name}: kubelet read-only port`);
        }
        assert.deepStrictEqual(cluster.nodePoolDefaults, { nodeConfigDefaults: { insecureKubeletReadonlyPortEnabled: "FALSE" } }, "cluster-wide kubelet read-only port default");
      });
      it("every pool runs Container-Optimized OS (COS_CONTAINERD: CIS GKE 5.5.1)", () => {
        for (const p of poolsOf(run)) assert.strictEqual(inputs(p).nodeConfig.imageType, "COS_CONTAINERD", `${p.name}: imageType`);
      });
      it("upgrades surge one node and never take a node away first (maxUnavailable 0 keeps every user's server)", () => {
        // GKE docs, "Surge upgrades": maxUnavailable > 0 drains a node before its replacement exists.
        for (const p of poolsOf(run)) assert.deepStrictEqual(inputs(p).upgradeSettings, { maxSurge: 1, maxUnavailable: 0 }, `${p.name}: upgradeSettings`);
      });
      it("scales up in whichever zone has capacity (locationPolicy ANY)", () => {
        // GKE docs, "About cluster autoscaling", location policy: BALANCED may wait for a stocked-out zone.
        for (const p of poolsOf(run)) assert.strictEqual(inputs(p).autoscaling.locationPolicy, "ANY", `${p.name}: locationPolicy`);
      });
      it("labels core and user pools with Z2JH's node-purpose label and taints only the user pool", () => {
        // Z2JH 4.4.0 docs, "Optimizations" → "Using a dedicated node pool for users": label
        // hub.jupyter.org/node-purpose=user|core, taint hub.jupyter.org/dedicated=user:NoSchedule (the provider
        // writes the effect as NO_SCHEDULE: container/nodePool.d.ts, NodePoolNodeConfigTaint).
        const core = inputs(named(run, T.nodePool, "cluster-core")).nodeConfig;
        const user = inputs(named(run, T.nodePool, "cluster-user")).nodeConfig;
        assert.deepStrictEqual(core.labels, { "hub.jupyter.org/node-purpose": "core" }, "core pool labels");
        assert.deepStrictEqual(user.labels, { "hub.jupyter.org/node-purpose": "user" }, "user pool labels");
        assert.deepStrictEqual(user.taints, [{ key: "hub.jupyter.org/dedicated", value: "user", effect: "NO_SCHEDULE" }], "user pool taint: without it hub and system pods land among untrusted users");
        assert.strictEqual(core.taints, undefined, "core pool carries no taint");
      });
      it("runs user pods in GKE Sandbox when the stack asks for it (sandboxConfig.type gvisor)", () => {
        // GKE docs, "Harden workload isolation with GKE Sandbox"; @pulumi/gcp 9.37.0 types/input.d.ts,
        // NodePoolNodeConfigSandboxConfig.type: "Type of the sandbox to use for the node (e.g. 'GVISOR')".
        const user = inputs(named(run, T.nodePool, "cluster-user")).nodeConfig;
        if (config.sandbox.userSandbox === "gvisor") assert.deepStrictEqual(user.sandboxConfig, { type: "GVISOR" }, "user pool sandboxConfig: without it user pods share the host kernel");
        else assert.strictEqual(user.sandboxConfig, undefined);
        assert.strictEqual(inputs(named(run, T.nodePool, "cluster-core")).nodeConfig.sandboxConfig, undefined, "the core pool cannot be sandboxed (GKE Sandbox needs a second pool for system pods)");
      });
    });

    describe("the cluster (GKE hardening guide; CIS GKE Benchmark section 5)", () => {
      it("enforces NetworkPolicy with Dataplane V2 (ADVANCED_DATAPATH: CIS GKE 5.6.7)", () => {
        assert.strictEqual(cluster.datapathProvider, "ADVANCED_DATAPATH", "with LEGACY_DATAPATH and no network policy addon, no NetworkPolicy is enforced");
      });
      it("has Shielded GKE nodes on (CIS GKE 5.5.5), no legacy ABAC (5.8.3), no alpha, no client certificates (5.8.2)", () => {
        assert.strictEqual(cluster.enableShieldedNodes, true, "enableShieldedNodes");
        assert.strictEqual(cluster.enableLegacyAbac, false, "enableLegacyAbac");
        assert.strictEqual(cluster.enableKubernetesAlpha, false, "alpha clusters cannot be upgraded and expire after 30 days");
        assert.deepStrictEqual(cluster.masterAuth, { clientCertificateConfig: { issueClientCertificate: false } }, "issueClientCertificate");
      });
      it("binds nothing to system:authenticated/unauthenticated, limits anonymous auth, refuses external IPs", () => {
        // CIS GKE 4.1.9-10; GKE docs, "Restrict anonymous access" (anonymousAuthenticationConfig LIMITED);
        // CVE-2020-8554: Service externalIPs (GKE docs, "Restrict external IPs").
        assert.deepStrictEqual(cluster.rbacBindingConfig, { enableInsecureBindingSystemAuthenticated: false, enableInsecureBindingSystemUnauthenticated: false }, "rbacBindingConfig");
        assert.deepStrictEqual(cluster.anonymousAuthenticationConfig, { mode: "LIMITED" }, "anonymousAuthenticationConfig");
        assert.deepStrictEqual(cluster.serviceExternalIpsConfig, { enabled: false }, "serviceExternalIpsConfig");
      });
      it("keeps security posture at BASIC and Workload Identity on (CIS GKE 5.2.2)", () => {
        assert.deepStrictEqual(cluster.securityPostureConfig, { mode: "BASIC" }, "securityPostureConfig");
        assert.deepStrictEqual(cluster.workloadIdentityConfig, { workloadPool: `${config.platform.project}.svc.id.goog` }, "workloadPool is <project>.svc.id.goog (GKE docs, Workload Identity Federation)");
      });
      it("sends system and workload logs to Cloud Logging (CIS GKE 5.7.1) and system metrics to Monitoring", () => {
        // Without WORKLOADS the hub's audit log (stdout) never reaches Cloud Logging.
        assert.deepStrictEqual(cluster.loggingConfig, { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] }, "loggingConfig");
        assert.deepStrictEqual(cluster.monitoringConfig, { enableComponents: ["SYSTEM_COMPONENTS"] }, "monitoringConfig");
      });
      it("maintains daily from 03:00 UTC, and holds every upgrade from a day before the event to a day after", () => {
        // GKE docs, "Maintenance windows and exclusions": a 4-hour daily window; a NO_UPGRADES exclusion.
        const policy = cluster.maintenancePolicy;
        assert.deepStrictEqual(policy.dailyMaintenanceWindow, { startTime: "03:00" }, "daily window start");
        const day = 86_400_000;
        assert.deepStrictEqual(policy.maintenanceExclusions, [{
          exclusionName: "event-no-upgrades",
          startTime: new Date(config.event.start.getTime() - day).toISOString().replace(".000Z", "Z"),
          endTime: new Date(config.event.end.getTime() + day).toISOString().replace(".000Z", "Z"),
          exclusionOptions: { scope: "NO_UPGRADES" },
        }], "the exclusion must span the event with a day each side, holding every upgrade");
      });
      it("removes the default pool, keeps GKE's load balancing and Gateway API, packs nodes tightly", () => {
        assert.strictEqual(cluster.removeDefaultNodePool, true, "the default pool would keep running");
        // @pulumi/gcp 9.37.0 container/cluster.d.ts, initialNodeCount: with separate node pools and no
        // default pool, "set this to a value of at least `1`" (per zone); more only starts, and bills, nodes
        // that are deleted with the default pool a few minutes later.
        assert.strictEqual(cluster.initialNodeCount, 1, "the short-lived default pool's size");
        assert.deepStrictEqual(cluster.addonsConfig.httpLoadBalancing, { disabled: false }, "the Gateway needs the HTTP load balancing addon (GKE docs, Gateway API requirements)");
        assert.deepStrictEqual(cluster.gatewayApiConfig, { channel: "CHANNEL_STANDARD" }, "gatewayApiConfig");
        assert.deepStrictEqual(cluster.clusterAutoscaling, { autoscalingProfile: "OPTIMIZE_UTILIZATION" }, "autoscalingProfile");
      });
      it("gives even the short-lived default pool the GKE metadata server", () => {
        assert.deepStrictEqual(cluster.nodeConfig.workloadMetadataConfig, { mode: "GKE_METADATA" }, "default pool workloadMetadataConfig");
        assert.deepStrictEqual(cluster.nodeConfig.shieldedInstanceConfig, { enableSecureBoot: true, enableIntegrityMonitoring: true }, "default pool shielded");
      });
      it("reaches the control plane through its DNS endpoint from outside Google Cloud, by server-side apply", () => {
        assert.deepStrictEqual(cluster.controlPlaneEndpointsConfig.dnsEndpointConfig, { allowExternalTraffic: true }, "a laptop or CI runs pulumi from outside Google Cloud");
        assert.strictEqual(inputs(one(run, T.k8sProvider)).enableServerSideApply, "true", "enableServerSideApply (provider inputs are strings)");
      });
      it("grants the node service account roles/container.defaultNodeServiceAccount, image streaming's Service Usage Consumer, and nothing else (CIS GKE 5.2.1)", () => {
        // And Service Usage Consumer, which image streaming needs on a custom node service account and the
        // default node role lacks (GKE "Use Image streaming", requirements; see infra/components/cluster.ts).
        const roles = ofType(run, T.projectIamMember).filter((m) => m.name.startsWith("cluster-nodes-")).map((m) => inputs(m).role).sort();
        assert.deepStrictEqual(roles, ["roles/container.defaultNodeServiceAccount", "roles/serviceusage.serviceUsageConsumer"], "node service account roles");
      });
    });

    describe("the network", () => {
      it("a custom-mode VPC whose node subnet reaches Google APIs privately and logs flows with metadata", () => {
        // Private nodes have no external IP: without Private Google Access they reach no Google API
        // (VPC docs, "Private Google Access"); auto-mode VPCs create a subnet in every region.
        assert.strictEqual(inputs(named(run, T.network, "network-vpc")).autoCreateSubnetworks, false, "autoCreateSubnetworks");
        const subnet = inputs(named(run, T.subnetwork, "network-nodes"));
        assert.strictEqual(subnet.privateIpGoogleAccess, true, "privateIpGoogleAccess");
        assert.deepStrictEqual(subnet.logConfig, { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" }, "flow logs");
      });
      it("Cloud NAT logs every translation and error (filter ALL)", () => {
        assert.deepStrictEqual(inputs(named(run, T.routerNat, "network-nat")).logConfig, { enable: true, filter: "ALL" }, "NAT logConfig");
      });
    });

    describe("the cluster's remaining settings (the first mutation run of infra/components)", () => {
      it("lets only the stack's authorized networks reach the IP endpoint, keeps both endpoints, and labels and describes the cluster", () => {
        // The stack files' authorizedNetworks (stacks/Pulumi.<stack>.yaml), passed through unchanged (CIS GKE 5.6.3).
        const authorized: Record<string, unknown> = {
          event: [{ cidrBlock: "198.51.100.0/27", displayName: "university-operations" }],
          dev: [{ cidrBlock: "203.0.113.0/28", displayName: "organiser-office" }],
        };
        assert.deepStrictEqual(cluster.masterAuthorizedNetworksConfig.cidrBlocks, authorized[stack], "masterAuthorizedNetworksConfig.cidrBlocks");
        // GKE docs, "Control plane access": the IP endpoint stays on (behind the authorized networks) next
        // to the DNS endpoint; disabling it would cut tools that only speak IP.
        assert.deepStrictEqual(cluster.controlPlaneEndpointsConfig.ipEndpointsConfig, { enabled: true }, "ipEndpointsConfig");
        assert.deepStrictEqual(cluster.resourceLabels, { app: "jupyterhub", "managed-by": "pulumi" }, "resourceLabels (billing reports and cleanup find the cluster by them)");
        assert.strictEqual(cluster.description, "JupyterHub for a short event with untrusted users", "the cluster's description in the console");
      });
      it("runs the default pool and every pool with the cloud-platform scope, restricted by IAM, on balanced disks with image streaming", () => {
        // GKE docs, "Service accounts and access scopes": with a least-privilege account, use cloud-platform and IAM.
        const cloudPlatform = ["https://www.googleapis.com/auth/cloud-platform"];
        assert.deepStrictEqual(cluster.nodeConfig.oauthScopes, cloudPlatform, "default pool oauthScopes");
        assert.strictEqual(cluster.nodeConfig.imageType, "COS_CONTAINERD", "default pool imageType (CIS GKE 5.5.1)");
        assert.deepStrictEqual(cluster.nodeConfig.shieldedInstanceConfig, { enableSecureBoot: true, enableIntegrityMonitoring: true }, "default pool shielded instance");
        for (const p of poolsOf(run)) {
          const node = inputs(p).nodeConfig;
          assert.deepStrictEqual(node.oauthScopes, cloudPlatform, `${p.name}: oauthScopes`);
          assert.strictEqual(node.diskType, "pd-balanced", `${p.name}: diskType`);
          // GKE docs, "Use Image streaming": gcfsConfig.enabled on the pool.
          assert.deepStrictEqual(node.gcfsConfig, { enabled: true }, `${p.name}: image streaming`);
        }
      });
      it("names the node service account for the stack, so two stacks in a project never share one", () => {
        const account = inputs(named(run, T.serviceAccount, "cluster-nodes"));
        assert.deepStrictEqual({ accountId: account.accountId, displayName: account.displayName }, { accountId: `${stack}-gke-nodes`, displayName: "GKE nodes (least privilege)" }, "node service account");
        assert.strictEqual(cluster.nodeConfig.serviceAccount, `${stack}-gke-nodes@${config.platform.project}.iam.gserviceaccount.com`, "the default pool runs as it, never as the default compute account (CIS GKE 5.2.1)");
      });
    });

    describe("the network's ranges, routing and NAT addresses (the first mutation run of infra/components)", () => {
      it("gives the node subnet the pods' and services' secondary ranges under the names the cluster's IP allocation uses", () => {
        // GKE docs, "VPC-native clusters": the cluster names two secondary ranges of its subnet, one for
        // pods and one for Services; a subnet without them cannot host the cluster.
        const subnet = inputs(named(run, T.subnetwork, "network-nodes"));
        const ranges = subnet.secondaryIpRanges as { rangeName: string; ipCidrRange: string }[];
        assert.deepStrictEqual(ranges.map((r) => r.rangeName), ["pods", "services"], "secondary range names");
        for (const r of ranges) assert.match(r.ipCidrRange, /^10\.\d+\.\d+\.\d+\/\d+$/, `${r.rangeName}: a private CIDR from the address plan`);
        assert.deepStrictEqual(cluster.ipAllocationPolicy, { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" }, "ipAllocationPolicy");
        assert.strictEqual(cluster.networkingMode, "VPC_NATIVE", "networkingMode");
      });
      it("routes regionally, describes the VPC, and gives Cloud NAT automatically allocated addresses on a router in the VPC", () => {
        const network = inputs(named(run, T.network, "network-vpc"));
        // Compute API, networks.routingConfig.routingMode: REGIONAL keeps the Cloud Router's routes in its region.
        assert.strictEqual(network.routingMode, "REGIONAL", "routingMode");
        assert.strictEqual(network.description, "JupyterHub event network (private GKE nodes)", "the VPC's description in the console");
        // Cloud NAT docs, "NAT IP addresses": AUTO_ONLY has Google allocate (and add) addresses as ports run out;
        // MANUAL_ONLY with none reserved would translate nothing.
        const nat = inputs(named(run, T.routerNat, "network-nat"));
        assert.strictEqual(nat.natIpAllocateOption, "AUTO_ONLY", "natIpAllocateOption");
        const router = inputs(named(run, T.router, "network-router"));
        assert.deepStrictEqual(
          { network: router.network, region: router.region, project: router.project },
          { network: inputs(named(run, T.subnetwork, "network-nodes")).network, region: config.platform.region, project: config.platform.project },
          "the NAT's router must be in the nodes' VPC and region",
        );
        assert.strictEqual(nat.router, "network-router", "the NAT runs on that router");
      });
    });

    describe("the edge (Cloud DNS, Certificate Manager, Cloud Armor)", () => {
      it("a public zone signed with DNSSEC, A records with a 5-minute TTL", () => {
        // The hub's zone (edge-zone); registry-pkg-dev is the private pkg.dev zone of issue 14, tested there.
        const zones = ofType(run, T.managedZone).filter((z) => z.name === "edge-zone");
        assert.strictEqual(zones.length, 1, "one public zone for the hub");
        for (const z of zones) {
          assert.strictEqual(inputs(z).visibility, "public", "the hub's zone must be public");
          assert.deepStrictEqual(inputs(z).dnssecConfig, { state: "on" }, "DNSSEC");
        }
        const records = ofType(run, T.recordSet);
        assert.ok(records.length > 0, "no DNS records declared");
        for (const r of records) assert.strictEqual(inputs(r).ttl, 300, `${r.name}: TTL (a day-long TTL keeps a moved address wrong for a day)`);
      });
      it("a DEFAULT-scope certificate, created after its DNS authorization record, with a PRIMARY map entry", () => {
        // Certificate Manager docs: scope DEFAULT serves load balancers (EDGE_CACHE is for Media CDN);
        // "Create a certificate map entry": PRIMARY serves clients that send no SNI.
        const cert = named(run, T.certificate, "edge-cert");
        assert.strictEqual(inputs(cert).scope, "DEFAULT", "certificate scope");
        assert.ok(dependsOn(cert, named(run, T.recordSet, "edge-dns-auth-cname")), "the certificate must wait for its authorization's CNAME record");
        assert.deepStrictEqual(inputs(named(run, T.certificateMapEntry, "edge-certmap-primary")).matcher, "PRIMARY", "PRIMARY map entry");
      });
      it("a global EXTERNAL IPv4 address", () => {
        const address = inputs(named(run, T.globalAddress, "edge-ip"));
        assert.strictEqual(address.addressType, "EXTERNAL", "addressType");
        assert.strictEqual(address.ipVersion, "IPV4", "ipVersion");
      });
      it("Cloud Armor's adaptive protection (layer 7 DDoS detection) on", () => {
        // Cloud Armor docs, "Adaptive Protection overview": layer7DdosDefenseConfig.enable.
        assert.deepStrictEqual(inputs(named(run, T.securityPolicy, "edge-armor")).adaptiveProtectionConfig, { layer7DdosDefenseConfig: { enable: true } }, "adaptive protection");
      });
    });

    describe("the Gateway (Gateway API v1; GKE Gateway docs)", () => {
      it("redirects plain HTTP to https with 301, and takes routes from its own namespace only", () => {
        const redirect = inputs(named(run, T.httpRoute, "hub-gateway-http-redirect"));
        assert.deepStrictEqual(redirect.spec.rules, [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }], "HTTP → HTTPS redirect");
        const gateway = inputs(named(run, T.gateway, "hub-gateway-gateway"));
        for (const l of gateway.spec.listeners) assert.deepStrictEqual(l.allowedRoutes, { namespaces: { from: "Same" } }, `listener ${l.name}: a route from another namespace could take the hub's hostnames`);
      });
      it("drains connections for 60 s and health-checks the proxy's fixed port", () => {
        const backend = inputs(named(run, T.backendPolicy, "hub-gateway-backend-policy"));
        assert.deepStrictEqual(backend.spec.default.connectionDraining, { drainingTimeoutSec: 60 }, "connection draining");
        const health = inputs(named(run, T.healthCheckPolicy, "hub-gateway-health-check-policy"));
        assert.strictEqual(health.spec.default.config.httpHealthCheck.portSpecification, "USE_FIXED_PORT", "the health check must probe the proxy's API port, not the serving port");
      });
      it("is declared after the load balancer's address, TLS policy and certificate map", () => {
        const gateway = named(run, T.gateway, "hub-gateway-gateway");
        for (const [type, name] of [[T.globalAddress, "edge-ip"], [T.certificateMapEntry, "edge-certmap-primary"], [T.securityPolicy, "edge-armor"]] as const) {
          assert.ok(dependsOn(gateway, named(run, type, name)), `the Gateway must wait for ${name}`);
        }
      });
    });

    describe("the edge's and the Gateway's remaining settings (the first mutation run of infra/components)", () => {
      const domain = (): string => config.edge.hubDomain;
      it("authorises the certificate by a fixed DNS record on the hub domain, globally, and serves it from a global map", () => {
        // Certificate Manager docs, "DNS authorizations": FIXED_RECORD (one CNAME per domain, reusable);
        // a wildcard's authorization is for its parent domain; global for a global load balancer.
        const auth = inputs(named(run, T.dnsAuthorization, "edge-dns-auth"));
        assert.deepStrictEqual({ domain: auth.domain, location: auth.location, type: auth.type }, { domain: domain(), location: "global", type: "FIXED_RECORD" }, "DNS authorization");
        const cert = inputs(named(run, T.certificate, "edge-cert"));
        assert.strictEqual(cert.location, "global", "certificate location");
        assert.deepStrictEqual(cert.managed.domains, [domain(), `*.${domain()}`], "the certificate covers the hub and every user's subdomain");
        const challenge = inputs(named(run, T.recordSet, "edge-dns-auth-cname"));
        assert.deepStrictEqual({ name: challenge.name, type: challenge.type }, { name: `_acme-challenge.${domain()}.`, type: "CNAME" }, "the authorization's CNAME");
      });
      it("describes the zone, the address, the certificate, its map and the policies for whoever reads the console", () => {
        const descriptions = Object.fromEntries(
          [[T.managedZone, "edge-zone"], [T.globalAddress, "edge-ip"], [T.dnsAuthorization, "edge-dns-auth"], [T.certificate, "edge-cert"],
            [T.certificateMap, "edge-certmap"], [T.sslPolicy, "edge-tls"], [T.securityPolicy, "edge-armor"]]
            .map(([type, name]) => [name, inputs(named(run, type, name)).description]),
        );
        const d = domain();
        assert.deepStrictEqual(descriptions, {
          "edge-zone": "Hub domain with one subdomain per JupyterHub user",
          "edge-ip": `Static IP of ${d} and *.${d}`,
          "edge-dns-auth": `Proves control of ${d} for its Google-managed wildcard certificate`,
          "edge-cert": `Google-managed certificate for ${d} and *.${d}`,
          "edge-certmap": `Serves the certificate of ${d} by SNI`,
          "edge-tls": `TLS policy of ${d}`,
          "edge-armor": `Cloud Armor for ${d} and its users' servers`,
        }, "descriptions");
      });
      it("listens for HTTPS on 443 and HTTP on 80 only, routing HTTPS to the proxy and HTTP to the redirect, each on its own listener", () => {
        // Gateway API v1 (gateway.networking.k8s.io/v1 Gateway, HTTPRoute): a route without sectionName
        // attaches to every listener, and the backend route would then serve plain HTTP too.
        const gateway = inputs(named(run, T.gateway, "hub-gateway-gateway"));
        assert.deepStrictEqual(gateway.spec.listeners.map((l: any) => [l.name, l.protocol, l.port]), [["https", "HTTPS", 443], ["http", "HTTP", 80]], "listeners");
        assert.deepStrictEqual(gateway.spec.addresses, [{ type: "NamedAddress", value: `${stack}-hub-ip` }], "the Gateway takes the reserved static IP by name");
        const https = inputs(named(run, T.httpRoute, "hub-gateway-https-route")).spec;
        assert.deepStrictEqual(https.parentRefs, [{ name: "hub-gateway", sectionName: "https" }], "the backend route attaches to HTTPS only");
        // Z2JH 4.4.0 templates/proxy/service.yaml: proxy-public, port 80.
        assert.deepStrictEqual(https.rules, [{ backendRefs: [{ name: "proxy-public", port: 80 }] }], "backend");
        assert.deepStrictEqual(https.hostnames, [domain(), `*.${domain()}`], "hostnames");
        const redirect = inputs(named(run, T.httpRoute, "hub-gateway-http-redirect")).spec;
        assert.deepStrictEqual(redirect.parentRefs, [{ name: "hub-gateway", sectionName: "http" }], "the redirect attaches to HTTP only");
      });
      it("attaches the TLS policy to the Gateway and the Cloud Armor policy, logging and timeout to the proxy's Service", () => {
        const tls = inputs(named(run, T.gatewayPolicy, "hub-gateway-gateway-policy")).spec;
        assert.deepStrictEqual(tls, { default: { sslPolicy: `${stack}-hub-tls` }, targetRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "hub-gateway" } }, "GCPGatewayPolicy");
        const backend = inputs(named(run, T.backendPolicy, "hub-gateway-backend-policy")).spec;
        assert.deepStrictEqual(backend.targetRef, { group: "", kind: "Service", name: "proxy-public" }, "GCPBackendPolicy target");
        assert.strictEqual(backend.default.securityPolicy, `${stack}-hub-armor`, "Cloud Armor on the proxy's backend");
        const health = inputs(named(run, T.healthCheckPolicy, "hub-gateway-health-check-policy")).spec;
        // configurable-http-proxy answers /_chp_healthz on its port 8000 (Z2JH 4.4.0 proxy deployment probes).
        assert.deepStrictEqual(health.default.config, { type: "HTTP", httpHealthCheck: { portSpecification: "USE_FIXED_PORT", port: 8000, requestPath: "/_chp_healthz" } }, "HealthCheckPolicy");
        assert.deepStrictEqual(health.targetRef, { group: "", kind: "Service", name: "proxy-public" }, "HealthCheckPolicy target");
      });
      it("keeps the Gateway objects' Kubernetes names, so an update never replaces the Gateway or a route", () => {
        // A Kubernetes object's metadata.name cannot change in place: a new name makes `pulumi up` delete the
        // object and create another (@pulumi/kubernetes replaces on a metadata.name change). A new Gateway is a
        // new GKE load balancer (minutes without the hub); a new route or policy leaves the hub unrouted or
        // unprotected until it is programmed again.
        const metadataNames = [T.gateway, T.httpRoute, T.gatewayPolicy, T.backendPolicy, T.healthCheckPolicy]
          .flatMap((type) => ofType(run, type).map((r) => inputs(r).metadata.name))
          .sort();
        assert.deepStrictEqual(metadataNames, ["hub-gateway", "hub-gateway-http-redirect", "hub-gateway-https", "hub-gateway-proxy-backend", "hub-gateway-proxy-health", "hub-gateway-tls"], "the Gateway objects' metadata names");
      });
    });

    describe("event monitoring (Cloud Monitoring API: notificationChannels, uptimeCheckConfigs, alertPolicies, dashboards)", () => {
      // What the organisers are told and by which channel, per shipped stack. The numbers in the texts:
      // the event stack's activeServerLimit 1000 and the dev stack's peakUsers 10 (stacks/Pulumi.*.yaml,
      // alerted at 90%), the user pool's maximum (19 and 1 nodes, test/plan/capacity.test.ts), and the
      // plan's fixed 120 s, 600 s and 5% (infra/plan/lifecycle.ts).
      const stackLabels = { "jupyterhub-gke-stack": stack, "managed-by": "pulumi" };
      const runbook = "\n\nWhat to do: docs/runbook.md, \"During the event\".";
      const [servers, limit, poolNodes] = stack === "event" ? [900, 1000, 19] : [9, 10, 1];
      // Cloud Monitoring API, AlertPolicy.severity: CRITICAL, ERROR, WARNING; AlertStrategy.notificationRateLimit
      // "Required for log-based alerting policies" (a log-match condition without it is refused).
      const logStrategy = { notificationRateLimit: { period: "300s" }, autoClose: "1800s" };
      const expectedPolicies: Record<string, [string, string, string, object | undefined]> = {
        "monitoring-hub-down": ["JupyterHub is down", "CRITICAL", "The hub's health URL has failed for 120 s from Google's checkers.", undefined],
        "monitoring-server-limit": ["Running servers near the limit", "WARNING", `${servers} user servers run; the hub refuses new ones at ${limit}.`, undefined],
        "monitoring-pool-at-max": ["User node pool at its maximum", "ERROR", `The user pool has had ${poolNodes} nodes for 600 s: new users wait until the spawn times out.`, undefined],
        "monitoring-proxy-memory": ["Proxy memory near its limit", "WARNING", "configurable-http-proxy is killed at its memory limit, which drops every open connection.", undefined],
        "monitoring-lb-5xx": ["Load balancer 5xx responses", "ERROR", "More than 5% of responses are errors.", undefined],
        "monitoring-spawn-failures": ["a user's server failed to start", "ERROR", "The hub logged a failed spawn.", logStrategy],
        "monitoring-no-scale-up": ["user pods wait and the autoscaler will not add a node", "ERROR", "The cluster autoscaler will not add a node for a pending user pod (pool maximum or quota).", logStrategy],
      };

      it("mails each organiser through an email channel of its own, labelled for the stack", () => {
        // notificationChannels: type "email" with the label email_address (Cloud Monitoring, "Create and
        // manage notification channels by API", channel descriptors).
        const emails = config.lifecycle.notificationEmails;
        assert.deepStrictEqual(ofType(run, T.notificationChannel).map((c) => [c.name, inputs(c)]), emails.map((email, i) => [`monitoring-email-${i}`, {
          project: config.platform.project,
          type: "email",
          displayName: `Event organiser ${email}`,
          labels: { email_address: email },
          userLabels: stackLabels,
        }]), "notification channels");
      });
      it("checks the hub's health URL over verified HTTPS every minute, giving it 10 s", () => {
        // uptimeCheckConfigs: an uptime_url resource with labels project_id and host; port 443 with useSsl
        // and validateSsl (an expired or wrong certificate fails the check); period 60s, timeout 10s.
        const uptime = named(run, T.uptimeCheck, "monitoring-hub-uptime");
        assert.deepStrictEqual(inputs(uptime), {
          project: config.platform.project,
          displayName: `JupyterHub ${config.edge.hubDomain}`,
          period: "60s",
          timeout: "10s",
          httpCheck: { path: "/hub/health", port: 443, useSsl: true, validateSsl: true, requestMethod: "GET" },
          monitoredResource: { type: "uptime_url", labels: { project_id: config.platform.project, host: config.edge.hubDomain } },
          userLabels: stackLabels,
        }, "uptime check");
        assert.ok(uptime.parent?.endsWith("jupyterhub-gke:lifecycle:EventMonitoring::monitoring"), `the uptime check's parent: ${uptime.parent}`);
      });
      it("raises each alert at its severity, to every organiser, with what happened and where the runbook is", () => {
        const channels = ofType(run, T.notificationChannel).map((c) => c.outputs.name);
        const policies = ofType(run, T.alertPolicy);
        assert.deepStrictEqual(policies.map((p) => p.name).sort(), Object.keys(expectedPolicies).sort(), "alert policies");
        for (const p of policies) {
          const [displayName, severity, text, alertStrategy] = expectedPolicies[p.name];
          const policy = inputs(p);
          assert.deepStrictEqual({
            displayName: policy.displayName, severity: policy.severity, combiner: policy.combiner, documentation: policy.documentation,
            notificationChannels: policy.notificationChannels, alertStrategy: policy.alertStrategy, userLabels: policy.userLabels,
            project: policy.project, conditions: policy.conditions.length,
          }, {
            displayName, severity, combiner: "OR", documentation: { content: `${text}${runbook}`, mimeType: "text/markdown" },
            notificationChannels: channels, alertStrategy, userLabels: stackLabels, project: config.platform.project, conditions: 1,
          }, p.name);
          assert.ok(p.parent?.endsWith("jupyterhub-gke:lifecycle:EventMonitoring::monitoring"), `${p.name}'s parent: ${p.parent}`);
        }
      });
      it("alerts on log lines in the stack's own project, and draws the dashboard there from the uptime check, cluster and user pool", () => {
        for (const role of ["spawn-failures", "no-scale-up"]) {
          const condition = inputs(named(run, T.alertPolicy, `monitoring-${role}`)).conditions[0];
          assert.deepStrictEqual(Object.keys(condition).sort(), ["conditionMatchedLog", "displayName"], `${role}: a log-match condition`);
          assert.strictEqual(condition.displayName, expectedPolicies[`monitoring-${role}`][0], `${role}: condition name`);
        }
        const dashboard = named(run, T.dashboard, "monitoring-dashboard");
        assert.strictEqual(inputs(dashboard).project, config.platform.project, "dashboard project");
        const uptime = named(run, T.uptimeCheck, "monitoring-hub-uptime");
        for (const needed of [uptime, one(run, T.cluster), named(run, T.nodePool, "cluster-user")]) {
          assert.ok(dependsOn(dashboard, needed), `the dashboard is drawn from ${needed.name}`);
        }
        const json = String(inputs(dashboard).dashboardJson);
        assert.ok(json.includes(`check_id=\\"${uptime.outputs.uptimeCheckId}\\"`), "the dashboard charts the uptime check by its id");
      });
    });

    describe("the budget (Cloud Billing budgets API)", () => {
      it("counts spend net of credits, alerts on current spend, and mails the billing admins too", () => {
        // Only the event stack sets a billing account, so only it declares a budget (test/program.test.ts).
        const budgets = ofType(run, T.budget);
        assert.strictEqual(budgets.length, stack === "event" ? 1 : 0, "budgets declared");
        for (const b of budgets) {
          const budget = inputs(b);
          assert.strictEqual(budget.budgetFilter.creditTypesTreatment, "INCLUDE_ALL_CREDITS", "creditTypesTreatment");
          for (const rule of budget.thresholdRules) assert.strictEqual(rule.spendBasis, "CURRENT_SPEND", "spendBasis");
          assert.strictEqual(budget.allUpdatesRule.disableDefaultIamRecipients, false, "billing admins must still get the mails");
          // The thresholds the plan documents (infra/plan/lifecycle.ts): mails at 50%, 80%, 100% and 150% of the estimate;
          // Cloud Billing takes thresholdPercent as a fraction, 1.0 = 100% (billing/budget.d.ts, thresholdRules).
          assert.deepStrictEqual(budget.thresholdRules.map((r: { thresholdPercent: number }) => r.thresholdPercent), [0.5, 0.8, 1.0, 1.5], "budget thresholds: without 1.0 nobody hears when spend passes the estimate");
        }
      });
      it("filters on the stack's own project, whose number it looks up by id, and stays under its component", () => {
        // billing/budget.d.ts, budgetFilter.projects: "projects/{project_number}"; the number comes from
        // getProject for the stack's project id, not from whatever project the provider defaults to.
        const lookups = run.invokes.filter((i) => i.token === "gcp:organizations/getProject:getProject");
        assert.deepStrictEqual(lookups.map((i) => i.inputs.projectId), ofType(run, T.budget).map(() => config.platform.project), "getProject by the stack's project id");
        for (const b of ofType(run, T.budget)) {
          // Pulumi docs, "Resource names": the parent is part of the URN; a budget moved out of it is replaced.
          assert.ok(b.parent?.endsWith("jupyterhub-gke:lifecycle:EventBudget::budget"), `the budget's parent: ${b.parent}`);
        }
      });
      it("covers the event's own days with a margin, not a calendar month, in US dollars, named for the hub", () => {
        for (const b of ofType(run, T.budget)) {
          const budget = inputs(b);
          // The event stack runs 2027-12-06T08:00Z to 2027-12-09T08:00Z (stacks/Pulumi.event.yaml); the plan adds
          // the standby day before and after and a day for Cloud Billing's US Pacific dates (plan/lifecycle.ts).
          assert.deepStrictEqual(budget.budgetFilter.customPeriod, {
            startDate: { year: 2027, month: 12, day: 4 },
            endDate: { year: 2027, month: 12, day: 11 },
          }, "customPeriod");
          assert.strictEqual(budget.amount.specifiedAmount.currencyCode, "USD", "currencyCode");
          assert.match(budget.amount.specifiedAmount.units, /^[1-9]\d*$/, "a whole number of dollars");
          assert.strictEqual(budget.displayName, "JupyterHub hub.example.com (event)", "the budget's name in the billing console");
        }
      });
    });

    describe("the home export (Cloud Storage; GKE Workload Identity)", () => {
      it("a bucket with uniform access, public access prevented, versioning on, never force-destroyed", () => {
        const bucket = inputs(one(run, T.bucket));
        assert.strictEqual(bucket.uniformBucketLevelAccess, true, "uniform bucket-level access (CIS GCP 5.2)");
        assert.strictEqual(bucket.publicAccessPrevention, "enforced", "public access prevention");
        assert.deepStrictEqual(bucket.versioning, { enabled: true }, "versioning");
        assert.strictEqual(bucket.forceDestroy, false, "forceDestroy would delete every exported home with the stack");
      });
      it("the writer may create and read objects only, and its Kubernetes service account mounts no token", () => {
        assert.deepStrictEqual(ofType(run, T.bucketIamMember).map((m) => inputs(m).role).sort(), ["roles/storage.objectCreator", "roles/storage.objectViewer"], "bucket roles");
        const ksa = ofType(run, T.k8sServiceAccount).find((k) => k.name === "home-export-ksa");
        assert.ok(ksa, "the export's service account");
        assert.strictEqual(inputs(ksa).automountServiceAccountToken, false, "automountServiceAccountToken");
      });
    });

    describe("the home export's bucket and writer (the first mutation run of infra/components)", () => {
      it("keeps archives in the stack's region, in STANDARD storage, and deletes them after the retention days", () => {
        const bucket = inputs(one(run, T.bucket));
        // Cloud Storage docs, "Bucket locations" (a region, upper case as the API returns it) and
        // "Object Lifecycle Management" (Delete at age N days); the stack files' exportRetentionDays (30 for event).
        assert.strictEqual(bucket.location, config.platform.region.toUpperCase(), "location");
        assert.strictEqual(bucket.storageClass, "STANDARD", "storageClass");
        assert.deepStrictEqual(bucket.lifecycleRules, [{ action: { type: "Delete" }, condition: { age: config.lifecycle.exportRetentionDays } }], "lifecycleRules");
        assert.strictEqual(bucket.labels.purpose, "home-export", "purpose label");
      });
      it("lets exactly the export's Kubernetes service account act as the writer (Workload Identity)", () => {
        const bindings = ofType(run, T.serviceAccountIamMember).filter((m) => m.name === "home-export-workload-identity").map(inputs);
        assert.strictEqual(bindings.length, 1, "one Workload Identity binding for the writer");
        // GKE docs, "Authenticate to Google Cloud APIs from GKE workloads": member serviceAccount:<pool>[<namespace>/<ksa>].
        assert.strictEqual(bindings[0].role, "roles/iam.workloadIdentityUser", "role");
        assert.match(bindings[0].member, new RegExp(`^serviceAccount:${config.platform.project}\\.svc\\.id\\.goog\\[${config.hub.namespace}/[a-z0-9-]+\\]$`), "member");
        const ksa = inputs(named(run, T.k8sServiceAccount, "home-export-ksa"));
        assert.strictEqual(ksa.metadata.annotations["iam.gke.io/gcp-service-account"], `${stack}-home-export@${config.platform.project}.iam.gserviceaccount.com`, "the KSA names its Google account");
        assert.ok(bindings[0].member.endsWith(`/${ksa.metadata.name}]`), "the binding names that KSA");
      });
      it("declares the export's Kubernetes service account in the cluster, labelled, and names its writer", () => {
        // Without the stack's Kubernetes provider the account would go to whatever cluster the ambient
        // kubeconfig names, and the export Job would find none in this one.
        const [provider] = ofType(run, T.k8sProvider);
        const ksa = named(run, T.k8sServiceAccount, "home-export-ksa");
        assert.ok(ksa.provider?.startsWith(`${provider.urn}::`), `the export's account uses ${ksa.provider}, not the stack's provider`);
        assert.deepStrictEqual(inputs(ksa).metadata.labels, { "app.kubernetes.io/name": "home-export", "app.kubernetes.io/part-of": "jupyterhub-gke" }, "labels");
        const writer = ofType(run, T.serviceAccount).map(inputs).find((a) => a.accountId === `${stack}-home-export`.slice(0, 30));
        assert.ok(writer, "the writer's Google service account, its id cut to GCP's 30 characters");
        assert.strictEqual(writer.displayName, "Home directory export: writes one bucket", "displayName");
      });
    });

    describe("the package proxy (event stack: packageMode mirror; the first mutation run of infra/components)", () => {
      it("runs the proxy's source read-only with python3 -I, probed on /healthz, kept up through node drains, behind a ClusterIP Service", () => {
        if (stack !== "event") {
          // The dev stack leaves packageMode at its default, none: no repository, so no proxy.
          assert.deepStrictEqual(ofType(run, T.deployment).filter((d) => d.name.startsWith("package-proxy")), [], "no proxy without a Python repository");
          return;
        }
        const deployment = inputs(named(run, T.deployment, "package-proxy-deployment"));
        const pod = deployment.spec.template.spec;
        const [container] = pod.containers;
        // Python docs, "Command line": -I isolates from PYTHON* variables and the user site directory.
        assert.deepStrictEqual(container.command, ["python3", "-I", "/srv/package-proxy/package_proxy.py"], "command");
        assert.deepStrictEqual(container.volumeMounts, [{ name: "source", mountPath: "/srv/package-proxy", readOnly: true }], "source mount");
        assert.strictEqual(pod.volumes[0].configMap.defaultMode, 0o444, "the source is read-only to the proxy");
        // Kubernetes docs, "Configure Liveness, Readiness and Startup Probes": httpGet on the named port.
        assert.deepStrictEqual(container.readinessProbe.httpGet, { path: "/healthz", port: "http" }, "readinessProbe");
        assert.deepStrictEqual(container.livenessProbe.httpGet, { path: "/healthz", port: "http" }, "livenessProbe");
        assert.deepStrictEqual(container.ports, [{ name: "http", containerPort: 8080 }], "the proxy listens on 8080, where the NetworkPolicy admits user pods");
        assert.match(deployment.spec.template.metadata.annotations["jupyterhub-gke/source-sha256"], /^[0-9a-f]{64}$/, "a new source rolls the pods");
        // Kubernetes docs, "Pod Topology Spread Constraints": one per node where it can.
        assert.deepStrictEqual(
          pod.topologySpreadConstraints.map((c: any) => [c.maxSkew, c.topologyKey, c.whenUnsatisfiable]),
          [[1, "kubernetes.io/hostname", "ScheduleAnyway"]],
          "replicas spread over nodes",
        );
        const pdb = ofType(run, "kubernetes:policy/v1:PodDisruptionBudget").find((x) => x.name === "package-proxy-pdb");
        assert.ok(pdb, "the proxy's PodDisruptionBudget");
        assert.strictEqual(inputs(pdb).spec.minAvailable, 1, "a node upgrade never drains every proxy at once");
        const service = inputs(named(run, T.service, "package-proxy-service")).spec;
        assert.deepStrictEqual({ type: service.type, ports: service.ports }, { type: "ClusterIP", ports: [{ name: "http", port: 80, targetPort: "http" }] }, "Service");
        const account = inputs(named(run, T.k8sServiceAccount, "package-proxy-sa"));
        assert.strictEqual(account.automountServiceAccountToken, false, "the proxy's account mounts no Kubernetes token");
        assert.strictEqual(account.metadata.annotations["iam.gke.io/gcp-service-account"], `event-pkg-proxy@${config.platform.project}.iam.gserviceaccount.com`, "Workload Identity");
      });
    });

    describe("the package registry (Artifact Registry, Cloud DNS; the first mutation run of registry.ts)", () => {
      const stackLabels = { "jupyterhub-gke-stack": stack, "managed-by": "pulumi" };
      const registryChildren = () => {
        const component = named(run, "jupyterhub-gke:registry:PackageRegistry", "registry");
        return run.resources.filter((r) => r.parent === component.urn);
      };
      it("describes and labels each repository for whoever reads the console, with the upstream it mirrors", () => {
        // artifactregistry/repository.d.ts: description, labels, remoteRepositoryConfig.description; the
        // event stack mirrors PyPI (packageMode mirror), the dev stack has no Python repository (none).
        const repositories = ofType(run, T.artifactRegistryRepository).map((r) => [r.name, inputs(r)]);
        const quay = [`registry-${stack}-quay-io`, {
          project: config.platform.project, location: config.platform.region, repositoryId: `${stack}-quay-io`, format: "DOCKER", mode: "REMOTE_REPOSITORY",
          description: "quay.io through Artifact Registry, for the user image (image streaming)",
          remoteRepositoryConfig: { description: "quay.io", commonRepository: { uri: "https://quay.io" } },
          labels: stackLabels,
        }];
        const pypi = ["registry-python", {
          project: config.platform.project, location: config.platform.region, repositoryId: "event-pypi", format: "PYTHON", mode: "REMOTE_REPOSITORY",
          description: "PyPI through Artifact Registry, for the hub's users (read through the package proxy)",
          remoteRepositoryConfig: { description: "PyPI", pythonRepository: { publicRepository: "PYPI" } },
          labels: stackLabels,
        }];
        assert.deepStrictEqual(repositories.sort(), (stack === "event" ? [pypi, quay] : [quay]).sort(), "repositories");
      });
      it("describes and labels the private pkg.dev zone, named for the stack, and keeps its records 5 minutes", () => {
        const zone = inputs(named(run, T.managedZone, "registry-pkg-dev"));
        assert.deepStrictEqual([zone.name, zone.description, zone.labels], [`${stack}-pkg-dev`, "pkg.dev on Google's restricted VIP, for this VPC only", stackLabels], "zone");
        // Cloud DNS, "Private zones": visible only to the networks listed; a public zone would send every
        // resolver on the internet to the VIP, and the VPC's own resolution would not use it.
        assert.deepStrictEqual([zone.visibility, zone.privateVisibilityConfig], ["private", { networks: [{ networkUrl: inputs(one(run, T.cluster)).network }] }], "private to the stack's VPC");
        // 300 s is the program's own choice (no upstream value): a changed record reaches the nodes within 5 minutes.
        const records = ofType(run, T.recordSet).filter((r) => r.name.startsWith("registry-pkg-dev-"));
        // restricted.googleapis.com is 199.36.153.4/30 (VPC Service Controls, "Set up private connectivity").
        assert.deepStrictEqual(records.map((r) => [r.name, inputs(r).ttl, inputs(r).project, inputs(r).rrdatas]).sort(), [
          ["registry-pkg-dev-a", 300, config.platform.project, ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"]],
          ["registry-pkg-dev-cname", 300, config.platform.project, ["pkg.dev."]],
        ], "records");
      });
      it("gives the proxy an account that says what it is for, reading the Python repository in its region", () => {
        const accounts = ofType(run, T.serviceAccount).filter((a) => a.name === "registry-proxy");
        const grants = ofType(run, T.artifactRegistryIamMember).filter((g) => g.name === "registry-proxy-read");
        if (stack !== "event") {
          assert.deepStrictEqual([accounts, grants], [[], []], "no proxy without a Python repository");
          return;
        }
        assert.deepStrictEqual(inputs(accounts[0]), {
          project: config.platform.project, accountId: "event-pkg-proxy", displayName: "Package proxy: reads the event's Python repository, nothing else",
        }, "the proxy's account");
        assert.deepStrictEqual(inputs(grants[0]), {
          project: config.platform.project, location: config.platform.region, repository: "event-pypi", role: "roles/artifactregistry.reader",
          member: `serviceAccount:event-pkg-proxy@${config.platform.project}.iam.gserviceaccount.com`,
        }, "the proxy's read grant");
        assert.ok(dependsOn(grants[0], named(run, T.artifactRegistryRepository, "registry-python")), "granted once the repository exists");
      });
      it("keeps every repository, grant, account, zone and record under the registry component", () => {
        // Pulumi docs, "Resource names": the parent is part of the URN; a child moved out of it is replaced,
        // and a replaced repository loses every package it cached.
        const expected = [
          `registry-${stack}-quay-io`, `registry-nodes-read-${stack}-quay-io`, "registry-pkg-dev", "registry-pkg-dev-a", "registry-pkg-dev-cname",
          ...(stack === "event" ? ["registry-python", "registry-proxy", "registry-proxy-read", "registry-proxy-workload-identity"] : []),
        ];
        assert.deepStrictEqual(registryChildren().map((r) => r.name).sort(), expected.sort(), "the registry's children");
      });
    });

    describe("the hub's namespace and the placeholder calendar", () => {
      it("the namespace enforces, warns and audits the restricted Pod Security Standard", () => {
        // Kubernetes docs, "Pod Security Admission": labels pod-security.kubernetes.io/<mode>: <level>.
        const labels = inputs(named(run, T.namespace, "hub-namespace")).metadata.labels;
        for (const mode of ["enforce", "warn", "audit"]) assert.strictEqual(labels[`pod-security.kubernetes.io/${mode}`], "restricted", `pod-security ${mode}`);
      });
      it("one calendar at a time, non-root on the core pool, its token only in its pod", () => {
        const deployment = inputs(named(run, T.deployment, "hub-placeholder-calendar-deployment"));
        // Kubernetes docs, Deployment strategy: RollingUpdate briefly runs old and new pods side by side,
        // and two calendars would patch the placeholders' scale against each other.
        assert.deepStrictEqual(deployment.spec.strategy, { type: "Recreate" }, "strategy");
        const pod = deployment.spec.template.spec;
        assert.strictEqual(pod.securityContext.runAsNonRoot, true, "runAsNonRoot");
        assert.deepStrictEqual(pod.nodeSelector, { "hub.jupyter.org/node-purpose": "core" }, "the calendar runs among core pods, not users'");
        assert.strictEqual(pod.automountServiceAccountToken, true, "the pod asks for its token explicitly");
        const account = ofType(run, T.k8sServiceAccount).find((k) => k.name === "hub-placeholder-calendar-account");
        assert.ok(account, "the calendar's service account");
        assert.strictEqual(inputs(account).automountServiceAccountToken, false, "no other pod using the account gets a token");
      });
      it("may only read and patch the scale of Z2JH's user-placeholder StatefulSet", () => {
        // Z2JH 4.4.0 templates/scheduling/user-placeholder/statefulset.yaml names it user-placeholder;
        // Kubernetes RBAC: resourceNames limits the rule to that object, the scale subresource to its size.
        assert.deepStrictEqual(inputs(named(run, T.k8sRole, "hub-placeholder-calendar-role")).rules, [
          { apiGroups: ["apps"], resources: ["statefulsets/scale"], resourceNames: ["user-placeholder"], verbs: ["get", "patch"] },
        ], "calendar role");
      });
      it("its NetworkPolicy isolates ingress and egress", () => {
        const spec = inputs(named(run, T.networkPolicy, "hub-placeholder-calendar-netpol")).spec;
        // Kubernetes docs, NetworkPolicy: egress is isolated only when policyTypes lists Egress.
        assert.deepStrictEqual(spec.policyTypes, ["Ingress", "Egress"], "policyTypes");
        assert.deepStrictEqual(spec.ingress, [], "no ingress");
      });
      // Kubernetes docs, "Recommended Labels": app.kubernetes.io/name and part-of; the pod selector, the
      // Deployment's selector and the NetworkPolicy's podSelector must all select the same pods.
      const calendarLabels = { "app.kubernetes.io/name": "placeholder-calendar", "app.kubernetes.io/part-of": "jupyterhub" };
      const calendarObjects = [
        [T.k8sServiceAccount, "account"], [T.k8sRole, "role"], [T.k8sRoleBinding, "binding"],
        [T.configMap, "config"], [T.networkPolicy, "netpol"], [T.deployment, "deployment"],
      ] as const;
      it("names every calendar object placeholder-calendar in the hub's namespace, labelled as its pod, under its component", () => {
        // The pod spec names its account and ConfigMap placeholder-calendar (infra/plan/placeholderCalendar.ts),
        // and the RoleBinding its Role and account by that name.
        for (const [type, role] of calendarObjects) {
          const r = named(run, type, `hub-placeholder-calendar-${role}`);
          assert.deepStrictEqual(inputs(r).metadata, { name: "placeholder-calendar", namespace: config.hub.namespace, labels: calendarLabels }, `${role} metadata`);
          assert.ok(r.parent?.endsWith("jupyterhub-gke:hub:PlaceholderCalendar::hub-placeholder-calendar"), `${role}'s parent: ${r.parent}`);
        }
      });
      it("binds the scale-only Role to the calendar's own account, and to nothing else", () => {
        // Kubernetes RBAC, RoleBinding: roleRef apiGroup rbac.authorization.k8s.io, kind Role; a ServiceAccount
        // subject names its namespace.
        const binding = inputs(named(run, T.k8sRoleBinding, "hub-placeholder-calendar-binding"));
        assert.deepStrictEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "placeholder-calendar" }, "roleRef");
        assert.deepStrictEqual(binding.subjects, [{ kind: "ServiceAccount", name: "placeholder-calendar", namespace: config.hub.namespace }], "subjects");
      });
      it("ships the plan's calendar for the hub's namespace and the script the pod runs", () => {
        const data = inputs(named(run, T.configMap, "hub-placeholder-calendar-config")).data;
        assert.deepStrictEqual(Object.keys(data).sort(), ["calendar.json", "placeholder_calendar.py"], "ConfigMap keys");
        // The shipped script, byte for byte (infra/files/scaler/placeholder_calendar.py).
        assert.strictEqual(data["placeholder_calendar.py"], fs.readFileSync(path.join(__dirname, "../../infra/files/scaler/placeholder_calendar.py"), "utf8"), "the script");
        const calendar = JSON.parse(data["calendar.json"]);
        // Z2JH 4.4.0 templates/scheduling/user-placeholder/statefulset.yaml: the StatefulSet user-placeholder, in the release's namespace.
        assert.deepStrictEqual([calendar.namespace, calendar.statefulSet], [config.hub.namespace, "user-placeholder"], "what the calendar scales");
        assert.ok(calendar.windows.length > 0, "the plan's windows");
      });
      it("runs one pod, selected by its labels, started only once its script and its permission exist", () => {
        const deployment = named(run, T.deployment, "hub-placeholder-calendar-deployment");
        const spec = inputs(deployment).spec;
        assert.strictEqual(spec.replicas, 1, "one writer of the placeholders' count");
        assert.deepStrictEqual(spec.selector, { matchLabels: calendarLabels }, "selector");
        assert.deepStrictEqual(spec.template.metadata, { labels: calendarLabels }, "pod labels");
        // Without the ConfigMap the pod cannot mount its script; without the RoleBinding its first patch is
        // refused (403) and it restarts until the binding exists.
        for (const needed of ["config", "binding"] as const) {
          const r = named(run, needed === "config" ? T.configMap : T.k8sRoleBinding, `hub-placeholder-calendar-${needed}`);
          assert.ok(dependsOn(deployment, r), `the Deployment waits for its ${needed}`);
        }
      });
    });

    describe("the hub's release and Secret (Helm; Kubernetes Secret types)", () => {
      it("rolls a failed upgrade back, removes what it made, keeps five revisions, waits 15 minutes for the pre-puller", () => {
        const release = inputs(one(run, T.helmRelease));
        // Helm docs, "helm upgrade": --atomic rolls back on failure, --cleanup-on-fail deletes the new
        // resources of a failed upgrade, --history-max limits kept revisions (each a Secret with all values).
        assert.deepStrictEqual(
          { name: release.name, atomic: release.atomic, cleanupOnFail: release.cleanupOnFail, maxHistory: release.maxHistory, timeout: release.timeout },
          { name: "jupyterhub", atomic: true, cleanupOnFail: true, maxHistory: 5, timeout: 900 },
          "release options (Z2JH administrator/optimization.md advises at least 10 minutes for the pre-puller)",
        );
      });
      it("keeps the hub's keys in an Opaque Secret", () => {
        // Kubernetes docs, "Secrets", types: Opaque is arbitrary user data; other types validate their keys.
        assert.strictEqual(inputs(named(run, T.secret, "hub-secret")).type, "Opaque", "Secret type");
      });
    });

    describe("the chart's values (Z2JH 4.4.0 values.yaml and schema)", () => {
      let values: any;
      before(() => { values = inputs(one(run, T.helmRelease)).values; });
      it("KubeSpawner: no user config, no service account token", () => {
        assert.strictEqual(values.hub.config.KubeSpawner.disable_user_config, true, "disable_user_config");
        assert.strictEqual(values.hub.config.KubeSpawner.automount_service_account_token, false, "automount_service_account_token");
      });
      it("user containers: non-root uid 1000, no privilege escalation, every capability dropped, RuntimeDefault seccomp", () => {
        // Kubernetes Pod Security Standards, "Restricted".
        assert.deepStrictEqual(values.hub.config.KubeSpawner.container_security_context, {
          runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" },
        }, "container_security_context");
        assert.strictEqual(values.singleuser.allowPrivilegeEscalation, false, "singleuser.allowPrivilegeEscalation");
        assert.deepStrictEqual(values.singleuser.cloudMetadata, { blockWithIptables: false }, "the iptables init container runs privileged; the NetworkPolicy blocks the metadata server instead");
      });
      it("starts the server with python3 -I (isolated mode: no user site-packages, no PYTHON* env)", () => {
        assert.deepStrictEqual(values.singleuser.cmd, ["python3", "-I", "-m", "jupyterhub.singleuser"], "singleuser.cmd");
      });
      it("the shell-escape guard's and pip's and conda's files are read-only (0444)", () => {
        const files = Object.entries(values.singleuser.extraFiles as Record<string, { mode: number }>);
        assert.deepStrictEqual(files.map(([k]) => k).sort(), ["conda-config", "ipython-config", "ipython-refuse-shell-escapes", "pip-config"], "extraFiles");
        for (const [k, f] of files) assert.strictEqual(f.mode, 0o444, `${k}: mode`);
      });
      it("the proxy is a ClusterIP service behind the Gateway, without its own TLS", () => {
        assert.deepStrictEqual(values.proxy.service, { type: "ClusterIP" }, "a LoadBalancer proxy would bypass Cloud Armor and the TLS policy");
        assert.deepStrictEqual(values.proxy.https, { enabled: false }, "proxy.https");
      });
      it("culls idle servers but never users, and keeps admins' servers culled too", () => {
        // Z2JH 4.4.0 values.yaml cull: users false (culling users deletes them), removeNamedServers false.
        const { enabled, users, adminUsers, removeNamedServers } = values.cull;
        assert.deepStrictEqual({ enabled, users, adminUsers, removeNamedServers }, { enabled: true, users: false, adminUsers: true, removeNamedServers: false }, "cull");
      });
      it("requires node purpose for core and user pods, pod priority on, homes on dynamic volumes, continuous pre-pulling", () => {
        assert.deepStrictEqual(values.scheduling.corePods, { nodeAffinity: { matchNodePurpose: "require" } }, "corePods");
        assert.deepStrictEqual(values.scheduling.userPods, { nodeAffinity: { matchNodePurpose: "require" } }, "userPods");
        assert.deepStrictEqual(values.scheduling.podPriority, { enabled: true }, "podPriority: placeholders must be preemptible");
        assert.strictEqual(values.singleuser.storage.type, "dynamic", "storage type: none loses every home at pod stop");
        assert.deepStrictEqual(values.prePuller.continuous, { enabled: true }, "continuous pre-puller");
      });
    });
  });
}

describe("the kubeconfig the program's Kubernetes provider uses (client-go credential plugins)", () => {
  it("is one context on the DNS endpoint, authenticated by gke-gcloud-auth-plugin with the cluster's info, and says how to install the plugin", () => {
    // Kubernetes docs, "Client-go credential plugins": users[].user.exec with apiVersion
    // client.authentication.k8s.io/v1beta1; provideClusterInfo passes the cluster to the plugin;
    // installHint is what kubectl prints when the command is missing. GKE docs, "Install kubectl and
    // configure cluster access": the plugin is gke-gcloud-auth-plugin.
    assert.deepStrictEqual(JSON.parse(dnsEndpointKubeconfig("gke-0123.us-central1.gke.goog")), {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "gke", cluster: { server: "https://gke-0123.us-central1.gke.goog" } }],
      contexts: [{ name: "gke", context: { cluster: "gke", user: "gke" } }],
      "current-context": "gke",
      users: [{
        name: "gke",
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "gke-gcloud-auth-plugin",
            provideClusterInfo: true,
            args: ["--use_application_default_credentials"],
            installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
          },
        },
      }],
    }, "kubeconfig");
  });
});
