import type { Prng } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { argMax, cast, exp, logSoftmax, mul, neg, oneHot, reshape, sum } from '@tessera/tensor';
import type { ActionDistribution } from './distribution.js';

/**
 * A categorical distribution per row of unnormalized `logits` `[batch, n]` (Discrete actions).
 *
 * @example
 * ```ts
 * const dist = new Categorical(tensor2d([[0, 0], [Math.log(3), 0]]));
 * dist.logProb(tensor1d([1, 0], 'int32')); // [log 0.5, log 0.75]
 * dist.entropy(); // [log 2, ...]
 * dist.sample(new Prng(1)); // Int32Array of 2 actions
 * ```
 */
export class Categorical implements ActionDistribution {
  /** Normalized log-probabilities `[batch, n]`. */
  readonly logProbs: Tensor;

  constructor(readonly logits: Tensor) {
    this.logProbs = logSoftmax(logits);
  }

  /** Number of categories. */
  get n(): number {
    return this.logits.shape[this.logits.rank - 1] as number;
  }

  logProb(actions: Tensor): Tensor {
    const idx = actions.dtype === 'int32' ? actions : cast(actions, 'int32');
    return sum(mul(oneHot(reshape(idx, [-1]), this.n), this.logProbs), -1);
  }

  entropy(): Tensor {
    return neg(sum(mul(exp(this.logProbs), this.logProbs), -1));
  }

  mode(): Tensor {
    return argMax(this.logits, -1);
  }

  sample(rng: Prng): Int32Array {
    return sampleCategorical(this.logProbs.dataSync() as Float32Array, this.n, rng);
  }
}

/**
 * One seeded draw per row of `[rows · n]` log-probabilities (inverse CDF on the host).
 *
 * @example
 * ```ts
 * sampleCategorical(Float32Array.of(Math.log(0.25), Math.log(0.75)), 2, new Prng(0)); // Int32Array [0] or [1]
 * ```
 */
export function sampleCategorical(logProbs: ArrayLike<number>, n: number, rng: Prng): Int32Array {
  const rows = logProbs.length / n;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = drawCategorical(logProbs, r * n, n, rng.next());
  return out;
}

/**
 * The category that a uniform draw `u` in [0, 1) picks from the `n` log-probabilities at
 * `logProbs[offset..offset + n)` (inverse CDF; the last category when rounding leaves `u` past the sum).
 *
 * @example
 * ```ts
 * drawCategorical(Float32Array.of(Math.log(0.25), Math.log(0.75)), 0, 2, 0.5); // 1
 * ```
 */
export function drawCategorical(logProbs: ArrayLike<number>, offset: number, n: number, u: number): number {
  let acc = 0;
  for (let k = 0; k < n; k++) {
    acc += Math.exp(logProbs[offset + k] as number);
    if (u < acc) return k;
  }
  return n - 1;
}
