import type { Batch, TensorTree } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { isTensor, slice } from '@tessera/tensor';

/**
 * Rank `rank`'s rows of a global batch of `total` rows split over `worldSize` ranks: the
 * contiguous block `[start, start + size)` with `start = floor(rank·total/worldSize)`. Sizes differ
 * by at most one; with fewer rows than ranks some ranks get none.
 *
 * @example
 * ```ts
 * shardRange(10, 1, 4); // { start: 2, size: 3 }
 * ```
 */
export function shardRange(total: number, rank: number, worldSize: number): { start: number; size: number } {
  const start = Math.floor((rank * total) / worldSize);
  const end = Math.floor(((rank + 1) * total) / worldSize);
  return { start, size: end - start };
}

function rows(t: Tensor, start: number, size: number): Tensor {
  return slice(t, [start], [size]);
}

function sliceTree<T extends TensorTree | undefined>(tree: T, start: number, size: number, where: string): T {
  if (tree === undefined) return tree;
  if (isTensor(tree)) return rows(tree as Tensor, start, size) as T;
  if (Array.isArray(tree)) return tree.map((t) => rows(t, start, size)) as T;
  if (typeof tree === 'object' && tree !== null) {
    const out: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(tree as Record<string, Tensor>)) out[k] = rows(t, start, size);
    return out as T;
  }
  throw new ValueError(where, 'a tensor, a list or a record of tensors', tree);
}

function firstTensor(tree: TensorTree): Tensor {
  if (isTensor(tree)) return tree as Tensor;
  const first = Array.isArray(tree) ? tree[0] : Object.values(tree)[0];
  if (!first) throw new ValueError('batch x', 'at least one tensor', tree);
  return first;
}

/**
 * The number of rows (first dimension) of a batch's inputs.
 *
 * @example
 * ```ts
 * batchRows({ x: zeros([32, 784]), y }); // 32
 * ```
 */
export function batchRows(batch: Batch): number {
  return firstTensor(batch.x).shape[0] ?? 1;
}

/**
 * Rank `rank`'s shard of a global batch (see {@link shardRange}): new tensors sliced from `x`, `y`
 * and `sampleWeight` (the caller disposes them), its size and the global size. A rank whose
 * share is empty gets the batch's first row with `size: 0`, so it still runs the same
 * computation (and its gradient is weighted by zero).
 *
 * @example
 * ```ts
 * const { batch: mine, size, total } = shardBatch(batch, group.rank, group.worldSize);
 * ```
 */
export function shardBatch(batch: Batch, rank: number, worldSize: number): { batch: Batch; size: number; total: number } {
  const total = batchRows(batch);
  const { start, size } = shardRange(total, rank, worldSize);
  const [s, n] = size > 0 ? [start, size] : [0, 1];
  const out: Batch = { x: sliceTree(batch.x, s, n, 'batch x'), y: sliceTree(batch.y, s, n, 'batch y') };
  if (batch.sampleWeight !== undefined) out.sampleWeight = rows(batch.sampleWeight, s, n);
  return { batch: out, size, total };
}
