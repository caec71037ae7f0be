import { MonitoringPlan } from "./lifecycle";

// Cloud Monitoring filters and the dashboard, as pure functions of the plan and the names GKE and Google
// give at creation (cluster, pool, uptime check id). Metric types and labels are Google's documented ones:
// - uptime: monitoring.googleapis.com/uptime_check/check_passed, resource uptime_url, label check_id
//   (cloud.google.com/monitoring/api/metrics_gcp, "monitoring"; the alert shape ALIGN_NEXT_OLDER +
//   REDUCE_COUNT_FALSE grouped by resource.label.* is the one Google's uptime-check alert uses);
// - GKE system metrics kubernetes.io/container/{uptime,memory/limit_utilization}, resource k8s_container,
//   labels namespace_name, container_name (cloud.google.com/monitoring/api/metrics_kubernetes);
// - node VMs: compute.googleapis.com/instance/uptime, resource gce_instance, whose metadata.user_labels are
//   the VM's labels; GKE labels node VMs goog-k8s-cluster-name and goog-k8s-node-pool-name;
// - the load balancer: loadbalancing.googleapis.com/https/request_count, resource https_lb_rule, label
//   response_code_class (cloud.google.com/monitoring/api/metrics_gcp, "loadbalancing").
// Container names are the chart's: `chp` (Z2JH templates/proxy/deployment.yaml), `hub`
// (templates/hub/deployment.yaml) and `notebook` (KubeSpawner's user container, kubespawner/objects.py).

export const containerNames = { proxy: "chp", hub: "hub", user: "notebook" } as const;

const seconds = (s: number) => `${s}s`;
const quote = (s: string) => JSON.stringify(s);

export function uptimeFilter(checkId: string): string {
  return `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND metric.label.check_id=${quote(checkId)}`;
}

export function containerFilter(metric: string, namespace: string, container: string): string {
  return `metric.type="kubernetes.io/container/${metric}" AND resource.type="k8s_container" AND resource.label.namespace_name=${quote(namespace)} AND resource.label.container_name=${quote(container)}`;
}

export function poolNodesFilter(clusterName: string, poolName: string): string {
  return `metric.type="compute.googleapis.com/instance/uptime" AND resource.type="gce_instance" AND metadata.user_labels."goog-k8s-cluster-name"=${quote(clusterName)} AND metadata.user_labels."goog-k8s-node-pool-name"=${quote(poolName)}`;
}

/** The project's HTTPS load balancers; the project is the event's own, so that is the hub's. */
export function lbRequestsFilter(responseCodeClass?: number): string {
  const base = `metric.type="loadbalancing.googleapis.com/https/request_count" AND resource.type="https_lb_rule"`;
  return responseCodeClass === undefined ? base : `${base} AND metric.label.response_code_class=${responseCodeClass}`;
}

/** Hub log lines of a failed spawn (see `spawnFailureLogPatterns`). */
export function spawnFailureLogFilter(plan: MonitoringPlan): string {
  const any = plan.spawnFailureLogPatterns.map((p) => `textPayload:${quote(p)}`).join(" OR ");
  return `resource.type="k8s_container" AND resource.labels.namespace_name=${quote(plan.namespace)} AND resource.labels.container_name=${quote(containerNames.hub)} AND (${any})`;
}

/**
 * The cluster autoscaler's event on a pod it will not add a node for ("pod didn't trigger scale-up", reason
 * NotTriggerScaleUp: kubernetes/autoscaler cluster-autoscaler/FAQ.md), which GKE writes to the `events` log.
 * For a user pod that means a pool at its maximum or a quota: the user waits until the spawn times out.
 */
export function noScaleUpLogFilter(project: string, namespace: string): string {
  return `logName=${quote(`projects/${project}/logs/events`)} AND jsonPayload.reason="NotTriggerScaleUp" AND jsonPayload.involvedObject.namespace=${quote(namespace)}`;
}

interface Aggregation {
  readonly alignmentPeriod: string;
  readonly perSeriesAligner: string;
  readonly crossSeriesReducer?: string;
  readonly groupByFields?: string[];
}

const perMinute = (aligner: string, reducer?: string, groupBy?: readonly string[]): Aggregation => ({
  alignmentPeriod: "60s",
  perSeriesAligner: aligner,
  ...(reducer ? { crossSeriesReducer: reducer } : {}),
  ...(groupBy ? { groupByFields: [...groupBy] } : {}),
});

/** Names known only once the resources exist. */
export interface MonitoredNames {
  readonly project: string;
  readonly uptimeCheckId: string;
  readonly clusterName: string;
  readonly userPoolName: string;
}

/** The threshold conditions, one per alert policy, keyed by role. */
export function thresholdConditions(plan: MonitoringPlan, names: MonitoredNames) {
  return {
    hubDown: {
      displayName: `https://${plan.uptime.host}${plan.uptime.path} fails`,
      conditionThreshold: {
        filter: uptimeFilter(names.uptimeCheckId),
        aggregations: [perMinute("ALIGN_NEXT_OLDER", "REDUCE_COUNT_FALSE", ["resource.label.*"])],
        comparison: "COMPARISON_GT",
        thresholdValue: 1,
        duration: seconds(plan.hubDownSeconds),
        trigger: { count: 1 },
      },
    },
    nearServerLimit: {
      displayName: `running user servers ≥ ${plan.runningServersAlert} (limit ${plan.activeServerLimit})`,
      conditionThreshold: {
        filter: containerFilter("uptime", plan.namespace, containerNames.user),
        aggregations: [perMinute("ALIGN_MEAN", "REDUCE_COUNT")],
        comparison: "COMPARISON_GE",
        thresholdValue: plan.runningServersAlert,
        duration: "300s",
        trigger: { count: 1 },
      },
    },
    poolAtMax: {
      displayName: `user pool at its maximum of ${plan.userPoolMaxNodes} nodes`,
      conditionThreshold: {
        filter: poolNodesFilter(names.clusterName, names.userPoolName),
        aggregations: [perMinute("ALIGN_MEAN", "REDUCE_COUNT")],
        comparison: "COMPARISON_GE",
        thresholdValue: plan.userPoolMaxNodes,
        duration: seconds(plan.poolAtMaxSeconds),
        trigger: { count: 1 },
      },
    },
    proxyMemory: {
      displayName: `proxy memory above ${Math.round(plan.proxyMemoryLimitFraction * 100)}% of its limit`,
      conditionThreshold: {
        filter: containerFilter("memory/limit_utilization", plan.namespace, containerNames.proxy),
        aggregations: [perMinute("ALIGN_MAX", "REDUCE_MAX")],
        comparison: "COMPARISON_GT",
        thresholdValue: plan.proxyMemoryLimitFraction,
        duration: "300s",
        trigger: { count: 1 },
      },
    },
    lb5xx: {
      displayName: `more than ${Math.round(plan.lb5xxFraction * 100)}% of responses are 5xx`,
      conditionThreshold: {
        filter: lbRequestsFilter(500),
        aggregations: [{ alignmentPeriod: seconds(plan.lb5xxWindowSeconds), perSeriesAligner: "ALIGN_RATE", crossSeriesReducer: "REDUCE_SUM" }],
        denominatorFilter: lbRequestsFilter(),
        denominatorAggregations: [{ alignmentPeriod: seconds(plan.lb5xxWindowSeconds), perSeriesAligner: "ALIGN_RATE", crossSeriesReducer: "REDUCE_SUM" }],
        comparison: "COMPARISON_GT",
        thresholdValue: plan.lb5xxFraction,
        duration: seconds(plan.lb5xxWindowSeconds),
        trigger: { count: 1 },
      },
    },
  };
}

/** The log conditions: spawn failures, and user pods the autoscaler will not make room for. */
export function logConditions(plan: MonitoringPlan, project: string) {
  return {
    spawnFailures: { displayName: "a user's server failed to start", conditionMatchedLog: { filter: spawnFailureLogFilter(plan) } },
    noScaleUp: { displayName: "user pods wait and the autoscaler will not add a node", conditionMatchedLog: { filter: noScaleUpLogFilter(project, plan.namespace) } },
  };
}

/** The few charts an organiser watches, as a Cloud Monitoring dashboard (dashboards API, mosaicLayout). */
export function dashboardJson(plan: MonitoringPlan, names: MonitoredNames): string {
  const chart = (title: string, filter: string, aggregation: Aggregation, threshold?: number) => ({
    title,
    xyChart: {
      dataSets: [{ plotType: "LINE", timeSeriesQuery: { timeSeriesFilter: { filter, aggregation } } }],
      ...(threshold === undefined ? {} : { thresholds: [{ value: threshold, color: "RED", direction: "ABOVE" }] }),
    },
  });
  const widgets = [
    chart("Hub health check failures", uptimeFilter(names.uptimeCheckId), perMinute("ALIGN_NEXT_OLDER", "REDUCE_COUNT_FALSE"), 1),
    chart(`Running user servers (limit ${plan.activeServerLimit})`, containerFilter("uptime", plan.namespace, containerNames.user), perMinute("ALIGN_MEAN", "REDUCE_COUNT"), plan.runningServersAlert),
    chart(`User pool nodes (maximum ${plan.userPoolMaxNodes})`, poolNodesFilter(names.clusterName, names.userPoolName), perMinute("ALIGN_MEAN", "REDUCE_COUNT"), plan.userPoolMaxNodes),
    chart("Proxy memory, share of its limit", containerFilter("memory/limit_utilization", plan.namespace, containerNames.proxy), perMinute("ALIGN_MAX", "REDUCE_MAX"), plan.proxyMemoryLimitFraction),
    chart("Hub CPU (cores)", containerFilter("cpu/core_usage_time", plan.namespace, containerNames.hub), perMinute("ALIGN_RATE", "REDUCE_SUM")),
    chart("Load balancer requests per second by response class", lbRequestsFilter(), perMinute("ALIGN_RATE", "REDUCE_SUM", ["metric.label.response_code_class"])),
  ];
  const width = 24;
  const height = 16;
  return JSON.stringify({
    displayName: `JupyterHub ${plan.uptime.host}`,
    mosaicLayout: {
      columns: 48,
      tiles: widgets.map((widget, i) => ({ xPos: (i % 2) * width, yPos: Math.floor(i / 2) * height, width, height, widget })),
    },
  });
}
