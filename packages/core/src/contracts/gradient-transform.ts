import type { Tensor } from '@tensorflow/tfjs-core';
import type { NamedTensors } from './module.js';

/**
 * Optimizer state: named, inspectable, serializable. A tree of tensors and numbers.
 *
 * @example
 * ```ts
 * const state: StateTree = { count: 0, mu: { 'dense/kernel': zeros([4, 2]) } };
 * const { tensors, skeleton } = flattenState(state); // ready for safetensors + JSON
 * ```
 */
export type StateTree = Tensor | number | string | null | StateTree[] | { [key: string]: StateTree };

/**
 * An optax-style gradient transformation. `update` is pure: it returns new updates and a
 * new state and never mutates or disposes its inputs (callers own and dispose old state).
 *
 * Optional members form protocols that tools use instead of searching the state:
 * - `name`: a short identifier (`'scaleByAdam'`, `'adam'`); combinators key their children's
 *   states by it.
 * - `learningRate` / `scaleLearningRate`: the learning-rate protocol. A transform that applies a
 *   learning rate (or wraps one that does) reports the rate and returns a state with the rate
 *   rescaled from the next step on. Read and change it with `getLearningRate`,
 *   `scaleLearningRate` and `setLearningRate` (from `@tessera/core` or `@tessera/optimizers`).
 * - `migrateState`: converts a state written by an earlier version of the transform (e.g. a
 *   checkpoint with an older layout) to the current layout; a state already current is returned as is.
 *
 * @example
 * ```ts
 * const tx = sgd({ learningRate: 0.1 });
 * let state = tx.init(params);
 * const [updates, next] = tx.update(grads, state, params);
 * tx.learningRate?.(next); // 0.1
 * ```
 */
export interface GradientTransform<S extends StateTree = StateTree> {
  /** A short identifier of the transform (e.g. `'scaleByAdam'`); combinators key child states by it. */
  readonly name?: string;
  /** Creates the initial state for the given parameters. */
  init(params: NamedTensors): S;
  /** Maps gradients to updates (added to the parameters) and returns the next state. */
  update(grads: NamedTensors, state: S, params?: NamedTensors): [NamedTensors, S];
  /**
   * The learning rate of the last step (or the initial one before any step); undefined when the
   * transform applies no learning rate. Reads plain numbers of the state only.
   */
  learningRate?(state: S): number | undefined;
  /**
   * A new state whose learning rate(s) are multiplied by `factor` from the next step on. Tensors
   * are shared with `state`, not copied; the state stays JSON-serializable.
   */
  scaleLearningRate?(state: S, factor: number): S;
  /** Converts a state of an older layout (e.g. from a checkpoint) to the current one; idempotent. */
  migrateState?(state: StateTree): S;
}
