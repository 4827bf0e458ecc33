import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { header, type PlotOptions, type PlotSpec } from './spec.js';
import { readValues } from './values.js';

/**
 * Options of {@link plotScatter}.
 *
 * @example
 * ```ts
 * const options: ScatterOptions = { domain: [-2.6, 2.6], size: 4, opacity: 0.3 };
 * ```
 */
export interface ScatterOptions extends PlotOptions {
  /** The range of both axes (default: fitted to the points). */
  domain?: [number, number];
  /** Point area in square pixels (default 6). */
  size?: number;
  /** Point opacity (default 0.5). */
  opacity?: number;
  /** Sets drawn large and opaque (e.g. the mode centres next to thousands of samples). */
  emphasize?: string[];
}

/**
 * Named sets of 2-D points as a scatter plot, one colour per set (e.g. a GAN's samples against
 * the real modes). Each set is a `[n, 2]` tensor (read, not disposed) or a list of `[x, y]` pairs.
 *
 * @example
 * ```ts
 * const samples = step.sample(2000, { seed: 5 });
 * await writePlot(plotScatter({ generated: samples, modes: centres }, { domain: [-1.3, 1.3] }), 'out/ring.svg');
 * samples.dispose();
 * ```
 */
export function plotScatter(series: Record<string, Tensor | ArrayLike<ArrayLike<number>>>, options: ScatterOptions = {}): PlotSpec {
  const names = Object.keys(series ?? {});
  if (names.length === 0) throw new ValueError('plotScatter series', 'at least one named set of points', series);
  const values: { x: number; y: number; series: string }[] = [];
  for (const name of names) {
    const { data, shape } = readValues(series[name] as Tensor, `plotScatter series.${name}`);
    if (shape.length !== 2 || shape[1] !== 2)
      throw new ValueError(`plotScatter series.${name}`, 'points [n, 2]', `shape [${shape.join(', ')}]`);
    for (let i = 0; i < (shape[0] as number); i++) values.push({ x: data[2 * i] as number, y: data[2 * i + 1] as number, series: name });
  }
  const scale = options.domain ? { domain: options.domain } : { zero: false };
  const big = options.emphasize ?? [];
  for (const name of big)
    if (!names.includes(name)) throw new ValueError('plotScatter emphasize', `names of sets (${names.join(', ')})`, name);
  const test = `indexof(${JSON.stringify(big)}, datum.series) >= 0`;
  return {
    ...header(options, {}),
    width: options.width ?? 320,
    height: options.height ?? 320,
    data: { values },
    mark: { type: 'circle', clip: true },
    encoding: {
      size: big.length ? { condition: { test, value: 80 }, value: options.size ?? 6 } : { value: options.size ?? 6 },
      opacity: big.length ? { condition: { test, value: 1 }, value: options.opacity ?? 0.5 } : { value: options.opacity ?? 0.5 },
      order: big.length ? { condition: { test, value: 1 }, value: 0 } : { value: 0 },
      x: { field: 'x', type: 'quantitative', scale },
      y: { field: 'y', type: 'quantitative', scale },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: names } },
    },
  } as PlotSpec;
}
