import type { Loss, Reduction } from '@tessera/core';
import { ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { reshape, tidy } from '@tessera/tensor';
import { reduce } from './reduce.js';

/**
 * Options every loss takes.
 *
 * @example
 * ```ts
 * meanSquaredError({ reduction: 'none' }); // one value per sample
 * ```
 */
export interface LossOptions {
  /** How per-sample values are reduced (default 'mean'). */
  reduction?: Reduction;
}

/**
 * Wraps a per-sample loss (returns one value per sample) into a {@link Loss} with a name and a reduction.
 *
 * @example
 * ```ts
 * const l1 = makeLoss('l1', (y, p) => sum(abs(sub(y, p)), -1));
 * ```
 */
export function makeLoss(name: string, perSample: (yTrue: Tensor, yPred: Tensor) => Tensor, options: LossOptions = {}): Loss {
  const reduction = options.reduction ?? 'mean';
  if (!['mean', 'sum', 'none', 'sumOverBatchSize'].includes(reduction)) {
    throw new ValueError(`${name} reduction`, "'mean', 'sum' or 'none'", reduction);
  }
  const fn = (yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): Tensor =>
    tidy(() => reduce(perSample(yTrue, yPred), reduction, sampleWeight, name));
  Object.defineProperty(fn, 'lossName', { value: name });
  Object.defineProperty(fn, 'name', { value: name });
  return fn as Loss;
}

/**
 * Makes targets fit predictions: `[N]` targets become `[N, 1]` when predictions are `[N, 1]`;
 * otherwise the shapes must be equal. Errors name the loss, expected and received shapes.
 *
 * @example
 * ```ts
 * const y = alignTargets(yTrue, yPred, 'mean_squared_error');
 * ```
 */
export function alignTargets(yTrue: Tensor, yPred: Tensor, lossName: string): Tensor {
  if (sameShape(yTrue.shape, yPred.shape)) return yTrue;
  if (yTrue.rank === yPred.rank - 1 && yPred.shape[yPred.rank - 1] === 1 && sameShape(yTrue.shape, yPred.shape.slice(0, -1))) {
    return reshape(yTrue, yPred.shape);
  }
  throw new ShapeError(`${lossName} targets`, yPred.shape, yTrue.shape, 'targets must have the shape of the predictions');
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
