import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import { image } from '@tessera/tensor';
import { type CsvOptions, type CsvValue, csv } from '../loaders/csv.js';
import { decodeImage, type ImageTensorOptions, imageToTensor } from '../loaders/image.js';
import { jsonl } from '../loaders/jsonl.js';
import type { Dataset } from '../pipeline/dataset.js';
import { fromGenerator } from '../pipeline/sources.js';

/**
 * Streams a CSV file (a fresh read stream per pass, 1 MiB chunks): memory stays flat whatever the size.
 *
 * @example
 * ```ts
 * const rows = csvFile('big.csv', { columns: { label: 'int' } });
 * ```
 */
export function csvFile(path: string, options: CsvOptions = {}): Dataset<Record<string, CsvValue>> {
  return csv(() => createReadStream(path, { highWaterMark: 1 << 20 }), { name: basename(path), ...options });
}

/**
 * Streams a JSON Lines file.
 *
 * @example
 * ```ts
 * const ds = jsonlFile<{ text: string }>('data.jsonl');
 * ```
 */
export function jsonlFile<T = unknown>(path: string): Dataset<T> {
  return jsonl<T>(() => createReadStream(path, { highWaterMark: 1 << 20 }), { name: basename(path) });
}

/**
 * Reads a whole file as bytes (for `parseIdx`, `parseNpy`, `parseNpz`, `decodeImage`).
 *
 * @example
 * ```ts
 * const arr = parseNpy(await readBytes('x.npy'));
 * ```
 */
export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new TesseraError('IO', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

/**
 * Options of {@link imageFolder}: those of `imageToTensor` plus a resize.
 *
 * @example
 * ```ts
 * const { data, classNames } = await imageFolder('./pets', { channels: 3, size: [64, 64], scale: 'float' });
 * ```
 */
export interface ImageFolderOptions extends ImageTensorOptions {
  /** Resize every image to `[height, width]` (bilinear). Without it, images must share a size to be batched. */
  size?: [number, number];
}

/**
 * A dataset over a folder of images by class (`root/<class>/*.png|jpg`): elements `{ x, y }` with
 * `x` a float32 `[h, w, c]` tensor and `y` the class index in `classNames` (sorted folder names).
 * Files are listed once (sorted) and decoded lazily on each pass.
 *
 * @example
 * ```ts
 * const { data, classNames } = await imageFolder('./pets', { channels: 3, size: [64, 64] });
 * ```
 */
export async function imageFolder(
  root: string,
  options: ImageFolderOptions = {},
): Promise<{ data: Dataset<{ x: Tensor3D; y: number }>; classNames: string[] }> {
  const entries = await readdir(root, { withFileTypes: true });
  const classNames = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const files: { path: string; y: number }[] = [];
  for (const [y, cls] of classNames.entries()) {
    const names = (await readdir(join(root, cls))).filter((n) => IMAGE_EXT.has(extname(n).toLowerCase())).sort();
    for (const n of names) files.push({ path: join(root, cls, n), y });
  }
  const data = fromGenerator(async function* () {
    for (const f of files) {
      const bytes = await readBytes(f.path);
      const t = imageToTensor(decodeImage(bytes, f.path), options);
      if (!options.size) {
        yield { x: t, y: f.y };
        continue;
      }
      const r = image.resizeBilinear(t, options.size) as Tensor3D;
      t.dispose();
      yield { x: r, y: f.y };
    }
  }, files.length);
  return { data, classNames };
}
