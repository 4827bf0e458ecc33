import { cpu } from '@tessera/backend-cpu';
import { Prng, useBackend } from '@tessera/core';
import { sum, tensor1d, tensor2d, tidy, valueAndGrad } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { Categorical, sampleCategorical } from './categorical.js';
import { DiagGaussian, sampleDiagGaussian } from './diag-gaussian.js';
import { argmaxMultiDiscrete, MultiCategorical, sampleMultiCategorical } from './multi-categorical.js';

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

describe('MultiCategorical', () => {
  // nvec [2, 3]: entry 0 has logits (0, log 3) → p = (0.25, 0.75); entry 1 has (log 2, 0, 0) → p = (0.5, 0.25, 0.25)
  const row0 = [0, Math.log(3), Math.log(2), 0, 0];
  // second row: entry 0 uniform; entry 1 (0, log 6, log 3) → p = (0.1, 0.6, 0.3)
  const row1 = [1, 1, 0, Math.log(6), Math.log(3)];
  const h = (ps: number[]) => -ps.reduce((s, p) => s + p * Math.log(p), 0);

  it('log-probabilities (sum over entries), entropy (sum) and mode (argmax per entry) by hand', () => {
    tidy(() => {
      const d = new MultiCategorical(tensor2d([row0, row1]), [2, 3]);
      const lp = Array.from(
        d
          .logProb(
            tensor2d(
              [
                [1, 0],
                [0, 2],
              ],
              [2, 2],
              'int32',
            ),
          )
          .dataSync(),
      );
      expect(lp[0]).toBeCloseTo(Math.log(0.75) + Math.log(0.5), 6);
      expect(lp[1]).toBeCloseTo(Math.log(0.5) + Math.log(0.3), 6);
      // float actions are cast
      expect(
        d
          .logProb(
            tensor2d([
              [0, 1],
              [1, 1],
            ]),
          )
          .dataSync()[0],
      ).toBeCloseTo(Math.log(0.25) + Math.log(0.25), 6);
      const ent = Array.from(d.entropy().dataSync());
      expect(ent[0]).toBeCloseTo(h([0.25, 0.75]) + h([0.5, 0.25, 0.25]), 6);
      expect(ent[1]).toBeCloseTo(Math.log(2) + h([0.1, 0.6, 0.3]), 6);
      const mode = d.mode();
      expect(mode.shape).toEqual([2, 2]);
      expect(mode.dtype).toBe('int32');
      expect(Array.from(mode.dataSync())).toEqual([1, 0, 0, 1]);
      expect(Array.from(argmaxMultiDiscrete(Float32Array.from([...row0, ...row1]), [2, 3]))).toEqual([1, 0, 0, 1]);
      const logProbs = Array.from(d.logProbs.dataSync());
      for (const [i, p] of [0.25, 0.75, 0.5, 0.25, 0.25].entries()) expect(logProbs[i]).toBeCloseTo(Math.log(p), 6);
    });
  });

  it('log-probability gradients reach the logits of every entry', () => {
    tidy(() => {
      const logits = tensor2d([row0]);
      const actions = tensor2d([[1, 2]], [1, 2], 'int32');
      const { grads } = valueAndGrad((x: { logits: typeof logits }) => sum(new MultiCategorical(x.logits, [2, 3]).logProb(actions)))({
        logits,
      });
      // d log softmax(z)_a / dz = onehot(a) - p, per entry
      const g = Array.from((grads.logits as typeof logits).dataSync());
      const want = [-0.25, 1 - 0.75, -0.5, -0.25, 1 - 0.25];
      for (const [i, w] of want.entries()) expect(g[i]).toBeCloseTo(w, 5);
    });
  });

  it('seeded sampling: same seed, same draws; each entry follows its probabilities', () => {
    const rows = 10000;
    const logp = new Float32Array(rows * 5);
    const one = [Math.log(0.25), Math.log(0.75), Math.log(0.5), Math.log(0.25), Math.log(0.25)];
    for (let r = 0; r < rows; r++) logp.set(one, r * 5);
    const a = sampleMultiCategorical(logp, [2, 3], new Prng(11));
    expect(a.length).toBe(rows * 2);
    expect(Array.from(a)).toEqual(Array.from(sampleMultiCategorical(logp, [2, 3], new Prng(11))));
    const first = [0, 0];
    const second = [0, 0, 0];
    for (let r = 0; r < rows; r++) {
      first[a[2 * r] as number] = (first[a[2 * r] as number] as number) + 1;
      second[a[2 * r + 1] as number] = (second[a[2 * r + 1] as number] as number) + 1;
    }
    expect(Math.abs((first[1] as number) / rows - 0.75)).toBeLessThan(0.02);
    for (const [j, p] of [0.5, 0.25, 0.25].entries()) expect(Math.abs((second[j] as number) / rows - p)).toBeLessThan(0.02);
    // through the distribution: the same draws as the helper on its normalized log-probabilities
    tidy(() => {
      const d = new MultiCategorical(tensor2d([row0, row1]), [2, 3]);
      const s = d.sample(new Prng(4));
      expect(s).toBeInstanceOf(Int32Array);
      expect(Array.from(s)).toEqual(Array.from(sampleMultiCategorical(d.logProbs.dataSync(), [2, 3], new Prng(4))));
    });
  });

  it('rejects logits that do not match nvec', () => {
    tidy(() => {
      expect(() => new MultiCategorical(tensor2d([[0, 0, 0]]), [2, 3])).toThrow(/MultiCategorical logits.*\[batch, 5\]/s);
      expect(() => new MultiCategorical(tensor2d([[0, 0]]), [])).toThrow(/MultiCategorical nvec/);
    });
  });
});
