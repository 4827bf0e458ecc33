import { FormatError } from '@tessera/core';
import type { DataType } from '@tessera/tensor';
import { isTensor, tensor } from '@tessera/tensor';

const ARRAYS = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
} as const;
type ArrayName = keyof typeof ARRAYS;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function viewBytes(v: ArrayBufferView): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
}

/**
 * Encodes one element (tensors, typed arrays, numbers, strings, nested objects/arrays) as one
 * line of JSON (used by the disk cache).
 *
 * @example
 * ```ts
 * const line = encodeElement({ x: tensor([1, 2]), y: 3 });
 * ```
 */
export function encodeElement(x: unknown): string {
  return JSON.stringify(x, function (this: unknown, _k, v: unknown) {
    if (isTensor(v)) {
      if (v.dtype === 'string') return { $tensor: { dtype: v.dtype, shape: v.shape, values: v.arraySync() } };
      return { $tensor: { dtype: v.dtype, shape: v.shape, b64: toBase64(viewBytes(v.dataSync() as ArrayBufferView)) } };
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return { $array: { type: v.constructor.name, b64: toBase64(viewBytes(v)) } };
    return v;
  });
}

/**
 * Decodes a line written by {@link encodeElement} (tensors are recreated).
 *
 * @example
 * ```ts
 * const el = decodeElement(encodeElement({ y: 3 })); // { y: 3 }
 * ```
 */
export function decodeElement(line: string): unknown {
  try {
    return JSON.parse(line, (_k, v: unknown) => {
      if (v && typeof v === 'object' && '$tensor' in v) {
        const t = (v as { $tensor: { dtype: DataType; shape: number[]; b64?: string; values?: unknown } }).$tensor;
        if (t.b64 === undefined) return tensor(t.values as string[], t.shape, t.dtype);
        const bytes = fromBase64(t.b64);
        const Ctor = t.dtype === 'float32' ? Float32Array : t.dtype === 'int32' ? Int32Array : Uint8Array;
        return tensor(new Ctor(bytes.buffer as ArrayBuffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT), t.shape, t.dtype);
      }
      if (v && typeof v === 'object' && '$array' in v) {
        const a = (v as { $array: { type: ArrayName; b64: string } }).$array;
        const Ctor = ARRAYS[a.type];
        if (!Ctor) throw new FormatError('dataset cache', `unknown array type ${JSON.stringify(a.type)}`);
        const bytes = fromBase64(a.b64);
        return new Ctor(bytes.buffer as ArrayBuffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
      }
      return v;
    });
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError('dataset cache', `malformed cache line: ${(e as Error).message}`, { cause: e });
  }
}
