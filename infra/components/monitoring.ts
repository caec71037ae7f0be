import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { MonitoringPlan } from "../plan/lifecycle";
import { dashboardJson, logConditions, MonitoredNames, thresholdConditions } from "../plan/monitoringQueries";

// Watching the event as code: one email channel per organiser, an uptime check on the hub's health URL,
// alert policies for what breaks an event, and a dashboard. Field names: @pulumi/gcp 9.37
// monitoring/{notificationChannel,uptimeCheckConfig,alertPolicy,dashboard}.d.ts. What each condition
// watches and why is in plan/monitoringQueries.ts and plan/lifecycle.ts.

export interface EventMonitoringArgs {
  /** The project id from `ProjectApis.project`, so every resource here waits for the APIs. */
  readonly project: pulumi.Input<string>;
  readonly plan: MonitoringPlan;
  readonly notificationEmails: readonly string[];
  /** The GKE cluster's and the user pool's GCP names (their VMs carry them as labels). */
  readonly clusterName: pulumi.Input<string>;
  readonly userPoolName: pulumi.Input<string>;
  readonly labels: Readonly<Record<string, string>>;
}

// Alert policies on logs must rate-limit notifications (Cloud Monitoring API, AlertStrategy
// notificationRateLimit is required for log-match conditions); one mail per five minutes per policy.
const logAlertStrategy = { notificationRateLimit: { period: "300s" }, autoClose: "1800s" };

export class EventMonitoring extends pulumi.ComponentResource {
  /** Channel resource names (projects/<p>/notificationChannels/<id>), also the budget's recipients. */
  readonly channelNames: pulumi.Output<string[]>;
  readonly uptimeCheckId: pulumi.Output<string>;

  constructor(name: string, args: EventMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:lifecycle:EventMonitoring", name, {}, opts);
    const { project, plan } = args;
    const child = { parent: this };

    const channels = args.notificationEmails.map((email, i) =>
      new gcp.monitoring.NotificationChannel(`${name}-email-${i}`, {
        project,
        type: "email",
        displayName: `Event organiser ${email}`,
        labels: { email_address: email },
        userLabels: { ...args.labels },
      }, child),
    );
    this.channelNames = pulumi.all(channels.map((c) => c.name));

    const uptime = new gcp.monitoring.UptimeCheckConfig(`${name}-hub-uptime`, {
      project,
      displayName: `JupyterHub ${plan.uptime.host}`,
      period: `${plan.uptime.periodSeconds}s`,
      timeout: `${plan.uptime.timeoutSeconds}s`,
      httpCheck: { path: plan.uptime.path, port: 443, useSsl: true, validateSsl: true, requestMethod: "GET" },
      monitoredResource: { type: "uptime_url", labels: { project_id: project, host: plan.uptime.host } },
      userLabels: { ...args.labels },
    }, child);
    this.uptimeCheckId = uptime.uptimeCheckId;

    const names: pulumi.Output<MonitoredNames> = pulumi
      .all([project, uptime.uptimeCheckId, args.clusterName, args.userPoolName])
      .apply(([p, uptimeCheckId, clusterName, userPoolName]) => ({ project: p, uptimeCheckId, clusterName, userPoolName }));

    const documentation = (content: string) => ({ content, mimeType: "text/markdown" });
    const runbook = "What to do: docs/runbook.md, \"During the event\".";
    const policy = (role: string, displayName: string, condition: pulumi.Input<gcp.types.input.monitoring.AlertPolicyCondition>, text: string, extra: Partial<gcp.monitoring.AlertPolicyArgs> = {}) =>
      new gcp.monitoring.AlertPolicy(`${name}-${role}`, {
        project,
        displayName,
        combiner: "OR",
        conditions: [condition],
        notificationChannels: this.channelNames,
        documentation: documentation(`${text}\n\n${runbook}`),
        userLabels: { ...args.labels },
        ...extra,
      }, child);

    const threshold = names.apply((n) => thresholdConditions(plan, n));
    const logs = logConditions(plan, "");
    const byLog = pulumi.output(project).apply((p) => logConditions(plan, p));
    policy("hub-down", "JupyterHub is down", threshold.hubDown,
      `The hub's health URL has failed for ${plan.hubDownSeconds} s from Google's checkers.`, { severity: "CRITICAL" });
    policy("server-limit", "Running servers near the limit", threshold.nearServerLimit,
      `${plan.runningServersAlert} user servers run; the hub refuses new ones at ${plan.activeServerLimit}.`, { severity: "WARNING" });
    policy("pool-at-max", "User node pool at its maximum", threshold.poolAtMax,
      `The user pool has had ${plan.userPoolMaxNodes} nodes for ${plan.poolAtMaxSeconds} s: new users wait until the spawn times out.`, { severity: "ERROR" });
    policy("proxy-memory", "Proxy memory near its limit", threshold.proxyMemory,
      "configurable-http-proxy is killed at its memory limit, which drops every open connection.", { severity: "WARNING" });
    policy("lb-5xx", "Load balancer 5xx responses", threshold.lb5xx,
      `More than ${Math.round(plan.lb5xxFraction * 100)}% of responses are errors.`, { severity: "ERROR" });
    policy("spawn-failures", logs.spawnFailures.displayName, byLog.spawnFailures,
      "The hub logged a failed spawn.", { severity: "ERROR", alertStrategy: logAlertStrategy });
    policy("no-scale-up", logs.noScaleUp.displayName, byLog.noScaleUp,
      "The cluster autoscaler will not add a node for a pending user pod (pool maximum or quota).", { severity: "ERROR", alertStrategy: logAlertStrategy });

    new gcp.monitoring.Dashboard(`${name}-dashboard`, {
      project,
      dashboardJson: names.apply((n) => dashboardJson(plan, n)),
    }, child);

    this.registerOutputs({ channelNames: this.channelNames, uptimeCheckId: this.uptimeCheckId });
  }
}
