import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { RngKey } from '../rng.js';

/**
 * Named tensors, keyed by a slash-separated path such as `dense_1/kernel`.
 *
 * @example
 * ```ts
 * const grads: NamedTensors = { 'dense_1/kernel': zeros([784, 128]), 'dense_1/bias': zeros([128]) };
 * const [updates, next] = optimizer.update(grads, state, params);
 * ```
 */
export type NamedTensors = Record<string, Tensor>;
/**
 * Named variables, keyed by a slash-separated path such as `dense_1/kernel`.
 *
 * @example
 * ```ts
 * const params: NamedVariables = model.parameters();
 * for (const [name, v] of Object.entries(params)) console.log(name, v.shape);
 * ```
 */
export type NamedVariables = Record<string, Variable>;

/**
 * What a model takes or returns: one tensor, a list, or named tensors.
 *
 * @example
 * ```ts
 * const single: TensorTree = tensor2d([[1, 2]]);
 * const named: TensorTree = { image: zeros([1, 28, 28, 1]), label: tensor1d([3], 'int32') };
 * ```
 */
export type TensorTree = Tensor | Tensor[] | Record<string, Tensor>;

/**
 * Options of a forward pass ({@link Module.call}).
 *
 * @example
 * ```ts
 * const y = model.call(x, { training: true, rng: rngKey(42) }); // dropout on, seeded masks
 * ```
 */
export interface CallOptions {
  /** Training mode: dropout active, batch-norm uses and updates batch statistics. */
  training?: boolean;
  /** Randomness for this call (dropout masks etc.); modules derive sub-keys from it. */
  rng?: RngKey;
}

/**
 * A serializable description of a module: its class name and constructor options.
 *
 * @example
 * ```ts
 * const cfg: ModuleConfig = dense(10, { activation: 'relu' }).getConfig();
 * // { className: 'Dense', config: { units: 10, activation: 'relu', ... } }
 * ```
 */
export interface ModuleConfig {
  /** Registered class name, e.g. `Dense`. */
  className: string;
  /** JSON-serializable constructor options. */
  config: Record<string, unknown>;
}

/**
 * What {@link Module.statelessCall} returns: the output and the new non-trainable values.
 *
 * @example
 * ```ts
 * const { output, state } = model.statelessCall(params, oldState, x, { training: true });
 * // oldState is untouched; state holds the updated batch-norm statistics
 * ```
 */
export interface StatelessResult<O extends TensorTree = TensorTree> {
  /** The forward pass's output. */
  output: O;
  /** Every non-trainable value by name (the keys of `state()`), updated in training mode; owned by the caller. */
  state: NamedTensors;
}

/**
 * The contract every model and layer satisfies.
 *
 * @example
 * ```ts
 * const y = model.call(x, { training: true });
 * const trainable = model.parameters(); // { 'dense/kernel': Variable, ... }
 * ```
 */
export interface Module<I extends TensorTree = TensorTree, O extends TensorTree = TensorTree> {
  /** Unique, human-readable name, used as the prefix of parameter names. */
  readonly name: string;
  /** Forward pass. Pure apart from state updates in training mode (batch-norm statistics). */
  call(x: I, options?: CallOptions): O;
  /** Trainable variables by name (empty until the module is built). */
  parameters(): NamedVariables;
  /** Non-trainable variables by name (running statistics, counters). */
  state(): NamedVariables;
  /** Constructor options, enough to rebuild the module. */
  getConfig(): ModuleConfig;
  /** True once the variables exist. */
  readonly built?: boolean;
  /** Creates the variables for the given input shape(s) without running a forward pass. */
  build?(inputShape: number[] | number[][]): void;
  /** Sum of the regularization penalties (L1/L2) of the trainable variables, or null. */
  regularizationLoss?(): Tensor | null;
  /** Functional forward pass with the given parameters in place of the module's own. */
  apply?(params: NamedTensors, x: I, options?: CallOptions): O;
  /**
   * Stateless forward pass (Keras 3's `stateless_call`): trainable values and non-trainable values
   * in, the output and the new non-trainable values out; no variable is written. Keys missing from
   * `params`/`state` fall back to the module's variables.
   */
  statelessCall?(params: NamedTensors, state: NamedTensors, x: I, options?: CallOptions): StatelessResult<O>;
  /** Frees the module's variables. */
  dispose?(): void;
}
