import { TesseraError } from '@tessera/core';
import { maskedCrc32c } from './crc32c.js';

/**
 * Frames one record the TFRecord way: length (uint64 LE), masked CRC-32C of the length, the
 * data, masked CRC-32C of the data.
 *
 * @example
 * ```ts
 * const framed = encodeTFRecord(encodeEvent({ wallTime: Date.now() / 1000, step: 0, fileVersion: 'brain.Event:2' }));
 * ```
 */
export function encodeTFRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 16);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length >>> 0, true);
  view.setUint32(4, Math.floor(data.length / 2 ** 32), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/**
 * Splits TFRecord bytes into their records, checking both CRCs of each; a truncated last record
 * (a file still being written) is left out.
 *
 * @example
 * ```ts
 * const records = decodeTFRecords(writer.bytes()); // the encoded Event messages
 * ```
 */
export function decodeTFRecords(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let o = 0;
  while (o + 12 <= bytes.length) {
    const len = view.getUint32(o, true) + view.getUint32(o + 4, true) * 2 ** 32;
    if (maskedCrc32c(bytes.subarray(o, o + 8)) !== view.getUint32(o + 8, true))
      throw new TesseraError('FORMAT', `TFRecord at byte ${o}: the length's CRC does not match`);
    if (o + 16 + len > bytes.length) break;
    const data = bytes.subarray(o + 12, o + 12 + len);
    if (maskedCrc32c(data) !== view.getUint32(o + 12 + len, true))
      throw new TesseraError('FORMAT', `TFRecord at byte ${o}: the data's CRC does not match`);
    records.push(data);
    o += 16 + len;
  }
  return records;
}
