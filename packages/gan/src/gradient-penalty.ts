import { ValueError } from '@tessera/core';
import type { Scalar, Tensor } from '@tessera/tensor';
import { add, mean, mul, reshape, scalar, sqrt, square, sub, sum, valueAndGrad } from '@tessera/tensor';

/**
 * WGAN-GP's gradient penalty: the mean over the batch of `(‖∇ₓ̂ D(x̂)‖₂ - target)²` at
 * `x̂ = ε·real + (1 - ε)·fake`, one `ε ∈ [0, 1)` per sample. The inner gradient is taken under the
 * caller's gradient tape, so the penalty is differentiable with respect to the critic's weights
 * (a second-order gradient).
 *
 * - `critic` maps a batch of samples to scores `[batch, 1]` (or `[batch]`); conditional critics close over the labels.
 * - `eps` has shape `[batch]`; `real` and `fake` have the same shape `[batch, ...]`.
 *
 * @example
 * ```ts
 * const eps = randomUniform([64], 0, 1, 'float32', ctx.rng.seed());
 * const gp = gradientPenalty((x) => critic.call(x, { training: true }), real, fake, eps);
 * const dLoss = add(wasserstein, mul(gp, 10));
 * ```
 */
export function gradientPenalty(critic: (x: Tensor) => Tensor, real: Tensor, fake: Tensor, eps: Tensor, target = 1): Scalar {
  if (real.shape.join() !== fake.shape.join())
    throw new ValueError('gradientPenalty fake shape', `[${real.shape.join(', ')}] (the real batch's)`, fake.shape);
  const batch = real.shape[0] as number;
  if (eps.shape.length !== 1 || eps.shape[0] !== batch) throw new ValueError('gradientPenalty eps shape', `[${batch}]`, eps.shape);
  const e = reshape(eps, [batch, ...real.shape.slice(1).map(() => 1)]);
  const xHat = add(mul(e, real), mul(sub(scalar(1), e), fake));
  const { grads } = valueAndGrad((p: { x: Tensor }) => sum(critic(p.x)) as Scalar)({ x: xHat });
  const flat = reshape(grads.x, [batch, -1]);
  // a tiny epsilon keeps the norm's gradient finite where the input gradient is exactly zero
  const norms = sqrt(add(sum(square(flat), 1), scalar(1e-12)));
  return mean(square(sub(norms, scalar(target)))) as Scalar;
}
