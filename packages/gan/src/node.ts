import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Callback } from '@tessera/core';
import { ValueError } from '@tessera/core';
import { type QualityClassifier, qualityClassifier } from './classifier.js';
import type { GanStep } from './gan-step.js';
import { encodePng } from './png.js';
import { type SampleSheetsOptions, sampleSheets } from './sample-callback.js';
import type { SampleSheet } from './sample-sheet.js';

/**
 * Writes a sheet as a PNG file (through a temporary file and a rename, so a reader never sees half a file).
 *
 * @example
 * ```ts
 * await writePng('samples.png', sampleGrid(images, { shape: [28, 28, 1] }));
 * ```
 */
export async function writePng(path: string, sheet: SampleSheet): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(
    tmp,
    encodePng(sheet, (raw) => deflateSync(raw)),
  );
  await rename(tmp, path);
}

/**
 * {@link sampleSheets} writing `<dir>/samples-epoch-<NNN>.png` (epochs 1-based in the name) and
 * `<dir>/samples-latest.png`.
 *
 * @example
 * ```ts
 * await fit(step, data, { epochs: 20, callbacks: [pngSampleSheets(step, './out', { shape: [28, 28, 1] })] });
 * ```
 */
export function pngSampleSheets(step: GanStep, dir: string, options: Omit<SampleSheetsOptions, 'onSheet'> = {}): Callback {
  return sampleSheets(step, {
    ...options,
    onSheet: async (sheet, epoch) => {
      await writePng(join(dir, `samples-epoch-${String(epoch + 1).padStart(3, '0')}.png`), sheet);
      await writePng(join(dir, 'samples-latest.png'), sheet);
    },
  });
}

/**
 * Loads one of the classifiers shipped with the package (`classifiers/<name>.safetensors`,
 * trained by `scripts/train-classifiers.mjs`): `'mnist'` or `'fashion'` (Fashion-MNIST).
 *
 * @example
 * ```ts
 * const clf = await loadQualityClassifier('mnist');
 * console.log(clf.metadata.testAccuracy); // e.g. "0.9776"
 * ```
 */
export async function loadQualityClassifier(name: 'mnist' | 'fashion', options: { path?: string } = {}): Promise<QualityClassifier> {
  if (name !== 'mnist' && name !== 'fashion') throw new ValueError('loadQualityClassifier name', "'mnist' or 'fashion'", name);
  let path = options.path;
  if (!path) {
    const req = createRequire(join(process.cwd(), 'noop.js'));
    let pkg: string;
    try {
      pkg = req.resolve('@tessera/gan/package.json');
    } catch {
      throw new ValueError('loadQualityClassifier', '@tessera/gan resolvable from the working directory (or options.path)', process.cwd());
    }
    path = join(dirname(pkg), 'classifiers', `${name}.safetensors`);
  }
  return qualityClassifier(new Uint8Array(await readFile(path)));
}
