import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { header, type PlotOptions, type PlotSpec } from './spec.js';
import { readValues } from './values.js';

/**
 * A receiver operating characteristic: false- and true-positive rates at every distinct score
 * threshold (from `(0, 0)` at `+Infinity` to `(1, 1)`), and the area under it.
 *
 * @example
 * ```ts
 * const roc: RocCurve = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * console.log(roc.auc); // 0.75
 * ```
 */
export interface RocCurve {
  /** False-positive rate at each threshold. */
  fpr: number[];
  /** True-positive rate at each threshold. */
  tpr: number[];
  /** Scores at or above which a sample is called positive. */
  thresholds: number[];
  /** Area under the curve (trapezoids; ties between classes count one half, as in Mann–Whitney U). */
  auc: number;
}

/**
 * The ROC curve and its AUC of binary `labels` (0/1) and `scores` (higher: more likely positive;
 * probabilities or logits). Tensors (`[n]` or `[n, 1]`) are read, not disposed.
 *
 * @example
 * ```ts
 * const { auc } = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75, as sklearn's roc_auc_score
 * ```
 */
export function rocCurve(labels: Tensor | ArrayLike<number>, scores: Tensor | ArrayLike<number>): RocCurve {
  const y = readValues(labels, 'rocCurve labels').data;
  const s = readValues(scores, 'rocCurve scores').data;
  if (y.length !== s.length) throw new ValueError('rocCurve scores', `${y.length} scores (one per label)`, s.length);
  let pos = 0;
  for (const v of y) {
    if (v !== 0 && v !== 1) throw new ValueError('rocCurve labels', 'binary labels 0 or 1', v);
    pos += v;
  }
  const neg = y.length - pos;
  if (pos === 0 || neg === 0) throw new ValueError('rocCurve labels', 'both classes present', `${pos} positives, ${neg} negatives`);
  for (const v of s) if (Number.isNaN(v)) throw new ValueError('rocCurve scores', 'numbers (no NaN)', v);
  const order = s.map((_, i) => i).sort((a, b) => (s[b] as number) - (s[a] as number));
  const fpr = [0];
  const tpr = [0];
  const thresholds = [Number.POSITIVE_INFINITY];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  for (let i = 0; i < order.length; ) {
    const t = s[order[i] as number] as number;
    // every sample with this score crosses the threshold together
    for (; i < order.length && s[order[i] as number] === t; i++) {
      if (y[order[i] as number] === 1) tp++;
      else fp++;
    }
    const x = fp / neg;
    const h = tp / pos;
    auc += (x - (fpr.at(-1) as number)) * (h + (tpr.at(-1) as number)) * 0.5;
    fpr.push(x);
    tpr.push(h);
    thresholds.push(t);
  }
  return { fpr, tpr, thresholds, auc };
}

/**
 * Options of {@link plotRoc}.
 *
 * @example
 * ```ts
 * const options: RocPlotOptions = { name: 'spam classifier' };
 * ```
 */
export interface RocPlotOptions extends PlotOptions {
  /** The curve's name in the legend (default `model`); the legend adds its AUC. */
  name?: string;
}

/**
 * The ROC curve of a binary classifier (true- against false-positive rate) with the chance
 * diagonal; the legend and the title carry the AUC. Pass `labels` and `scores`, or a computed
 * {@link RocCurve} as `labels` alone.
 *
 * @example
 * ```ts
 * const probs = model.call(testX) as Tensor; // [n, 1]
 * await writePlot(plotRoc(testY, probs, { name: 'spam' }), 'out/roc.png');
 * probs.dispose();
 * ```
 */
export function plotRoc(
  labels: Tensor | ArrayLike<number> | RocCurve,
  scores?: Tensor | ArrayLike<number>,
  options: RocPlotOptions = {},
): PlotSpec {
  const roc = scores === undefined && labels && typeof labels === 'object' && 'fpr' in labels ? (labels as RocCurve) : null;
  if (!roc && scores === undefined) throw new ValueError('plotRoc scores', 'scores (one per label), or a RocCurve alone', scores);
  const curve = roc ?? rocCurve(labels as Tensor | ArrayLike<number>, scores as Tensor | ArrayLike<number>);
  const name = `${options.name ?? 'model'} (AUC ${curve.auc.toFixed(3)})`;
  const values = curve.fpr.map((fpr, i) => ({
    i,
    fpr,
    tpr: curve.tpr[i] as number,
    threshold: curve.thresholds[i] as number,
    series: name,
  }));
  const chance = 'chance (AUC 0.500)';
  return {
    ...header(options, { title: `ROC curve, AUC ${curve.auc.toFixed(3)}` }),
    width: options.width ?? 300,
    height: options.height ?? 300,
    layer: [
      {
        data: {
          values: [
            { fpr: 0, tpr: 0, series: chance },
            { fpr: 1, tpr: 1, series: chance },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4] },
        encoding: {
          x: { field: 'fpr', type: 'quantitative' },
          y: { field: 'tpr', type: 'quantitative' },
          color: { field: 'series', type: 'nominal' },
        },
      },
      {
        data: { values },
        mark: { type: 'line', interpolate: 'linear' },
        encoding: {
          x: { field: 'fpr', type: 'quantitative', title: 'false-positive rate', scale: { domain: [0, 1] } },
          y: { field: 'tpr', type: 'quantitative', title: 'true-positive rate', scale: { domain: [0, 1] } },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: [name, chance], range: ['#4c78a8', '#999999'] },
            legend: { labelLimit: 400 },
          },
          order: { field: 'i', type: 'quantitative' },
        },
      },
    ],
  } as PlotSpec;
}
