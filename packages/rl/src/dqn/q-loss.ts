import type { Scalar, Tensor } from '@tessera/tensor';
import { abs, add, div, mean, minimum, mul, square, sub, sum } from '@tessera/tensor';
import { selectActions } from './targets.js';

/**
 * Options of {@link qLoss}.
 *
 * @example
 * ```ts
 * const options: QLossOptions = { delta: 1, weights: isWeights };
 * ```
 */
export interface QLossOptions {
  /** Huber's threshold (default 1: PyTorch's `smooth_l1_loss`, as Stable-Baselines3); `Infinity` gives half the squared error. */
  delta?: number;
  /** `[batch]` importance-sampling weights (prioritized replay): the weighted mean `Σ wᵢ ℓᵢ / batch`. */
  weights?: Tensor;
}

/**
 * Huber element loss: `½ e²` for `|e| ≤ δ`, `δ (|e| − ½ δ)` beyond.
 *
 * @example
 * ```ts
 * huberElements(tensor1d([0.5, 3])); // [0.125, 2.5]
 * ```
 */
export function huberElements(error: Tensor, delta = 1): Tensor {
  if (!Number.isFinite(delta)) return mul(square(error), 0.5);
  const a = abs(error);
  const quadratic = minimum(a, delta);
  return add(mul(square(quadratic), 0.5), mul(sub(a, quadratic), delta));
}

/**
 * The DQN loss: Huber of `Q(s, a) − y` averaged over the batch, for `q` `[batch, actions]`, int32
 * `actions` `[batch]` and fixed targets `y` `[batch]` ({@link dqnTargets}). Call it inside the
 * `valueAndGrad` of the Q-network's parameters.
 *
 * @example
 * ```ts
 * const { value, grads } = valueAndGrad((p) => qLoss(qNet.apply(p, obs), actions, y))(qNet.parameters());
 * ```
 */
export function qLoss(q: Tensor, actions: Tensor, targets: Tensor, options: QLossOptions = {}): Scalar {
  const elements = huberElements(sub(selectActions(q, actions), targets), options.delta ?? 1);
  if (!options.weights) return mean(elements) as Scalar;
  return div(sum(mul(elements, options.weights)), elements.shape[0] as number) as Scalar;
}
