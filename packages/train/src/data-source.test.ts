import { cpu } from '@tessera/backend-cpu';
import { permutation, useBackend } from '@tessera/core';
import { scalar, type Tensor, tensor, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { toBatchSource } from './data-source.js';

beforeAll(async () => {
  await useBackend(cpu());
});

/** The id the engine will give the next tensor: the difference counts every tensor created in between. */
function nextTensorId(): number {
  const t = scalar(0);
  const id = t.id;
  t.dispose();
  return id + 1;
}

describe('{ x, y, batchSize } batches', () => {
  const n = 11;
  const x = () =>
    tensor(
      Float32Array.from({ length: n * 3 }, (_, i) => i / 4),
      [n, 3],
    );
  const y = () =>
    tensor(
      Int32Array.from({ length: n }, (_, i) => 100 + i),
      [n],
      'int32',
    );

  it.each([
    [false, 3],
    [true, 4],
  ] as const)('shuffle %s: the rows of each batch, one tensor per leaf (and one index tensor when shuffled)', async (shuffle, perBatch) => {
    const xs = x();
    const ys = y();
    const w = tensor(
      Float32Array.from({ length: n }, (_, i) => i % 2),
      [n],
    );
    const before = tensorCount();
    const source = toBatchSource({ x: xs, y: ys, sampleWeight: w, batchSize: 4, shuffle, seed: 5 });
    for (let pass = 0; pass < 2; pass++) {
      const order = shuffle ? Array.from(permutation(n, 5, pass)) : Array.from({ length: n }, (_, i) => i);
      const seen: number[][] = [];
      let first = nextTensorId();
      let created = 0;
      for await (const b of source.pass()) {
        created += nextTensorId() - first - 1;
        const rows = Array.from((b.y as Tensor).dataSync());
        seen.push(rows);
        const xv = Array.from((b.x as Tensor).dataSync());
        expect(xv).toEqual(rows.flatMap((r) => [0, 1, 2].map((k) => ((r - 100) * 3 + k) / 4)));
        expect(Array.from((b.sampleWeight as Tensor).dataSync())).toEqual(rows.map((r) => (r - 100) % 2));
        for (const t of [b.x, b.y, b.sampleWeight] as Tensor[]) t.dispose();
        first = nextTensorId();
      }
      expect(seen.flat()).toEqual(order.map((i) => 100 + i));
      expect(seen.map((r) => r.length)).toEqual([4, 4, 3]);
      // x, y and sampleWeight: one tensor each per batch, plus the shared index tensor when shuffled
      expect(created).toBe(3 * perBatch);
    }
    expect(tensorCount()).toBe(before);
    for (const t of [xs, ys, w]) t.dispose();
  });
});
