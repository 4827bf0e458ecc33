import { cpu } from '@tessera/backend-cpu';
import { rngKey, useBackend, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { matMul, tensor2d, transpose } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  computeFans,
  constant,
  getInitializer,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  onesInit,
  orthogonal,
  randomNormalInit,
  randomUniformInit,
  truncatedNormalInit,
  zerosInit,
} from './initializers.js';
import { dense } from './layers/dense.js';
import { Dropout } from './layers/dropout.js';
import { l1, l1l2, l2 } from './regularizers.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const values = (t: Tensor) => Array.from(t.dataSync());
const std = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};

describe('initializers', () => {
  it('computes Keras fans', () => {
    expect(computeFans([784, 128])).toEqual([784, 128]);
    expect(computeFans([3, 3, 32, 64])).toEqual([288, 576]);
    expect(computeFans([5])).toEqual([5, 5]);
  });

  it.each([
    ['glorotUniform', glorotUniform, Math.sqrt(2 / (200 + 100))],
    ['glorotNormal', glorotNormal, Math.sqrt(2 / (200 + 100))],
    ['heUniform', heUniform, Math.sqrt(2 / 200)],
    ['heNormal', heNormal, Math.sqrt(2 / 200)],
    ['lecunUniform', lecunUniform, Math.sqrt(1 / 200)],
    ['lecunNormal', lecunNormal, Math.sqrt(1 / 200)],
  ] as const)('%s: deterministic with a seed and the Keras standard deviation', (_, make, wantStd) => {
    const a = values(make({ seed: 7 }).init([200, 100]));
    const b = values(make({ seed: 7 }).init([200, 100]));
    const c = values(make({ seed: 8 }).init([200, 100]));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(Math.abs(std(a) - wantStd) / wantStd).toBeLessThan(0.05);
    const viaKey = values(make({ seed: rngKey(3) }).init([4, 4]));
    expect(viaKey).toEqual(values(make({}).init([4, 4], rngKey(3))));
  });

  it('uniform variants stay within their limit', () => {
    const limit = Math.sqrt(6 / (20 + 10));
    expect(Math.max(...values(glorotUniform({ seed: 1 }).init([20, 10])).map(Math.abs))).toBeLessThanOrEqual(limit);
  });

  it('constants, random normal/uniform/truncated normal', () => {
    expect(values(zerosInit().init([3]))).toEqual([0, 0, 0]);
    expect(values(onesInit().init([2]))).toEqual([1, 1]);
    expect(values(constant({ value: 0.5 }).init([2]))).toEqual([0.5, 0.5]);
    const u = values(randomUniformInit({ minval: 2, maxval: 3, seed: 1 }).init([1000]));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...u)).toBeLessThan(3);
    expect(Math.abs(std(values(randomNormalInit({ stddev: 0.5, seed: 1 }).init([4000]))) - 0.5)).toBeLessThan(0.03);
    expect(Math.max(...values(truncatedNormalInit({ stddev: 0.1, seed: 1 }).init([2000])).map(Math.abs))).toBeLessThanOrEqual(0.2 + 1e-6);
  });

  it('orthogonal gives orthonormal columns (and rows for wide shapes)', () => {
    for (const shape of [
      [6, 4],
      [4, 6],
    ] as const) {
      const q = orthogonal({ seed: 2 }).init([...shape]);
      const gram = shape[0] >= shape[1] ? matMul(transpose(q), q) : matMul(q, transpose(q));
      const n = Math.min(...shape);
      const eye = Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
      values(gram).forEach((v, i) => {
        expect(Math.abs(v - (eye[i] as number))).toBeLessThan(1e-5);
      });
    }
  });

  it('round-trips through config and rejects unknown names', () => {
    const init = heNormal({ seed: 5 });
    const again = getInitializer(JSON.parse(JSON.stringify(init.getConfig())));
    expect(values(again.init([3, 3]))).toEqual(values(init.init([3, 3])));
    const keyed = getInitializer(JSON.parse(JSON.stringify(heNormal({ seed: rngKey(9) }).getConfig())));
    expect(values(keyed.init([2, 2]))).toEqual(values(heNormal({ seed: rngKey(9) }).init([2, 2])));
    expect(() => getInitializer('xavier' as never, 'dense kernelInitializer')).toThrow(ValueError);
    expect(() => getInitializer('xavier' as never, 'dense kernelInitializer')).toThrow(/dense kernelInitializer: expected one of/);
  });

  it('a layer seed makes the weights reproducible', () => {
    const a = dense(3, { seed: 11, inputShape: [4] });
    const b = dense(3, { seed: 11, inputShape: [4] });
    expect(values(a.parameters()[`${a.name}/kernel`] as Tensor)).toEqual(values(b.parameters()[`${b.name}/kernel`] as Tensor));
  });
});

describe('regularizers', () => {
  it('l1, l2 and l1l2 penalties', () => {
    const w = tensor2d([
      [1, -2],
      [3, -4],
    ]);
    expect(values(l1(0.1).apply(w))[0]).toBeCloseTo(1.0, 5);
    expect(values(l2(0.1).apply(w))[0]).toBeCloseTo(3.0, 5);
    expect(values(l1l2({ l1: 0.1, l2: 0.1 }).apply(w))[0]).toBeCloseTo(4.0, 5);
    expect(() => l2(-1)).toThrow('L2 l2: expected a non-negative number, received -1');
  });
  it('regularizationLoss sums the penalties of the weights', () => {
    const d = dense(2, { kernelInitializer: 'ones', kernelRegularizer: l2(0.5), inputShape: [3] });
    expect(values(d.regularizationLoss() as Tensor)[0]).toBeCloseTo(0.5 * 6, 5);
    expect(dense(2, { inputShape: [3] }).regularizationLoss()).toBeNull();
  });
});

describe('dropout', () => {
  let x: Tensor;
  beforeAll(() => {
    x = tensor2d(new Array(4000).fill(1), [40, 100]);
  });
  it('is the identity at inference', () => {
    expect(values(new Dropout({ rate: 0.5 }).call(x))).toEqual(values(x));
  });
  it('is deterministic for a key, scales kept units, drops about `rate`', () => {
    const d = new Dropout({ rate: 0.25 });
    const a = values(d.call(x, { training: true, rng: rngKey(1) }));
    const b = values(d.call(x, { training: true, rng: rngKey(1) }));
    const c = values(d.call(x, { training: true, rng: rngKey(2) }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a.map((v) => v.toFixed(5)))).toEqual(new Set(['0.00000', (1 / 0.75).toFixed(5)]));
    const dropped = a.filter((v) => v === 0).length / a.length;
    expect(Math.abs(dropped - 0.25)).toBeLessThan(0.03);
  });
  it('without a key uses tfjs randomness', () => {
    const d = new Dropout({ rate: 0.5 });
    expect(values(d.call(x, { training: true }))).not.toEqual(values(d.call(x, { training: true })));
  });
});
