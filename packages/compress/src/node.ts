import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { FormatError, ValueError } from '@tessera/core';
import type { Model, Sequential } from '@tessera/layers';
import { type TfjsExportOptions, toTfjsLayers } from './tfjs/export.js';
import { fromTfjsLayers, type TfjsModelJson } from './tfjs/import.js';

/**
 * The files {@link saveTfjsLayers} wrote: `model.json` and the weight shards it names.
 *
 * @example
 * ```ts
 * const { modelJson, shards }: TfjsLayersFiles = await saveTfjsLayers(model, 'out/model');
 * ```
 */
export interface TfjsLayersFiles {
  /** Path of the written `model.json`. */
  modelJson: string;
  /** Paths of the written weight shards, in manifest order. */
  shards: string[];
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/**
 * Writes a model as a tfjs-layers model folder: `model.json` (topology and weights manifest) and
 * the weight shards it names (`group1-shard1of1.bin`, ...), the layout `tf.loadLayersModel` reads
 * (`file://dir/model.json` in tfjs-node, an http URL in the browser). `options` are those of
 * {@link toTfjsLayers} (`inputShape`, `quantize`, `shardBytes`). Each file is written through a
 * temporary file and a rename; the folder is created when missing.
 *
 * @example
 * ```ts
 * import { saveTfjsLayers } from '@tessera/compress/node';
 * await saveTfjsLayers(model, 'out/mnist', { inputShape: [784], quantize: 'uint8' });
 * // browser: await tf.loadLayersModel('/mnist/model.json')
 * ```
 */
export async function saveTfjsLayers(model: Sequential | Model, dir: string, options: TfjsExportOptions = {}): Promise<TfjsLayersFiles> {
  if (typeof dir !== 'string' || dir === '') throw new ValueError('saveTfjsLayers dir', 'a folder path', dir);
  const exported = toTfjsLayers(model, options);
  await mkdir(dir, { recursive: true });
  const paths = exported.modelJson.weightsManifest[0]?.paths ?? [];
  const shards: string[] = [];
  for (const [i, p] of paths.entries()) {
    const path = join(dir, p);
    await writeAtomic(path, exported.shards[i] as Uint8Array);
    shards.push(path);
  }
  const modelJson = join(dir, 'model.json');
  await writeAtomic(modelJson, JSON.stringify(exported.modelJson));
  return { modelJson, shards };
}

function shardPath(dir: string, p: unknown, where: string): string {
  if (typeof p !== 'string' || p === '' || isAbsolute(p) || normalize(p).split(sep).includes('..'))
    throw new FormatError('tfjs-layers', `${where}: weight path ${JSON.stringify(p)} is not a file inside the model folder`);
  return join(dir, p);
}

/**
 * Loads a tfjs-layers model folder (written by `model.save('file://dir')` in tfjs-node, by
 * tensorflowjs_converter, or by {@link saveTfjsLayers}) with {@link fromTfjsLayers}. `path` is the
 * folder or its `model.json`; the shards of every manifest group are read relative to it, in
 * manifest order. Quantized weights (`uint8`/`uint16`/`float16`) are dequantized as tfjs does.
 *
 * @example
 * ```ts
 * import { loadTfjsLayers } from '@tessera/compress/node';
 * const model = await loadTfjsLayers('out/mnist'); // or 'out/mnist/model.json'
 * const y = model.call(x);
 * ```
 */
export async function loadTfjsLayers(path: string): Promise<Sequential | Model> {
  if (typeof path !== 'string' || path === '') throw new ValueError('loadTfjsLayers path', 'a folder or model.json path', path);
  const file = path.endsWith('.json') ? path : join(path, 'model.json');
  const dir = dirname(file);
  let json: TfjsModelJson;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as TfjsModelJson;
  } catch (e) {
    if (e instanceof SyntaxError) throw new FormatError('tfjs-layers', `${file} is not JSON: ${e.message}`);
    throw e;
  }
  if (!json || typeof json.modelTopology !== 'object' || !Array.isArray(json.weightsManifest))
    throw new FormatError('tfjs-layers', `${file} has no modelTopology and weightsManifest`);
  const shards: Uint8Array[] = [];
  for (const [g, group] of json.weightsManifest.entries()) {
    for (const p of group.paths ?? []) shards.push(new Uint8Array(await readFile(shardPath(dir, p, `${file} weightsManifest[${g}]`))));
  }
  return fromTfjsLayers(json, shards);
}
