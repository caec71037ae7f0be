// SLOW: runs the shipped placeholder calendar (python3) against a fake Kubernetes API on loopback.
import * as assert from "assert";
import * as path from "path";
import { planAll } from "../../infra/plan";
import { calendarDocument, calendarImage, calendarPodSpec, calendarRoleRules } from "../../infra/plan/placeholderCalendar";
import { calendarScriptPath, shippedFilesDir } from "../../infra/files";
import { loadStackConfig } from "../support/stacks";
import { removeScratchDirs, runPython, scratchDir, systemPython } from "./python";

// The placeholder calendar, run for real: the shipped script (stdlib Python) against a fake Kubernetes
// API on loopback, with the calendar the plan writes. It must set the chart's user-placeholder StatefulSet
// to the sum of the windows open now, through the scale subresource with a JSON merge patch (the API's
// PATCH on `statefulsets/scale`, the call `kubectl scale` makes), and touch nothing when the count is right.

const script = path.join(shippedFilesDir, calendarScriptPath);
const driver = path.join(__dirname, "placeholder_calendar_driver.py");

interface Run {
  exit: number;
  requests: { method: string; path: string; auth: string; contentType: string | null; body: unknown }[];
  log: string;
}

function runCalendar(calendar: unknown, replicas: number): Run {
  const result = runPython([driver], { input: JSON.stringify({ script, calendar, replicas, token: "a-token" }), cwd: scratchDir("calendar-") });
  assert.strictEqual(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Run;
}

/** What the script's own `desired_replicas` says for `calendar` at each instant. */
function desiredAt(calendar: string, instants: string[]): number[] {
  const code = [
    "import importlib.util, json, sys",
    `spec = importlib.util.spec_from_file_location('c', ${JSON.stringify(script)})`,
    "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)",
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
    assert.deepStrictEqual(run.requests.map((r) => [r.method, r.path, r.auth]), [["GET", scale, "Bearer a-token"], ["PATCH", scale, "Bearer a-token"]]);
    assert.strictEqual(run.requests[1].contentType, "application/merge-patch+json");
    assert.deepStrictEqual(run.requests[1].body, { spec: { replicas: 10 } });
    assert.match(run.log, /placeholders: 0 -> 10/);
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
