import { describe, expect, it } from 'vitest';
import { magnitudeMask, nByMMask } from './masks.js';

describe('magnitudeMask', () => {
  it('keeps the round(n (1 - s)) largest magnitudes', () => {
    const w = [0.1, -3, 2, -0.5, 0.05, 1, -0.2, 0.7, 4, -0.01];
    // 10 values at 0.8 sparsity: k = 2 kept (4 and -3)
    expect([...magnitudeMask(w, 0.8)]).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 1, 0]);
    // 0.5: k = 5 (4, -3, 2, 1, 0.7)
    expect([...magnitudeMask(w, 0.5)]).toEqual([0, 1, 1, 0, 0, 1, 0, 1, 1, 0]);
    // 0.25: n (1 - s) = 7.5 rounds half to even: k = 8
    expect([...magnitudeMask(w, 0.25)].reduce((a, b) => a + b)).toBe(8);
    // 0.35: 6.5 → 6
    expect([...magnitudeMask(w, 0.35)].reduce((a, b) => a + b)).toBe(6);
  });

  it('keeps at least one value and keeps ties at the threshold', () => {
    expect([...magnitudeMask([0.1, 0.3, 0.2], 0.99)]).toEqual([0, 1, 0]);
    expect([...magnitudeMask([1, -1, 1, 0.5], 0.5)]).toEqual([1, 1, 1, 0]);
    expect([...magnitudeMask([0, 0, 0, 0], 0.5)]).toEqual([1, 1, 1, 1]); // all tie at 0, as TF-MOT's >=
  });
});

describe('nByMMask (2:4)', () => {
  it('keeps the 2 largest of every 4 input channels, per output', () => {
    // kernel [8, 2] (in 8, out 2), row-major: value of (i, o) at i * 2 + o
    const w = [1, -8, 2, 7, -3, 6, 4, -5, 0.1, 0.4, -0.2, 0.3, 0.3, -0.2, 0.4, 0.1];
    const m = nByMMask(w, [8, 2]);
    // output 0, inputs 0..3: 1, 2, -3, 4 → keep inputs 2, 3; inputs 4..7: 0.1, -0.2, 0.3, 0.4 → keep 6, 7
    // output 1, inputs 0..3: -8, 7, 6, -5 → keep 0, 1; inputs 4..7: 0.4, 0.3, -0.2, 0.1 → keep 4, 5
    const at = (i: number, o: number) => m[i * 2 + o];
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => at(i, 0))).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => at(i, 1))).toEqual([1, 1, 0, 0, 1, 1, 0, 0]);
  });

  it('groups the input channels of conv kernels [h, w, in, out] and needs in % 4 == 0', () => {
    const w = Array.from({ length: 2 * 1 * 4 * 3 }, (_, i) => ((i * 7) % 11) - 5);
    const m = nByMMask(w, [2, 1, 4, 3]);
    for (let p = 0; p < 2; p++)
      for (let o = 0; o < 3; o++) expect([0, 1, 2, 3].reduce((a, i) => a + (m[p * 12 + i * 3 + o] as number), 0)).toBe(2);
    expect(() => nByMMask(w, [3, 1, 2, 4])).toThrow(/multiple of 4/);
  });
});
