import * as assert from "assert";
import { planMonitoring } from "../../infra/plan/lifecycle";
import { dashboardJson, logConditions, noScaleUpLogFilter, thresholdConditions } from "../../infra/plan/monitoringQueries";
import { loadStackConfig } from "../support/stacks";

// The alert policies' conditions and the dashboard (infra/plan/monitoringQueries.ts), in the fast suite: the
// slow lifecycle test declares them, and Stryker's plan runs found none of this file covered. The metric
// types, resource types and labels are Google's (cloud.google.com/monitoring/api/metrics_gcp and
// metrics_kubernetes, cited in the source); the container names are the chart's (`chp`, `hub`) and
// KubeSpawner's (`notebook`). A typo in one of them is an alert that never fires, which no test of the
// program's shape would notice.

const names = { project: "jupyterhub-event-example", uptimeCheckId: "hub-uptime-abc", clusterName: "jhg-event", userPoolName: "jhg-event-users" };
const plan = () => planMonitoring(loadStackConfig("event"), 19);

describe("the alerts and the dashboard", () => {
  it("each threshold condition watches the right metric of the right thing, at the plan's threshold", () => {
    const c = thresholdConditions(plan(), names);
    assert.deepStrictEqual(c.hubDown, {
      displayName: "https://hub.example.com/hub/health fails",
      conditionThreshold: {
        filter: 'metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND metric.label.check_id="hub-uptime-abc"',
        aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_NEXT_OLDER", crossSeriesReducer: "REDUCE_COUNT_FALSE", groupByFields: ["resource.label.*"] }],
        comparison: "COMPARISON_GT",
        thresholdValue: 1,
        duration: "120s",
        trigger: { count: 1 },
      },
    });
    assert.deepStrictEqual(c.nearServerLimit, {
      displayName: "running user servers ≥ 900 (limit 1000)",
      conditionThreshold: {
        filter: 'metric.type="kubernetes.io/container/uptime" AND resource.type="k8s_container" AND resource.label.namespace_name="jupyterhub" AND resource.label.container_name="notebook"',
        aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN", crossSeriesReducer: "REDUCE_COUNT" }],
        comparison: "COMPARISON_GE",
        thresholdValue: 900,
        duration: "300s",
        trigger: { count: 1 },
      },
    });
    assert.deepStrictEqual(c.poolAtMax, {
      displayName: "user pool at its maximum of 19 nodes",
      conditionThreshold: {
        filter: 'metric.type="compute.googleapis.com/instance/uptime" AND resource.type="gce_instance" AND metadata.user_labels."goog-k8s-cluster-name"="jhg-event" AND metadata.user_labels."goog-k8s-node-pool-name"="jhg-event-users"',
        aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN", crossSeriesReducer: "REDUCE_COUNT" }],
        comparison: "COMPARISON_GE",
        thresholdValue: 19,
        duration: "600s",
        trigger: { count: 1 },
      },
    });
    assert.deepStrictEqual(c.proxyMemory, {
      displayName: "proxy memory above 80% of its limit",
      conditionThreshold: {
        filter: 'metric.type="kubernetes.io/container/memory/limit_utilization" AND resource.type="k8s_container" AND resource.label.namespace_name="jupyterhub" AND resource.label.container_name="chp"',
        aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MAX", crossSeriesReducer: "REDUCE_MAX" }],
        comparison: "COMPARISON_GT",
        thresholdValue: 0.8,
        duration: "300s",
        trigger: { count: 1 },
      },
    });
    const requests = 'metric.type="loadbalancing.googleapis.com/https/request_count" AND resource.type="https_lb_rule"';
    const rate = [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_RATE", crossSeriesReducer: "REDUCE_SUM" }];
    assert.deepStrictEqual(c.lb5xx, {
      displayName: "more than 5% of responses are 5xx",
      conditionThreshold: {
        filter: `${requests} AND metric.label.response_code_class=500`,
        aggregations: rate,
        denominatorFilter: requests,
        denominatorAggregations: rate,
        comparison: "COMPARISON_GT",
        thresholdValue: 0.05,
        duration: "300s",
        trigger: { count: 1 },
      },
    });
  });

  it("the log conditions match the hub's spawn failures and the autoscaler's refusals in the hub's namespace", () => {
    assert.deepStrictEqual(logConditions(plan(), names.project), {
      spawnFailures: {
        displayName: "a user's server failed to start",
        conditionMatchedLog: {
          filter: 'resource.type="k8s_container" AND resource.labels.namespace_name="jupyterhub" AND resource.labels.container_name="hub" AND (textPayload:"server failed to start in" OR textPayload:"Error starting" OR textPayload:"Unhandled error starting")',
        },
      },
      noScaleUp: {
        displayName: "user pods wait and the autoscaler will not add a node",
        conditionMatchedLog: {
          filter: 'logName="projects/jupyterhub-event-example/logs/events" AND jsonPayload.reason="NotTriggerScaleUp" AND jsonPayload.involvedObject.namespace="jupyterhub"',
        },
      },
    });
    // Quoted as filter strings, so a namespace cannot end the string early.
    assert.strictEqual(noScaleUpLogFilter("p", 'a"b'), 'logName="projects/p/logs/events" AND jsonPayload.reason="NotTriggerScaleUp" AND jsonPayload.involvedObject.namespace="a\\"b"');
  });

  it("the dashboard: six charts, two a row, thresholds drawn where an alert fires", () => {
    const dashboard = JSON.parse(dashboardJson(plan(), names));
    assert.strictEqual(dashboard.displayName, "JupyterHub hub.example.com");
    assert.strictEqual(dashboard.mosaicLayout.columns, 48);
    const tiles = dashboard.mosaicLayout.tiles as { xPos: number; yPos: number; width: number; height: number; widget: { title: string; xyChart: { thresholds?: { value: number }[]; dataSets: { timeSeriesQuery: { timeSeriesFilter: { filter: string; aggregation: Record<string, unknown> } } }[] } } }[];
    assert.deepStrictEqual(tiles.map((t) => [t.xPos, t.yPos, t.width, t.height]), [[0, 0, 24, 16], [24, 0, 24, 16], [0, 16, 24, 16], [24, 16, 24, 16], [0, 32, 24, 16], [24, 32, 24, 16]]);
    assert.deepStrictEqual(tiles.map((t) => [t.widget.title, t.widget.xyChart.thresholds?.map((x) => x.value)]), [
      ["Hub health check failures", [1]],
      ["Running user servers (limit 1000)", [900]],
      ["User pool nodes (maximum 19)", [19]],
      ["Proxy memory, share of its limit", [0.8]],
      ["Hub CPU (cores)", undefined],
      ["Load balancer requests per second by response class", undefined],
    ]);
    const hubCpu = tiles[4].widget.xyChart.dataSets[0].timeSeriesQuery.timeSeriesFilter;
    assert.deepStrictEqual(hubCpu, {
      filter: 'metric.type="kubernetes.io/container/cpu/core_usage_time" AND resource.type="k8s_container" AND resource.label.namespace_name="jupyterhub" AND resource.label.container_name="hub"',
      aggregation: { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_RATE", crossSeriesReducer: "REDUCE_SUM" },
    });
    assert.deepStrictEqual(tiles[5].widget.xyChart.dataSets[0].timeSeriesQuery.timeSeriesFilter.aggregation, {
      alignmentPeriod: "60s", perSeriesAligner: "ALIGN_RATE", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["metric.label.response_code_class"],
    });
    assert.deepStrictEqual(tiles.map((t) => t.widget.xyChart.dataSets[0].timeSeriesQuery.timeSeriesFilter.filter.split(" AND ")[0]), [
      'metric.type="monitoring.googleapis.com/uptime_check/check_passed"',
      'metric.type="kubernetes.io/container/uptime"',
      'metric.type="compute.googleapis.com/instance/uptime"',
      'metric.type="kubernetes.io/container/memory/limit_utilization"',
      'metric.type="kubernetes.io/container/cpu/core_usage_time"',
      'metric.type="loadbalancing.googleapis.com/https/request_count"',
    ]);
  });

  it("the dashboard's charts: lines aligned per minute like their alerts, alert lines red above the threshold", () => {
    const dashboard = JSON.parse(dashboardJson(plan(), names));
    const charts = (dashboard.mosaicLayout.tiles as { widget: { xyChart: { dataSets: { plotType: string; timeSeriesQuery: { timeSeriesFilter: { aggregation: unknown } } }[]; thresholds?: unknown[] } } }[])
      .map((t) => t.widget.xyChart);
    assert.deepStrictEqual(charts.map((c) => c.dataSets.map((d) => d.plotType)), [["LINE"], ["LINE"], ["LINE"], ["LINE"], ["LINE"], ["LINE"]]);
    // The same aligner and reducer as each chart's alert condition (thresholdConditions above), so the line
    // crosses the drawn threshold when the alert fires.
    const perMinute = (perSeriesAligner: string, crossSeriesReducer: string) => ({ alignmentPeriod: "60s", perSeriesAligner, crossSeriesReducer });
    assert.deepStrictEqual(charts.slice(0, 4).map((c) => c.dataSets[0].timeSeriesQuery.timeSeriesFilter.aggregation), [
      perMinute("ALIGN_NEXT_OLDER", "REDUCE_COUNT_FALSE"),
      perMinute("ALIGN_MEAN", "REDUCE_COUNT"),
      perMinute("ALIGN_MEAN", "REDUCE_COUNT"),
      perMinute("ALIGN_MAX", "REDUCE_MAX"),
    ]);
    // The dashboards API's enums (projects.dashboards, XyChart: DataSet.PlotType LINE, Threshold.Color RED,
    // Threshold.Direction ABOVE): a misspelt one is a dashboard Cloud Monitoring refuses.
    assert.deepStrictEqual(charts.slice(0, 4).map((c) => c.thresholds), [
      [{ value: 1, color: "RED", direction: "ABOVE" }],
      [{ value: 900, color: "RED", direction: "ABOVE" }],
      [{ value: 19, color: "RED", direction: "ABOVE" }],
      [{ value: 0.8, color: "RED", direction: "ABOVE" }],
    ]);
  });
});
