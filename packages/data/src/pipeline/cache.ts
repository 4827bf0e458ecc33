import { readLines } from '../io/lines.js';
import { nodeBuiltin } from '../util/node.js';
import { cloneElement, disposeElement } from '../util/tree.js';
import { decodeElement, encodeElement } from './serialize.js';

/** Options of `Dataset.cache`. */
export interface CacheOptions {
  /** A file to cache into (Node only). Omit to cache in memory. */
  path?: string;
}

/**
 * In-memory cache: the first complete pass is kept; later passes yield clones of the kept
 * elements (a pass that stops early is discarded).
 */
export class MemoryCache<T> {
  private items: T[] | undefined;

  async *iterate(src: AsyncIterable<T>): AsyncGenerator<T> {
    if (this.items) {
      for (const x of this.items) yield cloneElement(x);
      return;
    }
    const fill: T[] = [];
    let complete = false;
    try {
      for await (const x of src) {
        fill.push(x);
        yield cloneElement(x);
      }
      complete = true;
      this.items = fill;
    } finally {
      if (!complete) for (const x of fill) disposeElement(x);
    }
  }
}

type Fs = typeof import('node:fs');
type FsP = typeof import('node:fs/promises');

/**
 * Disk cache (Node): replays `path` when it exists, else writes the pass to a temp file while
 * yielding it and renames it to `path` once the pass completes (never a half-written cache).
 */
export async function* diskCacheIter<T>(src: AsyncIterable<T>, path: string): AsyncGenerator<T> {
  const fs = await nodeBuiltin<Fs>('fs');
  const fsp = await nodeBuiltin<FsP>('fs/promises');
  if (fs.existsSync(path)) {
    for await (const line of readLines(fs.createReadStream(path))) {
      if (line.length > 0) yield decodeElement(line) as T;
    }
    return;
  }
  const tmp = `${path}.tmp-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  const handle = await fsp.open(tmp, 'w');
  let complete = false;
  try {
    for await (const x of src) {
      await handle.write(`${encodeElement(x)}\n`);
      yield x;
    }
    complete = true;
  } finally {
    await handle.close();
    if (complete) await fsp.rename(tmp, path);
    else await fsp.rm(tmp, { force: true });
  }
}
