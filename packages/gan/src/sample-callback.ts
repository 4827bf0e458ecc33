import type { Callback, Logs, TrainingControl } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { GanStep, SampleOptions } from './gan-step.js';
import { type SampleGridOptions, type SampleSheet, sampleGrid } from './sample-sheet.js';

/**
 * Options of {@link sampleSheets}.
 *
 * @example
 * ```ts
 * sampleSheets(step, { count: 100, columns: 10, seed: 0, labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], shape: [28, 28, 1], onSheet });
 * ```
 */
export interface SampleSheetsOptions extends SampleGridOptions, SampleOptions {
  /** Samples per sheet (default 64). */
  count?: number;
  /** Epochs between sheets (default 1: every epoch). */
  every?: number;
  /** Receives each sheet and the epoch it was drawn after. */
  onSheet(sheet: SampleSheet, epoch: number): void | Promise<void>;
}

/**
 * A callback that renders the generator's samples from a fixed seeded latent grid after every
 * `every` epochs (and at the end of training), so sheets are comparable across epochs. The sheet
 * goes to `onSheet`: draw it on a canvas in the browser, or use `@tessera/gan/node`'s
 * `pngSampleSheets` to write PNG files.
 *
 * @example
 * ```ts
 * const canvas = document.querySelector('canvas')!;
 * await fit(step, data, { epochs: 10, callbacks: [sampleSheets(step, { shape: [28, 28, 1], onSheet: (s) => drawSampleSheet(s, canvas) })] });
 * ```
 */
export function sampleSheets(step: GanStep, options: SampleSheetsOptions): Callback {
  if (!step || typeof step.sample !== 'function') throw new ValueError('sampleSheets step', 'a gan() step', step);
  if (!options || typeof options.onSheet !== 'function')
    throw new ValueError('sampleSheets onSheet', 'a function (sheet, epoch) => void', options?.onSheet);
  const every = options.every ?? 1;
  if (!(Number.isInteger(every) && every >= 1)) throw new ValueError('sampleSheets every', 'a positive integer', every);
  const count = options.count ?? 64;
  let lastEpoch = -1;
  const draw = async (epoch: number) => {
    const images = step.sample(count, options);
    let sheet: SampleSheet;
    try {
      sheet = sampleGrid(images, options);
    } finally {
      images.dispose();
    }
    lastEpoch = epoch;
    await options.onSheet(sheet, epoch);
  };
  return {
    async onEpochEnd(epoch: number) {
      if ((epoch + 1) % every === 0) await draw(epoch);
    },
    async onTrainEnd(_logs: Logs, control: TrainingControl) {
      const last = control.epoch - 1;
      if (last >= 0 && lastEpoch !== last && (last + 1) % every !== 0) await draw(last);
    },
  };
}
