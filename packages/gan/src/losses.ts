import { ValueError } from '@tessera/core';
import type { Scalar, Tensor } from '@tessera/tensor';
import { add, mean, mul, neg, relu, scalar, softplus, square, sub } from '@tessera/tensor';

/**
 * The GAN objectives `gan()` knows, by name:
 * - `nonSaturating`: the original GAN's discriminator cross-entropy, generator maximizes log D(G(z));
 * - `hinge`: discriminator `relu(1 - D(x)) + relu(1 + D(G(z)))`, generator `-D(G(z))` (SNGAN, BigGAN);
 * - `leastSquares`: LSGAN's `½(D(x) - 1)² + ½D(G(z))²`, generator `½(D(G(z)) - 1)²`;
 * - `wasserstein`: the critic's `D(G(z)) - D(x)`, generator `-D(G(z))`; use with a gradient penalty (WGAN-GP).
 *
 * @example
 * ```ts
 * const kind: GanLossName = 'hinge';
 * ```
 */
export type GanLossName = 'nonSaturating' | 'hinge' | 'leastSquares' | 'wasserstein';

/**
 * A GAN objective as two scalar losses of the discriminator's raw outputs (logits / critic scores).
 *
 * @example
 * ```ts
 * const l: GanLoss = ganLoss('nonSaturating');
 * const dLoss = l.discriminator(realLogits, fakeLogits);
 * const gLoss = l.generator(fakeLogits);
 * ```
 */
export interface GanLoss {
  /** Its name. */
  readonly name: GanLossName;
  /** The discriminator's loss from its outputs on real and generated samples (batch means). */
  discriminator(real: Tensor, fake: Tensor): Scalar;
  /** The generator's loss from the discriminator's outputs on generated samples (batch mean). */
  generator(fake: Tensor): Scalar;
}

const half = (t: Tensor) => mul(t, scalar(0.5));

const objectives: Record<GanLossName, Omit<GanLoss, 'name'>> = {
  nonSaturating: {
    // -log σ(r) = softplus(-r); -log(1 - σ(f)) = softplus(f)
    discriminator: (r, f) => add(mean(softplus(neg(r))), mean(softplus(f))) as Scalar,
    generator: (f) => mean(softplus(neg(f))) as Scalar,
  },
  hinge: {
    discriminator: (r, f) => add(mean(relu(sub(scalar(1), r))), mean(relu(add(scalar(1), f)))) as Scalar,
    generator: (f) => neg(mean(f)) as Scalar,
  },
  leastSquares: {
    discriminator: (r, f) => add(half(mean(square(sub(r, scalar(1))))), half(mean(square(f)))) as Scalar,
    generator: (f) => half(mean(square(sub(f, scalar(1))))) as Scalar,
  },
  wasserstein: {
    discriminator: (r, f) => sub(mean(f), mean(r)) as Scalar,
    generator: (f) => neg(mean(f)) as Scalar,
  },
};

/**
 * The {@link GanLoss} of a name (see {@link GanLossName}).
 *
 * @example
 * ```ts
 * const { discriminator, generator } = ganLoss('wasserstein');
 * const critic = discriminator(tensor([[2], [1]]), tensor([[0], [-1]])); // mean(f) - mean(r) = -2
 * ```
 */
export function ganLoss(name: GanLossName): GanLoss {
  const o = Object.hasOwn(objectives, name) ? objectives[name] : undefined;
  if (!o) throw new ValueError('gan loss', `one of ${Object.keys(objectives).join(', ')}`, name);
  return { name, ...o };
}

/**
 * Names of the losses {@link ganLoss} knows, in a stable order.
 *
 * @example
 * ```ts
 * for (const name of ganLossNames) console.log(name, ganLoss(name).generator(fakeLogits).dataSync()[0]);
 * ```
 */
export const ganLossNames: readonly GanLossName[] = Object.freeze(Object.keys(objectives) as GanLossName[]);
