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
 * @example
 * ```ts
 * const tx = sgd({ learningRate: 0.1 });
 * let state = tx.init(params);
 * const [updates, next] = tx.update(grads, state, params);
 * ```
 */
export interface GradientTransform<S extends StateTree = StateTree> {
  /** Creates the initial state for the given parameters. */
  init(params: NamedTensors): S;
  /** Maps gradients to updates (added to the parameters) and returns the next state. */
  update(grads: NamedTensors, state: S, params?: NamedTensors): [NamedTensors, S];
}
