import type { TopLevelSpec } from 'vega-lite';

/**
 * A plot: a Vega-Lite specification (plain JSON, data inlined). Render it with `toSvg` (browser
 * and Node), `writePlot`/`toPng` from `@tessera/plot/node`, or hand it to `vega-embed` in a page.
 *
 * @example
 * ```ts
 * const spec: PlotSpec = plotHistory(history);
 * console.log(JSON.stringify(spec).length);
 * ```
 */
export type PlotSpec = TopLevelSpec;

/**
 * Options every plot takes: a title and the size of one chart in pixels.
 *
 * @example
 * ```ts
 * const options: PlotOptions = { title: 'MNIST MLP', width: 320, height: 200 };
 * ```
 */
export interface PlotOptions {
  /** The title above the plot. */
  title?: string;
  /** Width of one chart in pixels (default per plot). */
  width?: number;
  /** Height of one chart in pixels (default per plot). */
  height?: number;
}

/** @internal The Vega-Lite schema every spec names. */
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** @internal Top-level fields shared by every plot. */
export function header(options: PlotOptions, fallback: { title?: string }): Record<string, unknown> {
  const title = options.title ?? fallback.title;
  return { $schema: SCHEMA, ...(title ? { title } : {}), background: 'white', config: { view: { stroke: '#ddd' } } };
}
