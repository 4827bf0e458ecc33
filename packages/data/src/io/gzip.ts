import { FormatError } from '@tessera/core';
import { gunzipSync } from 'fflate';
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
  let out: Uint8Array;
  try {
    out = gunzipSync(bytes);
  } catch (e) {
    throw new FormatError('gzip', `${what}: corrupt or truncated gzip stream (${(e as Error).message})`, { cause: e });
  }
  const n = bytes.length;
  const isize = n >= 18 ? (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0 : -1;
  if (isize !== out.length % 4294967296) {
    throw new FormatError('gzip', `${what}: truncated or corrupt gzip stream (trailer says ${isize} bytes, decompressed ${out.length})`);
  }
  const stored = (bytes[n - 8]! | (bytes[n - 7]! << 8) | (bytes[n - 6]! << 16) | (bytes[n - 5]! << 24)) >>> 0;
  if (crc32(out) !== stored) throw new FormatError('gzip', `${what}: CRC-32 mismatch (corrupt data)`);
  return out;
}
