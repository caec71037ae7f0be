// The pure helpers the policies are built from: CIDR arithmetic, property reading with unknowns, image
// and version pinning, host coverage, pool sizes, firewall ports, literal secrets.

import * as assert from "assert";
import { contains, isWholeInternet, parseCidr, reaches, type Range } from "../../policy-pack/policies/cidr";
import { checkSettings, get, isTrue, list, plain, show, UNKNOWN } from "../../policy-pack/policies/core";
import { matchesPattern, poolMaximum, poolZones } from "../../policy-pack/policies/gke/pools";
import { imageKeyProblem, pinnedChartVersion } from "../../policy-pack/policies/jupyterhub/images";
import { literalSecrets } from "../../policy-pack/policies/jupyterhub/secrets";
import { publicLoadBalancer, unpinnedImage } from "../../policy-pack/policies/kubernetesFacts";
import { coversPort, openedAdminPorts } from "../../policy-pack/policies/network";
import { covers, hostOf } from "../../policy-pack/policies/stack/hostnames";
import { unknownCheckingProxy } from "../../policy-pack/sdk";
import { UNKNOWN_STRING } from "./support";

const range = (cidr: string) => parseCidr(cidr) as Range;

describe("policy helpers: CIDRs", () => {
  it("parses IPv4 CIDRs to their first and last address", () => {
    assert.deepStrictEqual(parseCidr("10.1.2.3/8"), { text: "10.0.0.0/8", first: 10 * 2 ** 24, last: 11 * 2 ** 24 - 1, prefix: 8 });
    assert.deepStrictEqual(parseCidr("169.254.169.254"), { text: "169.254.169.254/32", first: 2852039166, last: 2852039166, prefix: 32 });
    for (const bad of ["10.0.0.0/33", "256.0.0.0/8", "10.0.0/8", "::/0", "10.0.0.0/8/1", "10.0.0.0/x", "01.0.0.0/8"]) {
      assert.strictEqual(parseCidr(bad), undefined, bad);
    }
  });

  it("knows the whole internet in either family", () => {
    assert.deepStrictEqual(["0.0.0.0/0", "::/0", " 0.0.0.0/0 ", "10.0.0.0/8", "0.0.0.0/1"].map(isWholeInternet), [true, true, true, false, false]);
  });

  it("says whether a block minus its exceptions reaches a target", () => {
    const metadata = range("169.254.169.254/32");
    assert.strictEqual(reaches(range("0.0.0.0/0"), [], metadata), true);
    assert.strictEqual(reaches(range("0.0.0.0/0"), [range("169.254.0.0/16")], metadata), false);
    assert.strictEqual(reaches(range("203.0.113.0/24"), [], metadata), false);
    // Partly excepted is still reachable.
    assert.strictEqual(reaches(range("0.0.0.0/0"), [range("10.0.0.0/9")], range("10.0.0.0/8")), true);
    assert.strictEqual(contains(range("10.0.0.0/8"), range("10.1.0.0/16")), true);
    assert.strictEqual(contains(range("10.1.0.0/16"), range("10.0.0.0/8")), false);
  });
});

describe("policy helpers: reading properties", () => {
  it("reads paths, tells absent from unknown, and takes array paths for dotted keys", () => {
    const props = { a: { b: [1, 2], "x.y": true }, u: UNKNOWN_STRING };
    assert.deepStrictEqual(get(props, "a.b"), [1, 2]);
    assert.strictEqual(get(props, ["a", "x.y"]), true);
    assert.strictEqual(get(props, "a.c.d"), undefined);
    assert.strictEqual(get(props, "u"), UNKNOWN);
    assert.strictEqual(get(props, "u.deeper"), UNKNOWN);
    assert.strictEqual(list(get(props, "u")), UNKNOWN);
    assert.deepStrictEqual(list(get(props, "missing")), []);
  });

  it("reads through the engine's proxy without tripping on unknown values", () => {
    const proxied = unknownCheckingProxy({ known: { mode: "GKE_METADATA" }, pending: UNKNOWN_STRING });
    assert.throws(() => proxied.pending, /can't be known during preview/);
    const target = plain(proxied);
    assert.strictEqual(get(target, "known.mode"), "GKE_METADATA");
    assert.strictEqual(get(target, "pending"), UNKNOWN);
  });

  it("skips unknown settings and reports the rest with what to set", () => {
    const settings = [{ path: "a", ok: isTrue, fix: "true", requirement: "A must be on" }];
    assert.deepStrictEqual(checkSettings({ a: UNKNOWN_STRING }, settings), []);
    assert.deepStrictEqual(checkSettings({}, settings, "nodeConfig"), ["A must be on: set nodeConfig.a to true (found: not set)."]);
    assert.strictEqual(show("x".repeat(100)).length, 80);
  });
});

describe("policy helpers: GKE pools", () => {
  it("matches machine-type patterns", () => {
    assert.ok(matchesPattern("n2-highmem-8", "n2-highmem-*"));
    assert.ok(!matchesPattern("n2d-highmem-8", "n2-highmem-*"));
    assert.ok(!matchesPattern("e2-medium", "e2-standard-*"));
    assert.ok(matchesPattern("a.b", "a.b") && !matchesPattern("axb", "a.b"));
  });

  it("counts a pool's zones and its largest size", () => {
    assert.strictEqual(poolZones({ location: "us-central1" }), 3);
    assert.strictEqual(poolZones({ location: "us-central1-a" }), 1);
    assert.strictEqual(poolZones({ location: "us-central1", nodeLocations: ["us-central1-a", "us-central1-b"] }), 2);
    assert.deepStrictEqual(poolMaximum({ autoscaling: { totalMaxNodeCount: 45 }, initialNodeCount: 3, location: "us-central1" }), { nodes: 45, path: "autoscaling.totalMaxNodeCount" });
    assert.deepStrictEqual(poolMaximum({ autoscaling: { maxNodeCount: 10 }, location: "us-central1" }), { nodes: 30, path: "autoscaling.maxNodeCount" });
    assert.deepStrictEqual(poolMaximum({ nodeCount: 4, location: "us-central1-a" }), { nodes: 4, path: "nodeCount" });
    assert.strictEqual(poolMaximum({ autoscaling: { totalMaxNodeCount: UNKNOWN_STRING } }), UNKNOWN);
    assert.strictEqual(poolMaximum({}), undefined);
  });
});

describe("policy helpers: network and edge", () => {
  it("finds admin ports in firewall allows", () => {
    assert.ok(coversPort([], 22));
    assert.ok(coversPort(["20-23"], 22) && coversPort([22], 22) && !coversPort(["80", "443"], 22));
    assert.deepStrictEqual(openedAdminPorts([{ protocol: "tcp", ports: ["22", "443"] }, { protocol: "icmp" }]), [22]);
    assert.strictEqual(openedAdminPorts([{ protocol: "tcp", ports: UNKNOWN_STRING }]), UNKNOWN);
    assert.strictEqual((openedAdminPorts([{ protocol: "all" }]) as number[]).length, 15);
  });

  it("matches hosts against certificate and DNS names", () => {
    assert.strictEqual(hostOf("https://Hub.Example.com:443/hub/"), "hub.example.com");
    assert.strictEqual(hostOf("hub.example.com."), "hub.example.com");
    assert.ok(covers("*.hub.example.com", "alice.hub.example.com"));
    assert.ok(covers("*.hub.example.com.", "*.hub.example.com"));
    assert.ok(!covers("*.hub.example.com", "a.b.hub.example.com"));
    assert.ok(!covers("*.hub.example.com", "hub.example.com"));
    assert.ok(covers("hub.example.com.", "hub.example.com"));
    // The program's certificate rule (infra/plan/hostnames.ts): whole left-most label only, LDH hosts only.
    assert.ok(!covers("a*.hub.example.com", "ann.hub.example.com"));
    assert.ok(!covers("*.hub.example.com", "a_b.hub.example.com"));
  });

  it("knows an open load balancer", () => {
    assert.ok(publicLoadBalancer("LoadBalancer", undefined, undefined));
    assert.ok(publicLoadBalancer("LoadBalancer", ["0.0.0.0/0"], {}));
    assert.ok(!publicLoadBalancer("LoadBalancer", ["203.0.113.0/24"], {}));
    assert.ok(!publicLoadBalancer("LoadBalancer", [], { "networking.gke.io/load-balancer-type": "Internal" }));
    assert.ok(!publicLoadBalancer("ClusterIP", [], {}));
  });
});

describe("policy helpers: JupyterHub values", () => {
  it("tells pinned images and chart versions from moving ones", () => {
    assert.strictEqual(unpinnedImage("quay.io/jupyterhub/k8s-hub:4.4.0"), undefined);
    assert.strictEqual(unpinnedImage(`quay.io/x@sha256:${"0".repeat(64)}`), undefined);
    assert.strictEqual(unpinnedImage("localhost:5000/x"), "has no tag");
    assert.strictEqual(unpinnedImage("x:LATEST"), 'uses the moving tag "LATEST"');
    assert.strictEqual(imageKeyProblem(undefined, "4.4.0"), undefined);
    assert.strictEqual(imageKeyProblem("x", undefined), "overrides the image name without a tag");
    assert.strictEqual(imageKeyProblem(undefined, ""), "has an empty tag");
    assert.deepStrictEqual(["4.4.0", "v1.2.3-rc.1", "^4.0.0", "4.x", "", undefined].map(pinnedChartVersion), [true, true, false, false, false, false]);
  });

  it("lists secrets written into values, not references to them", () => {
    const values = {
      hub: {
        cookieSecret: "abc",
        existingSecret: "hub-secret",
        db: { password: "" },
        services: { grader: { apiToken: "t" } },
        config: { GenericOAuthenticator: { client_id: "id", client_secret: "s" } },
        extraEnv: [{ name: "API_TOKEN", value: "t" }, { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }, { name: "MODE", value: "x" }],
      },
    };
    assert.deepStrictEqual(literalSecrets(values).sort(), [
      "hub.config.GenericOAuthenticator.client_secret",
      "hub.cookieSecret",
      "hub.extraEnv[0].value",
      "hub.services.grader.apiToken",
    ]);
  });
});
