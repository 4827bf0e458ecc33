import { ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { gather, isTensor, scope, slice, squeeze, tensor1d } from '@tessera/tensor';
import { cloneElement } from '../util/tree.js';
import { Dataset } from './dataset.js';
import { isRange, setRowBatcher } from './row-batches.js';

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
 * the same first dimension. The source tensors are not disposed. `batch` (also after `shuffle`,
 * `take`, `skip`, `split`, `kFold`) cuts each batch from the sources directly, one slice or gather
 * per tensor, instead of slicing and stacking one row at a time (float32, int32 and bool tensors).
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
  const each = (f: (t: Tensor) => Tensor): T => {
    if (isTensor(tensors)) return f(tensors) as T;
    if (Array.isArray(tensors)) return tensors.map(f) as T;
    return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, f(t)])) as T;
  };
  const at = (i: number): T => each((t) => scope(() => squeeze(slice(t, [i], [1]), [0])));
  // A batch is one slice (consecutive rows) or one gather (one index tensor for every leaf) per
  // leaf: the rows stacked, in one op.
  const rows = (indices: Int32Array): T => {
    if (isRange(indices)) return each((t) => slice(t, [indices[0]!], [indices.length]));
    const index = tensor1d(indices, 'int32');
    try {
      return each((t) => gather(t, index));
    } finally {
      index.dispose();
    }
  };
  const dataset = new Dataset(
    async function* () {
      for (let i = 0; i < n; i++) yield at(i);
    },
    n,
    at,
  );
  return setRowBatcher(dataset, leaves.every((t) => BATCHABLE.has(t.dtype)) ? rows : undefined);
}

/** Dtypes whose rows `batch` gathers straight from the source (others are stacked element by element). */
const BATCHABLE = new Set(['float32', 'int32', 'bool']);
