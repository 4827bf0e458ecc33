import { ShapeError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { abs, cast, mean, reshape, square, stack, sub } from '@tessera/tensor';
import { StreamingMetric, safeDiv } from './streaming.js';
import { sampleWeights, weightedSums } from './weights.js';

class Regression extends StreamingMetric {
  constructor(
    private readonly fn: (d: Tensor) => Tensor,
    name: string,
  ) {
    super(name);
  }
  protected stats(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): Tensor {
    if (yTrue.size !== yPred.size) throw new ShapeError(`${this.name} targets`, yPred.shape, yTrue.shape);
    const n = yPred.shape[0] ?? 1;
    const d = sub(reshape(cast(yTrue, 'float32'), [n, -1]), reshape(yPred, [n, -1]));
    const perSample = mean(this.fn(d), 1);
    return stack(weightedSums(perSample, sampleWeights(this.name, n, sampleWeight)));
  }
  protected compute(acc: Float32Array): number {
    return safeDiv(acc[0] as number, acc[1] as number);
  }
}

/**
 * Streaming mean squared error (per-sample mean over outputs, then weighted mean over samples).
 *
 * @example
 * ```ts
 * const m = meanSquaredError();
 * ```
 */
export function meanSquaredError(options: { name?: string } = {}): StreamingMetric {
  return new Regression(square, options.name ?? 'mse');
}

/**
 * Streaming mean absolute error.
 *
 * @example
 * ```ts
 * const m = meanAbsoluteError();
 * ```
 */
export function meanAbsoluteError(options: { name?: string } = {}): StreamingMetric {
  return new Regression(abs, options.name ?? 'mae');
}
