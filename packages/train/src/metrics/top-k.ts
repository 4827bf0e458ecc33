import { ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { argMax, cast, expandDims, greater, less, mul, oneHot, reshape, scalar, stack, sum } from '@tessera/tensor';
import { StreamingMetric, safeDiv } from './streaming.js';
import { sampleWeights, weightedSums } from './weights.js';

class TopK extends StreamingMetric {
  constructor(
    private readonly k: number,
    name: string,
  ) {
    super(name);
  }
  protected stats(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): Tensor {
    if (yPred.rank !== 2) throw new ShapeError(`${this.name} predictions`, [null, null], yPred.shape, 'expected [batch, classes]');
    const [n, c] = yPred.shape as [number, number];
    let labels: Tensor;
    if (yTrue.size === n * c && yTrue.rank === 2) labels = argMax(yTrue, 1);
    else if (yTrue.size === n) labels = cast(reshape(yTrue, [n]), 'int32');
    else throw new ShapeError(`${this.name} targets`, [n], yTrue.shape, 'class indices [batch] or one-hot [batch, classes]');
    const trueScore = sum(mul(yPred, oneHot(labels, c)), 1);
    const above = sum(cast(greater(yPred, expandDims(trueScore, 1)), 'float32'), 1);
    const ok = less(above, scalar(this.k));
    return stack(weightedSums(ok, sampleWeights(this.name, n, sampleWeight)));
  }
  protected compute(acc: Float32Array): number {
    return safeDiv(acc[0] as number, acc[1] as number);
  }
}

/**
 * Streaming top-k accuracy: a sample counts as correct when fewer than `k` classes score
 * strictly higher than its true class. Targets are class indices or one-hot rows.
 *
 * @example
 * ```ts
 * const top5 = topKAccuracy(5);
 * ```
 */
export function topKAccuracy(k = 5, options: { name?: string } = {}): StreamingMetric {
  if (!Number.isInteger(k) || k < 1) throw new ValueError('topKAccuracy k', 'a positive integer', k);
  return new TopK(k, options.name ?? `top_${k}_accuracy`);
}
