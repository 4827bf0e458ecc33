import { appendFile, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Callback } from '@tessera/core';
import { EventWriter, type EventWriterOptions } from '../tensorboard/event-writer.js';
import { type HParamsOptions, hparamsCallback } from '../tensorboard/hparams-callback.js';
import { type TensorBoardOptions, type TensorBoardRun, tensorBoardCallback } from '../tensorboard/tensorboard-callback.js';

let fileCounter = 0;

/**
 * An {@link EventWriter} appending to a new `events.out.tfevents.<seconds>.<host>.<pid>.<n>` file
 * in `dir` (created on the first flush). Every flush appends whole records in one write, so
 * TensorBoard can read the file while training runs.
 *
 * @example
 * ```ts
 * const writer = eventFileWriter('./logs/run1/train');
 * writer.scalar('epoch_loss', 0.3, 0);
 * await writer.flush();
 * console.log(writer.path);
 * ```
 */
export function eventFileWriter(dir: string, options: Omit<EventWriterOptions, 'sink'> = {}): EventWriter & { readonly path: string } {
  const secs = Math.floor(options.now?.() ?? Date.now() / 1000);
  const path = join(dir, `events.out.tfevents.${secs}.${hostname()}.${process.pid}.${fileCounter++}`);
  let ready: Promise<unknown> | null = null;
  const writer = new EventWriter({
    ...options,
    keep: options.keep ?? false,
    sink: {
      async write(bytes) {
        ready ??= mkdir(dir, { recursive: true });
        await ready;
        await appendFile(path, bytes);
      },
    },
  });
  return Object.assign(writer, { path });
}

/**
 * Keras' TensorBoard callback for `fit` (and every training step `fit` drives: the GAN and RL
 * trainers too): event files in `logdir/train` and `logdir/validation`, flushed every epoch.
 * See `tensorBoardCallback` in `@tessera/train/tensorboard` for what is written.
 *
 * @example
 * ```ts
 * await fit(model, data, { ...opts, callbacks: [tensorBoard('./logs/run1', { updateFreq: 100, histogramFreq: 1 })] });
 * // tensorboard --logdir ./logs
 * ```
 */
export function tensorBoard(logdir: string, options: TensorBoardOptions = {}): Callback & { writer(run: TensorBoardRun): EventWriter } {
  return tensorBoardCallback((run) => eventFileWriter(join(logdir, run)), options);
}

/**
 * Records hyperparameters and final metrics for TensorBoard's HParams dashboard in `logdir`
 * (the session's run; use the same `logdir` as `tensorBoard(logdir)` and name its runs' tags
 * with `{ group: 'validation', tag: 'epoch_accuracy' }`, or name epoch logs like `'val_accuracy'`).
 *
 * @example
 * ```ts
 * const logdir = `./logs/lr-${lr}`;
 * await fit(model, data, { ...opts, callbacks: [tensorBoard(logdir), hparams(logdir, { hparams: { lr }, metrics: ['val_accuracy'] })] });
 * ```
 */
export function hparams(logdir: string, options: HParamsOptions): Callback {
  return hparamsCallback(eventFileWriter(logdir), options);
}
