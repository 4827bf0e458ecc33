import { describe, expect, it } from 'vitest';
import type { GradientTransform } from './contracts/gradient-transform.js';
import { ValueError } from './errors.js';
import { getLearningRate, scaleLearningRate, setLearningRate } from './learning-rate.js';

type S = { lr: number; other: number };
/** A transform implementing only the protocol: its state has no tagged node. */
const protocol: GradientTransform<S> = {
  name: 'p',
  init: () => ({ lr: 0.1, other: 1 }),
  update: (g, s) => [g, s],
  learningRate: (s) => s.lr,
  scaleLearningRate: (s, f) => ({ ...s, lr: s.lr * f }),
};
/** A hand-written transform from before the protocol: a tagged node in its state. */
const legacy: GradientTransform = {
  init: () => ({
    a: { kind: 'learningRate', count: 0, scale: 1, value: 0.2 },
    b: [1, { kind: 'learningRate', count: 0, scale: 1, value: 0.2 }],
  }),
  update: (g, s) => [g, s],
};

describe('learning-rate protocol helpers', () => {
  it('ask the transform when it implements the protocol', () => {
    const s = protocol.init({});
    expect(getLearningRate(protocol, s)).toBe(0.1);
    expect(scaleLearningRate(protocol, s, 0.5)).toEqual({ lr: 0.05, other: 1 });
    expect(setLearningRate(protocol, s, 0.025).lr).toBeCloseTo(0.025, 15);
    expect(scaleLearningRate(protocol, s, 0.01, { min: 0.04 }).lr).toBeCloseTo(0.04, 15);
    expect(s).toEqual({ lr: 0.1, other: 1 }); // not mutated
  });

  it('fall back to { kind: "learningRate" } nodes for transforms without it, and for the deprecated state-only forms', () => {
    const s = legacy.init({});
    expect(getLearningRate(legacy, s)).toBe(0.2);
    expect(getLearningRate(undefined, s)).toBe(0.2);
    expect(getLearningRate(s)).toBe(0.2);
    const half = scaleLearningRate(legacy, s, 0.5) as { a: { scale: number; value: number }; b: [number, { value: number }] };
    expect(half.a).toMatchObject({ scale: 0.5, value: 0.1 });
    expect(half.b[1].value).toBeCloseTo(0.1, 15);
    expect(getLearningRate(scaleLearningRate(s, 0.5, { min: 0.15 }))).toBeCloseTo(0.15, 15);
    expect(getLearningRate(setLearningRate(s, 0.3))).toBeCloseTo(0.3, 15);
  });

  it('leave a state without a learning rate unchanged and validate their numbers', () => {
    const none: GradientTransform = { init: () => ({ count: 0 }), update: (g, s) => [g, s] };
    const s = none.init({});
    expect(getLearningRate(none, s)).toBeUndefined();
    expect(scaleLearningRate(none, s, 0.5)).toBe(s);
    expect(() => setLearningRate(protocol, protocol.init({}), -1)).toThrow(ValueError);
    expect(() => scaleLearningRate(protocol, protocol.init({}), Number.NaN)).toThrow('scaleLearningRate factor');
    expect(() => setLearningRate(protocol, { lr: 0, other: 0 }, 0.1)).toThrow('current learning rate is positive');
  });
});
