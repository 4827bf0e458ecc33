import { describe, expect, it } from 'vitest';
import { classHistogram, classifierScore, frechetDistance } from './quality.js';

const confident = (cls: number[], k: number, margin = 30) =>
  cls.flatMap((c) => Array.from({ length: k }, (_, j) => (j === c ? margin : 0)));

describe('classifier score, histogram and Fréchet distance', () => {
  it('score: k for confident predictions spread evenly, 1 for a single class or uniform predictions', () => {
    expect(classifierScore(confident([0, 1, 2, 3, 0, 1, 2, 3], 4), 4)).toBeCloseTo(4, 6);
    expect(classifierScore(confident([2, 2, 2], 4), 4)).toBeCloseTo(1, 6);
    expect(classifierScore(new Array(12).fill(0), 4)).toBeCloseTo(1, 9);
    // two classes, p = [0.5, 0.5] marginal, each sample softmax [σ(a), 1-σ(a)]: exp(log2 - H(σ(a)))
    const a = 1.3;
    const s = 1 / (1 + Math.exp(-a));
    const H = -(s * Math.log(s) + (1 - s) * Math.log(1 - s));
    expect(classifierScore([a, 0, 0, a], 2)).toBeCloseTo(Math.exp(Math.log(2) - H), 9);
  });

  it('histogram counts argmax classes', () => {
    expect(classHistogram(confident([0, 2, 2, 1], 3), 3)).toEqual([0.25, 0.25, 0.5]);
  });

  it('Fréchet distance: 0 for the same set, ‖Δμ‖² for a shift, the closed form for scaled diagonal covariances', () => {
    const pts = [1, 0, -1, 0, 0, 2, 0, -2, 1, 0, -1, 0, 0, 2, 0, -2];
    expect(frechetDistance(pts, pts, 2)).toBeCloseTo(0, 9);
    const shifted = pts.map((v, i) => v + (i % 2 === 0 ? 3 : -1));
    expect(frechetDistance(pts, shifted, 2)).toBeCloseTo(10, 9);
    // B = 3·A (zero mean, diagonal covariance): Tr(ΣA + 9ΣA - 2·3ΣA) = 4·Tr(ΣA)
    const scaled = pts.map((v) => 3 * v);
    const n = pts.length / 2;
    const trA =
      (pts.filter((_, i) => i % 2 === 0).reduce((s, v) => s + v * v, 0) +
        pts.filter((_, i) => i % 2 === 1).reduce((s, v) => s + v * v, 0)) /
      (n - 1);
    expect(frechetDistance(pts, scaled, 2)).toBeCloseTo(4 * trA, 9);
  });

  it('Fréchet distance with full covariances matches an independent computation (2x2 closed form)', () => {
    // random correlated 2-D sets; Tr((Σ1Σ2)^½) for 2x2 = √(tr + 2√det) of M = Σ1Σ2
    const r = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 200; i++) {
      const u = r(i) - 0.5;
      const v = r(i + 1000) - 0.5;
      a.push(u, 0.8 * u + 0.3 * v);
      b.push(2 * v + 0.5, u - v);
    }
    const stats = (x: number[]) => {
      const n = x.length / 2;
      const m = [0, 1].map((j) => x.filter((_, i) => i % 2 === j).reduce((s, v) => s + v, 0) / n);
      let [c0, c1, c2] = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        const d0 = (x[2 * i] as number) - (m[0] as number);
        const d1 = (x[2 * i + 1] as number) - (m[1] as number);
        c0 += (d0 * d0) / (n - 1);
        c1 += (d0 * d1) / (n - 1);
        c2 += (d1 * d1) / (n - 1);
      }
      return { m, c: [c0, c1, c2] };
    };
    const A = stats(a);
    const B = stats(b);
    const [a0, a1, a2] = A.c as [number, number, number];
    const [b0, b1, b2] = B.c as [number, number, number];
    const M = [a0 * b0 + a1 * b1, a0 * b1 + a1 * b2, a1 * b0 + a2 * b1, a1 * b1 + a2 * b2];
    const tr = (M[0] as number) + (M[3] as number);
    const det = (M[0] as number) * (M[3] as number) - (M[1] as number) * (M[2] as number);
    const want =
      ((A.m[0] as number) - (B.m[0] as number)) ** 2 +
      ((A.m[1] as number) - (B.m[1] as number)) ** 2 +
      a0 +
      a2 +
      b0 +
      b2 -
      2 * Math.sqrt(tr + 2 * Math.sqrt(det));
    expect(frechetDistance(a, b, 2)).toBeCloseTo(want, 8);
  });

  it('bad shapes are ValueErrors', () => {
    expect(() => classifierScore([1, 2, 3], 2)).toThrow(/classifierScore logits.*\[n, 2\].*3/s);
    expect(() => frechetDistance([], [1, 2], 2)).toThrow(/frechetDistance a/);
  });
});
