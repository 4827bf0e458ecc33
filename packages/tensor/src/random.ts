import type { Tensor } from '@tensorflow/tfjs-core';
import { randomNormal, randomUniform, truncatedNormal } from '@tensorflow/tfjs-core';
import { type RngKey, ValueError } from '@tessera/core';

function checkShape(shape: unknown, where: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueError(`${where} shape`, 'an array of non-negative integers', shape);
  }
}

function checkSpread(value: number, where: string): void {
  if (!(value >= 0)) throw new ValueError(where, 'a non-negative number', value);
}

/**
 * Uniform samples in [minval, maxval) determined by an {@link RngKey}.
 *
 * @example
 * ```ts
 * const u = uniform(rngKey(0), [2, 3]);
 * ```
 */
export function uniform(key: RngKey, shape: number[], minval = 0, maxval = 1): Tensor {
  checkShape(shape, 'uniform');
  if (!(maxval >= minval)) throw new ValueError('uniform maxval', `a number >= minval (${minval})`, maxval);
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
  checkShape(shape, 'normal');
  checkSpread(stddev, 'normal stddev');
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
  checkShape(shape, 'truncNormal');
  checkSpread(stddev, 'truncNormal stddev');
  return truncatedNormal(shape, mean, stddev, 'float32', key.seed());
}
