import { FormatError, ValueError } from '@tessera/core';
import { unzipSync, zipSync } from 'fflate';
import { crc32 } from '../io/crc32.js';
import { type BinarySource, toBytes } from '../io/source.js';

/**
 * A decoded NumPy array (C order; Fortran-order arrays are transposed to C order).
 *
 * @example
 * ```ts
 * const arr: NpyArray = parseNpy(encodeNpy(new Float32Array([1, 2, 3, 4]), [2, 2]));
 * const t = tensor(arr.data as Float32Array, arr.shape); // arr.dtype === 'f4'
 * ```
 */
export interface NpyArray {
  /** Dimensions, outermost first (`[]` for a scalar). */
  shape: number[];
  /** NumPy dtype string without byte order, e.g. 'f4', 'i8', 'u1', 'b1'. */
  dtype: string;
  /** The values in C order. */
  data: Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array;
}

const CTORS = {
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  u1: Uint8Array,
  b1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
  i8: BigInt64Array,
} as const;
type Code = keyof typeof CTORS;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function parseHeader(text: string, name: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) {
    throw new FormatError('npy', `${name}: malformed header ${JSON.stringify(text.slice(0, 80))}`);
  }
  const dims = shape
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new FormatError('npy', `${name}: bad shape (${shape})`);
  return { descr, fortran: fortran === 'True', shape: dims };
}

function fortranToC<A extends NpyArray['data']>(data: A, shape: number[]): A {
  if (shape.length < 2) return data;
  const out = new (data.constructor as new (n: number) => A)(data.length);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let c = 0; c < data.length; c++) {
    let f = 0;
    let stride = 1;
    for (let k = 0; k < rank; k++) {
      f += idx[k]! * stride;
      stride *= shape[k]!;
    }
    (out as unknown as unknown[])[c] = (data as unknown as unknown[])[f];
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

/**
 * Parses a `.npy` file (versions 1-3; dtypes f4 f8 i1 u1 b1 i2 u2 i4 u4 i8, either byte order).
 * Bad magic, a malformed header or a truncated body throw a `FormatError`.
 *
 * @example
 * ```ts
 * const { shape, data } = parseNpy(bytes); // e.g. [100, 3], Float32Array
 * ```
 */
export function parseNpy(source: BinarySource, name = 'npy'): NpyArray {
  const bytes = toBytes(source, 'parseNpy');
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m))
    throw new FormatError('npy', `${name}: bad magic number (expected \\x93NUMPY)`);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major !== 1 && major !== 2 && major !== 3) throw new FormatError('npy', `${name}: unsupported version ${major}`);
  const headerLen = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : Number.POSITIVE_INFINITY;
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw new FormatError('npy', `${name}: truncated header`);
  const header = parseHeader(new TextDecoder().decode(bytes.subarray(start, start + headerLen)), name);
  const order = header.descr[0];
  const code = header.descr.slice(1) as Code;
  const Ctor = CTORS[code];
  if (!Ctor || !'<>|='.includes(order ?? '')) throw new FormatError('npy', `${name}: unsupported dtype ${JSON.stringify(header.descr)}`);
  const count = header.shape.reduce((a, b) => a * b, 1);
  const nbytes = count * Ctor.BYTES_PER_ELEMENT;
  const bodyStart = start + headerLen;
  if (bytes.length - bodyStart < nbytes) {
    throw new FormatError(
      'npy',
      `${name}: truncated data: shape [${header.shape.join(', ')}] ${header.descr} needs ${nbytes} bytes, found ${bytes.length - bodyStart}`,
    );
  }
  const body = bytes.slice(bodyStart, bodyStart + nbytes);
  if (order === '>' && Ctor.BYTES_PER_ELEMENT > 1) {
    const w = Ctor.BYTES_PER_ELEMENT;
    for (let i = 0; i < body.length; i += w) body.subarray(i, i + w).reverse();
  }
  let data: NpyArray['data'] = new Ctor(body.buffer, 0, count);
  if (header.fortran) data = fortranToC(data, header.shape);
  return { shape: header.shape, dtype: code, data };
}

/**
 * Writes a `.npy` (version 1.0, little-endian, C order).
 *
 * @example
 * ```ts
 * const bytes = encodeNpy(new Float32Array([1, 2, 3, 4]), [2, 2]);
 * ```
 */
export function encodeNpy(data: NpyArray['data'], shape: number[]): Uint8Array {
  const entry = Object.entries(CTORS).find(([k, C]) => k !== 'b1' && data instanceof C);
  if (!entry) throw new ValueError('encodeNpy data', 'a typed array', data);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new ValueError('encodeNpy shape', `a shape with ${data.length} elements`, shape);
  const descr = `${entry[0].endsWith('1') ? '|' : '<'}${entry[0]}`;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64));
  header += '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/**
 * Parses a `.npz` archive (stored or deflated) into named arrays (names without `.npy`).
 * A corrupt archive or member throws a `FormatError`.
 *
 * @example
 * ```ts
 * const { x, y } = parseNpz(bytes);
 * ```
 */
export function parseNpz(source: BinarySource, name = 'npz'): Record<string, NpyArray> {
  const bytes = toBytes(source, 'parseNpz');
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    throw new FormatError('npz', `${name}: bad magic number (expected a zip archive, PK)`);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: memberCheck(bytes.length, name) });
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError('npz', `${name}: corrupt or truncated zip archive (${(e as Error).message})`, { cause: e });
  }
  const crcs = zipCrcs(bytes);
  const out: Record<string, NpyArray> = {};
  for (const [file, content] of Object.entries(files)) {
    const expected = crcs.get(file);
    if (expected !== undefined && crc32(content) !== expected)
      throw new FormatError('npz', `${name}/${file}: CRC-32 mismatch (corrupt data)`);
    if (!file.endsWith('.npy')) continue;
    out[file.slice(0, -4)] = parseNpy(content, `${name}/${file}`);
  }
  return out;
}

/**
 * Writes a `.npz` archive (deflated when `compress`).
 *
 * @example
 * ```ts
 * const bytes = encodeNpz({ x: { data: new Float32Array(4), shape: [2, 2] } });
 * ```
 */
export function encodeNpz(arrays: Record<string, { data: NpyArray['data']; shape: number[] }>, compress = false): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [k, a] of Object.entries(arrays)) files[`${k}.npy`] = encodeNpy(a.data, a.shape);
  return zipSync(files, { level: compress ? 6 : 0 });
}

/** Deflate cannot expand data more than 1032:1 (RFC 1951: 258 bytes per 2-bit match at best). */
const MAX_DEFLATE_RATIO = 1032;

/**
 * Checks each zip member's declared sizes before it is extracted (the extractor allocates the
 * declared size up front): the sizes must be possible for this archive, and the number of members
 * must fit in it (a central directory record takes at least 46 bytes).
 */
function memberCheck(
  archiveBytes: number,
  name: string,
): (f: { name: string; size: number; originalSize: number; compression: number }) => boolean {
  let seen = 0;
  return (f) => {
    if (++seen > archiveBytes / 46) {
      throw new FormatError('npz', `${name}: central directory lists more members than a ${archiveBytes}-byte archive can hold`);
    }
    const where = `${name}/${f.name}`;
    if (f.size > archiveBytes) {
      throw new FormatError('npz', `${where}: compressed size ${f.size} exceeds the archive size ${archiveBytes}`);
    }
    if (f.compression === 0 && f.originalSize !== f.size) {
      throw new FormatError('npz', `${where}: stored member declares ${f.originalSize} bytes, expected its stored size ${f.size}`);
    }
    if (f.compression === 8 && f.originalSize > f.size * MAX_DEFLATE_RATIO + 16) {
      throw new FormatError(
        'npz',
        `${where}: declared size ${f.originalSize} is impossible for ${f.size} deflated bytes (at most ${f.size * MAX_DEFLATE_RATIO + 16})`,
      );
    }
    return true;
  };
}

/** CRC-32 of every member, from the zip central directory. */
function zipCrcs(bytes: Uint8Array): Map<string, number> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, number>();
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return out;
  const entries = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const decoder = new TextDecoder();
  for (let e = 0; e < entries && p + 46 <= bytes.length; e++) {
    if (view.getUint32(p, true) !== 0x02014b50) break;
    const crc = view.getUint32(p + 16, true);
    const nameLen = view.getUint16(p + 28, true);
    const extra = view.getUint16(p + 30, true);
    const comment = view.getUint16(p + 32, true);
    out.set(decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen)), crc);
    p += 46 + nameLen + extra + comment;
  }
  return out;
}
