import { FormatError } from '@tessera/core';
import { gunzip, isGzip } from '../io/gzip.js';
import { type BinarySource, toBytes } from '../io/source.js';

/**
 * A decoded IDX array: row-major data and its shape, as returned by {@link parseIdx}.
 *
 * @example
 * ```ts
 * const labels: IdxArray = parseIdx(bytes, { name: 'train-labels', expectMagic: 2049 });
 * console.log(labels.shape, labels.dtype, labels.data[0]); // [60000] 'uint8' 5
 * ```
 */
export interface IdxArray {
  /** Dimensions, outermost first. */
  shape: number[];
  /** Element type from the IDX header. */
  dtype: 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
  /** The values, row-major. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { dtype: IdxArray['dtype']; size: number }> = {
  8: { dtype: 'uint8', size: 1 },
  9: { dtype: 'int8', size: 1 },
  11: { dtype: 'int16', size: 2 },
  12: { dtype: 'int32', size: 4 },
  13: { dtype: 'float32', size: 4 },
  14: { dtype: 'float64', size: 8 },
};

/**
 * Parses an IDX file (the MNIST format), raw or gzipped. Checks the magic number, the header
 * and that the data length matches the shape; any mismatch throws a `FormatError` naming `name`.
 * Optionally checks the expected magic (2051 images, 2049 labels).
 *
 * @example
 * ```ts
 * const { shape, data } = parseIdx(bytes, { name: 'train-images', expectMagic: 2051 }); // [60000, 28, 28]
 * ```
 */
export function parseIdx(source: BinarySource, options: { name?: string; expectMagic?: number } = {}): IdxArray {
  const name = options.name ?? 'idx';
  let bytes = toBytes(source, 'parseIdx');
  if (isGzip(bytes)) bytes = gunzip(bytes, name);
  if (bytes.length < 4) throw new FormatError('idx', `${name}: file too short (${bytes.length} bytes) for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const type = TYPES[bytes[2]!];
  const rank = bytes[3]!;
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || rank === 0) {
    throw new FormatError(
      'idx',
      `${name}: bad magic number 0x${magic.toString(16).padStart(8, '0')} (expected 0x0000TTRR: type 08-0e, rank ≥ 1)`,
    );
  }
  if (options.expectMagic !== undefined && magic !== options.expectMagic) {
    throw new FormatError('idx', `${name}: wrong magic number ${magic} (expected ${options.expectMagic})`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new FormatError('idx', `${name}: truncated header (${bytes.length} bytes, need ${headerBytes})`);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.size;
  if (bytes.length !== expected) {
    throw new FormatError(
      'idx',
      `${name}: ${bytes.length < expected ? 'truncated' : 'trailing bytes'}: shape [${shape.join(', ')}] needs ${expected} bytes, file has ${bytes.length}`,
    );
  }
  const body = bytes.subarray(headerBytes);
  let data: IdxArray['data'];
  if (type.size === 1) data = type.dtype === 'uint8' ? body.slice() : new Int8Array(body.slice().buffer);
  else {
    const Ctor = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[type.dtype as 'int16'];
    data = new Ctor(count);
    const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
    for (let i = 0; i < count; i++) {
      const o = i * type.size;
      (data as unknown as number[])[i] =
        type.dtype === 'int16'
          ? dv.getInt16(o, false)
          : type.dtype === 'int32'
            ? dv.getInt32(o, false)
            : type.dtype === 'float32'
              ? dv.getFloat32(o, false)
              : dv.getFloat64(o, false);
    }
  }
  return { shape, dtype: type.dtype, data };
}
