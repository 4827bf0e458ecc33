import type { Reduction } from '@tessera/core';
import { ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { cast, mean, mul, reshape, sum } from '@tessera/tensor';

/**
 * Reduces per-sample loss values: 'mean' divides the (weighted) sum by the number of values
 * (Keras' sum-over-batch-size), 'sum' adds them, 'none' returns them weighted.
 * A sample weight of shape `[N]` weights values of shape `[N, ...]` per sample; `[N, 1]` weights
 * match values `[N]`; a scalar weights everything.
 *
 * @example
 * ```ts
 * const loss = reduce(perSample, 'mean', sampleWeight);
 * ```
 */
export function reduce(values: Tensor, reduction: Reduction = 'mean', sampleWeight?: Tensor, lossName?: string): Tensor {
  let v = values;
  if (sampleWeight) {
    v = mul(v, cast(alignWeights(sampleWeight, v, lossName), 'float32'));
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

/** Reshapes sample weights so they broadcast over the values sample by sample. */
function alignWeights(w: Tensor, v: Tensor, lossName?: string): Tensor {
  if (w.rank === 0) return w;
  if (w.rank > v.rank && w.size === v.size) return reshape(w, v.shape);
  const leading = v.shape.slice(0, w.rank);
  if (w.rank <= v.rank && w.shape.every((d, i) => d === leading[i] || d === 1)) {
    return w.rank === v.rank ? w : reshape(w, [...w.shape, ...new Array<number>(v.rank - w.rank).fill(1)]);
  }
  throw new ShapeError(
    lossName ? `${lossName} sample weight` : 'sample weight',
    v.shape.slice(0, Math.max(1, w.rank)),
    w.shape,
    'one weight per sample',
  );
}
