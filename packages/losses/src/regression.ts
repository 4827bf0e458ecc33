import type { Loss } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { abs, add, cast, clipByValue, log, mean, minimum, mul, softplus, square, sub, sum } from '@tessera/tensor';
import { alignTargets, type LossOptions, makeLoss } from './make-loss.js';

const f32 = (yTrue: Tensor, yPred: Tensor, name: string): Tensor => alignTargets(cast(yTrue, 'float32'), yPred, name);

/**
 * Mean squared error over the last axis.
 *
 * @example
 * ```ts
 * meanSquaredError()(yTrue, yPred);
 * ```
 */
export function meanSquaredError(options: LossOptions = {}): Loss {
  const name = 'mean_squared_error';
  return makeLoss(name, (y, p) => mean(square(sub(f32(y, p, name), p)), -1), options);
}

/**
 * Mean absolute error over the last axis.
 *
 * @example
 * ```ts
 * meanAbsoluteError()(yTrue, yPred);
 * ```
 */
export function meanAbsoluteError(options: LossOptions = {}): Loss {
  const name = 'mean_absolute_error';
  return makeLoss(name, (y, p) => mean(abs(sub(f32(y, p, name), p)), -1), options);
}

/**
 * Options of {@link huber}.
 *
 * @example
 * ```ts
 * const options: HuberOptions = { delta: 0.5 };
 * ```
 */
export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}

/**
 * Huber loss: quadratic for errors below `delta`, linear above (written without comparisons,
 * so it is twice differentiable through tfjs' tape).
 *
 * @example
 * ```ts
 * huber({ delta: 1 })(yTrue, yPred);
 * ```
 */
export function huber(options: HuberOptions = {}): Loss {
  const name = 'huber_loss';
  const delta = options.delta ?? 1;
  if (!(typeof delta === 'number' && delta > 0)) throw new ValueError(`${name} delta`, 'a positive number', options.delta);
  return makeLoss(
    name,
    (y, p) => {
      const err = abs(sub(f32(y, p, name), p));
      const quadratic = minimum(err, delta);
      const linear = sub(err, quadratic);
      return mean(add(mul(square(quadratic), 0.5), mul(linear, delta)), -1);
    },
    options,
  );
}

/**
 * log(cosh(error)) averaged over the last axis, computed stably as x + softplus(-2x) - log 2.
 *
 * @example
 * ```ts
 * logCosh()(yTrue, yPred);
 * ```
 */
export function logCosh(options: LossOptions = {}): Loss {
  const name = 'log_cosh';
  return makeLoss(
    name,
    (y, p) => {
      const x = sub(p, f32(y, p, name));
      return mean(sub(add(x, softplus(mul(x, -2))), Math.log(2)), -1);
    },
    options,
  );
}

/**
 * Kullback-Leibler divergence sum(y * log(y / p)) over the last axis (both clipped to [1e-7, 1]).
 *
 * @example
 * ```ts
 * klDivergence()(targetDistribution, predictedDistribution);
 * ```
 */
export function klDivergence(options: LossOptions = {}): Loss {
  const name = 'kl_divergence';
  return makeLoss(
    name,
    (y, p) => {
      const yt = clipByValue(f32(y, p, name), 1e-7, 1);
      const pt = clipByValue(p, 1e-7, 1);
      return sum(mul(yt, sub(log(yt), log(pt))), -1);
    },
    options,
  );
}
