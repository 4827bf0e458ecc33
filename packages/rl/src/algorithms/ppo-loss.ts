import type { Scalar, Tensor } from '@tessera/tensor';
import { abs, add, cast, clipByValue, exp, greater, mean, minimum, mul, neg, scalar, square, sub } from '@tessera/tensor';
import { normalizeAdvantages } from './advantage.js';

/**
 * Inputs of {@link ppoLoss}: the policy's outputs on a minibatch and the rollout's stored values.
 *
 * @example
 * ```ts
 * const inputs: PpoLossInputs = { logProb, oldLogProb, values, oldValues, returns, advantages, entropy };
 * ```
 */
export interface PpoLossInputs {
  /** Log-probabilities of the taken actions under the current policy `[batch]`. */
  logProb: Tensor;
  /** Their log-probabilities when collected `[batch]`. */
  oldLogProb: Tensor;
  /** Current value estimates `[batch]`. */
  values: Tensor;
  /** Value estimates when collected `[batch]`. */
  oldValues: Tensor;
  /** GAE returns `[batch]`. */
  returns: Tensor;
  /** GAE advantages `[batch]`. */
  advantages: Tensor;
  /** Entropy of the current policy per sample `[batch]`. */
  entropy: Tensor;
}

/**
 * Coefficients of {@link ppoLoss}.
 *
 * @example
 * ```ts
 * const c: PpoLossOptions = { clipRange: 0.2, clipRangeVf: null, entCoef: 0, vfCoef: 0.5, normalizeAdvantage: true };
 * ```
 */
export interface PpoLossOptions {
  clipRange: number;
  /** Clip the value prediction to `oldValues ± clipRangeVf` (null: no value clipping). */
  clipRangeVf: number | null;
  entCoef: number;
  vfCoef: number;
  /** Normalize the minibatch's advantages (mean 0, unbiased std 1, + 1e-8) when it has more than one sample. */
  normalizeAdvantage: boolean;
}

/**
 * The terms of PPO's loss on one minibatch.
 *
 * @example
 * ```ts
 * const { loss, policyLoss, valueLoss, entropyLoss, approxKl, clipFraction } = ppoLoss(inputs, options);
 * ```
 */
export interface PpoLossTerms {
  loss: Scalar;
  policyLoss: Scalar;
  valueLoss: Scalar;
  entropyLoss: Scalar;
  /** `mean((r - 1) - log r)`, the low-variance KL estimate. */
  approxKl: Scalar;
  /** Fraction of samples whose ratio left `[1 - clip, 1 + clip]`. */
  clipFraction: Scalar;
}

/**
 * PPO's clipped surrogate objective (Stable-Baselines3's `PPO.train` on one minibatch):
 * `r = exp(logProb - oldLogProb)`, policy loss `-mean(min(A r, A clip(r, 1 ± ε)))`, value loss
 * `mean((R - V')²)` with `V' = oldV + clip(V - oldV, ±ε_vf)` when value clipping is on, entropy
 * loss `-mean(H)`, total `policy + entCoef · entropy + vfCoef · value`.
 *
 * @example
 * ```ts
 * const terms = ppoLoss({ logProb, oldLogProb, values, oldValues, returns, advantages, entropy },
 *   { clipRange: 0.2, clipRangeVf: null, entCoef: 0.01, vfCoef: 0.5, normalizeAdvantage: true });
 * ```
 */
export function ppoLoss(inputs: PpoLossInputs, options: PpoLossOptions): PpoLossTerms {
  const { logProb, oldLogProb, values, oldValues, returns, entropy } = inputs;
  const adv = options.normalizeAdvantage ? normalizeAdvantages(inputs.advantages) : inputs.advantages;
  const c = options.clipRange;
  const logRatio = sub(logProb, oldLogProb);
  const ratio = exp(logRatio);
  const policyLoss = neg(mean(minimum(mul(adv, ratio), mul(adv, clipByValue(ratio, 1 - c, 1 + c))))) as Scalar;
  const vf = options.clipRangeVf;
  const pred = vf === null ? values : add(oldValues, clipByValue(sub(values, oldValues), -vf, vf));
  const valueLoss = mean(square(sub(returns, pred))) as Scalar;
  const entropyLoss = neg(mean(entropy)) as Scalar;
  const loss = add(add(policyLoss, mul(entropyLoss, options.entCoef)), mul(valueLoss, options.vfCoef)) as Scalar;
  const approxKl = mean(sub(sub(ratio, 1), logRatio)) as Scalar;
  const clipFraction = mean(cast(greater(abs(sub(ratio, 1)), scalar(c)), 'float32')) as Scalar;
  return { loss, policyLoss, valueLoss, entropyLoss, approxKl, clipFraction };
}
