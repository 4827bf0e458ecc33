import type { Logs } from './logger.js';
import type { Module } from './module.js';

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
  onTrainBegin?(control: TrainingControl): void | Promise<void>;
  onTrainEnd?(logs: Logs, control: TrainingControl): void | Promise<void>;
  onEpochBegin?(epoch: number, control: TrainingControl): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, control: TrainingControl): void | Promise<void>;
  onBatchBegin?(step: number, control: TrainingControl): void | Promise<void>;
  onBatchEnd?(step: number, logs: Logs, control: TrainingControl): void | Promise<void>;
}
