import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * How per-sample losses are reduced to the value returned.
 *
 * @example
 * ```ts
 * const reduction: Reduction = 'none';
 * const perSample = meanSquaredError({ reduction })(yTrue, yPred); // shape [batch]
 * ```
 */
export type Reduction = 'mean' | 'sum' | 'none' | 'sumOverBatchSize';

/**
 * A loss: a pure function of targets and predictions (and optional per-sample weights)
 * that returns a scalar (or per-sample values with reduction 'none').
 *
 * @example
 * ```ts
 * const loss: Loss = (yTrue, yPred) => mean(square(sub(yTrue, yPred)));
 * ```
 */
export interface Loss {
  (yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): Tensor;
  /** Name used in logs, e.g. `sparse_categorical_crossentropy`. */
  readonly lossName?: string;
}
