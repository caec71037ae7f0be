import type { ChartClass } from "../plan/rush/chartSpec";
import { rushChartSpec } from "../plan/rush/chartSpec";

// Renders the rush chart to SVG with Vega and Vega-Lite themselves (headless: a View with the "none"
// renderer and `toSVG()`, as Vega's docs describe for server-side use), not hand-written SVG.
//
// Vega 6 and Vega-Lite 6 are ES modules with top-level await, which CommonJS `require` cannot load, and
// TypeScript compiles `import()` in a CommonJS program to `require`; a real dynamic import is needed.

interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: "none" }) => { toSVG(): Promise<string>; finalize(): void };
}
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}

const importModule = new Function("specifier", "return import(specifier)") as <T>(specifier: string) => Promise<T>;

/** The chart of each class's rush as one SVG document. */
export async function renderRushChart(title: string, classes: readonly ChartClass[]): Promise<string> {
  const [vega, vegaLite] = await Promise.all([importModule<VegaModule>("vega"), importModule<VegaLiteModule>("vega-lite")]);
  const view = new vega.View(vega.parse(vegaLite.compile(rushChartSpec(title, classes)).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
