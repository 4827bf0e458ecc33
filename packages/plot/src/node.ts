import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { ValueError } from '@tessera/core';
import { toSvg } from './render.js';
import type { PlotSpec } from './spec.js';

/**
 * Options of {@link toPng} and {@link writePlot}.
 *
 * @example
 * ```ts
 * const options: PngOptions = { scale: 2, fontFiles: ['./fonts/Inter.ttf'] };
 * ```
 */
export interface PngOptions {
  /** Output pixels per SVG pixel (default 2: sharp on high-density screens). */
  scale?: number;
  /** Extra font files (TTF/OTF) for the labels; the system's fonts are loaded too. */
  fontFiles?: string[];
}

/**
 * Renders a plot to PNG bytes in Node: Vega draws the SVG, resvg (`@resvg/resvg-js`, a prebuilt
 * native renderer from the npm registry) rasterizes it with the system's fonts.
 *
 * @example
 * ```ts
 * const png = await toPng(plotRoc(labels, scores), { scale: 1 });
 * await writeFile('roc.png', png);
 * ```
 */
export async function toPng(spec: PlotSpec, options: PngOptions = {}): Promise<Uint8Array> {
  const scale = options.scale ?? 2;
  if (!(scale > 0)) throw new ValueError('toPng scale', 'a positive number', scale);
  const svg = await toSvg(spec);
  const mod = (await import('@resvg/resvg-js')) as typeof import('@resvg/resvg-js') & { default?: typeof import('@resvg/resvg-js') };
  const Resvg = mod.Resvg ?? mod.default?.Resvg;
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, fontFiles: options.fontFiles ?? [], defaultFontFamily: 'DejaVu Sans' },
  });
  return new Uint8Array(resvg.render().asPng());
}

/**
 * Writes a plot to a file, the format from its extension: `.svg` (Vega's SVG), `.png` (see
 * {@link toPng}) or `.json` (the Vega-Lite spec, for the Vega editor or `vega-embed`). Folders are
 * created; the file appears whole (written beside it, then renamed).
 *
 * @example
 * ```ts
 * const history = await fit(model, train, { loss, optimizer, epochs: 10, validation: test });
 * await writePlot(plotHistory(history), 'out/history.svg');
 * await writePlot(plotHistory(history), 'out/history.png', { scale: 1 });
 * ```
 */
export async function writePlot(spec: PlotSpec, path: string, options: PngOptions = {}): Promise<void> {
  const ext = extname(path).toLowerCase();
  let bytes: string | Uint8Array;
  if (ext === '.svg') bytes = await toSvg(spec);
  else if (ext === '.png') bytes = await toPng(spec, options);
  else if (ext === '.json') bytes = `${JSON.stringify(spec, null, 1)}\n`;
  else throw new ValueError('writePlot path', 'a file name ending in .svg, .png or .json', path);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}
