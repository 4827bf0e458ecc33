import type { Tensor } from '@tessera/tensor';
import { add, exp, mul, softplus, square, sub, sum, tanh } from '@tessera/tensor';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const LOG_2 = Math.log(2);

/**
 * A draw of a tanh-squashed Gaussian policy and its log-density.
 *
 * @example
 * ```ts
 * const { action, logProb }: SquashedSample = squashedGaussian(mean, logStd, noise);
 * ```
 */
export interface SquashedSample {
  /** `tanh(u)`, in (−1, 1): `[batch, dims]`. */
  action: Tensor;
  /** `log π(action | s)`, summed over the dimensions: `[batch]`. */
  logProb: Tensor;
}

/**
 * `log(1 − tanh(u)²)`, computed without cancellation as `2 (log 2 − u − softplus(−2u))`.
 *
 * @example
 * ```ts
 * logTanhJacobian(tensor1d([0])); // [0]
 * ```
 */
export function logTanhJacobian(u: Tensor): Tensor {
  return mul(sub(sub(LOG_2, u), softplus(mul(u, -2))), 2);
}

/**
 * SAC's policy distribution (Haarnoja et al. 2018, appendix C): `u = μ + σ ε` with `ε ~ N(0, I)`
 * (reparameterized, so gradients flow to `μ` and `log σ`), `a = tanh(u)`, and
 * `log π(a) = Σ [log N(u; μ, σ) − log(1 − tanh(u)²)]` (the change of variables through tanh, in its
 * numerically stable form). `mean`, `logStd` and `noise` are `[batch, dims]`.
 *
 * @example
 * ```ts
 * const noise = randomNormal(mean.shape, 0, 1, 'float32', seed);
 * const { action, logProb } = squashedGaussian(mean, logStd, noise);
 * ```
 */
export function squashedGaussian(mean: Tensor, logStd: Tensor, noise: Tensor): SquashedSample {
  const u = add(mean, mul(exp(logStd), noise));
  // log N(u; μ, σ) = −ε²/2 − log σ − log √(2π), with ε = (u − μ)/σ = noise
  const gaussian = sub(sub(mul(square(noise), -0.5), logStd), HALF_LOG_2PI);
  const logProb = sum(sub(gaussian, logTanhJacobian(u)), -1);
  return { action: tanh(u), logProb };
}

/**
 * The deterministic action of a squashed Gaussian policy: `tanh(μ)`.
 *
 * @example
 * ```ts
 * const action = squashedMode(mean); // what predict(obs, { deterministic: true }) returns, before rescaling
 * ```
 */
export function squashedMode(mean: Tensor): Tensor {
  return tanh(mean);
}
