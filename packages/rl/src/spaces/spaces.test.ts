import { describe, expect, it } from 'vitest';
import { Box, box } from './box.js';
import { Discrete } from './discrete.js';
import { MultiDiscrete } from './multi-discrete.js';

describe('spaces', () => {
  it('Discrete: start offset, contains, seeded samples repeat and cover every value', () => {
    const s = new Discrete(3, 1);
    expect([0, 1, 2, 3, 4, 1.5, '1'].map((v) => s.contains(v))).toEqual([false, true, true, true, false, false, false]);
    s.seed(7);
    const a = Array.from({ length: 300 }, () => s.sample());
    s.seed(7);
    expect(Array.from({ length: 300 }, () => s.sample())).toEqual(a);
    expect(new Set(a)).toEqual(new Set([1, 2, 3]));
    expect(() => new Discrete(0)).toThrow(/Discrete n.*positive integer.*0/s);
  });

  it('MultiDiscrete: one integer per entry', () => {
    const s = new MultiDiscrete([3, 2]);
    s.seed(1);
    for (let i = 0; i < 50; i++) expect(s.contains(s.sample())).toBe(true);
    expect(s.contains([2, 2])).toBe(false);
    expect(s.contains([2])).toBe(false);
    expect(s.toJSON()).toEqual({ kind: 'multiDiscrete', nvec: [3, 2] });
  });

  it('Box: bounded samples are uniform within bounds; unbounded ones are finite; contains and clip', () => {
    const b = box([-1, 0], [1, 5]);
    b.seed(3);
    for (let i = 0; i < 200; i++) expect(b.contains(b.sample())).toBe(true);
    const u = new Box([-Infinity, 0], [Infinity, Infinity]);
    u.seed(4);
    const xs = Array.from({ length: 500 }, () => u.sample());
    expect(xs.every((x) => Number.isFinite(x[0]) && (x[1] as number) >= 0)).toBe(true);
    const mean0 = xs.reduce((s, x) => s + (x[0] as number), 0) / xs.length;
    expect(Math.abs(mean0)).toBeLessThan(0.2);
    expect(b.contains(Float32Array.of(1.5, 1))).toBe(false);
    expect(Array.from(b.clip([1.5, -2]))).toEqual([1, 0]);
    expect(u.isBounded()).toBe(false);
    expect(() => box([1], [0])).toThrow(/Box low\[0\]/);
    expect(() => box([0, 0], [1])).toThrow(/Box high.*2 values/s);
    expect(new Box(-2, 2, [1]).toJSON()).toEqual({ kind: 'box', shape: [1], low: [-2], high: [2] });
  });
});
