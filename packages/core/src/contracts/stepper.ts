import type { Tensor } from '@tensorflow/tfjs-core';
import type { StateTree } from './gradient-transform.js';
import type { CallOptions } from './module.js';

/**
 * What a sequence module's cache is: a tree of tensors (plus numbers, strings, null), the same
 * shape of tree as optimizer state, so `stateTensors(cache)` lists its tensors to keep or dispose.
 *
 * @example
 * ```ts
 * const cache: Cache = [zeros([2, 16]), zeros([2, 16])]; // LSTM: [h, c]
 * for (const t of stateTensors(cache)) t.dispose();
 * ```
 */
export type Cache = StateTree;

/**
 * Options of {@link Stepper.initCache}.
 *
 * @example
 * ```ts
 * const cache = decoder.initCache(4, { maxLength: 128 }); // room for 128 positions per sequence
 * ```
 */
export interface InitCacheOptions {
  /** Most positions the cache must hold (preallocated key/value caches); recurrent layers ignore it. */
  maxLength?: number;
}

/**
 * A sequence module that can run incrementally with an explicit cache, for decoding one step
 * (or chunk) at a time: recurrent layers keep their hidden state in it, attention layers their
 * keys and values.
 *
 * Contract:
 * - `x` is a chunk `[batch, steps, ...]` of one or more consecutive positions; the output is the
 *   per-position output `[batch, steps, ...]` (for recurrent layers, what `returnSequences: true` gives).
 * - Feeding a sequence chunk by chunk, each time with the cache the previous `step` returned,
 *   gives the same outputs, position by position, as one full-sequence `call` (within float
 *   rounding).
 * - `options.mask` (`[batch, steps]`) marks padded positions of the chunk: they leave the cache
 *   as it was. `options.positions` gives the chunk's absolute positions where a module needs them.
 * - `step` is pure: it never disposes or mutates `cache`, and the returned cache holds new
 *   tensors. The caller owns both: dispose the old cache (`stateTensors(old)`) once replaced.
 *
 * @example
 * ```ts
 * const rnn = lstm(16);
 * let cache = rnn.initCache(2);
 * const ys: Tensor[] = [];
 * for (let t = 0; t < x.shape[1]; t++) {
 *   const xt = slice(x, [0, t, 0], [-1, 1, -1]);
 *   const [y, next] = rnn.step(xt, cache);
 *   for (const old of stateTensors(cache)) old.dispose();
 *   cache = next;
 *   ys.push(y); // [2, 1, 16]; concat(ys, 1) equals lstm(16, { returnSequences: true }).call(x)
 * }
 * ```
 */
export interface Stepper<C extends Cache = Cache> {
  /** A fresh cache (the state before the first position) for `batchSize` sequences. */
  initCache(batchSize: number, options?: InitCacheOptions): C;
  /** Runs the chunk `x` after the positions held by `cache`; returns the outputs and the new cache. */
  step(x: Tensor, cache: C, options?: CallOptions): [Tensor, C];
}
