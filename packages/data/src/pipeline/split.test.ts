import { describe, expect, it } from 'vitest';
import { fromArray, fromGenerator } from './sources.js';
import { kFold, split } from './split.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('split', () => {
  it('exact counts by fraction with a known size, disjoint and covering, fixed by the seed', async () => {
    const ds = fromArray(range(100));
    const parts = split(ds, { train: 0.7, validation: 0.2, test: 0.1 }, { seed: 3 });
    const train = await parts.train.toArray();
    const val = await parts.validation.toArray();
    const test = await parts.test.toArray();
    expect([train.length, val.length, test.length]).toEqual([70, 20, 10]);
    expect(parts.train.size).toBe(70);
    expect([...train, ...val, ...test].sort((a, b) => a - b)).toEqual(range(100));
    expect(await parts.train.toArray()).toEqual(train); // same partition on the next pass
    const again = split(ds, { train: 0.7, validation: 0.2, test: 0.1 }, { seed: 3 });
    expect(await again.test.toArray()).toEqual(test);
    const other = split(ds, { train: 0.7, validation: 0.2, test: 0.1 }, { seed: 4 });
    expect(await other.test.toArray()).not.toEqual(test);
  });

  it('parts of map-style datasets keep random access (shuffle permutes only their indices)', async () => {
    const { train } = split(fromArray(range(50)), { train: 0.6, test: 0.4 }, { seed: 1 });
    expect(train.elementAt).toBeDefined();
    const a = await train.toArray();
    const s = await train.shuffle({ seed: 9 }).toArray();
    expect([...s].sort((x, y) => x - y)).toEqual([...a].sort((x, y) => x - y));
    expect(s).not.toEqual(a);
  });

  it('unknown size: a seeded hash assignment, still disjoint and covering', async () => {
    const ds = fromGenerator(function* () {
      yield* range(1000);
    });
    const { a, b } = split(ds, { a: 0.5, b: 0.5 }, { seed: 1 });
    const xa = await a.toArray();
    const xb = await b.toArray();
    expect(xa.length + xb.length).toBe(1000);
    expect(xa.length).toBeGreaterThan(420);
    expect(xa.length).toBeLessThan(580);
    expect(new Set([...xa, ...xb]).size).toBe(1000);
  });

  it('rejects fractions over 1', () => {
    expect(() => split(fromArray([1]), { a: 0.8, b: 0.3 })).toThrow(/split fractions/);
  });
});

describe('kFold', () => {
  it('k folds: each element validates exactly once, train is the complement', async () => {
    const ds = fromArray(range(23));
    const folds = kFold(ds, 5, { seed: 2 });
    expect(folds).toHaveLength(5);
    const seen: number[] = [];
    for (const { train, validation } of folds) {
      const v = await validation.toArray();
      const t = await train.toArray();
      expect(v.length).toBeGreaterThanOrEqual(4);
      expect(v.length).toBeLessThanOrEqual(5);
      expect(validation.size).toBe(v.length);
      expect([...t, ...v].sort((a, b) => a - b)).toEqual(range(23));
      seen.push(...v);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(range(23));
    const plain = kFold(ds, 2, { shuffle: false });
    expect(await plain[0]!.validation.toArray()).toEqual(range(11));
  });

  it('needs a known size and a valid k', () => {
    expect(() =>
      kFold(
        fromGenerator(() => [1, 2, 3]),
        2,
      ),
    ).toThrow(/kFold dataset.size/);
    expect(() => kFold(fromArray([1, 2]), 3)).toThrow(/kFold k: expected an integer in \[2, 2\], received 3/);
  });
});
