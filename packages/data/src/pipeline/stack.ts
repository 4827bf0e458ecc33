import type { Tensor } from '@tensorflow/tfjs-core';
import { ShapeError, ValueError } from '@tessera/core';
import { isTensor, stack, tensor } from '@tessera/tensor';

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
 * with a leading batch dimension. Tensors are stacked (and the inputs disposed), numbers become a
 * float32 vector, booleans a bool vector, typed arrays and number arrays a `[batch, length]` matrix
 * (Float32/Float64 → float32, integer arrays → int32), strings a `string[]`. Plain objects and
 * arrays of non-numbers are walked. Mismatched shapes throw a `ShapeError` naming the path.
 *
 * @example
 * ```ts
 * const b = stackElements([{ x: tensor([1, 2]), y: 0 }, { x: tensor([3, 4]), y: 1 }]);
 * // b.x: Tensor [2, 2], b.y: Tensor [2]
 * ```
 */
export function stackElements<T>(items: T[], path = 'element'): Stacked<T> {
  const first = items[0] as unknown;
  if (items.length === 0) throw new ValueError('batch', 'at least one element', 0);
  if (isTensor(first)) {
    const ts = items as unknown as Tensor[];
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (!isTensor(t)) throw new ValueError(`batch ${path}[${i}]`, 'a Tensor like the first element', t);
      if (t.shape.length !== first.shape.length || t.shape.some((d, k) => d !== first.shape[k])) {
        throw new ShapeError(`batch ${path}[${i}]`, first.shape, t.shape, 'every element must have the shape of the first');
      }
    }
    const out = stack(ts);
    for (const t of ts) t.dispose();
    return out as Stacked<T>;
  }
  if (typeof first === 'number') {
    return tensor(checkAll(items, path, (v) => typeof v === 'number', 'a number') as number[], [items.length], 'float32') as Stacked<T>;
  }
  if (typeof first === 'boolean') {
    return tensor(checkAll(items, path, (v) => typeof v === 'boolean', 'a boolean') as boolean[], [items.length], 'bool') as Stacked<T>;
  }
  if (typeof first === 'string') {
    return checkAll(items, path, (v) => typeof v === 'string', 'a string') as Stacked<T>;
  }
  if (isTypedArray(first) || isNumberArray(first)) return stackVectors(items as unknown as ArrayLike<number>[], path) as Stacked<T>;
  if (Array.isArray(first)) {
    const out = first.map((_, k) =>
      stackElements(
        items.map((it, i) => {
          if (!Array.isArray(it) || it.length !== first.length) {
            throw new ValueError(`batch ${path}[${i}]`, `an array of length ${first.length}`, it);
          }
          return it[k];
        }),
        `${path}[${k}]`,
      ),
    );
    return out as unknown as Stacked<T>;
  }
  if (first !== null && typeof first === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = stackElements(
        items.map((it, i) => {
          if (it == null || typeof it !== 'object' || !(key in it))
            throw new ValueError(`batch ${path}[${i}]`, `an object with key "${key}"`, it);
          return (it as Record<string, unknown>)[key];
        }),
        `${path}.${key}`,
      );
    }
    return out as Stacked<T>;
  }
  throw new ValueError(`batch ${path}`, 'a Tensor, number, boolean, string, typed array, array or object', first);
}

function checkAll(items: unknown[], path: string, ok: (v: unknown) => boolean, what: string): unknown[] {
  items.forEach((v, i) => {
    if (!ok(v)) throw new ValueError(`batch ${path}[${i}]`, what, v);
  });
  return items;
}

function stackVectors(items: ArrayLike<number>[], path: string): Tensor {
  const n = items[0]!.length;
  const first = items[0]!;
  const intLike = isTypedArray(first) && !(first instanceof Float32Array) && !(first instanceof Float64Array);
  const data = intLike ? new Int32Array(items.length * n) : new Float32Array(items.length * n);
  for (let i = 0; i < items.length; i++) {
    const v = items[i]!;
    if (v == null || typeof v.length !== 'number') throw new ValueError(`batch ${path}[${i}]`, 'a typed array or number array', v);
    if (v.length !== n) throw new ShapeError(`batch ${path}[${i}]`, [n], [v.length], 'every element must have the length of the first');
    data.set(v as ArrayLike<number>, i * n);
  }
  return tensor(data, [items.length, n], intLike ? 'int32' : 'float32');
}
