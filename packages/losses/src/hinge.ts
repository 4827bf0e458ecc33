import type { Loss } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add, all, cast, equal, logicalOr, max, mean, mul, relu, square, sub, sum, where } from '@tessera/tensor';
import { alignTargets, type LossOptions, makeLoss } from './make-loss.js';

/** Targets in {0, 1} become {-1, 1}; targets already in {-1, 1} stay (Keras' convention). */
function signed(yTrue: Tensor, yPred: Tensor, name: string): Tensor {
  const y = alignTargets(cast(yTrue, 'float32'), yPred, name);
  const binary = all(logicalOr(equal(y, 0), equal(y, 1)));
  return where(binary, sub(mul(y, 2), 1), y);
}

/**
 * Hinge loss mean(max(1 - y * p, 0)) for labels in {-1, 1} (or {0, 1}, converted).
 *
 * @example
 * ```ts
 * hinge()(tensor1d([1, -1]), tensor1d([0.3, -2]));
 * ```
 */
export function hinge(options: LossOptions = {}): Loss {
  const name = 'hinge';
  return makeLoss(name, (y, p) => mean(relu(sub(1, mul(signed(y, p, name), p))), -1), options);
}

/**
 * Squared hinge loss mean(max(1 - y * p, 0)^2).
 *
 * @example
 * ```ts
 * squaredHinge()(yTrue, yPred);
 * ```
 */
export function squaredHinge(options: LossOptions = {}): Loss {
  const name = 'squared_hinge';
  return makeLoss(name, (y, p) => mean(square(relu(sub(1, mul(signed(y, p, name), p)))), -1), options);
}

/**
 * Categorical hinge max(0, 1 + max((1 - y) * p) - sum(y * p)) for one-hot targets.
 *
 * @example
 * ```ts
 * categoricalHinge()(oneHotTargets, scores);
 * ```
 */
export function categoricalHinge(options: LossOptions = {}): Loss {
  const name = 'categorical_hinge';
  return makeLoss(
    name,
    (yTrue, p) => {
      const y = alignTargets(cast(yTrue, 'float32'), p, name);
      const pos = sum(mul(y, p), -1);
      const neg = max(mul(sub(1, y), p), -1);
      return relu(add(sub(neg, pos), 1));
    },
    options,
  );
}
