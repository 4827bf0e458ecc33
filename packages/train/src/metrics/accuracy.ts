import { ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { argMax, cast, equal, greater, mean, reshape, scalar, stack } from '@tessera/tensor';
import { StreamingMetric, safeDiv } from './streaming.js';
import { sampleWeights, weightedSums } from './weights.js';

/**
 * Which accuracy: `auto` picks from the shapes (see {@link accuracy}).
 *
 * @example
 * ```ts
 * const kind: AccuracyKind = 'sparse'; // integer labels [N] against scores [N, classes]
 * const acc = accuracy({ kind });
 * accuracyKind([32, 10], [32, 10]); // 'categorical' (one-hot targets)
 * ```
 */
export type AccuracyKind = 'auto' | 'binary' | 'categorical' | 'sparse';

/**
 * Options of {@link accuracy}.
 *
 * @example
 * ```ts
 * const metrics = [accuracy({ kind: 'binary', threshold: 0, name: 'acc' })]; // predictions are logits
 * ```
 */
export interface AccuracyOptions {
  /** Which accuracy (default 'auto'). */
  kind?: AccuracyKind;
  /** Binary decision threshold on predictions (default 0.5 for probabilities; use 0 for logits). */
  threshold?: number;
  /** Name in the logs (default 'accuracy'). */
  name?: string;
}

/**
 * Resolves `auto`: predictions with last dimension > 1 are categorical when targets have the
 * same shape (one-hot) and sparse otherwise (class indices); else binary.
 *
 * @example
 * ```ts
 * accuracyKind([32], [32, 10]); // 'sparse'
 * ```
 */
export function accuracyKind(yTrue: readonly number[], yPred: readonly number[]): Exclude<AccuracyKind, 'auto'> {
  const last = yPred[yPred.length - 1] ?? 1;
  if (yPred.length >= 2 && last > 1) {
    return yTrue.length === yPred.length && yTrue.every((d, i) => d === yPred[i]) ? 'categorical' : 'sparse';
  }
  return 'binary';
}

/**
 * Per-sample correctness `[N]` (bool/float) for the given kind.
 *
 * @example
 * ```ts
 * const ok = correctness('sparse', labels, logits, 0.5, 'accuracy');
 * ```
 */
export function correctness(kind: Exclude<AccuracyKind, 'auto'>, yTrue: Tensor, yPred: Tensor, threshold: number, where: string): Tensor {
  const n = yPred.shape[0] ?? 1;
  if (kind === 'binary') {
    if (yTrue.size !== yPred.size)
      throw new ShapeError(`${where} targets`, yPred.shape, yTrue.shape, 'binary targets need one value per prediction');
    const p = cast(greater(reshape(yPred, [-1]), scalar(threshold)), 'float32');
    const t = cast(greater(reshape(yTrue, [-1]), scalar(0.5)), 'float32');
    const ok = cast(equal(p, t), 'float32');
    // multi-output binary: mean over outputs per sample
    return mean(reshape(ok, [n, -1]), 1);
  }
  const classes = yPred.shape[yPred.rank - 1] as number;
  const pred = argMax(reshape(yPred, [-1, classes]), 1);
  if (kind === 'categorical') {
    if (yTrue.size !== yPred.size)
      throw new ShapeError(`${where} targets`, yPred.shape, yTrue.shape, 'one-hot targets must match predictions');
    return equal(pred, argMax(reshape(yTrue, [-1, classes]), 1));
  }
  if (yTrue.size * classes !== yPred.size) {
    throw new ShapeError(
      `${where} targets`,
      yPred.shape.slice(0, -1),
      yTrue.shape,
      'sparse targets hold one class index per prediction row',
    );
  }
  return equal(pred, cast(reshape(yTrue, [-1]), 'int32'));
}

class Accuracy extends StreamingMetric {
  constructor(
    private readonly kind: AccuracyKind,
    private readonly threshold: number,
    name: string,
  ) {
    super(name);
  }
  protected stats(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): Tensor {
    const kind = this.kind === 'auto' ? accuracyKind(yTrue.shape, yPred.shape) : this.kind;
    const ok = correctness(kind, yTrue, yPred, this.threshold, this.name);
    const perSample = mean(reshape(cast(ok, 'float32'), [yPred.shape[0] ?? 1, -1]), 1);
    return stack(weightedSums(perSample, sampleWeights(this.name, yPred.shape[0] ?? 1, sampleWeight)));
  }
  protected compute(acc: Float32Array): number {
    return safeDiv(acc[0] as number, acc[1] as number);
  }
}

/**
 * Streaming accuracy (fraction of correct predictions, weighted by sample weights).
 * `kind: 'auto'` (default) picks binary / categorical (one-hot) / sparse (class indices) from the shapes.
 *
 * @example
 * ```ts
 * const acc = accuracy();                       // auto
 * const bin = accuracy({ kind: 'binary', threshold: 0 }); // logits
 * ```
 */
export function accuracy(options: AccuracyOptions = {}): StreamingMetric {
  const kind = options.kind ?? 'auto';
  if (!['auto', 'binary', 'categorical', 'sparse'].includes(kind)) {
    throw new ValueError('accuracy kind', '"auto", "binary", "categorical" or "sparse"', kind);
  }
  return new Accuracy(kind, options.threshold ?? 0.5, options.name ?? 'accuracy');
}
