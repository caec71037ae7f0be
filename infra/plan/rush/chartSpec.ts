import type { RushSample } from "./simulate";

// The rush chart as a Vega-Lite specification (vega.github.io/vega-lite): users arrived, running and
// waiting, and user nodes, over the minutes around each class's start, one panel per class. Pure data;
// infra/tools/rushChart.ts has Vega render it to SVG.

export interface ChartClass {
  readonly name: string;
  readonly p95Seconds: number | null;
  readonly placeholders: number;
  readonly series: readonly RushSample[];
}

interface Row {
  readonly panel: string;
  readonly minute: number;
  readonly what: string;
  readonly value: number;
}

const userSeries = ["arrived", "running", "waiting"] as const;

/** The samples in long form: one row per panel, minute and line. */
/** A panel's title: the class, its warm room and its p95 wait. */
export function panelTitle(c: ChartClass): string {
  return `${c.name}: warm room ${c.placeholders}, p95 ${c.p95Seconds === null ? "failed spawns" : `${c.p95Seconds} s`}`;
}

export function chartRows(classes: readonly ChartClass[]): Row[] {
  return classes.flatMap((c) => {
    const panel = panelTitle(c);
    return c.series.flatMap((s) => [
      ...userSeries.map((what) => ({ panel, minute: Math.round((s.t / 60) * 100) / 100, what, value: s[what] })),
      { panel, minute: Math.round((s.t / 60) * 100) / 100, what: "nodes", value: s.nodes },
    ]);
  });
}

/** The Vega-Lite spec: per panel, users on the left axis and nodes (stepped) on the right. */
export function rushChartSpec(title: string, classes: readonly ChartClass[], columns = 2): Record<string, unknown> {
  const x = { field: "minute", type: "quantitative", title: "minutes from the class's start" };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: title,
      subtitle: "users who arrived, have a running server, are waiting; user nodes (dashed, booting ones included)",
      anchor: "start",
      fontSize: 15,
    },
    data: { values: chartRows(classes) },
    // In timetable order, not alphabetical.
    facet: { field: "panel", type: "nominal", title: null, sort: classes.map(panelTitle), header: { labelFontSize: 12, labelLimit: 420 } },
    columns,
    spec: {
      width: 380,
      height: 200,
      layer: [
        {
          transform: [{ filter: { field: "what", oneOf: [...userSeries] } }],
          mark: { type: "line", strokeWidth: 2 },
          encoding: {
            x,
            y: { field: "value", type: "quantitative", title: "users" },
            color: {
              field: "what",
              type: "nominal",
              title: null,
              scale: { domain: [...userSeries, "nodes"], range: ["#4c78a8", "#54a24b", "#e45756", "#7f7f7f"] },
              legend: { orient: "top" },
            },
          },
        },
        {
          transform: [{ filter: { field: "what", equal: "nodes" } }],
          mark: { type: "line", interpolate: "step-after", strokeDash: [4, 3], strokeWidth: 1.5 },
          encoding: {
            x,
            y: { field: "value", type: "quantitative", title: "user nodes", axis: { orient: "right" } },
            color: { field: "what", type: "nominal", title: null },
          },
        },
      ],
      resolve: { scale: { y: "independent" } },
    },
    resolve: { scale: { x: "independent", y: "independent" } },
    config: { font: "sans-serif", view: { stroke: "#ddd" } },
  };
}
