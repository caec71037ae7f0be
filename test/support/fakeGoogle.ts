import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { googleAuthLibrary } from "google-gax";
import { StackFootprint } from "../../infra/tools/leftovers";

// A loopback server that answers Google's client libraries (@google-cloud/compute, @google-cloud/storage)
// with recorded API responses (test/fixtures/gcp-api, shapes from the API references), for the leftover
// check (test/ops/leftovers.test.ts) and the destroy's own resources (test/components/teardown.test.ts).

const fixtures = path.join(__dirname, "..", "fixtures", "gcp-api");
export const project = "jupyterhub-event-example";
export const footprint: StackFootprint = { project, namePrefix: "event", namespace: "jupyterhub", stackLabel: "event", network: "network-vpc-4d5e6f7", region: "us-central1" };

const routes: Record<string, string> = {
  [`/compute/v1/projects/${project}/aggregated/disks`]: "disks-aggregated-page1.json",
  [`/compute/v1/projects/${project}/aggregated/disks?pageToken=CkQKQgoWdXMtY2VudHJhbDEtYg`]: "disks-aggregated-page2.json",
  [`/compute/v1/projects/${project}/global/snapshots`]: "snapshots.json",
  [`/compute/v1/projects/${project}/global/addresses`]: "global-addresses.json",
  [`/compute/v1/projects/${project}/aggregated/addresses`]: "addresses-aggregated.json",
  [`/compute/v1/projects/${project}/global/forwardingRules`]: "global-forwarding-rules.json",
  [`/compute/v1/projects/${project}/aggregated/forwardingRules`]: "forwarding-rules-aggregated.json",
  [`/compute/v1/projects/${project}/aggregated/networkEndpointGroups`]: "negs-aggregated.json",
  [`/compute/v1/projects/${project}/global/backendServices`]: "backend-services.json",
  [`/compute/v1/projects/${project}/global/securityPolicies`]: "security-policies.json",
  [`/compute/v1/projects/${project}/global/firewalls`]: "firewalls.json",
  [`/storage/v1/b?project=${project}`]: "buckets.json",
  [`/v1/projects/${project}/locations/us-central1/repositories`]: "ar-repositories-page1.json",
  [`/v1/projects/${project}/locations/us-central1/repositories?pageToken=CiNldmVudC1xdWF5LWlv`]: "ar-repositories-page2.json",
};

/** Serves the fixtures; `empty` answers every list as an empty project would. */
export async function fakeGoogle(state: { empty: boolean }): Promise<{ port: number; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    res.setHeader("content-type", "application/json");
    // Deleting a firewall rule answers with a running operation; GlobalOperations.wait then reports it done
    // (Compute API: firewalls.delete, globalOperations.wait; the Operation resource's status field).
    const del = /^\/compute\/v1\/projects\/[^/]+\/global\/firewalls\/([^/?]+)$/.exec(url.pathname);
    const wait = /^\/compute\/v1\/projects\/[^/]+\/global\/operations\/([^/?]+)\/wait$/.exec(url.pathname);
    if ((req.method === "DELETE" && del) || (req.method === "POST" && wait)) {
      requests.push(`${req.method} ${url.pathname}`);
      const name = del ? `operation-delete-${del[1]}` : wait![1];
      res.end(JSON.stringify({ kind: "compute#operation", name, operationType: "delete", status: del ? "RUNNING" : "DONE", progress: del ? 0 : 100 }));
      return;
    }
    // The libraries add their own parameters (alt, prettyPrint, returnPartialSuccess): match on the rest.
    for (const p of ["alt", "prettyPrint", "returnPartialSuccess", "$alt"]) url.searchParams.delete(p);
    const key = url.pathname + (url.search ? url.search : "");
    requests.push(key);
    const file = routes[key];
    res.setHeader("content-type", "application/json");
    if (!file) {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { code: 404, message: `no fixture for ${key}` } }));
      return;
    }
    res.end(state.empty ? JSON.stringify({ kind: "list" }) : fs.readFileSync(path.join(fixtures, file)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export function clientOptions(port: number) {
  // No credentials: google-gax's REST transport with an auth client that adds none (google-auth-library's
  // PassThroughClient), and Cloud Storage's custom endpoint, which sends none by default.
  const { PassThroughClient } = googleAuthLibrary;
  return {
    compute: { apiEndpoint: "127.0.0.1", port, protocol: "http", authClient: new PassThroughClient() },
    storage: { apiEndpoint: `http://127.0.0.1:${port}` },
    // Artifact Registry's REST method, called with the Compute client's auth (here the PassThroughClient).
    artifactRegistry: `http://127.0.0.1:${port}`,
  };
}
