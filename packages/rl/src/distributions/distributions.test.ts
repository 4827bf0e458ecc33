import { cpu } from '@tessera/backend-cpu';
import { Prng, useBackend } from '@tessera/core';
import { tensor1d, tensor2d, tidy } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { Categorical, sampleCategorical } from './categorical.js';
import { DiagGaussian, sampleDiagGaussian } from './diag-gaussian.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const LOG_2PI = Math.log(2 * Math.PI);

describe('Categorical', () => {
  it('log-probabilities, entropy and mode by hand', () => {
    tidy(() => {
      const d = new Categorical(
        tensor2d([
          [0, 0],
          [Math.log(3), 0],
        ]),
      );
      const lp = Array.from(d.logProb(tensor1d([1, 0], 'int32')).dataSync());
      expect(lp[0]).toBeCloseTo(Math.log(0.5), 6);
      expect(lp[1]).toBeCloseTo(Math.log(0.75), 6);
      const h = Array.from(d.entropy().dataSync());
      expect(h[0]).toBeCloseTo(Math.log(2), 6);
      expect(h[1]).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 6);
      expect(Array.from(d.mode().dataSync())).toEqual([0, 0]);
    });
  });

  it('seeded sampling: same seed, same draws; frequencies follow the probabilities', () => {
    const logp = Float32Array.of(Math.log(0.2), Math.log(0.8));
    const many = new Float32Array(20000);
    for (let i = 0; i < 10000; i++) many.set(logp, 2 * i);
    const a = sampleCategorical(many, 2, new Prng(3));
    expect(Array.from(a)).toEqual(Array.from(sampleCategorical(many, 2, new Prng(3))));
    const ones = a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(ones - 0.8)).toBeLessThan(0.02);
  });
});

describe('DiagGaussian', () => {
  it('log-density and entropy by hand', () => {
    tidy(() => {
      const d = new DiagGaussian(tensor2d([[0, 1]]), tensor1d([0, Math.log(2)]));
      // at the mean: -(0 + ln 2) - ln 2π
      expect(d.logProb(tensor2d([[0, 1]])).dataSync()[0]).toBeCloseTo(-Math.log(2) - LOG_2PI, 5);
      // one standard deviation away in both dimensions: -0.5 · 2 more
      expect(d.logProb(tensor2d([[1, 3]])).dataSync()[0]).toBeCloseTo(-1 - Math.log(2) - LOG_2PI, 5);
      expect(d.entropy().dataSync()[0]).toBeCloseTo(1 + LOG_2PI + Math.log(2), 5);
      expect(Array.from(d.mode().dataSync())).toEqual([0, 1]);
    });
  });

  it('seeded sampling has the distribution’s mean and standard deviation', () => {
    const n = 20000;
    const x = sampleDiagGaussian(new Float32Array(n).fill(1), Float32Array.of(Math.log(0.5)), new Prng(5));
    expect(Array.from(x.slice(0, 10))).toEqual(
      Array.from(sampleDiagGaussian(new Float32Array(10).fill(1), Float32Array.of(Math.log(0.5)), new Prng(5))),
    );
    const m = x.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / n);
    expect(Math.abs(m - 1)).toBeLessThan(0.02);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.02);
  });
});
