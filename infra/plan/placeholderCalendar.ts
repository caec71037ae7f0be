import type { CalendarWindow } from "./rush/timetable";
import { calendarPeriodSeconds } from "./rush/timetable";
import { egressRuleSpec, kubernetesApiEgressRule, NetworkPolicyEgressRule } from "./netpol";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./podSecurity";
import { nodePurposeLabel, poolPurpose } from "./labels";
import { z2jhHubImage, z2jhHubImageUid } from "./chart/release";

// The placeholder calendar's Kubernetes objects as plain data (components/placeholderCalendar.ts declares
// them): a Deployment running infra/files/scaler/placeholder_calendar.py in the hub's own image, with a
// service account that may only read and patch the user-placeholder StatefulSet's scale, and a
// NetworkPolicy that lets it reach the Kubernetes API and nothing else.
//
// Why a calendar and not a cron job or a person at 8 am: the warm room must be there before each class
// and gone after it, on days nobody is at a keyboard; a loop that sets the count for "now" mends a missed
// window, a restart or a Helm upgrade within a minute (Berkeley's DataHub keeps calendar-driven spare
// nodes the same way: berkeley-dsep-infra/datahub docs/tasks/calendar-scaler.qmd).

export const calendarName = "placeholder-calendar";
/** The chart's StatefulSet (fullnameOverride ""): templates/scheduling/user-placeholder/statefulset.yaml. */
const placeholderStatefulSet = "user-placeholder";
/** The calendar runs the chart's own hub image (chart/release.ts z2jhHubImage). */
export const calendarImage = z2jhHubImage;
const mountPath = "/etc/placeholder-calendar";
const scriptFile = "placeholder_calendar.py";

export const calendarLabels = { "app.kubernetes.io/name": calendarName, "app.kubernetes.io/part-of": "jupyterhub" } as const;

/** The calendar document the script reads. */
export function calendarDocument(namespace: string, windows: readonly CalendarWindow[]): string {
  return `${JSON.stringify(
    {
      namespace,
      statefulSet: placeholderStatefulSet,
      periodSeconds: calendarPeriodSeconds,
      windows: windows.map((w) => ({ class: w.class, from: w.from, to: w.to, replicas: w.replicas })),
    },
    null,
    2,
  )}\n`;
}

/** Only the scale of the one StatefulSet, read and patched. */
export function calendarRoleRules() {
  return [{ apiGroups: ["apps"], resources: ["statefulsets/scale"], resourceNames: [placeholderStatefulSet], verbs: ["get", "patch"] }];
}

/**
 * The pod: restricted Pod Security, read-only root, small, on the core pool. Its service account and
 * ConfigMap are the component's, which names every object `calendarName`.
 */
export function calendarPodSpec() {
  return {
    serviceAccountName: calendarName,
    // The script needs a token for its own narrow role; nothing else runs in the pod.
    automountServiceAccountToken: true,
    securityContext: restrictedPodSecurityContext(z2jhHubImageUid),
    nodeSelector: { [nodePurposeLabel]: poolPurpose.core },
    containers: [
      {
        name: "calendar",
        image: calendarImage,
        command: ["python3", `${mountPath}/${scriptFile}`],
        env: [
          { name: "PLACEHOLDER_CALENDAR", value: `${mountPath}/calendar.json` },
          { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
        ],
        securityContext: restrictedContainerSecurityContext(),
        resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
        volumeMounts: [{ name: "calendar", mountPath, readOnly: true }],
      },
    ],
    volumes: [{ name: "calendar", configMap: { name: calendarName } }],
  };
}

/** No ingress; egress to the Kubernetes API only (the script uses the Service's IP, so no DNS). */
export function calendarNetworkPolicySpec() {
  // The hub's rule for the same API server (netpol.ts kubernetesApiEgressRule): the control plane's private
  // endpoint on 443, somewhere in RFC 1918 space.
  const api: NetworkPolicyEgressRule = kubernetesApiEgressRule();
  return {
    podSelector: { matchLabels: { ...calendarLabels } },
    policyTypes: ["Ingress", "Egress"],
    ingress: [],
    egress: [egressRuleSpec(api)],
  };
}

export { scriptFile as calendarScriptFile };
