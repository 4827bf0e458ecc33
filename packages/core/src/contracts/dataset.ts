import type { Tensor } from '@tensorflow/tfjs-core';
import type { TensorTree } from './module.js';

/**
 * One training batch: inputs, targets and optional per-sample weights.
 *
 * @example
 * ```ts
 * const batch: Batch = { x: tensor2d([[0, 1], [1, 0]]), y: tensor1d([1, 0], 'int32') };
 * const data = fromArray([batch]); // a Dataset<Batch> that fit() accepts
 * ```
 */
export interface Batch<X extends TensorTree = TensorTree, Y extends TensorTree = TensorTree> {
  x: X;
  y: Y;
  sampleWeight?: Tensor;
}

/**
 * A JSON-serializable position of a dataset's iteration (saved in checkpoints).
 *
 * @example
 * ```ts
 * const state: IteratorState | undefined = data.checkpoint?.();
 * const saved = JSON.stringify(state);
 * data.restore?.(JSON.parse(saved));
 * ```
 */
export type IteratorState = Record<string, unknown>;

/**
 * A lazy, deterministic, async-iterable sequence. Implementations add chainable operators
 * (`map`, `batch`, `shuffle`, ...) in `@tessera/data`; trainers only need iteration.
 *
 * Resume contract: `checkpoint()` called before a pass starts returns a state such that,
 * after `restore(state)` (on an identically built dataset), the next pass yields exactly the
 * same elements in the same order as that pass. Shuffles reshuffle on every pass, with the
 * order a pure function of their seed and the pass number, which the state carries.
 *
 * @example
 * ```ts
 * const state = data.checkpoint?.();
 * for await (const batch of data) { ... }
 * data.restore?.(state); // the next pass repeats the same order
 * ```
 */
export interface Dataset<T> extends AsyncIterable<T> {
  /** Number of elements when known without iterating, else undefined. */
  readonly size?: number;
  /** Position before the next pass (see the resume contract above). */
  checkpoint?(): IteratorState;
  /** Restores a position returned by `checkpoint()`. */
  restore?(state: IteratorState): void;
}
