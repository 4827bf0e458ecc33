import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { header, type PlotOptions, type PlotSpec } from './spec.js';
import { classIndices } from './values.js';

/**
 * Labels or predictions: class indices `[n]`, or scores / one-hot rows `[n, classes]` (a tensor or arrays).
 *
 * @example
 * ```ts
 * const labels: Classes = [0, 2, 1];
 * const logits: Classes = tensor2d([[3, 0, 1], [0, 1, 4], [0, 2, 1]]);
 * ```
 */
export type Classes = Tensor | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/**
 * Counts of (true class, predicted class) pairs: `matrix[t][p]`. Labels and predictions are
 * class indices, or score/one-hot rows reduced by their largest entry. Tensors are read, not disposed.
 *
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2]); // [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
 * ```
 */
export function confusionMatrix(labels: Classes, predictions: Classes, options: { numClasses?: number } = {}): number[][] {
  const t = classIndices(labels, 'confusionMatrix labels');
  const p = classIndices(predictions, 'confusionMatrix predictions');
  if (t.length !== p.length) throw new ValueError('confusionMatrix predictions', `${t.length} predictions (one per label)`, p.length);
  const seen = Math.max(0, ...t, ...p) + 1;
  const k = options.numClasses ?? seen;
  if (!Number.isInteger(k) || k < seen)
    throw new ValueError('confusionMatrix numClasses', `an integer >= ${seen} (the largest class seen + 1)`, k);
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < t.length; i++) {
    const row = m[t[i] as number] as number[];
    const j = p[i] as number;
    row[j] = (row[j] as number) + 1;
  }
  return m;
}

/**
 * Options of {@link plotConfusionMatrix}.
 *
 * @example
 * ```ts
 * const options: ConfusionPlotOptions = { classNames: ['setosa', 'versicolor', 'virginica'], normalize: true };
 * ```
 */
export interface ConfusionPlotOptions extends PlotOptions {
  /** Names of the classes, in index order (default `0`, `1`, ...). */
  classNames?: string[];
  /** Colour and label cells by the fraction of their true class (rows sum to 1) instead of counts. */
  normalize?: boolean;
}

/**
 * A confusion matrix as a heat map: rows the true class, columns the predicted one, each cell
 * coloured and labelled with its count (or its row fraction with `normalize`); the title carries
 * the accuracy.
 *
 * @example
 * ```ts
 * const logits = model.call(testX) as Tensor;
 * await writePlot(plotConfusionMatrix(testY, logits, { classNames }), 'out/confusion.svg');
 * logits.dispose();
 * ```
 */
export function plotConfusionMatrix(labels: Classes, predictions: Classes, options: ConfusionPlotOptions = {}): PlotSpec {
  const m = confusionMatrix(labels, predictions, options.classNames ? { numClasses: options.classNames.length } : {});
  const k = m.length;
  const names = options.classNames ?? m.map((_, i) => String(i));
  if (names.length !== k) throw new ValueError('plotConfusionMatrix classNames', `${k} names`, names.length);
  let total = 0;
  let correct = 0;
  const values: { true: string; predicted: string; count: number; fraction: number; value: number }[] = [];
  m.forEach((row, i) => {
    const rowSum = row.reduce((a, b) => a + b, 0);
    total += rowSum;
    correct += row[i] as number;
    row.forEach((count, j) => {
      const fraction = rowSum ? count / rowSum : 0;
      values.push({
        true: names[i] as string,
        predicted: names[j] as string,
        count,
        fraction,
        value: options.normalize ? fraction : count,
      });
    });
  });
  const max = Math.max(...values.map((v) => v.value));
  const cell = Math.max(18, Math.min(48, Math.floor(420 / k)));
  const accuracy = total ? correct / total : 0;
  return {
    ...header(options, { title: `Confusion matrix (accuracy ${(100 * accuracy).toFixed(1)}%, n = ${total})` }),
    data: { values },
    width: options.width ?? cell * k,
    height: options.height ?? cell * k,
    encoding: {
      x: { field: 'predicted', type: 'ordinal', sort: names, title: 'predicted', axis: { labelAngle: 0 } },
      y: { field: 'true', type: 'ordinal', sort: names, title: 'true' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative',
            title: options.normalize ? 'fraction' : 'count',
            scale: { scheme: 'blues', domainMin: 0 },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: k > 12 ? 8 : 11 },
        encoding: {
          text: options.normalize ? { field: 'fraction', type: 'quantitative', format: '.2f' } : { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.value > ${max / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  } as PlotSpec;
}
