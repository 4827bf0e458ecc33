import type { StateTree } from './gradient-transform.js';
import type { Logs } from './logger.js';
import type { Module, NamedTensors } from './module.js';

/**
 * What a callback may read and steer during training; the trainer passes it to every
 * {@link Callback} hook.
 *
 * @example
 * ```ts
 * const stopAt1000: Callback = {
 *   onBatchEnd: (step, logs, control: TrainingControl) => {
 *     if (control.step >= 1000) control.stop();
 *   },
 * };
 * ```
 */
export interface TrainingControl {
  /** The model being trained (a step training several: the first of `modules`). */
  readonly model: Module;
  /** Every module the training step trains, by role (supervised training: `{ model }`). */
  readonly modules?: Record<string, Module>;
  /** Global step (number of optimizer updates so far). */
  readonly step: number;
  /** Current epoch, 0-based. */
  readonly epoch: number;
  /** Asks the trainer to stop after the current batch/epoch. */
  stop(): void;
  /** True once `stop()` was called. */
  readonly stopRequested: boolean;
  /**
   * Asks the training steps from now on to keep their gradients (`true`) or not (`false`, which
   * also frees the ones held); absent when the trainer cannot. Steps that do not compute
   * gradients keep none.
   */
  keepGradients?(on: boolean): void;
  /**
   * The last training step's gradients by parameter path while `keepGradients(true)` is on (null
   * before such a step): owned by the trainer, valid until the next step; read, do not dispose.
   */
  readonly gradients?: NamedTensors | null;
}

/**
 * Where a resumed run continues: the global step and the epoch it runs next.
 *
 * @example
 * ```ts
 * const at: ResumePoint = { step: 120, epoch: 3 };
 * ```
 */
export interface ResumePoint {
  /** Global step of the checkpoint (updates done). */
  step: number;
  /** Epoch the resumed run runs (first). */
  epoch: number;
}

/**
 * Hooks called by the trainer. All are optional and may be async.
 *
 * @example
 * ```ts
 * const printer: Callback = { onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) };
 * ```
 */
export interface Callback {
  /**
   * Key of this callback's state in checkpoints (e.g. `early_stopping`); callbacks with
   * `saveState` need one. Two callbacks with one key are told apart by their order (`key#1`).
   */
  readonly stateKey?: string;
  /** Everything the callback needs to continue exactly (JSON values and tensors), saved with each checkpoint. */
  saveState?(): StateTree;
  /**
   * Continues from a checkpoint: `fit` calls it after `onTrainBegin` with what `saveState`
   * returned then (tensors now owned by the callback) and where the run resumes.
   */
  loadState?(state: StateTree, at: ResumePoint): void | Promise<void>;
  onTrainBegin?(control: TrainingControl): void | Promise<void>;
  onTrainEnd?(logs: Logs, control: TrainingControl): void | Promise<void>;
  onEpochBegin?(epoch: number, control: TrainingControl): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, control: TrainingControl): void | Promise<void>;
  onBatchBegin?(step: number, control: TrainingControl): void | Promise<void>;
  onBatchEnd?(step: number, logs: Logs, control: TrainingControl): void | Promise<void>;
}
