import { ValueError } from '@tessera/core';
import { header, type PlotOptions, type PlotSpec } from './spec.js';

/**
 * Trailing moving average: entry `i` is the mean of the last `window` values up to `i` (fewer at
 * the start).
 *
 * @example
 * ```ts
 * movingAverage([1, 2, 3, 4], 2); // [1, 1.5, 2.5, 3.5]
 * ```
 */
export function movingAverage(values: ArrayLike<number>, window: number): number[] {
  if (!Number.isInteger(window) || window < 1) throw new ValueError('movingAverage window', 'a positive integer', window);
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] as number;
    if (i >= window) sum -= values[i - window] as number;
    out.push(sum / Math.min(window, i + 1));
  }
  return out;
}

/**
 * One finished episode: its return and, optionally, its length and the environment step it ended at.
 *
 * @example
 * ```ts
 * const e: EpisodeStats = { return: 200, length: 200, step: 41_000 };
 * ```
 */
export interface EpisodeStats {
  /** The episode's (undiscounted) return. */
  return: number;
  /** Its length in steps. */
  length?: number;
  /** The environment step at which it ended (x axis when every episode has one). */
  step?: number;
}

/**
 * Options of {@link plotEpisodeReturns}.
 *
 * @example
 * ```ts
 * const options: EpisodeReturnsOptions = { window: 50, target: 475 };
 * ```
 */
export interface EpisodeReturnsOptions extends PlotOptions {
  /** Episodes in the moving average (default 20). */
  window?: number;
  /** A horizontal rule at the return that counts as solved (e.g. 475 on CartPole-v1). */
  target?: number;
}

/**
 * Episode returns of an RL run: each episode's return (thin) and its moving average (thick),
 * against the episode number, or against the environment step when every episode has `step`;
 * optionally the target return as a dashed rule.
 *
 * @example
 * ```ts
 * const returns = [12, 18, 25, 40, 31, 80, 120, 200]; // or [{ return, length, step }, ...]
 * await writePlot(plotEpisodeReturns(returns, { window: 3, target: 195 }), 'out/returns.png');
 * ```
 */
export function plotEpisodeReturns(episodes: ArrayLike<number> | EpisodeStats[], options: EpisodeReturnsOptions = {}): PlotSpec {
  if (!episodes || typeof episodes.length !== 'number' || episodes.length === 0)
    throw new ValueError('plotEpisodeReturns episodes', 'a non-empty list of returns or { return, step? } records', episodes);
  const stats: EpisodeStats[] = Array.from(episodes as ArrayLike<number | EpisodeStats>, (e) =>
    typeof e === 'number' ? { return: e } : e,
  );
  stats.forEach((e, i) => {
    if (!e || !Number.isFinite(e.return)) throw new ValueError(`plotEpisodeReturns episodes[${i}]`, 'a finite return', e);
  });
  const window = options.window ?? 20;
  const avg = movingAverage(
    stats.map((e) => e.return),
    window,
  );
  const bySteps = stats.every((e) => typeof e.step === 'number');
  const xName = bySteps ? 'step' : 'episode';
  const mean = `moving average (${window})`;
  const values = stats.flatMap((e, i) => {
    const x = bySteps ? (e.step as number) : i + 1;
    return [
      { x, value: e.return, series: 'return' },
      { x, value: avg[i] as number, series: mean },
    ];
  });
  const line = {
    mark: { type: 'line', clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xName },
      y: { field: 'value', type: 'quantitative', title: 'episode return' },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['return', mean], range: ['#9ecae9', '#1f77b4'] } },
      strokeWidth: {
        field: 'series',
        type: 'ordinal',
        sort: ['return', mean],
        legend: null,
        scale: { domain: ['return', mean], range: [1, 2.5] },
      },
    },
  };
  const layer: unknown[] = [line];
  if (options.target !== undefined)
    layer.push({
      data: { values: [{ target: options.target }] },
      mark: { type: 'rule', strokeDash: [6, 4], color: '#d62728' },
      encoding: { y: { field: 'target', type: 'quantitative' } },
    });
  return {
    ...header(options, { title: `Episode returns (${stats.length} episodes)` }),
    width: options.width ?? 420,
    height: options.height ?? 220,
    data: { values },
    layer,
  } as PlotSpec;
}
