import { TesseraError } from '@tessera/core';
import { isNode, nodeBuiltin } from '../util/node.js';
import { sha256Hex } from './checksum.js';
import { type ByteStore, defaultStore } from './store.js';

/**
 * One file of a registered dataset.
 *
 * @example
 * ```ts
 * const file: DatasetFile = {
 *   name: 'wine.csv',
 *   url: 'https://example.org/wine.csv',
 *   mirrors: ['https://mirror.example.org/wine.csv'],
 *   sha256: '…', // lowercase hex
 *   size: 10782,
 * };
 * ```
 */
export interface DatasetFile {
  /** Local file name (also the cache key and the name looked up in a `from` directory). */
  name: string;
  /** Canonical download URL. */
  url: string;
  /** Other URLs serving the same bytes, tried in order after `url`. */
  mirrors?: string[];
  /** Expected SHA-256 (lowercase hex). */
  sha256: string;
  /** Expected size in bytes (checked before hashing; gives a clearer "truncated" message). */
  size?: number;
}

/**
 * A registered dataset: its files and how to build datasets from their bytes.
 *
 * @example
 * ```ts
 * const wineSpec: DatasetSpec<{ data: Dataset<Record<string, CsvValue>> }> = {
 *   name: 'wine',
 *   description: 'UCI wine: 178 samples, 13 features, 3 cultivars',
 *   license: 'CC BY 4.0 (UCI)',
 *   files: [{ name: 'wine.csv', url: 'https://example.org/wine.csv', sha256: '…' }],
 *   build: (files) => ({ data: csv(files['wine.csv']!) }),
 * };
 * registerDataset(wineSpec);
 * ```
 */
export interface DatasetSpec<R = unknown, O = Record<string, unknown>> {
  /** Registry name (`loadDataset(name)`). */
  name: string;
  /** One line on what the data is. */
  description?: string;
  /** License and attribution. */
  license?: string;
  /** The files to fetch and verify. */
  files: DatasetFile[];
  /** Builds the result (datasets, class names...) from the verified file bytes. */
  build(files: Record<string, Uint8Array>, options: O): R | Promise<R>;
}

/**
 * Where dataset files come from (see {@link fetchDatasetFiles}).
 *
 * @example
 * ```ts
 * await mnist({ from: '../shared/datasets/mnist' });             // a local copy, no download
 * await mnist({ cacheDir: './data', verify: true });             // download once, then the cache
 * await iris({ store: memoryStore(), fetch: myFetch });          // custom cache and fetch
 * ```
 */
export interface FetchOptions {
  /** A local directory holding the files (Node), or a base URL (http(s)://, file://; in browsers also a path relative to the page) serving them. No download from the canonical URL then. */
  from?: string;
  /** Node cache directory (default `$TESSERA_DATA_DIR` or `~/.cache/tessera/datasets`). */
  cacheDir?: string;
  /** A custom cache store (default: file system in Node, Cache API in browsers). */
  store?: ByteStore;
  /** Check SHA-256 (default true). */
  verify?: boolean;
  /** The fetch implementation (default `globalThis.fetch`). */
  fetch?: typeof fetch;
}

async function checkBytes(what: string, bytes: Uint8Array, file: DatasetFile, verify: boolean): Promise<void> {
  if (!verify) return;
  if (file.size !== undefined && bytes.length !== file.size) {
    throw new TesseraError(
      'FORMAT',
      `${what}: size mismatch: expected ${file.size} bytes, received ${bytes.length}${bytes.length < file.size ? ' (truncated)' : ''}`,
    );
  }
  const got = await sha256Hex(bytes);
  if (got !== file.sha256)
    throw new TesseraError('FORMAT', `${what}: SHA-256 mismatch: expected ${file.sha256}, received ${got} (${bytes.length} bytes)`);
}

async function download(url: string, fetchImpl: typeof fetch): Promise<Uint8Array> {
  if (url.startsWith('file://') && isNode()) {
    const fs = await nodeBuiltin<typeof import('node:fs/promises')>('fs/promises');
    return new Uint8Array(await fs.readFile(new URL(url)));
  }
  let res: Response;
  try {
    res = await fetchImpl(url);
  } catch (e) {
    throw new TesseraError('IO', `download ${url} failed: ${(e as Error).message}`, { cause: e });
  }
  if (!res.ok) throw new TesseraError('IO', `download ${url} failed: HTTP ${res.status} ${res.statusText}`);
  try {
    return new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new TesseraError('IO', `download ${url} failed while reading the body (connection closed early?): ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/**
 * Gets a dataset's files as verified bytes: from `from` (a local directory or base URL), else the
 * cache, else by downloading the canonical URL (then mirrors). Downloads are verified (size and
 * SHA-256) before anything is written to the cache, and the cache write is atomic; a cached entry
 * that no longer matches is discarded and downloaded again.
 *
 * @example
 * ```ts
 * const files = await fetchDatasetFiles(getDatasetSpec('iris'), { from: '../shared/datasets/iris' });
 * ```
 */
export async function fetchDatasetFiles(
  spec: Pick<DatasetSpec, 'name' | 'files'>,
  options: FetchOptions = {},
): Promise<Record<string, Uint8Array>> {
  const verify = options.verify ?? true;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const out: Record<string, Uint8Array> = {};
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  // in a browser a relative `from` is a URL relative to the page
  const from =
    options.from !== undefined && !isNode() && page && !/^[a-z]+:\/\//.test(options.from) ? new URL(options.from, page).href : options.from;
  const fromUrl = from !== undefined && /^(https?|file):\/\//.test(from);
  if (from !== undefined && !fromUrl) {
    const fs = await nodeBuiltin<typeof import('node:fs/promises')>('fs/promises');
    const path = await nodeBuiltin<typeof import('node:path')>('path');
    for (const f of spec.files) {
      const p = path.resolve(from, f.name);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await fs.readFile(p));
      } catch (e) {
        throw new TesseraError('IO', `${spec.name}: cannot read ${p} (from: ${JSON.stringify(from)}): ${(e as Error).message}`, {
          cause: e,
        });
      }
      await checkBytes(`${spec.name}: ${p}`, bytes, f, verify);
      out[f.name] = bytes;
    }
    return out;
  }
  const store = options.store ?? (await defaultStore(options.cacheDir));
  for (const f of spec.files) {
    const key = `${spec.name}/${f.name}`;
    const cached = await store.get(key);
    if (cached) {
      try {
        await checkBytes(`${spec.name}: cached ${key}`, cached, f, verify);
        out[f.name] = cached;
        continue;
      } catch {
        await store.delete(key);
      }
    }
    const urls = fromUrl ? [`${from!.replace(/\/$/, '')}/${f.name}`] : [f.url, ...(f.mirrors ?? [])];
    const errors: string[] = [];
    for (const url of urls) {
      try {
        const bytes = await download(url, fetchImpl);
        await checkBytes(`${spec.name}: ${url}`, bytes, f, verify);
        await store.put(key, bytes);
        out[f.name] = bytes;
        break;
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    if (!out[f.name]) {
      throw new TesseraError(
        'IO',
        `${spec.name}: could not get ${f.name} (nothing was cached in ${store.where}):\n  ${errors.join('\n  ')}`,
      );
    }
  }
  return out;
}
