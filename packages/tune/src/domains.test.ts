import { ValueError } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { choice, float, inDomain, int, logUniform, sampleDomain } from './domains.js';
import { HyperParameters } from './hyperparameters.js';

/** `n` samples of one name's domain, one per configuration seed (how the tuner draws them). */
function draws<T>(n: number, read: (hp: HyperParameters) => T): T[] {
  return Array.from({ length: n }, (_, i) => read(new HyperParameters({ seed: 1000 + i })));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

describe('domains', () => {
  it('maps quantiles by the inverse CDF (hand-computed points)', () => {
    expect(sampleDomain(logUniform(1e-4, 1e-2), 0.5)).toBeCloseTo(1e-3, 12);
    expect(sampleDomain(logUniform(1e-4, 1e-2), 0)).toBeCloseTo(1e-4, 12);
    expect(sampleDomain(float(0, 0.5), 0.25)).toBe(0.125);
    expect(sampleDomain(int(32, 256, { step: 32 }), 0)).toBe(32);
    expect(sampleDomain(int(32, 256, { step: 32 }), 0.99)).toBe(256);
    expect(sampleDomain(int(32, 256, { step: 32 }), 0.5)).toBe(160); // 8 values, index 4
    expect(sampleDomain(choice(['a', 'b', 'c']), 0.7)).toBe('c');
    expect(sampleDomain(int(1, 1000, { log: true }), 0.5)).toBe(31); // floor(exp(ln(1001)/2)) = floor(31.6)
  });

  it('log-uniform samples stay in bounds, have median sqrt(min*max) and a uniform log', () => {
    const xs = draws(4000, (hp) => hp.float('lr', 1e-4, 1e-1, { log: true }));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...xs)).toBeLessThan(1e-1);
    // median of a log-uniform on [1e-4, 1e-1] is 10^-2.5 = 3.16e-3; the sample median's standard error in log10 units is ~0.024
    expect(Math.log10(median(xs))).toBeCloseTo(-2.5, 1);
    // each decade holds a third of the samples (binomial sd ~0.0075)
    for (const [lo, hi] of [
      [1e-4, 1e-3],
      [1e-3, 1e-2],
      [1e-2, 1e-1],
    ] as const) {
      const share = xs.filter((x) => x >= lo && x < hi).length / xs.length;
      expect(Math.abs(share - 1 / 3)).toBeLessThan(0.03);
    }
  });

  it('uniform floats have mean (min+max)/2 and variance (max-min)^2/12', () => {
    const xs = draws(4000, (hp) => hp.float('dropout', 0, 0.5));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(0.5);
    expect(mean).toBeCloseTo(0.25, 1.5); // sd of the mean 0.0023
    expect(variance).toBeCloseTo(0.25 / 12, 2);
  });

  it('stepped integers take every grid value with equal frequency and nothing else', () => {
    const xs = draws(4000, (hp) => hp.int('units', 32, 256, { step: 32 }));
    const counts = new Map<number, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([32, 64, 96, 128, 160, 192, 224, 256]);
    for (const c of counts.values()) expect(Math.abs(c / 4000 - 1 / 8)).toBeLessThan(0.02); // sd 0.0052
  });

  it('choices are uniform; booleans are fair', () => {
    const xs = draws(3000, (hp) => hp.choice('opt', ['adam', 'sgd', 'rmsprop']));
    for (const v of ['adam', 'sgd', 'rmsprop']) expect(Math.abs(xs.filter((x) => x === v).length / 3000 - 1 / 3)).toBeLessThan(0.03);
    const bs = draws(3000, (hp) => hp.boolean('bn'));
    expect(Math.abs(bs.filter(Boolean).length / 3000 - 0.5)).toBeLessThan(0.03);
  });

  it('checks membership and rejects bad ranges with ValueError naming the argument', () => {
    expect(inDomain(int(32, 256, { step: 32 }), 96)).toBe(true);
    expect(inDomain(int(32, 256, { step: 32 }), 100)).toBe(false);
    expect(inDomain(logUniform(1e-3, 1), 0.5)).toBe(true);
    expect(inDomain(choice([1, 2]), 3)).toBe(false);
    expect(() => float(1, 1)).toThrow(ValueError);
    expect(() => logUniform(0, 1)).toThrow(/float min/);
    expect(() => int(1, 10, { step: 0 })).toThrow(/int step/);
    expect(() => int(0, 10, { log: true })).toThrow(/int log/);
    expect(() => choice([])).toThrow(/choice values/);
    expect(() => sampleDomain(float(0, 1), 1)).toThrow(/sampleDomain u/);
  });
});
