import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CalendarWindow } from "../plan/rush/timetable";
import {
  calendarDocument,
  calendarLabels,
  calendarName,
  calendarNetworkPolicySpec,
  calendarPodSpec,
  calendarRoleRules,
  calendarScriptFile,
} from "../plan/placeholderCalendar";

export interface PlaceholderCalendarArgs {
  readonly namespace: pulumi.Input<string>;
  /** The plan's calendar (infra/plan/rush): when to hold how many placeholders. */
  readonly windows: readonly CalendarWindow[];
  /**
   * The text of infra/files/scaler/placeholder_calendar.py (`readCalendarScript()` in infra/files), mounted
   * from the ConfigMap and run by the Deployment. Passed in so the plan and this component read no files.
   */
  readonly script: string;
}

/**
 * Warm room on a schedule: a small Deployment that keeps the chart's user-placeholder StatefulSet at the
 * count the calendar gives for the current minute (infra/plan/placeholderCalendar.ts says why and how).
 * `opts` must carry the cluster's Kubernetes provider.
 */
export class PlaceholderCalendar extends pulumi.ComponentResource {
  constructor(name: string, args: PlaceholderCalendarArgs, opts: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:hub:PlaceholderCalendar", name, {}, opts);
    const child = { parent: this };
    // Every object has the one name; the objects of different kinds cannot collide.
    const metadata = { name: calendarName, namespace: args.namespace, labels: { ...calendarLabels } };
    // The token is mounted by the pod spec only, for the container that uses it.
    const account = new k8s.core.v1.ServiceAccount(`${name}-account`, { metadata, automountServiceAccountToken: false }, child);
    const role = new k8s.rbac.v1.Role(`${name}-role`, { metadata, rules: calendarRoleRules() }, child);
    const binding = new k8s.rbac.v1.RoleBinding(`${name}-binding`, {
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: args.namespace }],
    }, child);
    const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
      metadata,
      data: pulumi.output(args.namespace).apply((ns) => ({ "calendar.json": calendarDocument(ns, args.windows), [calendarScriptFile]: args.script })),
    }, child);
    new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, { metadata, spec: calendarNetworkPolicySpec() }, child);
    new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata,
      spec: {
        replicas: 1,
        // One writer at a time: never two loops patching the count.
        strategy: { type: "Recreate" },
        selector: { matchLabels: calendarLabels },
        template: {
          metadata: { labels: calendarLabels },
          spec: calendarPodSpec(),
        },
      },
    }, { ...child, dependsOn: [config, binding] });
    this.registerOutputs({});
  }
}
