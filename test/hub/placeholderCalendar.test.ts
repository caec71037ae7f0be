// SLOW: runs the shipped placeholder calendar (python3) against a fake Kubernetes API on loopback.
import * as assert from "assert";
import * as path from "path";
import { planAll } from "../../infra/plan";
import { calendarDocument, calendarImage, calendarPodSpec, calendarRoleRules } from "../../infra/plan/placeholderCalendar";
import { calendarScriptPath, shippedFilesDir } from "../../infra/files";
import { loadStackConfig } from "../support/stacks";
import { importByPath, removeScratchDirs, runPython, scratchDir, systemPython } from "./python";

// The placeholder calendar, run for real: the shipped script (stdlib Python) against a fake Kubernetes
// API on loopback, with the calendar the plan writes. It must set the chart's user-placeholder StatefulSet
// to the sum of the windows open now, through the scale subresource with a JSON merge patch (the API's
// PATCH on `statefulsets/scale`, the call `kubectl scale` makes), and touch nothing when the count is right.

const script = path.join(shippedFilesDir, calendarScriptPath);
const driver = path.join(__dirname, "placeholder_calendar_driver.py");

interface Run {
  exit: number;
  requests: { method: string; path: string; auth: string; accept: string; contentType: string | null; body: unknown }[];
  log: string;
}

/** How the driver runs the script and what its fake API does (placeholder_calendar_driver.py). */
interface Setup {
  mode?: "once" | "loop" | "in-cluster";
  fail?: number;
  apiSuffix?: string;
  caMatches?: boolean;
}

function runCalendar(calendar: unknown, replicas: number, setup: Setup = {}): Run {
  const result = runPython([driver], { input: JSON.stringify({ script, calendar, replicas, token: "a-token", ...setup }), cwd: scratchDir("calendar-") });
  assert.strictEqual(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Run;
}

/** What the script's own `desired_replicas` says for `calendar` at each instant. */
function desiredAt(calendar: string, instants: string[]): number[] {
  const code = [
    "import json, sys",
    ...importByPath(script),
    "cal = json.loads(sys.stdin.read())",
    `print(json.dumps([m.desired_replicas(cal['windows'], m.parse_time(t)) for t in ${JSON.stringify(instants)}]))`,
  ].join("\n");
  const result = runPython(["-c", code], { input: calendar, cwd: scratchDir("calendar-") });
  assert.strictEqual(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as number[];
}

describe("the placeholder calendar", function () {
  this.timeout(60_000);
  after(removeScratchDirs);
  const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

  it(`runs on ${systemPython}, standard library only`, () => {
    assert.strictEqual(runPython(["-c", `import ast; ast.parse(open(${JSON.stringify(script)}).read())`], { cwd: scratchDir("calendar-") }).status, 0);
  });

  it("sets the StatefulSet to the sum of the windows open now, with the pod's token and a merge patch", () => {
    const calendar = {
      namespace: "jupyterhub",
      statefulSet: "user-placeholder",
      periodSeconds: 60,
      windows: [
        { class: "now", from: minutes(-1), to: minutes(1), replicas: 7 },
        { class: "also now", from: minutes(-5), to: minutes(5), replicas: 3 },
        { class: "over", from: minutes(-60), to: minutes(-30), replicas: 100 },
        { class: "later", from: minutes(30), to: minutes(60), replicas: 100 },
      ],
    };
    const run = runCalendar(calendar, 0);
    assert.strictEqual(run.exit, 0, run.log);
    const scale = "/apis/apps/v1/namespaces/jupyterhub/statefulsets/user-placeholder/scale";
    assert.deepStrictEqual(run.requests.map((r) => [r.method, r.path, r.auth, r.accept]), [["GET", scale, "Bearer a-token", "application/json"], ["PATCH", scale, "Bearer a-token", "application/json"]]);
    assert.strictEqual(run.requests[1].contentType, "application/merge-patch+json");
    assert.deepStrictEqual(run.requests[1].body, { spec: { replicas: 10 } });
    assert.match(run.log, /^placeholder calendar: 4 windows, every 60 s\n/, "the first line says what the calendar holds");
    assert.match(run.log, /placeholders: 0 -> 10/);
  });

  it("takes the API's address with a trailing slash as it is given, without doubling it", () => {
    const calendar = { namespace: "jupyterhub", statefulSet: "user-placeholder", periodSeconds: 60, windows: [{ class: "c", from: minutes(-1), to: minutes(1), replicas: 2 }] };
    const run = runCalendar(calendar, 0, { apiSuffix: "/" });
    assert.strictEqual(run.exit, 0, run.log);
    assert.deepStrictEqual(run.requests.map((r) => r.path), ["/apis/apps/v1/namespaces/jupyterhub/statefulsets/user-placeholder/scale", "/apis/apps/v1/namespaces/jupyterhub/statefulsets/user-placeholder/scale"]);
  });

  it("in a pod, finds the API from KUBERNETES_SERVICE_HOST/PORT over HTTPS, and trusts only the service account's CA", () => {
    const calendar = { namespace: "jupyterhub", statefulSet: "user-placeholder", periodSeconds: 60, windows: [{ class: "c", from: minutes(-1), to: minutes(1), replicas: 3 }] };
    const trusted = runCalendar(calendar, 0, { mode: "in-cluster" });
    assert.strictEqual(trusted.exit, 0, trusted.log);
    assert.deepStrictEqual(trusted.requests.map((r) => [r.method, r.auth]), [["GET", "Bearer a-token"], ["PATCH", "Bearer a-token"]]);
    // Another CA: the handshake fails, the token is never sent, and --once says so by its exit status.
    const untrusted = runCalendar(calendar, 0, { mode: "in-cluster", caMatches: false });
    assert.strictEqual(untrusted.exit, 1, untrusted.log);
    assert.deepStrictEqual(untrusted.requests, []);
    assert.match(untrusted.log, /^placeholder calendar: .*CERTIFICATE_VERIFY_FAILED/m);
  });

  it("when the API refuses (no StatefulSet yet, on a first install), logs why, patches nothing, and --once exits 1", () => {
    const calendar = { namespace: "jupyterhub", statefulSet: "user-placeholder", periodSeconds: 60, windows: [{ class: "c", from: minutes(-1), to: minutes(1), replicas: 3 }] };
    const run = runCalendar(calendar, 0, { fail: 404 });
    assert.strictEqual(run.exit, 1, run.log);
    assert.deepStrictEqual(run.requests.map((r) => r.method), ["GET"]);
    assert.match(run.log, /^placeholder calendar: HTTP Error 404: Not Found$/m);
  });

  it("as the pod runs it, looks again every period and mends a count something else reset, its log flushed line by line", () => {
    // periodSeconds 0: the next look comes at once. The fake API resets the count on the second look (as a
    // Helm upgrade would) and the driver kills the script on the third, with SIGKILL, which flushes nothing:
    // only lines printed with flush reach the pod's log.
    const calendar = { namespace: "jupyterhub", statefulSet: "user-placeholder", periodSeconds: 0, windows: [{ class: "c", from: minutes(-1), to: minutes(1), replicas: 5 }] };
    const run = runCalendar(calendar, 0, { mode: "loop" });
    assert.deepStrictEqual(run.requests.slice(0, 5).map((r) => [r.method, r.body]), [
      ["GET", null], ["PATCH", { spec: { replicas: 5 } }], ["GET", null], ["PATCH", { spec: { replicas: 5 } }], ["GET", null],
    ]);
    const lines = run.log.trimEnd().split("\n");
    assert.strictEqual(lines[0], "placeholder calendar: 1 windows, every 0 s");
    assert.deepStrictEqual(lines.slice(1).map((l) => l.replace(/^\S+ /, "")), ["placeholders: 0 -> 5", "placeholders: 0 -> 5"], run.log);
  });

  it("leaves a count that is already right alone, and takes the warm room away outside every window", () => {
    const open = { namespace: "hub", statefulSet: "user-placeholder", periodSeconds: 60, windows: [{ class: "c", from: minutes(-1), to: minutes(1), replicas: 4 }] };
    assert.deepStrictEqual(runCalendar(open, 4).requests.map((r) => r.method), ["GET"]);
    const closed = { ...open, windows: [{ class: "c", from: minutes(-10), to: minutes(-1), replicas: 4 }] };
    const run = runCalendar(closed, 4);
    assert.deepStrictEqual(run.requests[1].body, { spec: { replicas: 0 } });
  });

  it("reads the plan's calendar for the event stack: warm room from 9 minutes before each class to 5 after its arrival", () => {
    const plan = planAll(loadStackConfig("event"));
    const monday = plan.rush.classes.find((c) => c.name === "Mon morning")!;
    const doc = calendarDocument("jupyterhub", plan.rush.calendar);
    assert.deepStrictEqual(
      desiredAt(doc, ["2027-12-06T08:50:59Z", "2027-12-06T08:51:00Z", "2027-12-06T09:14:59Z", "2027-12-06T09:15:00Z", "2027-12-06T03:00:00Z"]),
      [0, monday.placeholders, monday.placeholders, 0, 0],
    );
  });

  it("may only read and patch the one StatefulSet's scale, and runs restricted on the core pool in the hub's pinned image", () => {
    assert.deepStrictEqual(calendarRoleRules(), [{ apiGroups: ["apps"], resources: ["statefulsets/scale"], resourceNames: ["user-placeholder"], verbs: ["get", "patch"] }]);
    const pod = calendarPodSpec();
    assert.strictEqual(calendarImage, "quay.io/jupyterhub/k8s-hub:4.4.0");
    assert.deepStrictEqual(pod.nodeSelector, { "hub.jupyter.org/node-purpose": "core" });
    assert.strictEqual(pod.serviceAccountName, "placeholder-calendar");
    // The component names its ServiceAccount and ConfigMap "placeholder-calendar" too (components/placeholderCalendar.ts).
    assert.deepStrictEqual(pod.volumes, [{ name: "calendar", configMap: { name: "placeholder-calendar" } }]);
    const c = pod.containers[0].securityContext;
    assert.deepStrictEqual([c.runAsNonRoot, c.allowPrivilegeEscalation, c.readOnlyRootFilesystem, c.capabilities.drop, c.seccompProfile.type], [true, false, true, ["ALL"], "RuntimeDefault"]);
  });
});
