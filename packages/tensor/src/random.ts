import type { Tensor } from '@tensorflow/tfjs-core';
import { randomNormal, randomUniform, truncatedNormal } from '@tensorflow/tfjs-core';
import type { RngKey } from '@tessera/core';

/**
 * Uniform samples in [minval, maxval) determined by an {@link RngKey}.
 *
 * @example
 * ```ts
 * const u = uniform(rngKey(0), [2, 3]);
 * ```
 */
export function uniform(key: RngKey, shape: number[], minval = 0, maxval = 1): Tensor {
  return randomUniform(shape, minval, maxval, 'float32', key.seed());
}

/**
 * Normal samples determined by an {@link RngKey}.
 *
 * @example
 * ```ts
 * const z = normal(rngKey(0), [16, 100]);
 * ```
 */
export function normal(key: RngKey, shape: number[], mean = 0, stddev = 1): Tensor {
  return randomNormal(shape, mean, stddev, 'float32', key.seed());
}

/**
 * Truncated-normal samples (within two standard deviations) determined by an {@link RngKey}.
 *
 * @example
 * ```ts
 * const w = truncNormal(rngKey(0), [784, 128], 0, 0.05);
 * ```
 */
export function truncNormal(key: RngKey, shape: number[], mean = 0, stddev = 1): Tensor {
  return truncatedNormal(shape, mean, stddev, 'float32', key.seed());
}
