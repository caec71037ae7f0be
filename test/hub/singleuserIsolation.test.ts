// SLOW: starts a real JupyterHub and single-user jupyter_server processes.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { readShippedFiles } from "../../infra/files";
import { planAll } from "../../infra/plan";
import { buildChartValues } from "../../infra/plan/chart";
import { loadStackConfig } from "../support/stacks";
import { chartDefaultsPath } from "../support/chartSchema";
import { removeScratchDirs, requirePythonModule, runPython, scratchDir } from "./python";

// "Terminals stay off" against a user who plants start-up files in their own (persistent) home: a real
// JupyterHub starts real single-user servers with the command line the values give KubeSpawner, and the
// terminals API is asked whether it exists (singleuser_isolation_driver.py says how).
//
// Here: Debian's JupyterHub 3.0 and jupyter_server 1.23 on Python 3.11; in the cluster: JupyterHub 5.5 and
// jupyter_server 2 on Python 3.12 (Z2JH 4.4.0 images/singleuser-sample). What is under test does not
// differ between them: which files Python's own start-up (site.py) and `-m` put in front of the server's
// code, decided by the interpreter's flags before any Jupyter code runs; and that a CLI flag turns
// terminals off (jupyter_server's ServerApp.terminals_enabled, honoured by 1.23's built-in terminals and
// by jupyter_server_terminals under 2.x). The kernel check uses the server's own kernel manager.

interface ServerReport {
  terminals: number;
  pth: string[][];
  shim: boolean;
  kernelStarted: boolean;
}

const chartDefaultCmd = (YAML.parse(fs.readFileSync(chartDefaultsPath, "utf8")) as { singleuser: { cmd: string } }).singleuser.cmd;

function isKernel(cmdline: readonly string[]): boolean {
  return cmdline.includes("ipykernel_launcher");
}

describe("terminals stay off whatever a user writes into their home", function () {
  this.timeout(150_000);
  const config = loadStackConfig("event");
  const values = buildChartValues(config, planAll(config), readShippedFiles(), { secretName: "s" });
  // What the chart would run: our cmd, or the chart's own default when the values set none.
  const shippedCmd = (values.singleuser as { cmd?: readonly string[] }).cmd ?? [chartDefaultCmd];
  let report: Record<string, ServerReport>;

  before(function () {
    for (const module of ["jupyterhub", "jupyter_server", "terminado", "ipykernel"]) requirePythonModule(module);
    assert.ok(fs.existsSync("/usr/bin/configurable-http-proxy"), ".ci/run must install node-configurable-http-proxy");
    const workdir = scratchDir("singleuser-");
    const spec = {
      workdir,
      args: values.hub.config.KubeSpawner.args ?? [],
      servers: {
        control: [chartDefaultCmd],
        "chart-default": [chartDefaultCmd],
        "user-site-off": ["python3", "-s", "-m", "jupyterhub.singleuser"],
        shipped: [...shippedCmd],
      },
      clean: ["control"],
    };
    const result = runPython([path.join(__dirname, "singleuser_isolation_driver.py"), JSON.stringify(spec)], { cwd: workdir, timeout: 140_000 });
    assert.strictEqual(result.status, 0, result.stderr);
    report = JSON.parse(result.stdout) as Record<string, ServerReport>;
  });
  after(removeScratchDirs);

  it("the stack turns terminals off with the flag, and a server started with it has no terminals API", () => {
    assert.ok(values.hub.config.KubeSpawner.args?.includes("--ServerApp.terminals_enabled=False"));
    assert.strictEqual(report.control.terminals, 404);
  });

  it("with the chart's default command, a .pth in the user's site-packages gives terminals back", () => {
    assert.strictEqual(report["chart-default"].terminals, 200);
    assert.ok(report["chart-default"].pth.some((cmdline) => cmdline.includes(`/usr/bin/${chartDefaultCmd}`)), JSON.stringify(report["chart-default"].pth));
  });

  it("turning off user site-packages alone (-s) is not enough: `-m` puts the home first on sys.path", () => {
    assert.strictEqual(report["user-site-off"].terminals, 200);
    assert.ok(report["user-site-off"].shim);
    assert.ok(report["user-site-off"].pth.every(isKernel));
  });

  it("the shipped command runs neither file in the server, and terminals stay off", () => {
    assert.strictEqual(report.shipped.terminals, 404, `terminals API answered with ${shippedCmd.join(" ")}`);
    assert.strictEqual(report.shipped.shim, false);
    assert.deepStrictEqual(report.shipped.pth.filter((cmdline) => !isKernel(cmdline)), []);
  });

  it("kernels of the shipped server still load user site-packages (pip install --user keeps working)", () => {
    assert.ok(report.shipped.kernelStarted);
    assert.ok(report.shipped.pth.some(isKernel), JSON.stringify(report.shipped.pth));
  });
});
