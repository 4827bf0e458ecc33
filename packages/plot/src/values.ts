import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { isTensor } from '@tessera/tensor';

/**
 * Numbers from a tensor or an array, with their shape (an array is one-dimensional unless its
 * elements are arrays). A tensor is read synchronously and not disposed: it stays the caller's.
 *
 * @example
 * ```ts
 * const { data, shape } = readValues([[0.1, 0.9], [0.8, 0.2]], 'scores'); // data [0.1, 0.9, 0.8, 0.2], shape [2, 2]
 * ```
 */
export function readValues(
  x: Tensor | ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  where: string,
): { data: number[]; shape: number[] } {
  if (isTensor(x)) return { data: Array.from(x.dataSync() as ArrayLike<number>, Number), shape: [...x.shape] };
  if (x === null || typeof x !== 'object' || typeof (x as ArrayLike<unknown>).length !== 'number')
    throw new ValueError(where, 'a tensor or an array of numbers', x);
  const arr = x as ArrayLike<unknown>;
  if (arr.length > 0 && typeof arr[0] === 'object' && arr[0] !== null) {
    const width = (arr[0] as ArrayLike<number>).length;
    const data: number[] = [];
    for (let i = 0; i < arr.length; i++) {
      const row = arr[i] as ArrayLike<number>;
      if (!row || row.length !== width) throw new ValueError(`${where}[${i}]`, `a row of ${width} numbers`, row);
      for (let j = 0; j < width; j++) data.push(Number(row[j]));
    }
    return { data, shape: [arr.length, width] };
  }
  return { data: Array.from(arr as ArrayLike<number>, Number), shape: [arr.length] };
}

/**
 * Class indices from labels or predictions: integers `[n]` (or `[n, 1]`) as they are, scores or
 * one-hot rows `[n, k]` by their largest entry.
 *
 * @example
 * ```ts
 * classIndices([[0.1, 0.9], [0.8, 0.2]], 'predictions'); // [1, 0]
 * ```
 */
export function classIndices(x: Tensor | ArrayLike<number> | ArrayLike<ArrayLike<number>>, where: string): number[] {
  const { data, shape } = readValues(x, where);
  if (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) {
    for (const v of data) if (!Number.isInteger(v) || v < 0) throw new ValueError(where, 'non-negative integer class indices', v);
    return data;
  }
  if (shape.length !== 2) throw new ValueError(where, 'class indices [n] or scores [n, classes]', `shape [${shape.join(', ')}]`);
  const [n, k] = shape as [number, number];
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if ((data[i * k + j] as number) > (data[i * k + best] as number)) best = j;
    out[i] = best;
  }
  return out;
}
