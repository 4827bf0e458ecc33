import { ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { cast, concat, expandDims, greater, mul, reshape, scalar, sigmoid, stack, sub, sum, tensor1d, tile } from '@tessera/tensor';
import { StreamingMetric } from './streaming.js';
import { sampleWeights } from './weights.js';

const EPS = 1e-7;

/**
 * The thresholds Keras' `AUC` uses: `-eps`, `(i / (n - 1))` for `i = 1..n-2`, `1 + eps`.
 *
 * @example
 * ```ts
 * aucThresholds(3); // [-1e-7, 0.5, 1.0000001]
 * ```
 */
export function aucThresholds(n: number): number[] {
  const out = [-EPS];
  for (let i = 1; i < n - 1; i++) out.push(i / (n - 1));
  out.push(1 + EPS);
  return out;
}

/**
 * ROC AUC from per-threshold counts by the trapezoidal rule (Keras' `interpolation` for ROC).
 *
 * @example
 * ```ts
 * rocAucFromCounts(tp, fp, fn, tn);
 * ```
 */
export function rocAucFromCounts(tp: ArrayLike<number>, fp: ArrayLike<number>, fn: ArrayLike<number>, tn: ArrayLike<number>): number {
  const n = tp.length;
  const tpr = (i: number) => {
    const d = (tp[i] as number) + (fn[i] as number);
    return d === 0 ? 0 : (tp[i] as number) / d;
  };
  const fpr = (i: number) => {
    const d = (fp[i] as number) + (tn[i] as number);
    return d === 0 ? 0 : (fp[i] as number) / d;
  };
  let area = 0;
  for (let i = 0; i < n - 1; i++) area += (fpr(i) - fpr(i + 1)) * ((tpr(i) + tpr(i + 1)) / 2);
  return area;
}

class Auc extends StreamingMetric {
  private readonly thresholds: number[];
  constructor(
    numThresholds: number,
    private readonly fromLogits: boolean,
    name: string,
  ) {
    super(name);
    this.thresholds = aucThresholds(numThresholds);
  }
  protected stats(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): Tensor {
    if (yTrue.size !== yPred.size) throw new ShapeError(`${this.name} targets`, yPred.shape, yTrue.shape, 'one 0/1 target per prediction');
    const n = yPred.shape[0] ?? 1;
    const per = yPred.size / Math.max(n, 1);
    let p = reshape(yPred, [-1]);
    if (this.fromLogits) p = sigmoid(p);
    const w = reshape(tile(expandDims(sampleWeights(this.name, n, sampleWeight), 1), [1, per]), [-1]);
    const t = cast(greater(reshape(yTrue, [-1]), scalar(0.5)), 'float32');
    const thr = expandDims(tensor1d(this.thresholds), 1); // [T, 1]
    const above = cast(greater(expandDims(p, 0), thr), 'float32'); // [T, M]
    const tw = mul(t, w);
    const fw = mul(sub(1, t), w);
    const tp = sum(mul(above, tw), 1);
    const fp = sum(mul(above, fw), 1);
    const pos = sum(tw);
    const neg = sum(fw);
    const T = this.thresholds.length;
    return reshape(concat([tp, fp, sub(pos, tp), sub(neg, fp), stack([pos, neg])]), [4 * T + 2]);
  }
  protected compute(acc: Float32Array): number {
    const T = this.thresholds.length;
    const part = (k: number) => acc.subarray(k * T, (k + 1) * T);
    return rocAucFromCounts(part(0), part(1), part(2), part(3));
  }
}

/**
 * Streaming ROC AUC, bucketed over `numThresholds` thresholds in [0, 1] like Keras' `AUC`
 * (trapezoidal rule). Targets are 0/1; predictions are probabilities (or logits with `fromLogits`).
 *
 * @example
 * ```ts
 * const a = auc();               // 200 thresholds
 * const b = auc({ fromLogits: true });
 * ```
 */
export function auc(options: { numThresholds?: number; fromLogits?: boolean; name?: string } = {}): StreamingMetric {
  const n = options.numThresholds ?? 200;
  if (!Number.isInteger(n) || n < 3) throw new ValueError('auc numThresholds', 'an integer >= 3', n);
  return new Auc(n, options.fromLogits ?? false, options.name ?? 'auc');
}
