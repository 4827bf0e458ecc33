import type { Prng } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';

/**
 * An action distribution of a policy over a batch: differentiable log-probabilities and entropy
 * (tensors, for the losses) and seeded sampling on the host (for collecting experience).
 *
 * @example
 * ```ts
 * const dist: ActionDistribution = new Categorical(logits);
 * const logp = dist.logProb(actions); // [batch]
 * const actionsNow = dist.sample(new Prng(0)); // Int32Array
 * ```
 */
export interface ActionDistribution {
  /** Log-probability (density) of each row's action: `[batch]`. */
  logProb(actions: Tensor): Tensor;
  /** Entropy of each row's distribution: `[batch]`. */
  entropy(): Tensor;
  /** The most likely action of each row (Categorical: argmax; MultiCategorical: argmax per entry, `[batch, k]`; Gaussian: the mean). */
  mode(): Tensor;
  /** One seeded draw per row, on the host (Categorical: Int32Array; MultiCategorical: `[batch · k]` Int32Array; Gaussian: `[batch · dim]` Float32Array). */
  sample(rng: Prng): Int32Array | Float32Array;
}

/**
 * A standard normal draw from a Prng (Box–Muller, one value per call).
 *
 * @example
 * ```ts
 * const z = gaussian(new Prng(1));
 * ```
 */
export function gaussian(rng: Prng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
