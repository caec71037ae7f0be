// SLOW: starts the real configurable-http-proxy and waits out idle timeouts.
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as http from "http";
import * as net from "net";
import { AddressInfo } from "net";
import { readShippedFiles } from "../../infra/files";
import { planAll } from "../../infra/plan";
import { buildChartValues } from "../../infra/plan/chart";
import { loadStackConfig } from "../support/stacks";

// The real configurable-http-proxy at the version Z2JH 4.4.0's proxy image runs (values.yaml
// proxy.chp.image.tag "5.2.0"; npm devDependency pinned to it), started with the flags our chart values
// append (Z2JH 4.4.0 templates/proxy/deployment.yaml adds `proxy.chp.extraCommandLineFlags` to its command).
// Google's Application Load Balancer keeps its connections to backends open for 600 s and expects backends
// to keep them longer; CHP closes an idle one after 5 s unless told otherwise (lib/configproxy.js at 5.2.0,
// `keepAliveTimeout || 5000`), and a request the load balancer sends on a connection CHP is closing ends as
// a 502. So the test holds a connection idle past CHP's default and sends a second request on it.

const chpBin = require.resolve("configurable-http-proxy/bin/configurable-http-proxy");
/** Longer than CHP's 5 s default by a margin that survives a loaded test machine. */
const idleMs = 6_500;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startChp(flags: readonly string[], target: number): Promise<{ proc: ChildProcess; port: number }> {
  const [port, apiPort] = [await freePort(), await freePort()];
  const proc = spawn(process.execPath, [
    chpBin, "--ip", "127.0.0.1", "--port", String(port), "--api-ip", "127.0.0.1", "--api-port", String(apiPort),
    "--default-target", `http://127.0.0.1:${target}`, "--log-level", "error", ...flags,
  ], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, CONFIGPROXY_AUTH_TOKEN: "test-token" } });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => { s.destroy(); resolve(true); });
      s.once("error", () => resolve(false));
    });
    if (up) return { proc, port };
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`configurable-http-proxy did not start (flags ${flags.join(" ")})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sends two keep-alive requests on one socket, `idleMs` apart; true if the second is answered. */
async function secondRequestAnswered(port: number): Promise<boolean> {
  const socket = net.connect(port, "127.0.0.1");
  let received = "";
  let closed = false;
  socket.on("data", (d) => { received += d.toString(); });
  socket.on("close", () => { closed = true; });
  socket.on("error", () => { closed = true; });
  const request = "GET /hub/health HTTP/1.1\r\nHost: hub.example.com\r\nConnection: keep-alive\r\n\r\n";
  const responses = () => (received.match(/HTTP\/1\.1 200/g) ?? []).length;
  const waitFor = async (n: number, ms: number) => {
    const end = Date.now() + ms;
    while (responses() < n && !closed && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  };
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  socket.write(request);
  await waitFor(1, 5_000);
  assert.strictEqual(responses(), 1, "the proxy did not answer the first request");
  await new Promise((r) => setTimeout(r, idleMs));
  if (closed) return false;
  socket.write(request);
  await waitFor(2, 5_000);
  socket.destroy();
  return responses() === 2;
}

describe("the proxy's keep-alive, run on the real configurable-http-proxy 5.2.0", function () {
  this.timeout(60_000);
  let backend: http.Server;
  let backendPort: number;
  const procs: ChildProcess[] = [];

  before(async () => {
    backend = http.createServer((_req, res) => res.end("ok"));
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", () => resolve()));
    backendPort = (backend.address() as AddressInfo).port;
  });
  after(() => {
    procs.forEach((p) => p.kill());
    backend.close();
  });

  it("keeps an idle connection from the load balancer open past CHP's 5 s default with the stack's flags", async () => {
    const config = loadStackConfig("event");
    const flags = buildChartValues(config, planAll(config), readShippedFiles(), { secretName: "s" }).proxy.chp.extraCommandLineFlags;
    const [withFlags, chartDefault] = await Promise.all([startChp(flags, backendPort), startChp([], backendPort)]);
    procs.push(withFlags.proc, chartDefault.proc);
    const [answered, answeredByDefault] = await Promise.all([
      secondRequestAnswered(withFlags.port),
      secondRequestAnswered(chartDefault.port),
    ]);
    // The control shows the test can see the failure: without the flags, CHP has closed the connection.
    assert.strictEqual(answeredByDefault, false, "CHP without flags kept the connection: the test cannot tell the flag's effect");
    assert.strictEqual(answered, true, `CHP with ${flags.join(" ")} closed an idle connection within ${idleMs} ms`);
  });
});
