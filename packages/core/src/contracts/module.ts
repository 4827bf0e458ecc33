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
 * The sequence options (`mask`, `attentionMask`, `positions`) describe the inputs of the call;
 * layers that do not use them ignore them. Masks may be `bool` or numbers (`1` = keep, `0` = drop).
 *
 * @example
 * ```ts
 * const y = model.call(x, { training: true, rng: rngKey(42) }); // dropout on, seeded masks
 * // right-padded batch of two sequences of length 3 and 1 (ids 0 are padding)
 * const h = lstm(8).call(embedded, { mask: tensor2d([[1, 1, 1], [1, 0, 0]], [2, 3], 'bool') });
 * ```
 */
export interface CallOptions {
  /** Training mode: dropout active, batch-norm uses and updates batch statistics. */
  training?: boolean;
  /** Randomness for this call (dropout masks etc.); modules derive sub-keys from it. */
  rng?: RngKey;
  /**
   * Padding mask `[batch, time]`: true (or 1) for a real step, false (or 0) for padding. Recurrent
   * layers skip padded steps (they keep the previous state), sequence pooling ignores them. In
   * Sequential and functional models it is the mask of the model's input; each layer then gets
   * the mask its predecessor produced ({@link Module.computeMask}).
   */
  mask?: Tensor;
  /**
   * Attention mask `[batch, tq, tk]`, or any shape that broadcasts to it (`[batch, 1, tk]`,
   * `[tq, tk]`): true (or 1) where query position `q` may attend to key position `k`. Combined
   * (logical and) with the padding mask of the keys by attention layers.
   */
  attentionMask?: Tensor;
  /**
   * Absolute positions of the input steps, int32 `[time]` or `[batch, time]`. Default: `0..time-1`.
   * Position embeddings read them, so a step fed through a cache at offset `p` gets position `p`.
   */
  positions?: Tensor;
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
  /**
   * The padding mask of the output for input `x` with input mask `mask` (`[batch, time]`), or
   * undefined when the output has none. Embedding with `maskZero` makes one from the ids; layers
   * that keep the time axis pass `mask` through; the others drop it.
   */
  computeMask?(x: I, mask?: Tensor): Tensor | undefined;
}
