import * as assert from "assert";
import { calendarDocument, calendarNetworkPolicySpec, calendarPodSpec, calendarRoleRules } from "../../infra/plan/placeholderCalendar";

// The placeholder calendar's objects as plain data (infra/plan/placeholderCalendar.ts), in the fast suite:
// the slow component and hub tests declare and run them, and Stryker's plan runs found this file
// uncovered. The script (infra/files/scaler/placeholder_calendar.py) reads the document; its own tests
// are test/hub/placeholderCalendar.test.ts.

describe("the placeholder calendar's objects", () => {
  it("the document names the chart's StatefulSet, the period and each window", () => {
    const text = calendarDocument("jupyterhub", [
      { class: "Mon morning", from: "2027-12-06T08:40:00.000Z", to: "2027-12-06T09:10:00.000Z", replicas: 120 },
    ]);
    assert.ok(text.endsWith("}\n"), "one trailing newline");
    assert.deepStrictEqual(JSON.parse(text), {
      namespace: "jupyterhub",
      // Z2JH 4.4.0 templates/scheduling/user-placeholder/statefulset.yaml, with fullnameOverride "".
      statefulSet: "user-placeholder",
      periodSeconds: 60,
      windows: [{ class: "Mon morning", from: "2027-12-06T08:40:00.000Z", to: "2027-12-06T09:10:00.000Z", replicas: 120 }],
    });
  });

  it("may only read and patch the scale of that one StatefulSet", () => {
    assert.deepStrictEqual(calendarRoleRules(), [{ apiGroups: ["apps"], resources: ["statefulsets/scale"], resourceNames: ["user-placeholder"], verbs: ["get", "patch"] }]);
  });

  it("runs restricted, read-only, small, on the core pool, with its calendar mounted read-only", () => {
    const pod = calendarPodSpec();
    assert.strictEqual(pod.serviceAccountName, "placeholder-calendar");
    assert.strictEqual(pod.automountServiceAccountToken, true, "the script patches the scale with its own token");
    assert.deepStrictEqual(pod.nodeSelector, { "hub.jupyter.org/node-purpose": "core" }, "the label Z2JH's scheduling.corePods.nodeAffinity.matchNodePurpose reads");
    assert.strictEqual(pod.securityContext.runAsNonRoot, true);
    assert.deepStrictEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
    const [container] = pod.containers;
    // The container's name is the one `kubectl logs -c` and the pod's events use for it.
    assert.strictEqual(container.name, "calendar");
    assert.deepStrictEqual(container.command, ["python3", "/etc/placeholder-calendar/placeholder_calendar.py"]);
    assert.deepStrictEqual(container.env, [
      { name: "PLACEHOLDER_CALENDAR", value: "/etc/placeholder-calendar/calendar.json" },
      { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
    ]);
    assert.deepStrictEqual(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, "Pod Security restricted, container level too");
    assert.deepStrictEqual(container.resources, { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } });
    assert.deepStrictEqual(container.volumeMounts, [{ name: "calendar", mountPath: "/etc/placeholder-calendar", readOnly: true }]);
    assert.deepStrictEqual(pod.volumes, [{ name: "calendar", configMap: { name: "placeholder-calendar" } }]);
    assert.match(container.image, /^quay\.io\/jupyterhub\/k8s-hub:4\.4\.0$/, "the pinned chart's hub image");
  });

  it("takes no traffic in and reaches only the Kubernetes API's private endpoint on 443", () => {
    const spec = calendarNetworkPolicySpec();
    assert.deepStrictEqual(spec.podSelector, { matchLabels: { "app.kubernetes.io/name": "placeholder-calendar", "app.kubernetes.io/part-of": "jupyterhub" } });
    assert.deepStrictEqual(spec.policyTypes, ["Ingress", "Egress"]);
    assert.deepStrictEqual(spec.ingress, []);
    // The control plane's private endpoint is somewhere in RFC 1918 space (netpol.ts kubernetesApiEgressRule):
    // those three blocks on 443, and no other peer (no DNS: the script uses the Service's IP).
    assert.deepStrictEqual(spec.egress, [{
      to: [{ ipBlock: { cidr: "10.0.0.0/8" } }, { ipBlock: { cidr: "172.16.0.0/12" } }, { ipBlock: { cidr: "192.168.0.0/16" } }],
      ports: [{ protocol: "TCP", port: 443 }],
    }]);
  });
});
