import { ValueError } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import {
  constant,
  cosineDecay,
  exponentialDecay,
  joinSchedules,
  linearDecay,
  linearSchedule,
  piecewiseConstant,
  valueAt,
  warmupCosineDecay,
} from './index.js';

const at = (f: (s: number) => number, steps: number[]) => steps.map((s) => f(s));
const close = (a: number[], b: number[]) => {
  expect(a.length).toBe(b.length);
  for (const [i, v] of a.entries()) expect(v).toBeCloseTo(b[i] as number, 12);
};

describe('schedules', () => {
  it('constant and valueAt', () => {
    close(at(constant(0.3), [0, 7, 1e6]), [0.3, 0.3, 0.3]);
    expect(valueAt(0.2, 99)).toBe(0.2);
    expect(valueAt((s) => s * 2, 4)).toBe(8);
  });

  it('linearSchedule / linearDecay interpolate then hold, with a begin offset', () => {
    close(at(linearSchedule(0, 1, 4), [0, 1, 2, 4, 10]), [0, 0.25, 0.5, 1, 1]);
    close(at(linearDecay(1, 0.2, 8), [0, 2, 8, 9]), [1, 0.8, 0.2, 0.2]);
    close(at(linearSchedule(1, 0, 10, 5), [0, 5, 10, 15, 20]), [1, 1, 0.5, 0, 0]);
    expect(() => linearSchedule(0, 1, 0)).toThrow(ValueError);
  });

  it('cosineDecay with alpha and warm-up', () => {
    // 0.5 * (1 + cos(pi * t)): t = 0, 0.25, 0.5, 1 -> 1, 0.853553..., 0.5, 0
    close(at(cosineDecay(2, 100), [0, 25, 50, 100, 150]), [2, 2 * 0.8535533905932737, 1, 0, 0]);
    // alpha 0.1: init * (0.9 * c + 0.1)
    close(at(cosineDecay(1, 10, { alpha: 0.1 }), [5, 10]), [0.9 * 0.5 + 0.1, 0.1]);
    // warm-up 4 steps from 0, then decay over 10
    close(at(cosineDecay(1, 10, { warmupSteps: 4 }), [0, 1, 4, 9, 14]), [0, 0.25, 1, 0.5, 0]);
  });

  it('warmupCosineDecay follows optax (decaySteps include the warm-up)', () => {
    const f = warmupCosineDecay({ init: 0.1, peak: 1, warmupSteps: 10, decaySteps: 30, end: 0.2 });
    // warm-up: 0.1 + 0.9 * s / 10; decay over 20 steps: 0.2 + 0.8 * 0.5 * (1 + cos(pi t))
    close(at(f, [0, 5, 10, 20, 30, 100]), [0.1, 0.55, 1, 0.2 + 0.8 * 0.5, 0.2, 0.2]);
    expect(() => warmupCosineDecay({ peak: 1, warmupSteps: 10, decaySteps: 10 })).toThrow(ValueError);
  });

  it('exponentialDecay smooth, staircase and bounded', () => {
    close(at(exponentialDecay(1, 10, 0.5), [0, 5, 10, 20]), [1, Math.SQRT1_2, 0.5, 0.25]);
    close(at(exponentialDecay(1, 10, 0.5, { staircase: true }), [0, 9, 10, 19, 20]), [1, 1, 0.5, 0.5, 0.25]);
    close(at(exponentialDecay(1, 1, 0.5, { endValue: 0.2 }), [1, 2, 3, 50]), [0.5, 0.25, 0.2, 0.2]);
    close(at(exponentialDecay(1, 1, 2, { endValue: 5 }), [1, 2, 3]), [2, 4, 5]);
  });

  it('piecewiseConstant switches at the boundaries', () => {
    close(at(piecewiseConstant([3, 6], [1, 0.1, 0.01]), [0, 2, 3, 5, 6, 100]), [1, 1, 0.1, 0.1, 0.01, 0.01]);
    expect(() => piecewiseConstant([3], [1])).toThrow('2 values');
  });

  it('joinSchedules restarts each schedule at its boundary', () => {
    const f = joinSchedules([linearSchedule(0, 1, 4), cosineDecay(1, 10)], [4]);
    close(at(f, [0, 2, 4, 9, 14, 20]), [0, 0.5, 1, 0.5, 0, 0]);
    expect(() => joinSchedules([constant(1)], [3])).toThrow(ValueError);
  });
});
