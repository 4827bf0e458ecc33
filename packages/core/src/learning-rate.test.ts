import { describe, expect, it } from 'vitest';
import type { GradientTransform } from './contracts/gradient-transform.js';
import { ValueError } from './errors.js';
import { getLearningRate, scaleLearningRate, setLearningRate } from './learning-rate.js';

type S = { lr: number; other: number };
/** A transform implementing the learning-rate protocol on a plain field of its state. */
const protocol: GradientTransform<S> = {
  name: 'p',
  init: () => ({ lr: 0.1, other: 1 }),
  update: (g, s) => [g, s],
  learningRate: (s) => s.lr,
  scaleLearningRate: (s, f) => ({ ...s, lr: s.lr * f }),
};

describe('learning-rate protocol helpers', () => {
  it('ask the transform through the protocol', () => {
    const s = protocol.init({});
    expect(getLearningRate(protocol, s)).toBe(0.1);
    expect(scaleLearningRate(protocol, s, 0.5)).toEqual({ lr: 0.05, other: 1 });
    expect(setLearningRate(protocol, s, 0.025).lr).toBeCloseTo(0.025, 15);
    expect(scaleLearningRate(protocol, s, 0.01, { min: 0.04 }).lr).toBeCloseTo(0.04, 15);
    expect(scaleLearningRate(protocol, { lr: 0.02, other: 1 }, 0.5, { min: 0.04 }).lr).toBe(0.02); // already below min
    expect(s).toEqual({ lr: 0.1, other: 1 }); // not mutated
  });

  it('never search the state: a tagged node in a transform without the protocol is not a learning rate', () => {
    const tagged: GradientTransform = {
      name: 'handWritten',
      init: () => ({ lr: { kind: 'learningRate', count: 0, scale: 1, value: 0.2 } }),
      update: (g, s) => [g, s],
    };
    const s = tagged.init({});
    expect(getLearningRate(tagged, s)).toBeUndefined();
    expect(getLearningRate(undefined, s)).toBeUndefined();
    expect(() => scaleLearningRate(tagged, s, 0.5)).toThrow(ValueError);
    expect(() => scaleLearningRate(tagged, s, 0.5)).toThrow(
      'scaleLearningRate transform: expected a GradientTransform implementing the learning-rate protocol (learningRate and scaleLearningRate), received "handWritten, which has no learning-rate protocol"',
    );
    expect(() => setLearningRate(tagged, s, 0.1)).toThrow('"handWritten, which has no learning-rate protocol"');
    const anonymous: GradientTransform = { init: () => ({}), update: (g, st) => [g, st] };
    expect(() => setLearningRate(anonymous, {}, 0.1)).toThrow('"the optimizer, which has no learning-rate protocol"');
    expect(() => scaleLearningRate(undefined as never, {}, 0.5)).toThrow('"the optimizer, which has no learning-rate protocol"');
    // half a protocol is none: the rate could be read but not changed
    const readOnly: GradientTransform<S> = { ...protocol, name: 'readOnly', scaleLearningRate: undefined };
    expect(getLearningRate(readOnly, protocol.init({}))).toBe(0.1);
    expect(() => scaleLearningRate(readOnly, protocol.init({}), 0.5)).toThrow('"readOnly, which has no learning-rate protocol"');
  });

  it('leave the state of a protocol transform without a rate unchanged and validate their numbers', () => {
    const none: GradientTransform = {
      name: 'none',
      init: () => ({ count: 0 }),
      update: (g, s) => [g, s],
      learningRate: () => undefined,
      scaleLearningRate: (s) => s,
    };
    const s = none.init({});
    expect(getLearningRate(none, s)).toBeUndefined();
    expect(scaleLearningRate(none, s, 0.5)).toBe(s);
    expect(setLearningRate(none, s, 0.5)).toBe(s);
    expect(() => setLearningRate(protocol, protocol.init({}), -1)).toThrow(ValueError);
    expect(() => scaleLearningRate(protocol, protocol.init({}), Number.NaN)).toThrow('scaleLearningRate factor');
    expect(() => setLearningRate(protocol, { lr: 0, other: 0 }, 0.1)).toThrow('current learning rate is positive');
  });
});
