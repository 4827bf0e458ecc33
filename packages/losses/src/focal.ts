import type { Loss } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add, cast, exp, mean, mul, neg, pow, sigmoid, sub, sum } from '@tessera/tensor';
import {
  binaryCrossentropyElements,
  type CrossentropyOptions,
  checkSmoothing,
  logProbabilities,
  smooth,
  sparseToOneHot,
} from './crossentropy.js';
import { alignTargets, makeLoss } from './make-loss.js';

/**
 * Options of {@link binaryFocalCrossentropy}.
 *
 * @example
 * ```ts
 * const options: FocalOptions = { gamma: 2, alpha: 0.25, fromLogits: true };
 * ```
 */
export interface FocalOptions extends CrossentropyOptions {
  /** Focusing parameter: larger down-weights easy examples more (default 2). */
  gamma?: number;
  /** Weight of the positive class; when set, negatives get 1 - alpha (default: no class balancing). */
  alpha?: number;
}

/** Validates the focal options of the loss `name`. */
function checkFocal(options: FocalOptions, name: string): void {
  checkSmoothing(options, name);
  const { gamma, alpha } = options;
  if (gamma !== undefined && !(typeof gamma === 'number' && gamma >= 0))
    throw new ValueError(`${name} gamma`, 'a non-negative number', gamma);
  if (alpha !== undefined && !(typeof alpha === 'number' && alpha >= 0 && alpha <= 1)) {
    throw new ValueError(`${name} alpha`, 'a number in [0, 1]', alpha);
  }
}

/**
 * Binary focal cross-entropy (Lin et al.): (1 - p_t)^gamma * BCE, optionally class-balanced with alpha.
 *
 * @example
 * ```ts
 * binaryFocalCrossentropy({ gamma: 2, alpha: 0.25, fromLogits: true })(labels, logits);
 * ```
 */
export function binaryFocalCrossentropy(options: FocalOptions = {}): Loss {
  const name = 'binary_focal_crossentropy';
  checkFocal(options, name);
  const gamma = options.gamma ?? 2;
  return makeLoss(
    name,
    (yTrue, yPred) => {
      const y = alignTargets(cast(yTrue, 'float32'), yPred, name);
      const p = options.fromLogits ? sigmoid(yPred) : yPred;
      const pT = add(mul(y, p), mul(sub(1, y), sub(1, p)));
      let weight = pow(sub(1, pT), gamma);
      if (options.alpha !== undefined) {
        const alphaT = add(mul(y, options.alpha), mul(sub(1, y), 1 - options.alpha));
        weight = mul(weight, alphaT);
      }
      return mean(mul(weight, binaryCrossentropyElements(yTrue, yPred, name, options)), -1);
    },
    options,
  );
}

/** Focal cross-entropy of (smoothed) one-hot targets: sum(-alpha * (1 - p)^gamma * y * log p). */
function categoricalFocal(y: Tensor, yPred: Tensor, options: FocalOptions): Tensor {
  const classes = yPred.shape[yPred.rank - 1] as number;
  const logp = logProbabilities(yPred, options.fromLogits ?? false);
  const weight = mul(pow(sub(1, exp(logp)), options.gamma ?? 2), options.alpha ?? 0.25);
  return neg(sum(mul(weight, mul(smooth(y, options.labelSmoothing ?? 0, classes), logp)), -1));
}

/**
 * Categorical focal cross-entropy (Keras' `CategoricalFocalCrossentropy`): per class
 * -alpha * (1 - p)^gamma * y * log p, summed over the last axis. Defaults: alpha 0.25, gamma 2.
 *
 * @example
 * ```ts
 * categoricalFocalCrossentropy({ gamma: 2, fromLogits: true })(oneHotLabels, logits);
 * ```
 */
export function categoricalFocalCrossentropy(options: FocalOptions = {}): Loss {
  const name = 'categorical_focal_crossentropy';
  checkFocal(options, name);
  return makeLoss(name, (yTrue, yPred) => categoricalFocal(alignTargets(cast(yTrue, 'float32'), yPred, name), yPred, options), options);
}

/**
 * {@link categoricalFocalCrossentropy} with integer labels (`[N]` or `[N, 1]`) instead of one-hot targets.
 *
 * @example
 * ```ts
 * sparseCategoricalFocalCrossentropy({ fromLogits: true })(tensor1d([2, 0], 'int32'), logits);
 * ```
 */
export function sparseCategoricalFocalCrossentropy(options: FocalOptions = {}): Loss {
  const name = 'sparse_categorical_focal_crossentropy';
  checkFocal(options, name);
  return makeLoss(name, (yTrue, yPred) => categoricalFocal(sparseToOneHot(yTrue, yPred, name), yPred, options), options);
}
