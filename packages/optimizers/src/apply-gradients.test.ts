import { cpu } from '@tessera/backend-cpu';
import type { GradientTransform, NamedTensors, StateTree } from '@tessera/core';
import { stateTensors, useBackend } from '@tessera/core';
import type { Scalar, Tensor, Variable } from '@tessera/tensor';
import { add, mean, mul, square, sub, sum, tensor1d, tensorCount, tidy, valueAndGrad, variable, variableGrads } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { adam, applyGradients, applyUpdates, chain, clipByGlobalNorm, disposeStale, sgd, trace } from './index.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const vals = (t: Tensor | undefined) => Array.from((t as Tensor).dataSync());
const target = [0.5, -1, 2];
/** Gradient of sum(c * (w - target)^2) by hand: 2 c (w - target), c = [1, 2, 3]. */
const gradOf = (w: Tensor): NamedTensors => ({ w: tidy(() => mul(sub(w, tensor1d(target)), tensor1d([2, 4, 6]))) });

const transforms: Array<[string, () => GradientTransform]> = [
  ['sgd', () => sgd({ learningRate: 0.05 })],
  ['sgd momentum', () => sgd({ learningRate: 0.02, momentum: 0.9 })],
  ['adam', () => adam({ learningRate: 0.05 })],
  ['chain(clip, adam)', () => chain(clipByGlobalNorm(1), adam({ learningRate: 0.05 }))],
  // ends with trace: the updates are the new state's tensors and must survive
  ['trace only', () => trace({ decay: 0.5 })],
];

/** The reference path: update, applyUpdates, disposeStale, by hand. */
function reference(tx: GradientTransform, steps: number): number[] {
  const w = variable(tensor1d([1, 1, 1]), true, `ref_${Math.random()}`);
  let state = tx.init({ w });
  for (let i = 0; i < steps; i++) {
    const next = tidy(() => {
      const [u, s] = tx.update(gradOf(w), state, { w });
      applyUpdates({ w }, u);
      return s as never;
    }) as StateTree;
    disposeStale(state, next);
    state = next;
  }
  const out = vals(w);
  w.dispose();
  disposeStale(state, []);
  return out;
}

describe('applyGradients', () => {
  it.each(transforms)('%s: Variables, 100 steps outside any scope: same values as applyUpdates, no leak', (_n, make) => {
    const tx = make();
    const w = variable(tensor1d([1, 1, 1]), true, `v_${Math.random()}`);
    const params = { w };
    let state = tx.init(params);
    const before = tensorCount();
    for (let i = 0; i < 100; i++) {
      const grads = gradOf(w);
      const out = applyGradients(tx, state, params, grads);
      expect(out.params.w).toBe(w); // assigned in place
      state = out.state;
      for (const t of Object.values(grads)) t.dispose();
      expect(tensorCount()).toBe(before);
    }
    const want = reference(make(), 100);
    vals(w).forEach((v, i) => {
      expect(v).toBeCloseTo(want[i] as number, 5);
    });
    w.dispose();
    disposeStale(state, []);
  });

  it.each(transforms)('%s: inside an outer tidy the state survives, 100 steps without a leak', (_n, make) => {
    const tx = make();
    const w = variable(tensor1d([1, 1, 1]), true, `t_${Math.random()}`);
    let state = tx.init({ w });
    const before = tensorCount();
    for (let i = 0; i < 100; i++) {
      tidy(() => {
        state = applyGradients(tx, state, { w }, gradOf(w)).state;
      });
      for (const t of stateTensors(state)) expect(t.isDisposed).toBe(false);
      expect(tensorCount()).toBe(before);
    }
    const want = reference(make(), 100);
    vals(w).forEach((v, i) => {
      expect(v).toBeCloseTo(want[i] as number, 5);
    });
    w.dispose();
    disposeStale(state, []);
  });

  it("plain tensors get new tensors (kept), the old ones stay the caller's; values match Variables", () => {
    const tx = adam({ learningRate: 0.05 });
    let params: NamedTensors = { w: tensor1d([1, 1, 1]) };
    let state = tx.init(params);
    const before = tensorCount();
    for (let i = 0; i < 100; i++) {
      const old = params;
      tidy(() => {
        const out = applyGradients(tx, state, params, gradOf(params.w as Tensor));
        params = out.params;
        state = out.state;
      });
      expect(params.w).not.toBe(old.w);
      expect(old.w?.isDisposed).toBe(false);
      old.w?.dispose();
      expect(tensorCount()).toBe(before);
    }
    const want = reference(adam({ learningRate: 0.05 }), 100);
    vals(params.w).forEach((v, i) => {
      expect(v).toBeCloseTo(want[i] as number, 5);
    });
    params.w?.dispose();
    disposeStale(state, []);
  });

  it('minimizes with gradients from variableGrads, leaves grads to the caller and leaves parameters without an update alone', () => {
    const tx = sgd({ learningRate: 0.1 });
    const w = variable(tensor1d([2, -3, 0]), true, `g_${Math.random()}`);
    const frozen = tensor1d([7]);
    let state = tx.init({ w, frozen });
    for (let i = 0; i < 50; i++) {
      tidy(() => {
        const { grads } = variableGrads(() => sum(mul(sub(w, tensor1d(target)), sub(w, tensor1d(target)))) as never, [w]);
        const g = { w: grads[w.name] as Tensor };
        state = applyGradients(tx, state, { w, frozen }, g).state;
        expect(g.w.isDisposed).toBe(false);
      });
    }
    vals(w).forEach((v, i) => {
      expect(v).toBeCloseTo(target[i] as number, 3);
    });
    expect(vals(frozen)).toEqual([7]);
    w.dispose();
    frozen.dispose();
  });

  it('with valueAndGrad: the functional step over named parameters converges and leaks nothing', () => {
    const tx = chain(clipByGlobalNorm(10), adam({ learningRate: 0.1 }));
    const params = {
      'dense/kernel': variable(tensor1d([0, 0, 0]), true, `k_${Math.random()}`),
      'dense/bias': variable(tensor1d([0]), true, `b_${Math.random()}`),
    };
    const loss = (p: typeof params) =>
      add(mean(square(sub(p['dense/kernel'], tensor1d(target)))), sum(square(sub(p['dense/bias'], 1)))) as Scalar;
    let state = tx.init(params);
    const before = tensorCount();
    let last = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 200; i++) {
      const value = tidy(() => {
        const { value, grads } = valueAndGrad(loss)(params);
        state = applyGradients(tx, state, params, grads).state;
        return value;
      });
      last = value.dataSync()[0] as number;
      value.dispose();
      expect(tensorCount()).toBe(before);
    }
    expect(last).toBeLessThan(1e-3);
    vals(params['dense/kernel']).forEach((v, i) => {
      expect(v).toBeCloseTo(target[i] as number, 1);
    });
    for (const v of Object.values(params)) v.dispose();
    disposeStale(state, []);
  });

  it('an update for an unknown parameter is a ValueError; nothing leaks', () => {
    const tx = sgd();
    const w = variable(tensor1d([1]), true, `e_${Math.random()}`) as Variable;
    const state = tx.init({ w });
    const g = { w: tensor1d([1]), other: tensor1d([1]) };
    const before = tensorCount();
    expect(() => applyGradients(tx, state, { w }, g)).toThrow('a parameter named "other"');
    expect(tensorCount()).toBe(before);
    w.dispose();
  });
});
