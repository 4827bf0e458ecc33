import type { Callback, Logger, Logs, TrainingControl } from '@tessera/core';

/**
 * Turns any core `Logger` into a callback: epoch logs go to `log(epoch, logs, { phase: 'train', level: 'epoch' })`
 * (optionally every `batchEvery` steps too, with `level: 'batch'`), and `close()` runs when training ends.
 *
 * @example
 * ```ts
 * const memory: Logger = { log: (step, logs) => rows.push({ step, ...logs }) };
 * await fit(model, data, { loss, optimizer, callbacks: [loggerCallback(memory)] });
 * ```
 */
export function loggerCallback(logger: Logger, options: { batchEvery?: number } = {}): Callback & Logger {
  return {
    log: (step, logs, info) => logger.log(step, logs, info),
    close: () => logger.close?.(),
    async onBatchEnd(step: number, logs: Logs, control: TrainingControl) {
      if (options.batchEvery && step % options.batchEvery === 0)
        await logger.log(step, logs, { epoch: control.epoch, phase: 'train', level: 'batch' });
    },
    async onEpochEnd(epoch: number, logs: Logs) {
      await logger.log(epoch, logs, { epoch, phase: 'train', level: 'epoch' });
    },
    async onTrainEnd() {
      await logger.close?.();
    },
  };
}
