import { cpu } from '@tessera/backend-cpu';
import { Prng, useBackend, ValueError } from '@tessera/core';
import { dense, embedding, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import type { Tensor } from '@tessera/tensor';
import { getBackend, tensorCount } from '@tessera/tensor';
import { fit } from '@tessera/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { lmBatches, sampleLmBatch, splitTokens } from './lm-batches.js';

const rows = (t: Tensor) => t.arraySync() as number[][];

describe('causal-LM batches (cpu)', () => {
  beforeAll(async () => {
    await useBackend(cpu());
    expect(getBackend()).toBe('cpu');
  });

  it('sampleLmBatch: random windows, y is x shifted by one, starts in [0, n - blockSize)', () => {
    const tokens = Int32Array.from({ length: 40 }, (_, i) => 100 + i);
    const before = tensorCount();
    const { x, y } = sampleLmBatch(tokens, { blockSize: 5, batchSize: 64 }, new Prng(1));
    expect(x.shape).toEqual([64, 5]);
    expect(x.dtype).toBe('int32');
    const xs = rows(x);
    const ys = rows(y);
    const starts = new Set<number>();
    xs.forEach((row, b) => {
      const s = (row[0] as number) - 100;
      starts.add(s);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(35);
      expect(row).toEqual([0, 1, 2, 3, 4].map((i) => 100 + s + i));
      expect(ys[b]).toEqual(row.map((v) => v + 1));
    });
    expect(starts.size).toBeGreaterThan(20);
    // same generator state, same batch
    const again = sampleLmBatch(tokens, { blockSize: 5, batchSize: 64 }, new Prng(1));
    expect(rows(again.x)).toEqual(xs);
    for (const t of [x, y, again.x, again.y]) t.dispose();
    expect(tensorCount()).toBe(before);
    expect(() => sampleLmBatch(tokens, { blockSize: 40, batchSize: 1 }, new Prng(1))).toThrow(/more than blockSize \(40\)/);
    expect(() => sampleLmBatch(tokens, { blockSize: 0, batchSize: 1 }, new Prng(1))).toThrow(ValueError);
  });

  it('lmBatches: endless or batchesPerPass long, a pass a function of seed and pass, resumable, resample false repeats', async () => {
    const tokens = Array.from({ length: 500 }, (_, i) => i % 97);
    const take = async (ds: AsyncIterable<{ x: Tensor; y: Tensor }>, n: number) => {
      const out: number[][][] = [];
      for await (const b of ds) {
        out.push(rows(b.x));
        b.x.dispose();
        b.y.dispose();
        if (out.length === n) break;
      }
      return out;
    };
    const before = tensorCount();
    const endless = lmBatches(tokens, { blockSize: 8, batchSize: 4, seed: 3 });
    expect(endless.size).toBeUndefined();
    const state = endless.checkpoint?.();
    const first = await take(endless, 30);
    expect(first).toHaveLength(30);
    const second = await take(endless, 3);
    expect(second[0]).not.toEqual(first[0]);
    endless.restore?.(state as never);
    expect(await take(endless, 30)).toEqual(first);

    const fixed = lmBatches(tokens, { blockSize: 8, batchSize: 4, seed: 3, batchesPerPass: 5, resample: false });
    expect(fixed.size).toBe(5);
    const p0 = await take(fixed, 100);
    expect(p0).toHaveLength(5);
    expect(await take(fixed, 100)).toEqual(p0);
    expect(p0).toEqual(first.slice(0, 5));
    expect(tensorCount()).toBe(before);
  });

  it('splitTokens: the first floor(0.9 n) tokens train, the rest validate (views, no copy)', () => {
    const ids = Int32Array.from({ length: 1001 }, (_, i) => i);
    const { train, val } = splitTokens(ids);
    expect(train.length).toBe(900);
    expect(val.length).toBe(101);
    expect(val[0]).toBe(900);
    expect(train.buffer).toBe(ids.buffer);
    expect(splitTokens([1, 2, 3, 4], 0.5)).toEqual({ train: Int32Array.of(1, 2), val: Int32Array.of(3, 4) });
    expect(() => splitTokens(ids, 1)).toThrow(/fraction/);
  });

  it('trains a bigram model with fit: stepsPerEpoch on the endless set, a fixed validation sample, no leak', async () => {
    // a deterministic cycle: the next token is a function of the current one, so loss can reach ~0
    const tokens = Int32Array.from({ length: 2000 }, (_, i) => (i * 7) % 11);
    const { train, val } = splitTokens(tokens, 0.8);
    const model = sequential([embedding(11, 16, { seed: 1 }), dense(11, { seed: 2 })]);
    model.build([8, 16]);
    const before = tensorCount();
    const history = await fit(model, lmBatches(train, { blockSize: 16, batchSize: 8, seed: 1 }), {
      loss: sparseCategoricalCrossentropy({ fromLogits: true }),
      optimizer: adam({ learningRate: 0.05 }),
      epochs: 3,
      stepsPerEpoch: 25,
      validation: lmBatches(val, { blockSize: 16, batchSize: 8, seed: 2, batchesPerPass: 2, resample: false }),
    });
    const loss = history.history.loss as number[];
    const valLoss = history.history.val_loss as number[];
    expect(loss[0]).toBeLessThan(Math.log(11) + 0.5);
    expect(loss[2]).toBeLessThan(0.2 * (loss[0] as number));
    expect(valLoss[2]).toBeLessThan(0.3);
    expect(tensorCount()).toBe(before);
  });
});
