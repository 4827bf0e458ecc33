import { cpu } from '@tessera/backend-cpu';
import type { GradientTransform, NamedTensors, StateTree } from '@tessera/core';
import { useBackend } from '@tessera/core';
import { tensor1d } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChainState, LearningRateState } from './index.js';
import {
  accumulate,
  adam,
  chain,
  clipByGlobalNorm,
  disposeStale,
  ema,
  getLearningRate,
  namedChain,
  scaleByAdam,
  scaleByLearningRate,
  scaleLearningRate,
  setLearningRate,
  sgd,
} from './index.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const params = (): NamedTensors => ({ w: tensor1d([1, 2]) });
const grads = (): NamedTensors => ({ w: tensor1d([1, -1]) });
const vals = (t: unknown) => Array.from((t as { dataSync(): Float32Array }).dataSync());

describe('learning-rate protocol', () => {
  it('scaleByLearningRate implements it on plain numbers of its state', () => {
    const tx = scaleByLearningRate(0.1);
    const s = tx.init({});
    expect(tx.name).toBe('scaleByLearningRate');
    expect(tx.learningRate?.(s)).toBe(0.1);
    const half = tx.scaleLearningRate?.(s, 0.5) as LearningRateState;
    expect(half).toEqual({ count: 0, scale: 0.5, value: 0.05 });
    expect(s.scale).toBe(1); // the input state is not mutated
  });

  it.each<[string, () => GradientTransform]>([
    ['chain', () => chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(0.1))],
    [
      'namedChain',
      () =>
        namedChain([
          ['clip', clipByGlobalNorm(1)],
          ['opt', sgd({ learningRate: 0.1 })],
        ]),
    ],
    ['nested chain', () => chain(clipByGlobalNorm(1), adam({ learningRate: 0.1 }))],
    ['accumulate', () => accumulate(2, sgd({ learningRate: 0.1 }))],
    ['chain with ema', () => chain(sgd({ learningRate: 0.1 }), ema({ decay: 0.9 }))],
  ])('%s delegates it: get, scale and set change the next updates', (_n, make) => {
    const tx = make();
    const p = params();
    let state = tx.init(p);
    expect(getLearningRate(tx, state)).toBeCloseTo(0.1, 12);
    state = scaleLearningRate(tx, state, 0.5);
    expect(getLearningRate(tx, state)).toBeCloseTo(0.05, 12);
    state = setLearningRate(tx, state, 0.02);
    expect(getLearningRate(tx, state)).toBeCloseTo(0.02, 12);
    // the rate survives a step (the state it reports is the one update continues from)
    const [, next] = tx.update(grads(), state, p);
    expect(getLearningRate(tx, next)).toBeCloseTo(0.02, 12);
    disposeStale(state, next);
    disposeStale(next, []);
  });

  it('a rescaled sgd step moves the parameter by the new rate', () => {
    const tx = sgd({ learningRate: 0.2 });
    const s = setLearningRate(tx, tx.init(params()), 0.05);
    const [u] = tx.update(grads(), s);
    expect(vals(u.w)).toEqual([expect.closeTo(-0.05, 7), expect.closeTo(0.05, 7)]);
  });

  it('scaleLearningRate floors at min, and never raises a rate already below it', () => {
    const tx = sgd({ learningRate: 0.1 });
    const s = tx.init(params());
    expect(getLearningRate(tx, scaleLearningRate(tx, s, 0.01, { min: 0.03 }))).toBeCloseTo(0.03, 12);
    const low = setLearningRate(tx, s, 0.01);
    expect(getLearningRate(tx, scaleLearningRate(tx, low, 0.5, { min: 0.03 }))).toBeCloseTo(0.01, 12);
    expect(() => scaleLearningRate(tx, s, -1)).toThrow('scaleLearningRate factor');
  });

  it('a transform without a learning rate reports undefined and its state is returned unchanged', () => {
    const tx = chain(clipByGlobalNorm(1), scaleByAdam());
    const s = tx.init(params());
    expect(getLearningRate(tx, s)).toBeUndefined();
    expect(scaleLearningRate(tx, s, 0.5)).toBe(s);
    expect(setLearningRate(tx, s, 0.5)).toBe(s);
    disposeStale(s, []);
  });

  it('setLearningRate refuses a zero current rate (it rescales) and a negative value', () => {
    const tx = sgd({ learningRate: (step) => step * 0.1 }); // 0 at step 0
    const s = tx.init(params());
    expect(() => setLearningRate(tx, s, 0.1)).toThrow('current learning rate is positive');
    expect(() => setLearningRate(sgd(), sgd().init(params()), -1)).toThrow('setLearningRate value');
  });

  it('a hand-written transform without the protocol has no learning rate: get is undefined, scale and set throw', () => {
    const handWritten: GradientTransform = {
      name: 'handWritten',
      init: () => ({ lr: { kind: 'learningRate', count: 0, scale: 1, value: 0.1 } }),
      update: (g, s) => [g, s],
    };
    const s = handWritten.init({});
    expect(getLearningRate(handWritten, s)).toBeUndefined();
    expect(() => scaleLearningRate(handWritten, s, 0.5)).toThrow('handWritten, which has no learning-rate protocol');
    expect(() => setLearningRate(handWritten, s, 0.01)).toThrow('handWritten, which has no learning-rate protocol');
  });

  it('a state of an earlier version (tagged kind: "learningRate", positional chain) reads, scales and steps like the current one', () => {
    const tx: GradientTransform = adam({ learningRate: 0.1 });
    const p = params();
    const current = tx.init(p) as ChainState;
    const old: StateTree = [current['0:scaleByAdam'] as StateTree, { kind: 'learningRate', count: 0, scale: 1, value: 0.1 }];
    expect(getLearningRate(tx, old)).toBe(0.1);
    const half = scaleLearningRate(tx, old, 0.5) as ChainState;
    expect(half['1:scaleByLearningRate']).toEqual({ count: 0, scale: 0.5, value: 0.05 });
    expect(scaleByLearningRate(0.1).migrateState?.({ kind: 'learningRate', count: 3, scale: 0.5, value: 0.05 })).toEqual({
      count: 3,
      scale: 0.5,
      value: 0.05,
    });
    const [uOld, sOld] = tx.update(grads(), old, p);
    const [uNew, sNew] = tx.update(grads(), current, p);
    expect(vals(uOld.w)).toEqual(vals(uNew.w));
    expect((sOld as ChainState)['1:scaleByLearningRate']).toEqual({ count: 1, scale: 1, value: 0.1 });
    disposeStale(current, sNew);
    disposeStale(sOld, []);
    disposeStale(sNew, []);
  });
});
