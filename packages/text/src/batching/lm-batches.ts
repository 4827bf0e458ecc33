import type { Batch, Dataset, IteratorState } from '@tessera/core';
import { Prng, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { tensor2d } from '@tessera/tensor';
import { positiveInt, toInt32 } from './tokens.js';

/**
 * Options of {@link sampleLmBatch}.
 *
 * @example
 * ```ts
 * const options: LmBatchOptions = { blockSize: 256, batchSize: 64 };
 * ```
 */
export interface LmBatchOptions {
  /** Tokens per window (the model's context length). */
  blockSize: number;
  /** Windows per batch. */
  batchSize: number;
}

/**
 * Options of {@link lmBatches}.
 *
 * @example
 * ```ts
 * const options: LmBatchesOptions = { blockSize: 256, batchSize: 64, seed: 1337, batchesPerPass: 200 };
 * ```
 */
export interface LmBatchesOptions extends LmBatchOptions {
  /** Seed of the window starts (default 0): the same seed gives the same batches. */
  seed?: number;
  /**
   * Batches per pass. Default: none, an endless pass (train with `fit`'s `stepsPerEpoch`).
   * Needed for a validation set, which `fit` reads one whole pass at a time.
   */
  batchesPerPass?: number;
  /**
   * Draw new windows on every pass (default true). False repeats the windows of the first pass:
   * a fixed validation sample, so validation losses of different epochs compare.
   */
  resample?: boolean;
}

/**
 * One batch of random windows from a token array, as nanoGPT's `get_batch`: `batchSize` starts
 * drawn uniformly from `[0, tokens.length - blockSize)`, `x` the `blockSize` tokens from each
 * start and `y` the same window shifted by one (the next token at each position). Both are int32
 * `[batchSize, blockSize]`; the caller owns them.
 *
 * @example
 * ```ts
 * const rng = new Prng(1337);
 * const { x, y } = sampleLmBatch(ids, { blockSize: 8, batchSize: 4 }, rng); // x, y: [4, 8]
 * ```
 */
export function sampleLmBatch(tokens: ArrayLike<number>, options: LmBatchOptions, rng: Prng): Batch<Tensor, Tensor> {
  const ids = toInt32(tokens, 'sampleLmBatch tokens');
  const { blockSize, batchSize } = checkOptions('sampleLmBatch', ids, options);
  return windows(ids, blockSize, batchSize, rng);
}

function checkOptions(where: string, ids: Int32Array, options: LmBatchOptions): LmBatchOptions {
  const blockSize = positiveInt(`${where} blockSize`, options?.blockSize);
  const batchSize = positiveInt(`${where} batchSize`, options.batchSize);
  if (ids.length <= blockSize) throw new ValueError(`${where} tokens`, `more than blockSize (${blockSize}) tokens`, `${ids.length} tokens`);
  return { blockSize, batchSize };
}

function windows(ids: Int32Array, blockSize: number, batchSize: number, rng: Prng): Batch<Tensor, Tensor> {
  const x = new Int32Array(batchSize * blockSize);
  const y = new Int32Array(batchSize * blockSize);
  const range = ids.length - blockSize;
  for (let b = 0; b < batchSize; b++) {
    const start = rng.int(range);
    x.set(ids.subarray(start, start + blockSize), b * blockSize);
    y.set(ids.subarray(start + 1, start + 1 + blockSize), b * blockSize);
  }
  return { x: tensor2d(x, [batchSize, blockSize], 'int32'), y: tensor2d(y, [batchSize, blockSize], 'int32') };
}

/**
 * A `Dataset` of random-window batches ({@link sampleLmBatch}) for causal language modelling,
 * ready for `fit`: endless by default (set `fit`'s `stepsPerEpoch`), or `batchesPerPass` long.
 * Pass `p` draws its windows from `Prng(seed, p)`, and `checkpoint`/`restore` carry the pass
 * number, so a resumed run sees the same batches.
 *
 * @example
 * ```ts
 * const ids = Int32Array.from(tok.encode(text));
 * const { train, val } = splitTokens(ids, 0.9);
 * await fit(model, lmBatches(train, { blockSize: 64, batchSize: 32, seed: 1 }), {
 *   loss: sparseCategoricalCrossentropy({ fromLogits: true }), optimizer: adamw({ learningRate: 1e-3 }),
 *   epochs: 10, stepsPerEpoch: 200,
 *   validation: lmBatches(val, { blockSize: 64, batchSize: 32, seed: 2, batchesPerPass: 20, resample: false }),
 * });
 * ```
 */
export function lmBatches(tokens: ArrayLike<number>, options: LmBatchesOptions): Dataset<Batch<Tensor, Tensor>> {
  const ids = toInt32(tokens, 'lmBatches tokens');
  const { blockSize, batchSize } = checkOptions('lmBatches', ids, options);
  const perPass = options.batchesPerPass === undefined ? undefined : positiveInt('lmBatches batchesPerPass', options.batchesPerPass);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ValueError('lmBatches seed', 'an integer', seed);
  const resample = options.resample ?? true;
  let pass = 0;
  return {
    size: perPass,
    checkpoint: (): IteratorState => ({ pass }),
    restore(state: IteratorState) {
      if (!Number.isInteger(state?.pass) || (state.pass as number) < 0)
        throw new ValueError('lmBatches restore', '{ pass: number }', state);
      pass = state.pass as number;
    },
    async *[Symbol.asyncIterator]() {
      const p = pass++;
      const rng = new Prng(seed, resample ? p : 0);
      for (let i = 0; perPass === undefined || i < perPass; i++) yield windows(ids, blockSize, batchSize, rng);
    },
  };
}

/**
 * Splits a token array into a training head and a validation tail, nanoGPT's
 * `n = int(0.9 * len(data))`: `train` is the first `floor(fraction * length)` tokens, `val` the
 * rest. For an Int32Array both are views of it (no copy).
 *
 * @example
 * ```ts
 * const { train, val } = splitTokens(Int32Array.from(tok.encode(text)), 0.9);
 * ```
 */
export function splitTokens(tokens: ArrayLike<number>, fraction = 0.9): { train: Int32Array; val: Int32Array } {
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1))
    throw new ValueError('splitTokens fraction', 'a number in (0, 1)', fraction);
  const ids = toInt32(tokens, 'splitTokens tokens');
  const n = Math.floor(fraction * ids.length);
  return { train: ids.subarray(0, n), val: ids.subarray(n) };
}
