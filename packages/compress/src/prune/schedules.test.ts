import { describe, expect, it } from 'vitest';
import { constantSparsity, polynomialDecay } from './schedules.js';

describe('polynomialDecay', () => {
  const s = polynomialDecay({ initialSparsity: 0.2, finalSparsity: 0.8, beginStep: 100, endStep: 500, frequency: 50 });

  it('follows final + (initial - final)(1 - p)^3, p clipped to [0, 1]', () => {
    // hand-computed: p = (step - 100) / 400
    expect(s(0).sparsity).toBeCloseTo(0.2, 12); // p clipped to 0
    expect(s(100).sparsity).toBeCloseTo(0.2, 12);
    expect(s(200).sparsity).toBeCloseTo(0.8 - 0.6 * 0.75 ** 3, 12); // 0.546875
    expect(s(200).sparsity).toBeCloseTo(0.546875, 12);
    expect(s(300).sparsity).toBeCloseTo(0.725, 12); // 0.8 - 0.6 * 0.125
    expect(s(500).sparsity).toBeCloseTo(0.8, 12);
    expect(s(10_000).sparsity).toBeCloseTo(0.8, 12); // p clipped to 1
  });

  it('prunes every `frequency` steps inside [begin, end] only', () => {
    const steps = Array.from({ length: 700 }, (_, i) => i).filter((i) => s(i).prune);
    expect(steps).toEqual([100, 150, 200, 250, 300, 350, 400, 450, 500]);
  });

  it('takes the power and defaults frequency to 100', () => {
    const lin = polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: 200, power: 1 });
    expect(lin(50).sparsity).toBeCloseTo(0.125, 12);
    expect([0, 1, 99, 100, 200, 300].map((i) => lin(i).prune)).toEqual([true, false, false, true, true, false]);
    expect(lin.config).toEqual({
      className: 'PolynomialDecay',
      config: { initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: 200, power: 1, frequency: 100 },
    });
  });

  it('rejects bad options naming them', () => {
    expect(() => polynomialDecay({ initialSparsity: 0, finalSparsity: 1, beginStep: 0, endStep: 10 })).toThrow(/finalSparsity/);
    expect(() => polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: -1 })).toThrow(/endStep/);
    expect(() => polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 10, endStep: 5 })).toThrow(/endStep/);
    expect(() => polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: 5, frequency: 0 })).toThrow(/frequency/);
  });
});

describe('constantSparsity', () => {
  it('is constant and prunes forever with endStep -1', () => {
    const s = constantSparsity({ targetSparsity: 0.5, beginStep: 10, frequency: 5 });
    expect([9, 10, 12, 15, 1_000_000].map((i) => s(i))).toEqual([
      { prune: false, sparsity: 0.5 },
      { prune: true, sparsity: 0.5 },
      { prune: false, sparsity: 0.5 },
      { prune: true, sparsity: 0.5 },
      { prune: true, sparsity: 0.5 },
    ]);
  });

  it('stops after endStep', () => {
    const s = constantSparsity({ targetSparsity: 0.3, beginStep: 0, endStep: 20, frequency: 10 });
    expect([0, 10, 20, 30].map((i) => s(i).prune)).toEqual([true, true, true, false]);
    expect(() => constantSparsity({ targetSparsity: -0.1, beginStep: 0 })).toThrow(/targetSparsity/);
  });
});
