import type { Scalar, Tensor } from '@tessera/tensor';
import { add, mean, minimum, mul, square, sub } from '@tessera/tensor';

/**
 * Inputs of {@link sacCriticTarget}.
 *
 * @example
 * ```ts
 * const inputs: SacTargetInputs = { rewards, dones, nextQ1, nextQ2, nextLogProb, alpha: 0.2, gamma: 0.99 };
 * ```
 */
export interface SacTargetInputs {
  /** `[batch]` rewards. */
  rewards: Tensor;
  /** `[batch]`: 1 where the episode terminated (truncations bootstrap). */
  dones: Tensor;
  /** `[batch]`: the target critics' values of (s', a'), a' drawn from the current policy. */
  nextQ1: Tensor;
  nextQ2: Tensor;
  /** `[batch]`: log π(a' | s'). */
  nextLogProb: Tensor;
  /** The entropy coefficient α. */
  alpha: number | Tensor;
  /** Discount factor. */
  gamma: number;
}

/**
 * The soft Bellman target of SAC's critics: `y = r + γ (1 − done) (min(Q'₁, Q'₂)(s', a') − α log π(a' | s'))`.
 *
 * @example
 * ```ts
 * const y = sacCriticTarget({ rewards, dones, nextQ1, nextQ2, nextLogProb, alpha, gamma: 0.99 }); // [batch]
 * ```
 */
export function sacCriticTarget(inputs: SacTargetInputs): Tensor {
  const { rewards, dones, nextQ1, nextQ2, nextLogProb, alpha, gamma } = inputs;
  const soft = sub(minimum(nextQ1, nextQ2), mul(nextLogProb, alpha));
  return add(rewards, mul(mul(sub(1, dones), gamma), soft));
}

/**
 * The twin critics' loss (Stable-Baselines3's): `½ (mean((Q₁ − y)²) + mean((Q₂ − y)²))`, `[batch]` inputs.
 *
 * @example
 * ```ts
 * const loss = sacCriticLoss(q1, q2, y);
 * ```
 */
export function sacCriticLoss(q1: Tensor, q2: Tensor, target: Tensor): Scalar {
  return mul(add(mean(square(sub(q1, target))), mean(square(sub(q2, target)))), 0.5) as Scalar;
}

/**
 * The actor's loss: `mean(α log π(a | s) − min(Q₁, Q₂)(s, a))` with `a` drawn (reparameterized) from the policy.
 *
 * @example
 * ```ts
 * const loss = sacActorLoss(logProb, q1Pi, q2Pi, alpha);
 * ```
 */
export function sacActorLoss(logProb: Tensor, q1: Tensor, q2: Tensor, alpha: number | Tensor): Scalar {
  return mean(sub(mul(logProb, alpha), minimum(q1, q2))) as Scalar;
}

/**
 * The automatic entropy tuning loss (Stable-Baselines3's form, on `log α`):
 * `−mean(log α · (log π(a | s) + H̄))`, with the log-probabilities held fixed and `H̄` the target
 * entropy (`−|A|` by default). Its gradient raises α while the policy's entropy is below `H̄`.
 *
 * @example
 * ```ts
 * const loss = sacAlphaLoss(logAlpha, logProb, -actionDims);
 * ```
 */
export function sacAlphaLoss(logAlpha: Tensor, logProb: Tensor, targetEntropy: number): Scalar {
  return mul(mean(mul(logAlpha, add(logProb, targetEntropy))), -1) as Scalar;
}
