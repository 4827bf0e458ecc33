import type { Batch, Dataset, IteratorState } from '@tessera/core';
import { Prng, permutation, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { tensor2d } from '@tessera/tensor';
import { type MaskTokensOptions, maskTokens } from './mask-tokens.js';
import { positiveInt, toInt32 } from './tokens.js';

/**
 * Options of {@link maskedLmBatches}.
 *
 * @example
 * ```ts
 * const options: MaskedLmBatchesOptions = {
 *   seqLength: 128, batchSize: 32, maskTokenId: tok.maskId, vocabSize: tok.vocabSize, specialIds: tok.specialIds(), seed: 1,
 * };
 * ```
 */
export interface MaskedLmBatchesOptions extends Omit<MaskTokensOptions, 'rng'> {
  /** Tokens per sequence: `sequences` holds `n * seqLength` ids, row after row. */
  seqLength: number;
  /** Sequences per batch (the last batch of a pass may be smaller unless `dropRemainder`). */
  batchSize: number;
  /** Reshuffle the sequences on every pass (default true). */
  shuffle?: boolean;
  /** Leave out a last, smaller batch (default false). */
  dropRemainder?: boolean;
}

/**
 * A `Dataset` of masked-LM batches for `fit`: the sequences (padded to `seqLength`, e.g. with
 * `WordPieceTokenizer.encodeInputs(..., { padding: 'max_length' })`), shuffled per pass, masked
 * anew on every pass ({@link maskTokens}; dynamic masking as in RoBERTa). Each batch is
 * `x`: int32 inputs `[B, seqLength]`, `y`: int32 labels (-100 where not selected), and
 * `sampleWeight`: float32 `[B, seqLength]`, `B * seqLength / selected` at selected positions and 0
 * elsewhere, so a mean-reduced loss (`sparseCategoricalCrossentropy({ fromLogits: true })`)
 * is the mean over the selected positions. Order and masks are a function of `seed` and the pass.
 *
 * @example
 * ```ts
 * const rows = texts.flatMap((t) => tok.encodeInputs(t, null, { maxLength: 64, padding: 'max_length' }).inputIds);
 * const data = maskedLmBatches(rows, { seqLength: 64, batchSize: 16, maskTokenId: tok.maskId, vocabSize: tok.vocabSize, specialIds: tok.specialIds() });
 * await fit(bert, data, { loss: sparseCategoricalCrossentropy({ fromLogits: true }), optimizer: adamw(), epochs: 3 });
 * ```
 */
export function maskedLmBatches(sequences: ArrayLike<number>, options: MaskedLmBatchesOptions): Dataset<Batch<Tensor, Tensor>> {
  const ids = toInt32(sequences, 'maskedLmBatches sequences');
  const seqLength = positiveInt('maskedLmBatches seqLength', options.seqLength);
  const batchSize = positiveInt('maskedLmBatches batchSize', options.batchSize);
  if (ids.length % seqLength !== 0)
    throw new ValueError('maskedLmBatches sequences', `a multiple of seqLength (${seqLength}) ids`, `${ids.length} ids`);
  const n = ids.length / seqLength;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ValueError('maskedLmBatches seed', 'an integer', seed);
  const batches = options.dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  let pass = 0;
  return {
    size: batches,
    checkpoint: (): IteratorState => ({ pass }),
    restore(state: IteratorState) {
      if (!Number.isInteger(state?.pass) || (state.pass as number) < 0)
        throw new ValueError('maskedLmBatches restore', '{ pass: number }', state);
      pass = state.pass as number;
    },
    async *[Symbol.asyncIterator]() {
      const p = pass++;
      const order = options.shuffle === false ? null : permutation(n, seed, p);
      const rng = new Prng(seed ^ 0x5bd1e995, p);
      for (let b = 0; b < batches; b++) {
        const rows = Math.min(batchSize, n - b * batchSize);
        const block = new Int32Array(rows * seqLength);
        for (let r = 0; r < rows; r++) {
          const row = order ? (order[b * batchSize + r] as number) : b * batchSize + r;
          block.set(ids.subarray(row * seqLength, (row + 1) * seqLength), r * seqLength);
        }
        const m = maskTokens(block, { ...options, rng });
        const w = new Float32Array(block.length);
        const scale = block.length / Math.max(1, m.count);
        for (let i = 0; i < w.length; i++) w[i] = m.selected[i] ? scale : 0;
        const shape: [number, number] = [rows, seqLength];
        yield {
          x: tensor2d(m.inputs, shape, 'int32'),
          y: tensor2d(m.labels, shape, 'int32'),
          sampleWeight: tensor2d(w, shape, 'float32'),
        };
      }
    },
  };
}
