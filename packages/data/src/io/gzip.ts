import { FormatError } from '@tessera/core';
import { inflateSync } from 'fflate';
import { crc32 } from './crc32.js';

/**
 * True when the bytes start with the gzip magic number 1f 8b.
 *
 * @example
 * ```ts
 * isGzip(bytes) ? gunzip(bytes) : bytes;
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip bytes (pure JS, works in browsers). Corrupt or truncated input throws a
 * `FormatError` naming `what`.
 *
 * @example
 * ```ts
 * const raw = gunzip(bytes, 'train-images-idx3-ubyte.gz');
 * ```
 */
export function gunzip(bytes: Uint8Array, what = 'gzip data'): Uint8Array {
  if (!isGzip(bytes)) throw new FormatError('gzip', `${what}: bad magic number (expected 1f 8b)`);
  const start = deflateStart(bytes, what);
  const n = bytes.length;
  if (n < start + 8) throw new FormatError('gzip', `${what}: truncated gzip stream (${n} bytes, need at least ${start + 8})`);
  // The output grows with what the stream really holds: the trailer's size field is only checked
  // afterwards, so a corrupt trailer cannot make us allocate gigabytes up front.
  let out: Uint8Array;
  try {
    out = inflateSync(bytes.subarray(start, n - 8));
  } catch (e) {
    throw new FormatError('gzip', `${what}: corrupt or truncated gzip stream (${(e as Error).message})`, { cause: e });
  }
  const isize = (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0;
  if (isize !== out.length % 4294967296) {
    throw new FormatError('gzip', `${what}: truncated or corrupt gzip stream (trailer says ${isize} bytes, decompressed ${out.length})`);
  }
  const stored = (bytes[n - 8]! | (bytes[n - 7]! << 8) | (bytes[n - 6]! << 16) | (bytes[n - 5]! << 24)) >>> 0;
  if (crc32(out) !== stored) throw new FormatError('gzip', `${what}: CRC-32 mismatch (corrupt data)`);
  return out;
}

/** Offset of the deflate data after the gzip member header (RFC 1952: FEXTRA, FNAME, FCOMMENT, FHCRC). */
function deflateStart(bytes: Uint8Array, what: string): number {
  const truncated = (): never => {
    throw new FormatError('gzip', `${what}: truncated gzip header (${bytes.length} bytes)`);
  };
  if (bytes.length < 10) truncated();
  if (bytes[2] !== 8) throw new FormatError('gzip', `${what}: unsupported compression method ${bytes[2]} (expected 8, deflate)`);
  const flags = bytes[3]!;
  let p = 10;
  if (flags & 4) {
    if (p + 2 > bytes.length) truncated();
    p += 2 + (bytes[p]! | (bytes[p + 1]! << 8));
  }
  for (const bit of [8, 16]) {
    if (!(flags & bit)) continue;
    while (p < bytes.length && bytes[p] !== 0) p++;
    p++;
  }
  if (flags & 2) p += 2;
  if (p > bytes.length) truncated();
  return p;
}
