import type { Cache, CallOptions, InitCacheOptions } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';

/**
 * What {@link generate} needs of a model: a forward pass from int32 ids `[batch, time]` to
 * logits `[batch, time, vocab]`, and, for cached decoding, core's `Stepper` (`initCache`,
 * `step`). A Sequential of Embedding, recurrent layers and Dense is one; so is a decoder-only
 * transformer implementing `Stepper`. `blockSize`, when present, is the context length.
 *
 * @example
 * ```ts
 * const lm: CausalLM = sequential([embedding(65, 32), lstm(64, { returnSequences: true }), dense(65)]);
 * ```
 */
export interface CausalLM {
  /** Logits `[batch, time, vocab]` for ids `[batch, time]`. */
  call(ids: Tensor, options?: CallOptions): Tensor;
  /** A fresh cache for `batchSize` sequences (core's `Stepper`). */
  initCache?(batchSize: number, options?: InitCacheOptions): Cache;
  /** Logits for the chunk `ids` after the positions in `cache`, and the new cache (core's `Stepper`). */
  step?(ids: Tensor, cache: Cache, options?: CallOptions): [Tensor, Cache];
  /** The context length, when the model has one. */
  readonly blockSize?: number;
}
