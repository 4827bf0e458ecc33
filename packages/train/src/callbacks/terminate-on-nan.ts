import type { Callback, Logs, TrainingControl } from '@tessera/core';

/**
 * Stops training (after the current batch, as Keras' `TerminateOnNaN`) when a batch's loss is NaN
 * or infinite. `stoppedAtStep` tells which step, or -1. For an error that names the first
 * non-finite input, parameter or gradient instead, use `fit(..., { checkFinite: true })`.
 *
 * @example
 * ```ts
 * const guard = terminateOnNaN();
 * await fit(model, data, { loss, optimizer, epochs: 10, callbacks: [guard] });
 * if (guard.stoppedAtStep >= 0) console.log('diverged at step', guard.stoppedAtStep);
 * ```
 */
export function terminateOnNaN(): Callback & { readonly stoppedAtStep: number } {
  let stoppedAtStep = -1;
  return {
    get stoppedAtStep() {
      return stoppedAtStep;
    },
    onTrainBegin() {
      stoppedAtStep = -1;
    },
    onBatchEnd(step: number, logs: Logs, control: TrainingControl) {
      const loss = logs.batch_loss ?? logs.loss;
      if (loss !== undefined && !Number.isFinite(loss)) {
        stoppedAtStep = step;
        control.stop();
      }
    },
  };
}
