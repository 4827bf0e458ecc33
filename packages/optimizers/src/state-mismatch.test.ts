import { cpu } from '@tessera/backend-cpu';
import { ShapeError, useBackend, ValueError } from '@tessera/core';
import { dispose, tensorCount, zeros } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { adam, adamw, lion, momentum, rmsprop, scaleByAdam, scaleByRms, sgd } from './index.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const params = () => ({ 'dense/kernel': zeros([3, 2]), 'dense/bias': zeros([2]) });

describe('an optimizer state that does not fit the gradients', () => {
  it('a state of another model names the missing parameter and the keys it has', () => {
    const before = tensorCount();
    const opt = adam();
    const other = { 'conv/kernel': zeros([3, 3, 1, 2]) };
    const state = opt.init(other);
    const g = params();
    expect(() => opt.update(g, state, g)).toThrow(
      new ValueError('optimizer state', 'an entry for parameter "dense/kernel"', ['conv/kernel']),
    );
    dispose([state as never, other, g]);
    expect(tensorCount()).toBe(before);
  });
  it('a state with other shapes is a ShapeError naming the parameter', () => {
    const opt = sgd({ momentum: 0.9 });
    const state = opt.init({ 'dense/kernel': zeros([5, 2]), 'dense/bias': zeros([2]) });
    const g = params();
    let err: unknown;
    try {
      opt.update(g, state, g);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as Error).message).toBe(
      'optimizer state "dense/kernel": expected shape [3, 2], received [5, 2] (the shape of the gradient [3, 2])',
    );
  });
});

describe('hyper-parameters out of range', () => {
  it('are refused when the optimizer is made', () => {
    expect(() => adam({ b1: 1 })).toThrow('adam b1: expected a number in [0, 1), received 1');
    // Keras' spelling is refused with a hint, not silently ignored
    expect(() => adam({ beta1: 0.5 } as never)).toThrow(
      'adam option "beta1" (did you mean b1?): expected one of b1, b2, eps, learningRate, received "beta1"',
    );
    expect(() => adamw({ lr: 0.1 } as never)).toThrow(/adamw option "lr" \(did you mean learningRate\?\).*weightDecay, mask/);
    expect(() => adamw({ b2: -0.1 })).toThrow('adamw b2: expected a number in [0, 1), received -0.1');
    expect(() => lion({ b1: 2 })).toThrow('lion b1: expected a number in [0, 1), received 2');
    expect(() => scaleByAdam({ eps: -1 })).toThrow('scaleByAdam eps: expected a non-negative number, received -1');
    expect(() => rmsprop({ rho: 1 })).toThrow('rmsprop rho: expected a number in [0, 1), received 1');
    expect(() => scaleByRms({ decay: -0.5 })).toThrow('scaleByRms decay: expected a number in [0, 1), received -0.5');
    expect(() => sgd({ momentum: -0.9 })).toThrow('sgd momentum: expected a number in [0, 1] or a schedule, received -0.9');
    expect(() => momentum({ momentum: 1.5 })).toThrow('sgd momentum');
    expect(() => rmsprop({ momentum: Number.NaN })).toThrow('rmsprop momentum: expected a number in [0, 1] or a schedule, received NaN');
  });
  it('edge values and schedules are still accepted', () => {
    expect(() => adam({ b1: 0, b2: 0, eps: 0 })).not.toThrow();
    expect(() => sgd({ momentum: 0 })).not.toThrow();
    expect(() => sgd({ momentum: (step: number) => Math.min(0.9, step / 10) })).not.toThrow();
  });
});
