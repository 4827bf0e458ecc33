import { ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { isTensor, stack, tensor } from '@tessera/tensor';
import type { ElementSpec, LeafSpec } from './spec.js';

type AnyTypedArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

/**
 * What `batch` turns an element type into: tensors/numbers/typed arrays become tensors, structure is kept.
 *
 * @example
 * ```ts
 * type Row = { x: Float32Array; y: number; id: string };
 * type B = Stacked<Row>; // { x: Tensor; y: Tensor; id: string[] }
 * const batches: Dataset<B> = fromArray<Row>(rows).batch(32);
 * ```
 */
export type Stacked<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean | ArrayBufferView | number[]
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { [K in keyof T]: Stacked<T[K]> }
        : T extends object
          ? { [K in keyof T]: Stacked<T[K]> }
          : never;

function isTypedArray(x: unknown): x is AnyTypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

function isNumberArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.length > 0 && x.every((v) => typeof v === 'number');
}

/**
 * Stacks a list of elements with the same structure into one element whose leaves are tensors
 * with a leading batch dimension: one tensor per leaf, made from one contiguous typed array.
 * Leaves named in `spec` get its dtype and sample shape (a number with `{ dtype: 'int32', shape: [] }`
 * becomes an int32 vector; a `Float32Array(784)` with shape `[28, 28]` a `[n, 28, 28]` tensor).
 * Other leaves are inferred: numbers become a float32 vector, booleans a bool vector, typed
 * arrays and number arrays a `[batch, length]` matrix (Float32/Float64 → float32, integer arrays →
 * int32), strings a `string[]`, tensors are stacked (and the inputs disposed). Plain objects and
 * arrays of non-numbers are walked. Mismatched shapes throw a `ShapeError` naming the path.
 *
 * @example
 * ```ts
 * const b = stackElements([{ x: Float32Array.of(1, 2), y: 0 }, { x: Float32Array.of(3, 4), y: 1 }], 'element', {
 *   y: { dtype: 'int32', shape: [] },
 * });
 * // b.x: float32 Tensor [2, 2], b.y: int32 Tensor [2]
 * ```
 */
export function stackElements<T>(items: T[], path = 'element', spec?: ElementSpec): Stacked<T> {
  if (items.length === 0) throw new ValueError('batch', 'at least one element', 0);
  return stackAt(items as unknown[], path, '', spec) as Stacked<T>;
}

function child(rel: string, key: string | number): string {
  if (typeof key === 'number') return `${rel}[${key}]`;
  return rel === '' ? key : `${rel}.${key}`;
}

function stackAt(items: unknown[], path: string, rel: string, spec: ElementSpec | undefined): unknown {
  const first = items[0];
  const leaf = spec && Object.hasOwn(spec, rel) ? spec[rel] : undefined;
  if (isTensor(first)) {
    const ts = items as Tensor[];
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (!isTensor(t)) throw new ValueError(`batch ${path}[${i}]`, 'a Tensor like the first element', t);
      if (t.shape.length !== first.shape.length || t.shape.some((d, k) => d !== first.shape[k])) {
        throw new ShapeError(`batch ${path}[${i}]`, first.shape, t.shape, 'every element must have the shape of the first');
      }
    }
    const out = stack(ts);
    for (const t of ts) t.dispose();
    return out;
  }
  if (typeof first === 'number') {
    checkAll(items, path, (v) => typeof v === 'number', 'a number');
    return leaf ? stackNumbers(items as number[], path, leaf) : tensor(Float32Array.from(items as number[]), [items.length], 'float32');
  }
  if (typeof first === 'boolean') {
    checkAll(items, path, (v) => typeof v === 'boolean', 'a boolean');
    return tensor(
      Uint8Array.from(items as boolean[], (b) => (b ? 1 : 0)),
      [items.length],
      'bool',
    );
  }
  if (typeof first === 'string') {
    return checkAll(items, path, (v) => typeof v === 'string', 'a string');
  }
  if (isTypedArray(first) || isNumberArray(first)) return stackVectors(items as ArrayLike<number>[], path, leaf);
  if (Array.isArray(first)) {
    return first.map((_, k) =>
      stackAt(
        items.map((it, i) => {
          if (!Array.isArray(it) || it.length !== first.length) {
            throw new ValueError(`batch ${path}[${i}]`, `an array of length ${first.length}`, it);
          }
          return it[k];
        }),
        `${path}[${k}]`,
        child(rel, k),
        spec,
      ),
    );
  }
  if (first !== null && typeof first === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = stackAt(
        items.map((it, i) => {
          if (it == null || typeof it !== 'object' || !(key in it))
            throw new ValueError(`batch ${path}[${i}]`, `an object with key "${key}"`, it);
          return (it as Record<string, unknown>)[key];
        }),
        `${path}.${key}`,
        child(rel, key),
        spec,
      );
    }
    return out;
  }
  throw new ValueError(`batch ${path}`, 'a Tensor, number, boolean, string, typed array, array or object', first);
}

function checkAll(items: unknown[], path: string, ok: (v: unknown) => boolean, what: string): unknown[] {
  items.forEach((v, i) => {
    if (!ok(v)) throw new ValueError(`batch ${path}[${i}]`, what, v);
  });
  return items;
}

function isFloatArray(v: unknown): boolean {
  return v instanceof Float32Array || v instanceof Float64Array || Array.isArray(v);
}

function newBuffer(dtype: LeafSpec['dtype'], length: number): Float32Array | Int32Array | Uint8Array {
  return dtype === 'float32' ? new Float32Array(length) : dtype === 'int32' ? new Int32Array(length) : new Uint8Array(length);
}

function notInt32(where: string, path: string, x: number): ValueError {
  return new ValueError(where, `an int32 value (the spec of "${path}" says int32)`, x);
}

/** Numbers with a spec: `[n, ...shape]` (the shape must hold one value) of the declared dtype. */
function stackNumbers(items: number[], path: string, leaf: LeafSpec): Tensor {
  if (leaf.shape.reduce((a, b) => a * b, 1) !== 1) {
    throw new ShapeError(`batch ${path}[0]`, leaf.shape, [], 'the spec declares a sample shape, the element is a number');
  }
  const data = newBuffer(leaf.dtype, items.length);
  for (let i = 0; i < items.length; i++) {
    const x = items[i]!;
    if (leaf.dtype === 'int32' && (x | 0) !== x) throw notInt32(`batch ${path}[${i}]`, path, x);
    data[i] = leaf.dtype === 'bool' ? (x ? 1 : 0) : x;
  }
  return tensor(data, [items.length, ...leaf.shape], leaf.dtype);
}

/** Copies equal-length vectors into one buffer: `[n, ...leaf.shape]` of `leaf.dtype`, or `[n, length]` inferred. */
function stackVectors(items: ArrayLike<number>[], path: string, leaf: LeafSpec | undefined): Tensor {
  const first = items[0]!;
  const n = leaf ? leaf.shape.reduce((a, b) => a * b, 1) : first.length;
  const dtype = leaf?.dtype ?? (isFloatArray(first) ? 'float32' : 'int32');
  const data = newBuffer(dtype, items.length * n);
  for (let i = 0; i < items.length; i++) {
    const v = items[i]!;
    const where = `batch ${path}[${i}]`;
    if (v == null || typeof v.length !== 'number') throw new ValueError(where, 'a typed array or number array', v);
    if (v.length !== n) {
      const why = leaf ? `the spec declares shape [${leaf.shape.join(', ')}]` : 'every element must have the length of the first';
      throw new ShapeError(where, [n], [v.length], why);
    }
    if (dtype === 'int32' && isFloatArray(v)) {
      for (let k = 0; k < n; k++) if ((v[k]! | 0) !== v[k]) throw notInt32(where, path, v[k]!);
    }
    if (dtype === 'bool') for (let k = 0; k < n; k++) data[i * n + k] = v[k] ? 1 : 0;
    else data.set(v, i * n);
  }
  return tensor(data, [items.length, ...(leaf ? leaf.shape : [n])], dtype);
}
