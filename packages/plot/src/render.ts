import type { PlotSpec } from './spec.js';

/**
 * Renders a plot to an SVG string with Vega (headless, no canvas: works in Node and in the
 * browser). Vega and Vega-Lite are imported on the first call, so an app that only builds specs
 * does not bundle them.
 *
 * @example
 * ```ts
 * const svg = await toSvg(plotHistory(history));
 * document.querySelector('#plot')!.innerHTML = svg;
 * ```
 */
export async function toSvg(spec: PlotSpec, options: { scale?: number } = {}): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG(options.scale ?? 1);
  } finally {
    view.finalize();
  }
}
