import type { Tensor } from '@tensorflow/tfjs-core';
import type { TensorTree } from './module.js';

/** One training batch: inputs, targets and optional per-sample weights. */
export interface Batch<X extends TensorTree = TensorTree, Y extends TensorTree = TensorTree> {
  x: X;
  y: Y;
  sampleWeight?: Tensor;
}

/** A position in a dataset iteration that can be saved and restored (for training resume). */
export type IteratorState = Record<string, unknown>;

/**
 * A lazy, deterministic, async-iterable sequence. Implementations add chainable operators
 * (`map`, `batch`, `shuffle`, ...) in `@tessera/data`; trainers only need iteration.
 *
 * @example
 * ```ts
 * for await (const batch of dataset) { ... }
 * ```
 */
export interface Dataset<T> extends AsyncIterable<T> {
  /** Number of elements when known without iterating, else undefined. */
  readonly size?: number;
}
