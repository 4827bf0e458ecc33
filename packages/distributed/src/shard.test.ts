import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { tensor, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchRows, shardBatch, shardRange } from './shard.js';

beforeAll(async () => {
  await useBackend(cpu());
});

describe('shardRange', () => {
  it('splits rows into contiguous blocks differing by at most one', () => {
    expect([0, 1, 2, 3].map((r) => shardRange(10, r, 4))).toEqual([
      { start: 0, size: 2 },
      { start: 2, size: 3 },
      { start: 5, size: 2 },
      { start: 7, size: 3 },
    ]);
    expect([0, 1].map((r) => shardRange(1, r, 2))).toEqual([
      { start: 0, size: 0 },
      { start: 0, size: 1 },
    ]);
  });
});

describe('shardBatch', () => {
  it("slices x (a record), y and sampleWeight to the rank's rows", () => {
    const before = tensorCount();
    const x = { a: tensor([[1], [2], [3], [4], [5]]), b: tensor([10, 20, 30, 40, 50]) };
    const y = tensor([0, 1, 0, 1, 1]);
    const sampleWeight = tensor([1, 2, 3, 4, 5]);
    const { batch, size, total } = shardBatch({ x, y, sampleWeight }, 1, 2);
    expect({ size, total }).toEqual({ size: 3, total: 5 });
    const bx = batch.x as Record<string, ReturnType<typeof tensor>>;
    expect(Array.from(bx.a?.dataSync() ?? [])).toEqual([3, 4, 5]);
    expect(Array.from(bx.b?.dataSync() ?? [])).toEqual([30, 40, 50]);
    expect(Array.from((batch.y as ReturnType<typeof tensor>).dataSync())).toEqual([0, 1, 1]);
    expect(Array.from(batch.sampleWeight?.dataSync() ?? [])).toEqual([3, 4, 5]);
    expect(batchRows(batch)).toBe(3);
    for (const t of [x.a, x.b, y, sampleWeight, bx.a, bx.b, batch.y as ReturnType<typeof tensor>, batch.sampleWeight]) t?.dispose();
    expect(tensorCount()).toBe(before);
  });

  it('gives a rank with no rows the first row and size 0', () => {
    const x = tensor([[7, 8]]);
    const y = tensor([1]);
    const { batch, size, total } = shardBatch({ x, y }, 0, 2);
    expect({ size, total }).toEqual({ size: 0, total: 1 });
    expect(Array.from((batch.x as ReturnType<typeof tensor>).dataSync())).toEqual([7, 8]);
  });
});
