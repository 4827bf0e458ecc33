import type { Tensor } from '@tessera/tensor';
import { add, div, moments, mul, sqrt, sub } from '@tessera/tensor';

/**
 * Advantages standardized over the batch as Stable-Baselines3 does: `(a − mean) / (std + 1e-8)`
 * with the unbiased standard deviation (torch's `std()`); a batch of one is returned unchanged.
 *
 * @example
 * ```ts
 * const adv = normalizeAdvantages(tensor1d([1, 2, 3])); // [-1, 0, 1]
 * ```
 */
export function normalizeAdvantages(adv: Tensor): Tensor {
  const n = adv.shape[0] as number;
  if (n <= 1) return adv;
  const { mean: m, variance } = moments(adv);
  return div(sub(adv, m), add(sqrt(mul(variance, n / (n - 1))), 1e-8));
}
