import { ShapeError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { cast, mul, ones, reshape, sum } from '@tessera/tensor';

/**
 * Per-sample weights `[N]` (ones when absent), checked against the batch size.
 *
 * @example
 * ```ts
 * const w = sampleWeights('accuracy', 32, batch.sampleWeight);
 * ```
 */
export function sampleWeights(metric: string, n: number, sampleWeight?: Tensor): Tensor {
  if (!sampleWeight) return ones([n]);
  if (sampleWeight.size !== n) throw new ShapeError(`${metric} sampleWeight`, [n], sampleWeight.shape);
  return cast(reshape(sampleWeight, [n]), 'float32');
}

/**
 * `[sum(w * v), sum(w)]` for per-sample values `v` `[N]`: the statistics of a weighted mean.
 *
 * @example
 * ```ts
 * const [num, den] = weightedSums(correct, w);
 * ```
 */
export function weightedSums(values: Tensor, w: Tensor): [Tensor, Tensor] {
  return [sum(mul(cast(values, 'float32'), w)), sum(w)];
}
