import type { Reduction } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { cast, mean, mul, reshape, sum } from '@tessera/tensor';

/**
 * Reduces per-sample loss values: 'mean' divides the (weighted) sum by the number of values
 * (Keras' sum-over-batch-size), 'sum' adds them, 'none' returns them weighted.
 *
 * @example
 * ```ts
 * const loss = reduce(perSample, 'mean', sampleWeight);
 * ```
 */
export function reduce(values: Tensor, reduction: Reduction = 'mean', sampleWeight?: Tensor): Tensor {
  let v = values;
  if (sampleWeight) {
    const w = sampleWeight.rank > v.rank ? reshape(sampleWeight, v.shape) : sampleWeight;
    v = mul(v, cast(w, 'float32'));
  }
  switch (reduction) {
    case 'none':
      return v;
    case 'sum':
      return sum(v);
    case 'mean':
    case 'sumOverBatchSize':
      return sampleWeight ? mul(sum(v), 1 / Math.max(1, v.size)) : mean(v);
    default:
      throw new ValueError('loss reduction', "'mean', 'sum' or 'none'", reduction);
  }
}
