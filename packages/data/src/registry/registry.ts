import { ValueError } from '@tessera/core';
import { builtinDatasets } from '../datasets/builtins.js';
import { type DatasetSpec, type FetchOptions, fetchDatasetFiles } from './fetch-files.js';

const registry = new Map<string, DatasetSpec<unknown, never>>();

/**
 * Adds a dataset to the registry (replacing one with the same name), so `loadDataset(name)`
 * downloads, verifies, caches and builds it.
 *
 * @example
 * ```ts
 * registerDataset({
 *   name: 'wine',
 *   files: [{ name: 'wine.csv', url: 'https://example.org/wine.csv', sha256: '…' }],
 *   build: (files) => ({ data: csv(files['wine.csv']!) }),
 * });
 * const { data } = await loadDataset('wine', { cacheDir: './data' });
 * ```
 */
export function registerDataset<R, O>(spec: DatasetSpec<R, O>): void {
  if (!spec.name || !Array.isArray(spec.files) || typeof spec.build !== 'function') {
    throw new ValueError('registerDataset spec', '{ name, files, build }', spec);
  }
  for (const f of spec.files) {
    if (!/^[0-9a-f]{64}$/.test(f.sha256))
      throw new ValueError(`registerDataset ${spec.name}/${f.name} sha256`, '64 lowercase hex digits', f.sha256);
  }
  registry.set(spec.name, spec as DatasetSpec<unknown, never>);
}

/**
 * The registered dataset names.
 *
 * @example
 * ```ts
 * listDatasets(); // ['digits', 'fashion-mnist', 'iris', 'mnist', 'sms-spam', ...]
 * ```
 */
export function listDatasets(): string[] {
  return [...new Set([...builtinDatasets().map((s) => s.name), ...registry.keys()])].sort();
}

/**
 * The spec of a registered dataset.
 *
 * @example
 * ```ts
 * getDatasetSpec('mnist').files.map((f) => f.url);
 * ```
 */
export function getDatasetSpec(name: string): DatasetSpec<unknown, never> {
  const spec = registry.get(name) ?? builtinDatasets().find((s) => s.name === name);
  if (!spec) throw new ValueError('dataset name', `one of ${JSON.stringify(listDatasets())}`, name);
  return spec;
}

/**
 * Fetches (see {@link fetchDatasetFiles}) and builds a registered dataset.
 *
 * @example
 * ```ts
 * const { train, test } = await loadDataset('mnist', { from: '../shared/datasets/mnist' });
 * ```
 */
export async function loadDataset<R = unknown>(name: string, options: FetchOptions & Record<string, unknown> = {}): Promise<R> {
  const spec = getDatasetSpec(name);
  const files = await fetchDatasetFiles(spec, options);
  return (await spec.build(files, options as never)) as R;
}
