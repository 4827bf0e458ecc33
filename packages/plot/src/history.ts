import { ValueError } from '@tessera/core';
import { header, type PlotOptions, type PlotSpec } from './spec.js';

const LEARNING_RATE = ['lr', 'learning_rate'];

/**
 * What {@link plotHistory} reads: `fit`'s `History` (or anything with per-epoch lists by name).
 *
 * @example
 * ```ts
 * const h: HistoryLike = { epoch: [0, 1], history: { loss: [0.9, 0.5], val_loss: [1.0, 0.7] } };
 * ```
 */
export interface HistoryLike {
  /** Epoch indices (0-based, as `fit` counts); default 0, 1, 2, ... */
  epoch?: number[];
  /** Each logged quantity per epoch; `val_<name>` is the validation value of `<name>`. */
  history: Record<string, number[]>;
}

/**
 * Options of {@link plotHistory}.
 *
 * @example
 * ```ts
 * const options: HistoryPlotOptions = { metrics: ['loss', 'accuracy'], columns: 2 };
 * ```
 */
export interface HistoryPlotOptions extends PlotOptions {
  /** The quantities to plot, in order (default: every one in the history but the learning rate, `lr` / `learning_rate`). */
  metrics?: string[];
  /** Charts per row (default 2). */
  columns?: number;
}

/**
 * Loss and metric curves from a training history, as Keras users draw them: one chart per
 * quantity (`loss`, `accuracy`, ...), x the epoch (1-based), the training value and the
 * validation value (`val_<name>`) as two coloured series (with points up to 30 epochs).
 * Non-finite values are left out.
 *
 * @example
 * ```ts
 * const history = await fit(model, train, { loss, optimizer, epochs: 10, metrics: [accuracy()], validation: test });
 * await writePlot(plotHistory(history), 'out/history.png'); // writePlot from '@tessera/plot/node'
 * ```
 */
export function plotHistory(history: HistoryLike, options: HistoryPlotOptions = {}): PlotSpec {
  if (!history || typeof history.history !== 'object' || history.history === null)
    throw new ValueError('plotHistory history', "fit's History { epoch, history: { name: number[] } }", history);
  const names = Object.keys(history.history);
  const base = [...new Set(names.map((k) => (k.startsWith('val_') ? k.slice(4) : k)))].filter((k) => !LEARNING_RATE.includes(k));
  const metrics = options.metrics ?? base;
  for (const m of metrics)
    if (!(m in history.history) && !(`val_${m}` in history.history))
      throw new ValueError('plotHistory metrics', `names logged in the history (${base.join(', ')})`, m);
  const values: { epoch: number; metric: string; series: string; value: number }[] = [];
  for (const metric of metrics) {
    for (const [series, key] of [
      ['train', metric],
      ['validation', `val_${metric}`],
    ] as const) {
      const list = history.history[key];
      if (!list) continue;
      list.forEach((value, i) => {
        if (Number.isFinite(value)) values.push({ epoch: (history.epoch?.[i] ?? i) + 1, metric, series, value });
      });
    }
  }
  const epochs = Math.max(0, ...Object.values(history.history).map((l) => l.length));
  return {
    ...header(options, { title: 'Training history' }),
    data: { values },
    columns: options.columns ?? 2,
    facet: { field: 'metric', type: 'nominal', title: null, sort: metrics },
    spec: {
      width: options.width ?? 280,
      height: options.height ?? 180,
      mark: { type: 'line', point: epochs <= 30 },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['train', 'validation'] } },
      },
    },
    resolve: { scale: { y: 'independent' } },
  } as PlotSpec;
}
