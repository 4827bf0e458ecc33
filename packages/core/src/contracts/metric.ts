import type { Tensor } from '@tensorflow/tfjs-core';
import type { StateTree } from './gradient-transform.js';

/**
 * A streaming metric: accumulates over batches, then reports one number.
 * `update` must not leak tensors (it runs inside the caller's scope and keeps only its own state).
 *
 * @example
 * ```ts
 * const acc = accuracy();
 * for (const { y, p } of batches) acc.update(y, p);
 * console.log(acc.result());
 * acc.reset();
 * ```
 */
export interface Metric {
  /** Name used in logs, e.g. `accuracy`, `val_accuracy` is derived by the trainer. */
  readonly name: string;
  /** Adds one batch. */
  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void;
  /** The value over all batches since the last reset. */
  result(): number;
  /** Forgets all batches. */
  reset(): void;
  /** The accumulated state (tensors and JSON values), for checkpoints taken mid-epoch. */
  saveState?(): StateTree;
  /** Continues from `saveState()`'s value (its tensors are now the metric's). */
  loadState?(state: StateTree): void;
  /** Frees any tensors the metric holds. */
  dispose?(): void;
}
