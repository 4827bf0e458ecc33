import type { Callback, Logs, Module, TrainingControl } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { EventWriter } from './event-writer.js';
import { modelText } from './graph-text.js';

/**
 * The runs the {@link tensorBoardCallback} writes, as Keras does: `train` (batch and epoch
 * scalars, histograms, the model text) and `validation` (the `val_` logs without the prefix).
 *
 * @example
 * ```ts
 * const run: TensorBoardRun = 'validation';
 * ```
 */
export type TensorBoardRun = 'train' | 'validation';

/**
 * Options of {@link tensorBoardCallback} and of `tensorBoard(logdir)` from `@tessera/train/node`.
 *
 * @example
 * ```ts
 * const options: TensorBoardOptions = { updateFreq: 50, histogramFreq: 1, writeGraph: true };
 * ```
 */
export interface TensorBoardOptions {
  /** `'epoch'` (default): scalars once per epoch; a number N: also `batch_*` scalars every N steps. */
  updateFreq?: 'epoch' | number;
  /** Histograms of every parameter every this many epochs (default 0: none). */
  histogramFreq?: number;
  /**
   * With `histogramFreq`: also histograms of the gradients, tagged `<parameter>/gradient` (Keras'
   * `write_grads`), from the last training step of each histogram epoch (default true). The
   * trainer keeps that epoch's latest gradients (one copy of the parameters' size) until the
   * epoch ends; steps that do not hand out their gradients (only the supervised step does) write none.
   */
  writeGradients?: boolean;
  /** Buckets per histogram (default 30). */
  histogramBuckets?: number;
  /**
   * Writes the model as text (tag `model`) after the first step: `true` (default) a table of every
   * module's parameters and its config, a function `(model) => string` your own text (e.g.
   * `summary` from `@tessera/layers`), `false` nothing.
   */
  writeGraph?: boolean | ((model: Module) => string);
  /**
   * Called at every epoch end before the flush: write images, texts or anything else (e.g. a GAN's
   * sample sheet with `writer('train').image(...)`).
   */
  onEpochEnd?: (writer: (run: TensorBoardRun) => EventWriter, epoch: number, logs: Logs, control: TrainingControl) => void | Promise<void>;
}

/**
 * A callback writing TensorBoard event files through the writers `makeWriter` returns (one per
 * run, made on first use): `epoch_<name>` scalars per epoch (validation logs in the `validation`
 * run), `batch_<name>` every `updateFreq` steps, weight histograms every `histogramFreq` epochs,
 * the model as text; writers flush at every epoch end and when training ends. Works in the browser
 * with in-memory writers; in Node use `tensorBoard(logdir)` from `@tessera/train/node`.
 * Gradient histograms (`<parameter>/gradient`) come from the last step of each histogram epoch,
 * which the trainer keeps for it (`TrainingControl.keepGradients`).
 *
 * @example
 * ```ts
 * const runs = { train: new EventWriter(), validation: new EventWriter() };
 * const tb = tensorBoardCallback((run) => runs[run], { histogramFreq: 1 });
 * await fit(model, data, { loss, optimizer, epochs: 3, validation: val, callbacks: [tb] });
 * const bytes = runs.train.bytes(); // save as events.out.tfevents.<time>.browser
 * ```
 */
export function tensorBoardCallback(
  makeWriter: (run: TensorBoardRun) => EventWriter,
  options: TensorBoardOptions = {},
): Callback & { writer(run: TensorBoardRun): EventWriter } {
  const update = options.updateFreq ?? 'epoch';
  if (update !== 'epoch' && (!Number.isInteger(update) || update < 1))
    throw new ValueError('tensorBoard updateFreq', "'epoch' or a positive integer", update);
  const histogramFreq = options.histogramFreq ?? 0;
  if (!Number.isInteger(histogramFreq) || histogramFreq < 0)
    throw new ValueError('tensorBoard histogramFreq', 'a non-negative integer', histogramFreq);
  const writers = new Map<TensorBoardRun, EventWriter>();
  const writer = (run: TensorBoardRun): EventWriter => {
    let w = writers.get(run);
    if (!w) {
      w = makeWriter(run);
      writers.set(run, w);
    }
    return w;
  };
  const modulesOf = (control: TrainingControl) => control.modules ?? { model: control.model };
  let graphDone = options.writeGraph === false;
  const writeGraph = (control: TrainingControl) => {
    if (graphDone) return;
    graphDone = true;
    const g = options.writeGraph;
    const text = typeof g === 'function' ? g(control.model) : modelText(modulesOf(control));
    writer('train').text('model', text, 0);
  };
  const flushAll = () => Promise.all([...writers.values()].map((w) => w.flush()));
  const grads = histogramFreq > 0 && options.writeGradients !== false;
  const histogramEpoch = (epoch: number) => histogramFreq > 0 && epoch % histogramFreq === 0;
  return {
    writer,
    onEpochBegin(epoch: number, control: TrainingControl) {
      if (grads) control.keepGradients?.(histogramEpoch(epoch));
    },
    onBatchEnd(step: number, logs: Logs, control: TrainingControl) {
      writeGraph(control);
      if (update === 'epoch' || step % update !== 0) return;
      const values = Object.entries(logs)
        .filter(([k]) => k !== 'size' && k !== 'batch_loss')
        .map(([k, v]) => ({ tag: `batch_${k}`, scalar: v }));
      writer('train').write(step, values);
    },
    async onEpochEnd(epoch: number, logs: Logs, control: TrainingControl) {
      writeGraph(control);
      const train = Object.entries(logs).filter(([k]) => !k.startsWith('val_'));
      const val = Object.entries(logs).filter(([k]) => k.startsWith('val_'));
      writer('train').write(
        epoch,
        train.map(([k, v]) => ({ tag: `epoch_${k}`, scalar: v })),
      );
      if (val.length)
        writer('validation').write(
          epoch,
          val.map(([k, v]) => ({ tag: `epoch_${k.slice(4)}`, scalar: v })),
        );
      if (histogramEpoch(epoch)) {
        const buckets = options.histogramBuckets ?? 30;
        const modules = Object.entries(modulesOf(control));
        for (const [role, m] of modules) {
          for (const [path, v] of Object.entries(m.parameters())) {
            const tag = modules.length > 1 ? `${role}/${path}` : path;
            writer('train').histogram(tag, await v.data(), epoch, buckets);
          }
        }
        // the gradient paths carry the role prefix already when a step trains several modules
        const gradients = grads ? control.gradients : null;
        if (gradients)
          for (const [path, g] of Object.entries(gradients)) writer('train').histogram(`${path}/gradient`, await g.data(), epoch, buckets);
      }
      if (grads) control.keepGradients?.(false);
      await options.onEpochEnd?.(writer, epoch, logs, control);
      await flushAll();
    },
    async onTrainEnd(_logs: Logs, control: TrainingControl) {
      if (grads) control.keepGradients?.(false);
      await flushAll();
    },
  };
}
