import type { Prng } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { addN, cast, concat, reshape, split, stack } from '@tessera/tensor';
import { Categorical, drawCategorical } from './categorical.js';
import type { ActionDistribution } from './distribution.js';

/**
 * Independent categorical distributions per row, one per entry of a Gymnasium `MultiDiscrete(nvec)`
 * action (Stable-Baselines3's `MultiCategoricalDistribution`): unnormalized `logits`
 * `[batch, sum(nvec)]` split into `nvec[i]` logits for entry `i`. Actions are `[batch, k]` int32
 * (`k = nvec.length`); the log-probability and the entropy are the sums over the entries.
 *
 * @example
 * ```ts
 * const dist = new MultiCategorical(tensor2d([[0, 0, Math.log(2), 0, 0]]), [2, 3]);
 * dist.logProb(tensor2d([[1, 0]], [1, 2], 'int32')); // [log 0.5 + log 0.5]
 * dist.entropy(); // [log 2 + H(0.5, 0.25, 0.25)]
 * dist.mode(); // [[0, 0]]
 * dist.sample(new Prng(1)); // Int32Array of 2 (one row, two entries)
 * ```
 */
export class MultiCategorical implements ActionDistribution {
  /** One {@link Categorical} per entry, over its `[batch, nvec[i]]` logits. */
  readonly categoricals: Categorical[];
  readonly nvec: readonly number[];

  constructor(
    readonly logits: Tensor,
    nvec: readonly number[],
  ) {
    if (!Array.isArray(nvec) || nvec.length === 0 || !nvec.every((n) => Number.isInteger(n) && n >= 1))
      throw new ValueError('MultiCategorical nvec', 'a non-empty array of positive integers', nvec);
    const total = nvec.reduce((a, b) => a + b, 0);
    const width = logits.shape[logits.rank - 1];
    if (logits.rank !== 2 || width !== total)
      throw new ValueError('MultiCategorical logits', `shape [batch, ${total}] (the sum of nvec)`, `[${logits.shape}]`);
    this.nvec = [...nvec];
    const parts = nvec.length === 1 ? [logits] : split(logits, [...nvec], -1);
    this.categoricals = parts.map((p) => new Categorical(p));
  }

  /** Normalized log-probabilities, each entry's block normalized on its own: `[batch, sum(nvec)]`. */
  get logProbs(): Tensor {
    const blocks = this.categoricals.map((c) => c.logProbs);
    return blocks.length === 1 ? (blocks[0] as Tensor) : concat(blocks, -1);
  }

  /** The sum over entries of each entry's log-probability, for actions `[batch, k]`: `[batch]`. */
  logProb(actions: Tensor): Tensor {
    const k = this.nvec.length;
    const idx = reshape(actions.dtype === 'int32' ? actions : cast(actions, 'int32'), [-1, k]);
    const columns = k === 1 ? [idx] : split(idx, k, 1);
    const terms = this.categoricals.map((c, i) => c.logProb(columns[i] as Tensor));
    return terms.length === 1 ? (terms[0] as Tensor) : addN(terms);
  }

  /** The sum of the entries' entropies: `[batch]`. */
  entropy(): Tensor {
    const terms = this.categoricals.map((c) => c.entropy());
    return terms.length === 1 ? (terms[0] as Tensor) : addN(terms);
  }

  /** Each entry's most likely value: `[batch, k]` int32. */
  mode(): Tensor {
    return stack(
      this.categoricals.map((c) => c.mode()),
      1,
    );
  }

  /** One seeded draw per row and entry: Int32Array `[batch · k]` (row-major). */
  sample(rng: Prng): Int32Array {
    return sampleMultiCategorical(this.logProbs.dataSync() as Float32Array, this.nvec, rng);
  }
}

/**
 * One seeded draw per row and entry from `[rows · sum(nvec)]` log-probabilities, each entry's
 * block of `nvec[i]` values normalized on its own (inverse CDF on the host): Int32Array
 * `[rows · nvec.length]`, row-major (the draws of a row in entry order).
 *
 * @example
 * ```ts
 * const logp = Float32Array.of(Math.log(0.5), Math.log(0.5), Math.log(0.2), Math.log(0.3), Math.log(0.5));
 * sampleMultiCategorical(logp, [2, 3], new Prng(0)); // Int32Array [a0, a1], a0 in {0, 1}, a1 in {0, 1, 2}
 * ```
 */
export function sampleMultiCategorical(logProbs: ArrayLike<number>, nvec: readonly number[], rng: Prng): Int32Array {
  return perEntryBlock(logProbs, nvec, 'sampleMultiCategorical logProbs', (offset, n) => drawCategorical(logProbs, offset, n, rng.next()));
}

/**
 * Walks `[rows · sum(nvec)]` values entry block by entry block (row-major; a row's blocks in entry
 * order) and collects `pick(offset, n)` for each block: Int32Array `[rows · nvec.length]`. The
 * length must be a whole number of rows, else a `ValueError` naming `what`.
 */
function perEntryBlock(
  values: ArrayLike<number>,
  nvec: readonly number[],
  what: string,
  pick: (offset: number, n: number) => number,
): Int32Array {
  const width = nvec.reduce((a, b) => a + b, 0);
  const k = nvec.length;
  const rows = values.length / width;
  if (!Number.isInteger(rows)) throw new ValueError(what, `a multiple of ${width} values (sum of nvec)`, values.length);
  const out = new Int32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    let offset = r * width;
    for (let j = 0; j < k; j++) {
      const n = nvec[j] as number;
      out[r * k + j] = pick(offset, n);
      offset += n;
    }
  }
  return out;
}

/**
 * Each entry's most likely value per row of `[rows · sum(nvec)]` logits or log-probabilities:
 * Int32Array `[rows · nvec.length]`, row-major (ties: the first).
 *
 * @example
 * ```ts
 * argmaxMultiDiscrete(Float32Array.of(0, 1, 3, 2, 1), [2, 3]); // Int32Array [1, 0]
 * ```
 */
export function argmaxMultiDiscrete(values: ArrayLike<number>, nvec: readonly number[]): Int32Array {
  return perEntryBlock(values, nvec, 'argmaxMultiDiscrete values', (offset, n) => {
    let best = 0;
    for (let c = 1; c < n; c++) if ((values[offset + c] as number) > (values[offset + best] as number)) best = c;
    return best;
  });
}
