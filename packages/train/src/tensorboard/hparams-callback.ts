import type { Callback, Logs } from '@tessera/core';
import type { EventWriter } from './event-writer.js';
import { type HParamMetric, type HParamValues, hparamsExperiment, hparamsSessionEnd, hparamsSessionStart } from './hparams-data.js';

/**
 * Options of {@link hparamsCallback} and of `hparams(logdir)` from `@tessera/train/node`.
 *
 * @example
 * ```ts
 * const options: HParamsOptions = { hparams: { lr: 1e-3, units: 128 }, metrics: ['loss', 'val_accuracy'] };
 * ```
 */
export interface HParamsOptions {
  /** This run's hyperparameters. */
  hparams: HParamValues;
  /**
   * The metrics of the HParams table: epoch log names (written by this callback as scalars of the
   * session's own run at every epoch end) or tags of other runs (`{ group: 'validation', tag:
   * 'epoch_accuracy' }`, written by `tensorBoard(logdir)`). Default: every epoch log name.
   */
  metrics?: Array<string | HParamMetric>;
  /** Groups repeated trials of one configuration (default: a hash of the values). */
  groupName?: string;
}

/**
 * Records a run's hyperparameters and its metrics for TensorBoard's HParams dashboard: the
 * experiment and session-start records when training begins (the experiment once the metric
 * names are known), the named epoch logs as scalars every epoch, the session end when training
 * ends. In Node, `hparams(logdir, options)` from `@tessera/train/node` writes into `logdir`.
 *
 * @example
 * ```ts
 * const session = new EventWriter();
 * await fit(model, data, { ...opts, callbacks: [hparamsCallback(session, { hparams: { lr: 0.01 }, metrics: ['val_accuracy'] })] });
 * const bytes = session.bytes();
 * ```
 */
export function hparamsCallback(writer: EventWriter, options: HParamsOptions): Callback {
  let metrics = options.metrics;
  let experimentDone = false;
  const own = () => (metrics ?? []).filter((m): m is string => typeof m === 'string');
  const writeExperiment = () => {
    if (experimentDone || !metrics) return;
    experimentDone = true;
    const infos = metrics.map((m) => (typeof m === 'string' ? { tag: m } : m));
    writer.write(0, [hparamsExperiment(options.hparams, infos)]);
  };
  return {
    async onTrainBegin() {
      writer.write(0, [hparamsSessionStart(options.hparams, { groupName: options.groupName })]);
      writeExperiment();
      await writer.flush();
    },
    async onEpochEnd(epoch: number, logs: Logs) {
      metrics ??= Object.keys(logs);
      writeExperiment();
      const values = own()
        .filter((k) => k in logs)
        .map((k) => ({ tag: k, scalar: logs[k] as number }));
      if (values.length) writer.write(epoch, values);
      await writer.flush();
    },
    async onTrainEnd() {
      writer.write(0, [hparamsSessionEnd('success')]);
      await writer.flush();
    },
  };
}
