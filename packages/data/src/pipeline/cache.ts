import { FormatError } from '@tessera/core';
import { crc32 } from '../io/crc32.js';
import { readLines } from '../io/lines.js';
import { nodeBuiltin } from '../util/node.js';
import { cloneElement, disposeElement } from '../util/tree.js';
import { decodeElement, encodeElement } from './serialize.js';

/**
 * Options of {@link Dataset.cache}.
 *
 * @example
 * ```ts
 * const decoded = files.map(decode).cache();                          // in memory
 * const onDisk = files.map(decode).cache({ path: './cache/train.bin' }); // Node: a file
 * ```
 */
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
type Zlib = typeof import('node:zlib');

/** Marker key of the last line of a disk cache file. */
const TRAILER_KEY = '$tesseraCache';
/** Version of the disk cache layout (bump when it changes: older files are then recomputed). */
const CACHE_VERSION = 1;
/** Longest trailer line read from the end of a file. */
const MAX_TRAILER = 4096;

interface Trailer {
  count: number;
  bytes: number;
  crc32: number;
}

type Crc = (bytes: Uint8Array, crc?: number) => number;

/** `zlib.crc32` where Node has it (20.15+), else the JS table version (same values). */
async function crcFn(): Promise<Crc> {
  const zlib = await nodeBuiltin<Zlib>('zlib');
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  return native ? (b, c = 0) => native(b, c) : crc32;
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Checks a disk cache file: its last line must be the trailer written when the pass completed
 * (`{"$tesseraCache":1,"count":N,"bytes":B,"crc32":C}`), the B bytes before it must hold exactly N
 * lines and have CRC-32 C. Returns the trailer, or a reason why the file is damaged.
 */
async function checkCacheFile(handle: import('node:fs/promises').FileHandle, crc: Crc): Promise<Trailer | string> {
  const size = (await handle.stat()).size;
  if (size === 0) return 'the file is empty';
  const tailLen = Math.min(size, MAX_TRAILER);
  const tail = new Uint8Array(tailLen);
  const { bytesRead } = await handle.read(tail, 0, tailLen, size - tailLen);
  if (bytesRead !== tailLen) return 'the file shrank while it was read';
  if (tail[tailLen - 1] !== 10) return 'the end marker is missing (the file does not end with a newline: truncated?)';
  const prevNl = tail.lastIndexOf(10, tailLen - 2);
  if (prevNl < 0 && tailLen < size) return 'the end marker is missing (truncated or not a cache file?)';
  const trailerStart = size - tailLen + prevNl + 1;
  let trailer: unknown;
  try {
    trailer = JSON.parse(new TextDecoder().decode(tail.subarray(prevNl + 1, tailLen - 1)));
  } catch {
    return 'the end marker is missing (truncated or not a cache file?)';
  }
  const t = trailer as Record<string, unknown> | null;
  if (!t || typeof t !== 'object' || !(TRAILER_KEY in t)) return 'the end marker is missing (truncated, or written by an older version?)';
  if (t[TRAILER_KEY] !== CACHE_VERSION) return `unsupported cache version ${JSON.stringify(t[TRAILER_KEY])}`;
  if (!isNonNegInt(t.count) || !isNonNegInt(t.bytes) || !isNonNegInt(t.crc32)) return 'the end marker is malformed';
  if (t.bytes !== trailerStart) return `the end marker says ${t.bytes} bytes of elements, the file holds ${trailerStart}`;
  let c = 0;
  let lines = 0;
  if (t.bytes > 0) {
    const stream = handle.createReadStream({ start: 0, end: t.bytes - 1, autoClose: false });
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      c = crc(chunk, c);
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    }
  }
  if (lines !== t.count) return `the end marker says ${t.count} elements, the file holds ${lines} lines`;
  if (c !== t.crc32) return 'checksum mismatch (the file was modified or corrupted)';
  return { count: t.count, bytes: t.bytes, crc32: t.crc32 };
}

/**
 * Disk cache (Node). The first complete pass is written to a temp file while it is yielded (one
 * JSON line per element, then an end marker with the element count, byte length and CRC-32) and
 * renamed to `path` once the pass completes, so `path` is never half-written. Later passes check
 * the whole file against its end marker before yielding anything, then replay it. A damaged file
 * (truncated, edited, corrupted, empty, or from an older layout) is never replayed: the pass
 * recomputes from the source instead, and the fresh cache replaces the damaged file when it
 * completes.
 */
export async function* diskCacheIter<T>(src: AsyncIterable<T>, path: string): AsyncGenerator<T> {
  const fs = await nodeBuiltin<Fs>('fs');
  const fsp = await nodeBuiltin<FsP>('fs/promises');
  const crc = await crcFn();
  if (fs.existsSync(path)) {
    const handle = await fsp.open(path, 'r');
    try {
      const trailer = await checkCacheFile(handle, crc);
      if (typeof trailer !== 'string') {
        let n = 0;
        if (trailer.bytes > 0) {
          const stream = handle.createReadStream({ start: 0, end: trailer.bytes - 1, autoClose: false });
          for await (const line of readLines(stream)) {
            let el: T;
            try {
              el = decodeElement(line) as T;
            } catch (e) {
              const why = (e as Error).message.replace(/^dataset cache: /, '');
              throw new FormatError('dataset cache', `${path}: element ${n}: ${why}`, { cause: e });
            }
            n++;
            yield el;
          }
        }
        if (n !== trailer.count)
          throw new FormatError('dataset cache', `${path}: replayed ${n} elements, the end marker says ${trailer.count}`);
        return;
      }
      // Damaged: fall through and recompute (the rename below replaces the file).
    } finally {
      await handle.close();
    }
  }
  const tmp = `${path}.tmp-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  const handle = await fsp.open(tmp, 'w');
  const enc = new TextEncoder();
  let complete = false;
  let closed = false;
  try {
    let c = 0;
    let bytes = 0;
    let count = 0;
    for await (const x of src) {
      const line = enc.encode(`${encodeElement(x)}\n`);
      await handle.write(line);
      c = crc(line, c);
      bytes += line.length;
      count++;
      yield x;
    }
    await handle.write(`${JSON.stringify({ [TRAILER_KEY]: CACHE_VERSION, count, bytes, crc32: c })}\n`);
    await handle.sync();
    await handle.close();
    closed = true;
    await fsp.rename(tmp, path);
    complete = true;
  } finally {
    if (!closed) await handle.close();
    if (!complete) await fsp.rm(tmp, { force: true });
  }
}
