import type { DataType, Tensor } from '@tensorflow/tfjs-core';
import { tensor } from '@tensorflow/tfjs-core';
import { FormatError, ValueError } from '@tessera/core';

/** safetensors dtype tags Tessera reads, and the tfjs dtype each becomes. */
const READ: Record<string, { bytes: number; dtype: DataType }> = {
  F32: { bytes: 4, dtype: 'float32' },
  F64: { bytes: 8, dtype: 'float32' },
  F16: { bytes: 2, dtype: 'float32' },
  BF16: { bytes: 2, dtype: 'float32' },
  I32: { bytes: 4, dtype: 'int32' },
  I64: { bytes: 8, dtype: 'int32' },
  I16: { bytes: 2, dtype: 'int32' },
  I8: { bytes: 1, dtype: 'int32' },
  U8: { bytes: 1, dtype: 'int32' },
  U16: { bytes: 2, dtype: 'int32' },
  U32: { bytes: 4, dtype: 'int32' },
  BOOL: { bytes: 1, dtype: 'bool' },
};

const WRITE: Partial<Record<DataType, string>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

/** Largest dimension accepted (a tensor cannot hold more elements than this). */
const MAX_DIM = 2 ** 31 - 1;

/** Max header size accepted (the reference implementation uses 100 MB). */
const MAX_HEADER = 100_000_000;

/**
 * A decoded safetensors file, as returned by {@link decodeSafetensors}.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ 'dense/kernel': w }, { step: '100' });
 * const content: SafetensorsContent = decodeSafetensors(bytes);
 * content.tensors['dense/kernel']; // a tensor equal to w
 * content.metadata.step; // '100'
 * ```
 */
export interface SafetensorsContent {
  /** The tensors by name. */
  tensors: Record<string, Tensor>;
  /** The file's `__metadata__` string map (empty when absent). */
  metadata: Record<string, string>;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/**
 * Serializes named tensors to the safetensors format (little-endian, 8-byte aligned header).
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ 'dense/kernel': w }, { step: '100' });
 * ```
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new ValueError(`safetensors metadata "${k}"`, 'a string', v);
    }
    header.__metadata__ = metadata;
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new ValueError('safetensors tensor name', 'any name but "__metadata__"', name);
    const t = tensors[name] as Tensor;
    const tag = WRITE[t.dtype];
    if (!tag) throw new ValueError(`safetensors tensor "${name}" dtype`, 'float32, int32 or bool', t.dtype);
    const values = t.dataSync();
    let bytes: Uint8Array;
    if (t.dtype === 'bool') bytes = Uint8Array.from(values as Uint8Array);
    else {
      const typed = t.dtype === 'int32' ? Int32Array.from(values as Int32Array) : Float32Array.from(values as Float32Array);
      bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
      if (!isLittleEndian()) bytes = swapBytes(bytes, 4);
    }
    header[name] = { dtype: tag, shape: [...t.shape], data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + utf8Length(json)) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.byteLength;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.byteLength;
  }
  return out;
}

/**
 * Parses safetensors bytes into tensors, validating the header: its length, JSON, dtypes,
 * shapes, and that the data offsets are in bounds, contiguous and sized for their shapes.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = decodeSafetensors(bytes);
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContent {
  const fmt = 'safetensors';
  if (bytes.byteLength < 8) throw new FormatError(fmt, `file is truncated: expected at least 8 bytes, received ${bytes.byteLength}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER)) throw new FormatError(fmt, `header length ${n} exceeds the ${MAX_HEADER}-byte limit`);
  const headerLen = Number(n);
  if (8 + headerLen > bytes.byteLength) {
    throw new FormatError(fmt, `file is truncated: header needs ${8 + headerLen} bytes, file has ${bytes.byteLength}`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (cause) {
    throw new FormatError(fmt, `header is not valid UTF-8 JSON (${(cause as Error).message})`, { cause });
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new FormatError(fmt, 'header must be a JSON object');
  }
  const dataStart = 8 + headerLen;
  const dataLen = bytes.byteLength - dataStart;
  const metadata = parseMetadata(header.__metadata__);
  const entries = Object.entries(header)
    .filter(([k]) => k !== '__metadata__')
    .map(([name, raw]) => [name, validateEntry(name, raw)] as const)
    .sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  let expectedStart = 0;
  const tensors: Record<string, Tensor> = {};
  try {
    for (const [name, e] of entries) {
      const [begin, end] = e.data_offsets;
      if (begin !== expectedStart) {
        throw new FormatError(
          fmt,
          `tensor "${name}": data_offsets start ${begin}, expected ${expectedStart} (offsets must be contiguous, without gaps or overlaps)`,
        );
      }
      if (end > dataLen)
        throw new FormatError(
          fmt,
          `file is truncated: tensor "${name}" ends at byte ${end} of the data section, which has ${dataLen} bytes`,
        );
      const info = READ[e.dtype] as { bytes: number; dtype: DataType };
      const count = e.shape.reduce((a, b) => a * b, 1);
      if (end - begin !== count * info.bytes) {
        throw new FormatError(
          fmt,
          `tensor "${name}": shape ${JSON.stringify(e.shape)} of ${e.dtype} needs ${count * info.bytes} bytes, data_offsets span ${end - begin}`,
        );
      }
      tensors[name] = tensor(readValues(bytes.subarray(dataStart + begin, dataStart + end), e.dtype, count), e.shape, info.dtype);
      expectedStart = end;
    }
    if (expectedStart !== dataLen) {
      throw new FormatError(fmt, `data section has ${dataLen} bytes but the tensors cover ${expectedStart} (trailing bytes)`);
    }
  } catch (err) {
    for (const t of Object.values(tensors)) t.dispose();
    throw err;
  }
  return { tensors, metadata };
}

function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new FormatError('safetensors', '__metadata__ must be an object of strings');
  }
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw new FormatError('safetensors', `__metadata__ "${k}" must be a string, received ${typeof v}`);
  }
  return raw as Record<string, string>;
}

function validateEntry(name: string, raw: unknown): HeaderEntry {
  const where = `tensor "${name}"`;
  if (raw === null || typeof raw !== 'object') throw new FormatError('safetensors', `${where}: entry must be an object`);
  const e = raw as Partial<HeaderEntry>;
  if (typeof e.dtype !== 'string' || !(e.dtype in READ)) {
    throw new FormatError(
      'safetensors',
      `${where}: unsupported dtype ${JSON.stringify(e.dtype)} (supported: ${Object.keys(READ).join(', ')})`,
    );
  }
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0 && d <= MAX_DIM)) {
    throw new FormatError(
      'safetensors',
      `${where}: shape must be an array of non-negative integers up to ${MAX_DIM}, received ${JSON.stringify(e.shape)}`,
    );
  }
  const o = e.data_offsets;
  if (!Array.isArray(o) || o.length !== 2 || !o.every((d) => Number.isInteger(d) && d >= 0) || o[0] > o[1]) {
    throw new FormatError(
      'safetensors',
      `${where}: data_offsets must be [begin, end] with 0 <= begin <= end, received ${JSON.stringify(o)}`,
    );
  }
  return e as HeaderEntry;
}

function readValues(src: Uint8Array, dtype: string, count: number): Float32Array | Int32Array | Uint8Array {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case 'F64': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(count);
      const u = new Uint32Array(1);
      const f = new Float32Array(u.buffer);
      for (let i = 0; i < count; i++) {
        u[0] = view.getUint16(i * 2, true) << 16;
        out[i] = f[0] as number;
      }
      return out;
    }
    case 'BOOL':
      return Uint8Array.from(src, (b) => (b ? 1 : 0));
    default: {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = readInt(view, dtype, i);
      return out;
    }
  }
}

function readInt(view: DataView, dtype: string, i: number): number {
  switch (dtype) {
    case 'I32':
      return view.getInt32(i * 4, true);
    case 'I64': {
      const v = view.getBigInt64(i * 8, true);
      if (v > 2147483647n || v < -2147483648n) throw new FormatError('safetensors', `I64 value ${v} does not fit in int32`);
      return Number(v);
    }
    case 'I16':
      return view.getInt16(i * 2, true);
    case 'I8':
      return view.getInt8(i);
    case 'U8':
      return view.getUint8(i);
    case 'U16':
      return view.getUint16(i * 2, true);
    default: {
      const v = view.getUint32(i * 4, true);
      if (v > 2147483647) throw new FormatError('safetensors', `U32 value ${v} does not fit in int32`);
      return v;
    }
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).byteLength;
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function swapBytes(bytes: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(bytes.byteLength);
  for (let i = 0; i < bytes.byteLength; i += width) for (let j = 0; j < width; j++) out[i + j] = bytes[i + width - 1 - j] as number;
  return out;
}
