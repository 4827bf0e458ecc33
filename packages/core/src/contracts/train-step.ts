import type { Tensor } from '@tensorflow/tfjs-core';
import type { RngKey } from '../rng.js';
import type { Batch } from './dataset.js';
import type { GradientTransform, StateTree } from './gradient-transform.js';
import type { Metric } from './metric.js';
import type { Module, NamedTensors } from './module.js';

/**
 * What `fit` passes to every {@link TrainStep.step} call.
 *
 * @example
 * ```ts
 * const ctx: StepContext = { rng: rngKey(1).fold(42), step: 42, epoch: 3 };
 * const { state, logs } = myStep.step(state0, batch, ctx);
 * ```
 */
export interface StepContext {
  /** Randomness of this step (the run's root key folded with `step`): same seed, same run. */
  rng: RngKey;
  /** Global step: updates done before this one. */
  step: number;
  /** Epoch of this step, 0-based. */
  epoch: number;
  /**
   * Check the loss and gradients for NaN/infinity before updating, and throw a `NON_FINITE`
   * TesseraError naming the step and the first non-finite input, parameter or gradient (costs a sync).
   */
  checkFinite?: boolean;
  /**
   * Return this step's gradients in {@link StepOutput.gradients} instead of freeing them (a step
   * that computes gradients may; the caller owns them). The trainer sets it while a callback asks
   * for gradients (e.g. TensorBoard's gradient histograms).
   */
  keepGradients?: boolean;
}

/**
 * Scalars a step reports for logging. `fit` reads tensors asynchronously, disposes them and
 * averages every entry over the epoch, weighted by batch size.
 *
 * @example
 * ```ts
 * const logs: StepLogs = { loss: lossTensor, d_loss: dLoss, g_loss: gLoss, lr: 1e-3 };
 * ```
 */
export type StepLogs = Record<string, Tensor | number>;

/**
 * What {@link TrainStep.step} returns: the next state and the step's logs.
 *
 * @example
 * ```ts
 * const out: StepOutput<{ opt: StateTree }> = { state: { opt: nextOptState }, logs: { loss } };
 * ```
 */
export interface StepOutput<S> {
  /** The state the next step receives (the step owns freeing what the old state no longer holds). */
  state: S;
  /** Scalars to log; tensors among them are disposed by the caller. */
  logs: StepLogs;
  /**
   * The gradients of this step by parameter path (the paths of `modules()`' parameters, prefixed
   * by role when the step trains several), when `ctx.keepGradients` asked for them; the caller frees them.
   */
  gradients?: NamedTensors;
}

/**
 * Everything a step holds that a checkpoint must save to continue exactly: the weights of every
 * module it trains (by path; steps with several modules prefix each with its role, e.g.
 * `generator/dense/kernel`), every optimizer state (a tree; steps with several optimizers key it by
 * role) and JSON-only extra state (counters, schedules' positions).
 *
 * @example
 * ```ts
 * const snap: StepSnapshot = {
 *   weights: { 'generator/dense/kernel': gk, 'discriminator/dense/kernel': dk },
 *   optimizerState: { generator: gOpt, discriminator: dOpt },
 *   extra: { criticSteps: 5 },
 * };
 * ```
 */
export interface StepSnapshot {
  /** Module parameters and state by path; live views until the next step. */
  weights: NamedTensors;
  /** Optimizer state(s) as one tree. */
  optimizerState: StateTree;
  /** JSON-serializable extra state (numbers, strings, null, arrays, objects; no tensors). */
  extra?: StateTree;
}

/**
 * The one thing `fit` drives (Keras 3's `train_step`, Lightning's `training_step`): supervised
 * training, GANs, RL algorithms and data-parallel training are all steps, so callbacks, metrics,
 * loggers, progress and exact resume are shared. `S` is the step's own state (optimizer states,
 * counters) passed from one call to the next; module weights may live in variables.
 *
 * Memory contract: `step` runs its work in memory scopes; what it returns (the next state and the
 * log tensors) survives, everything else is freed, and tensors of the old state that the new
 * one no longer holds are freed by the step.
 *
 * @example
 * ```ts
 * const myStep: TrainStep<{ opt: StateTree }> = {
 *   name: 'regression',
 *   modules: () => ({ model }),
 *   init: (batch) => { model.call(batch.x); return { opt: optimizer.init(model.parameters()) }; },
 *   step(state, batch, { rng }) {
 *     const { value, grads } = valueAndGrad((p) => mse(batch.y, model.apply(p, batch.x, { training: true, rng })))(model.parameters());
 *     const next = applyGradients(optimizer, state.opt, model.parameters(), grads);
 *     return { state: { opt: next.state }, logs: { loss: value } };
 *   },
 *   evalStep: (state, batch) => ({ loss: mse(batch.y, model.call(batch.x)) }),
 *   snapshot: (state) => ({ weights: model.parameters(), optimizerState: state.opt }),
 *   restore: (snap, batch) => { ... },
 *   dispose: (state) => disposeTree(state.opt),
 * };
 * await fit(myStep, data, { epochs: 3 });
 * ```
 */
export interface TrainStep<S = unknown, B = Batch> {
  /** Name used in messages. */
  readonly name: string;
  /** The modules the step trains, by role (the first is the `model` callbacks see). */
  modules(): Record<string, Module>;
  /** Streaming metrics the step updates; `fit` resets them every epoch and logs their results. */
  readonly metrics?: Metric[];
  /** Builds what the step needs from the first batch (modules, optimizer states). */
  init(firstBatch: B): S;
  /** One training step. */
  step(state: S, batch: B, ctx: StepContext): StepOutput<S>;
  /** One evaluation step (no update): its logs and metric updates, in inference mode. */
  evalStep?(state: S, batch: B, ctx: StepContext): StepLogs;
  /** The weights and optimizer state(s) to checkpoint. */
  snapshot(state: S): StepSnapshot;
  /**
   * Continues from a snapshot: builds from `firstBatch` when needed (it is null when the step ran
   * already), assigns the weights, takes ownership of the optimizer-state tensors and returns the
   * state. `previous` (when the step already ran) is freed by the step.
   */
  restore(snapshot: StepSnapshot, firstBatch: B | null, previous: S | null): S;
  /** Frees the state's tensors (the modules belong to the caller). */
  dispose(state: S): void;
  /**
   * The optimizer whose state is `snapshot(state).optimizerState`, when the step has one (callbacks
   * such as reduce-LR-on-plateau read and scale its learning rate through it).
   */
  readonly optimizer?: GradientTransform;
  /** The state with its optimizer state replaced (tensors no longer held are freed). */
  withOptimizerState?(state: S, optimizerState: StateTree): S;
  /** Samples in a batch (for averaging logs); default: first dimension of `batch.x`. */
  batchSize?(batch: B): number;
}
