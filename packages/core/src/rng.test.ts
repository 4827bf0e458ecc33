import { describe, expect, it } from 'vitest';
import { RngKey, rngKey } from './rng.js';

describe('RngKey', () => {
  it('is deterministic: the same seed gives the same numbers', () => {
    expect(Array.from(rngKey(42).uniform(5))).toEqual(Array.from(rngKey(42).uniform(5)));
    expect(rngKey(42).seed()).toBe(rngKey(42).seed());
  });
  it('different seeds and split children differ', () => {
    const [a, b] = rngKey(1).split(2) as [RngKey, RngKey];
    expect(a.seed()).not.toBe(b.seed());
    expect(rngKey(1).seed()).not.toBe(rngKey(2).seed());
    expect(a.fold(3).seed()).toBe(rngKey(1).split(2)[0]?.fold(3).seed());
  });
  it('uniform values lie in [0, 1) with a plausible mean', () => {
    const u = rngKey(7).uniform(10000);
    let sum = 0;
    for (const v of u) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      sum += v;
    }
    expect(sum / u.length).toBeCloseTo(0.5, 1);
  });
  it('round-trips through JSON', () => {
    const k = rngKey(123).fold(9);
    const back = RngKey.fromJSON(JSON.parse(JSON.stringify(k)));
    expect(back.seed()).toBe(k.seed());
  });
  it('rejects bad seeds with the received value', () => {
    expect(() => rngKey(1.5)).toThrow('rngKey seed: expected an integer, received 1.5');
    expect(() => RngKey.fromJSON('x')).toThrow('received "x"');
    expect(() => rngKey(0).split(0)).toThrow('expected a positive integer, received 0');
  });
});
