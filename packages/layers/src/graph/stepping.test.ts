import { cpu } from '@tessera/backend-cpu';
import { type Cache, stateTensors, useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { concat, dispose, getBackend, slice, tensor2d, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense } from '../layers/dense.js';
import { dropoutLayer } from '../layers/dropout.js';
import { embedding } from '../layers/embedding.js';
import { globalAvgPool1d } from '../layers/global-pooling.js';
import { gru, lstm } from '../layers/recurrent.js';
import { sequential } from './sequential.js';
import { isStepper } from './stepping.js';

const IDS = [
  [0, 0, 3, 5, 2, 7],
  [4, 1, 6, 2, 9, 3],
];

const maxDiff = (a: Tensor, b: Tensor) => {
  const x = Array.from(a.dataSync() as Float32Array);
  const y = Array.from(b.dataSync() as Float32Array);
  expect(x.length).toBe(y.length);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - (y[i] as number))), 0);
};

describe('Sequential step with an explicit cache (cpu)', () => {
  beforeAll(async () => {
    await useBackend(cpu());
    expect(getBackend()).toBe('cpu');
  });

  it('a stacked LM (embedding maskZero, lstm, gru, dense) stepped token by token equals the full call, no leak', () => {
    const lm = sequential([
      embedding(10, 4, { maskZero: true, seed: 1 }),
      lstm(5, { returnSequences: true, seed: 2 }),
      dropoutLayer(0.3),
      gru(4, { returnSequences: true, seed: 3 }),
      dense(10, { seed: 4 }),
    ]);
    expect(isStepper(lm)).toBe(true);
    const ids = tensor2d(IDS, [2, 6], 'int32');
    const full = lm.call(ids);
    const before = tensorCount();
    for (const chunks of [
      [1, 1, 1, 1, 1, 1],
      [2, 4],
    ]) {
      let cache: Cache[] = lm.initCache(2);
      expect(cache[0]).toBeNull();
      const ys: Tensor[] = [];
      let t = 0;
      for (const n of chunks) {
        const xt = slice(ids, [0, t], [-1, n]);
        const [y, next] = lm.step(xt, cache);
        for (const old of stateTensors(cache)) old.dispose();
        xt.dispose();
        cache = next;
        ys.push(y);
        t += n;
      }
      const stepped = concat(ys, 1);
      expect(stepped.shape).toEqual([2, 6, 10]);
      expect(maxDiff(stepped, full)).toBeLessThanOrEqual(1e-6);
      dispose([stepped, ...ys, ...stateTensors(cache)]);
      expect(tensorCount()).toBe(before);
    }
    dispose([ids, full]);
  });

  it('refuses a layer that mixes positions, and a cache of the wrong length', () => {
    const bad = sequential([embedding(10, 4), globalAvgPool1d({ name: 'pool_no_step' })]);
    expect(() => bad.initCache(1)).toThrow(/pool_no_step/);
    const lm = sequential([embedding(10, 4), lstm(3, { returnSequences: true })], { name: 'lm_cache_len' });
    const ids = tensor2d([[1, 2]], [1, 2], 'int32');
    expect(() => lm.step(ids, [null])).toThrow(/lm_cache_len cache/);
    ids.dispose();
  });
});
