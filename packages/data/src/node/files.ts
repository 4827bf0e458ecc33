import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { TesseraError } from '@tessera/core';
import { type CsvOptions, type CsvValue, csv } from '../loaders/csv.js';
import { decodeImage, type ImageArray, type ImageTensorOptions, imageToArray, resizeBilinearArray } from '../loaders/image.js';
import { jsonl } from '../loaders/jsonl.js';
import type { Dataset } from '../pipeline/dataset.js';
import { fromGenerator } from '../pipeline/sources.js';
import type { ElementSpec } from '../pipeline/spec.js';

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
 * `x` the pixels as a typed array (float32 in [0, 1], or int32 0-255 with `scale: 'int'` and no
 * resize; row-major `[h, w, c]`) and `y` the class index in `classNames` (sorted folder names).
 * Files are listed once (sorted) and decoded lazily on each pass; the first image is decoded once
 * up front to declare the spec (`x: [h, w, c]`, `y: int32`), so `batch` makes `[n, h, w, c]` and
 * `[n]` int32 tensors (images of another size fail to batch: pass `size`).
 *
 * @example
 * ```ts
 * const { data, classNames } = await imageFolder('./pets', { channels: 3, size: [64, 64] });
 * ```
 */
export async function imageFolder(
  root: string,
  options: ImageFolderOptions = {},
): Promise<{ data: Dataset<{ x: Float32Array | Int32Array; y: number }>; classNames: string[] }> {
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
  const load = async (path: string): Promise<ImageArray> => {
    const img = imageToArray(decodeImage(await readBytes(path), path), options);
    return options.size ? resizeBilinearArray(img, options.size) : img;
  };
  let spec: ElementSpec | undefined;
  if (files.length > 0) {
    const first = await load(files[0]!.path);
    spec = { x: { dtype: first.data instanceof Int32Array ? 'int32' : 'float32', shape: first.shape }, y: { dtype: 'int32', shape: [] } };
  }
  const data = fromGenerator(async function* () {
    for (const f of files) yield { x: (await load(f.path)).data, y: f.y };
  }, files.length).withSpec(spec);
  return { data, classNames };
}
