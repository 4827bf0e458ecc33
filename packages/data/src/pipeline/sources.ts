import { ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { isTensor, scope, slice, squeeze } from '@tessera/tensor';
import { cloneElement } from '../util/tree.js';
import { Dataset } from './dataset.js';

/**
 * A dataset over an array. Tensors inside elements are yielded as clones, so consumers may
 * dispose what they receive and the array stays usable.
 *
 * @example
 * ```ts
 * const ds = fromArray([{ x: [1, 2], y: 0 }, { x: [3, 4], y: 1 }]);
 * ```
 */
export function fromArray<T>(items: readonly T[]): Dataset<T> {
  return new Dataset(
    async function* () {
      for (const x of items) yield cloneElement(x);
    },
    items.length,
    (i) => cloneElement(items[i] as T),
  );
}

/**
 * A dataset from a generator function called once per pass with the pass number.
 *
 * @example
 * ```ts
 * const ds = fromGenerator(function* () { for (let i = 0; i < 10; i++) yield i; });
 * ```
 */
export function fromGenerator<T>(fn: (pass: number) => AsyncIterable<T> | Iterable<T>, size?: number): Dataset<T> {
  return new Dataset(async function* (pass) {
    yield* fn(pass);
  }, size);
}

/**
 * A dataset of the slices along axis 0 of one tensor or a (nested) object/array of tensors with
 * the same first dimension. The source tensors are not disposed.
 *
 * @example
 * ```ts
 * const ds = fromTensors({ x: xs, y: ys }); // elements { x: xs[i], y: ys[i] }
 * ```
 */
export function fromTensors<T extends Tensor | Record<string, Tensor> | Tensor[]>(tensors: T): Dataset<T> {
  const leaves: Tensor[] = isTensor(tensors) ? [tensors] : Object.values(tensors);
  if (leaves.length === 0) throw new ValueError('fromTensors', 'at least one tensor', tensors);
  const n = leaves[0]!.shape[0];
  if (n === undefined) throw new ShapeError('fromTensors', [null], leaves[0]!.shape, 'tensors need a first (sample) dimension');
  for (const t of leaves) {
    if (t.shape[0] !== n)
      throw new ShapeError('fromTensors', [n, ...t.shape.slice(1)], t.shape, 'every tensor needs the same first dimension');
  }
  const row = (t: Tensor, i: number) => scope(() => squeeze(slice(t, [i], [1]), [0]));
  const at = (i: number): T => {
    if (isTensor(tensors)) return row(tensors, i) as T;
    if (Array.isArray(tensors)) return tensors.map((t) => row(t, i)) as T;
    return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, row(t, i)])) as T;
  };
  return new Dataset(
    async function* () {
      for (let i = 0; i < n; i++) yield at(i);
    },
    n,
    at,
  );
}
