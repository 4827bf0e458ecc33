/**
 * Makes the batch of the elements at `indices` (of pass `pass`) in one go: what stacking those
 * elements one by one would give (same values, dtypes and shapes), one tensor per leaf.
 */
export type RowBatcher = (indices: Int32Array, pass: number) => unknown;

const batchers = new WeakMap<object, RowBatcher>();

/**
 * Gives a map-style dataset a {@link RowBatcher}: `batch` then cuts each batch straight from the
 * source (`fromTensors`: one slice or gather per leaf) instead of making and stacking one element
 * at a time. Operators that keep elements and indices as they are (`withSpec`, `take`) or only
 * remap indices (`shuffle` by permutation, `skip`, `split`, `kFold`) pass it on; others drop it.
 * Package-internal.
 */
export function setRowBatcher<D extends object>(dataset: D, batcher: RowBatcher | undefined): D {
  if (batcher) batchers.set(dataset, batcher);
  return dataset;
}

/** The {@link RowBatcher} of a dataset, if it has one. Package-internal. */
export function rowBatcher(dataset: object): RowBatcher | undefined {
  return batchers.get(dataset);
}

/** A batcher reading the parent's rows through an index map (`shuffle`, `skip`, `split`). */
export function remapRows(parent: RowBatcher | undefined, index: (i: number, pass: number) => number): RowBatcher | undefined {
  if (!parent) return undefined;
  return (indices, pass) => {
    const mapped = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) mapped[k] = index(indices[k] as number, pass);
    return parent(mapped, pass);
  };
}

/** True when `indices` are consecutive and ascending (a batch that is one slice of the source). */
export function isRange(indices: Int32Array): boolean {
  for (let k = 1; k < indices.length; k++) if (indices[k] !== (indices[0] as number) + k) return false;
  return true;
}
