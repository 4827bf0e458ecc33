import type { Loss } from '@tessera/core';
import { add, cast, mean, mul, pow, sigmoid, sub } from '@tessera/tensor';
import { binaryCrossentropyElements, type CrossentropyOptions } from './crossentropy.js';
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
