import { describe, expect, it } from 'vitest';
import { permutation } from './permutation.js';
import { Prng } from './rng.js';

describe('Prng', () => {
  it('gives the same numbers for the same (seed, stream) and other numbers for another stream', () => {
    const r = new Prng(42, 0);
    expect([r.nextU32(), r.nextU32(), r.int(10)]).toEqual([1302188543, 2494666120, 6]);
    expect(new Prng(42, 1).nextU32()).not.toBe(1302188543);
  });
  it('next() lies in [0, 1) and int(n) in [0, n)', () => {
    const r = new Prng(3, 9);
    for (let i = 0; i < 1000; i++) {
      const u = r.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
  });
});

describe('permutation', () => {
  it('is a pure function of (n, seed, stream) with known values', () => {
    expect(Array.from(permutation(10, 1))).toEqual([7, 2, 3, 6, 8, 5, 9, 1, 0, 4]);
    expect(Array.from(permutation(10, 7, 3))).toEqual([5, 6, 1, 2, 4, 8, 3, 7, 9, 0]);
    expect(Array.from(permutation(10, 1, 0))).toEqual(Array.from(permutation(10, 1)));
  });
  it('is a permutation, differs between streams, handles n = 0 and 1', () => {
    const p = permutation(1000, 5, 2);
    expect(p).toBeInstanceOf(Uint32Array);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(permutation(1000, 5, 3))).not.toEqual(Array.from(p));
    expect(permutation(0, 1).length).toBe(0);
    expect(Array.from(permutation(1, 1))).toEqual([0]);
  });
  it('is roughly uniform: each position sees each value about equally often', () => {
    const counts = new Array(16).fill(0);
    for (let s = 0; s < 4000; s++) counts[permutation(4, 11, s)[0]!]++;
    for (const c of counts.slice(0, 4)) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });
  it('rejects bad sizes, seeds and streams naming the argument', () => {
    expect(() => permutation(-1, 0)).toThrow(/permutation n.*non-negative integer.*-1/);
    expect(() => permutation(2.5, 0)).toThrow(/permutation n/);
    expect(() => permutation(3, 0.5)).toThrow(/rngKey seed/);
    expect(() => permutation(3, 0, -1)).toThrow(/permutation stream/);
  });
});
