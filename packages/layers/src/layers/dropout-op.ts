import type { RngKey } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add, div, floor, mul, randomUniform, uniform } from '@tessera/tensor';

/**
 * Inverted dropout of `x` (keeps each entry with probability `1 - rate`, scales by `1 / (1 - rate)`);
 * `x` itself when `rate` is 0. Deterministic given `key`.
 *
 * @example
 * ```ts
 * const y = dropoutOp(x, 0.1, rngKey(0));
 * ```
 */
export function dropoutOp(x: Tensor, rate: number, key: RngKey | undefined): Tensor {
  if (rate === 0) return x;
  const keep = 1 - rate;
  const u = key ? uniform(key, x.shape) : randomUniform(x.shape);
  // floor(u + keep) is 1 with probability `keep`, 0 otherwise (no comparison op in the tape)
  return div(mul(x, floor(add(u, keep))), keep);
}
