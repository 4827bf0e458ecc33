// Where the examples find the real data: TESSERA_DATASETS, else ../shared/datasets beside the repo.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Absolute path of one dataset folder (e.g. 'mnist'), with a clear error when it is missing. */
export function datasetDir(name) {
  const root = process.env.TESSERA_DATASETS ?? resolve(repo, '../shared/datasets');
  const dir = resolve(root, name);
  if (!existsSync(dir)) {
    throw new Error(`dataset folder not found: ${dir} (set TESSERA_DATASETS to the folder holding ${name}/)`);
  }
  return dir;
}

/** Seconds since `start` (performance.now()), one decimal. */
export function seconds(start) {
  return Math.round((performance.now() - start) / 100) / 10;
}
