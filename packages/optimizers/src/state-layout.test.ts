import { cpu } from '@tessera/backend-cpu';
import type { GradientTransform, NamedTensors, StateTree } from '@tessera/core';
import { flattenState, stateTensors, unflattenState, useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { tensor1d, tidy } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccumulateState, AdamState, ChainState, LearningRateState } from './index.js';
import {
  accumulate,
  adam,
  adamw,
  chain,
  clipByGlobalNorm,
  disposeStale,
  getLearningRate,
  lion,
  named,
  namedChain,
  scaleByAdam,
  scaleByLearningRate,
  sgd,
} from './index.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const vals = (t: Tensor | undefined) => Array.from((t as Tensor).dataSync());
const p = (): NamedTensors => ({ w: tensor1d([1, -2]) });
const g = (): NamedTensors => ({ w: tensor1d([0.5, 0.25]) });

/** The state an earlier version wrote for `chain(...)`: the children's states in an array. */
function positional(state: StateTree): StateTree {
  if (Array.isArray(state) || state === null || typeof state !== 'object' || 'dataId' in state) return state;
  const keys = Object.keys(state);
  if (keys.length > 0 && keys.every((k) => /^\d+:/.test(k))) return keys.map((k) => positional((state as ChainState)[k] as StateTree));
  const out: ChainState = {};
  for (const [k, v] of Object.entries(state)) out[k] = positional(v);
  return out;
}

describe('named, typed optimizer state', () => {
  it('chain keys child states by position and name', () => {
    const tx = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(0.1));
    const s = tx.init(p());
    expect(Object.keys(s)).toEqual(['0:clipByGlobalNorm', '1:scaleByAdam', '2:scaleByLearningRate']);
    const adamState = s['1:scaleByAdam'] as AdamState;
    expect(adamState.count).toBe(0);
    expect(vals(adamState.mu.w)).toEqual([0, 0]);
    expect(s['2:scaleByLearningRate']).toEqual({ count: 0, scale: 1, value: 0.1 });
    disposeStale(s, []);
  });

  it('named optimizers carry their name, and a chain of them nests', () => {
    expect([sgd(), adam(), adamw(), lion()].map((t) => t.name)).toEqual(['sgd', 'adam', 'adamw', 'lion']);
    const s = chain(clipByGlobalNorm(1), adam()).init(p());
    expect(Object.keys(s)).toEqual(['0:clipByGlobalNorm', '1:adam']);
    expect(Object.keys(s['1:adam'] as ChainState)).toEqual(['0:scaleByAdam', '1:scaleByLearningRate']);
    expect(Object.keys(lion().init(p()))).toEqual(['0:scaleByLion', '1:scaleByLearningRate']);
    const anon: GradientTransform = { init: () => ({}), update: (u, st) => [u, st] };
    expect(Object.keys(chain(anon, named('mine', anon)).init(p()))).toEqual(['0:transform', '1:mine']);
    disposeStale(s, []);
  });

  it('a missing key is a ValueError naming the expected keys', () => {
    const tx = adam();
    expect(() => tx.update(g(), { '0:scaleByAdam': {} }, p())).toThrow('"1:scaleByLearningRate"');
    expect(() => tx.update(g(), [1, 2, 3] as never, p())).toThrow('2 child states');
    expect(() => namedChain([['a', sgd()]]).update(g(), [{}] as never, p())).toThrow('an object keyed a');
  });

  it.each<[string, () => GradientTransform]>([
    ['sgd', () => sgd({ learningRate: 0.1, momentum: 0.9 })],
    ['adam', () => adam({ learningRate: 0.1 })],
    ['chain(clip, adamw)', () => chain(clipByGlobalNorm(1), adamw({ learningRate: 0.1 }))],
    ['accumulate(1, adam)', () => accumulate(1, adam({ learningRate: 0.1 }))],
    ['namedChain with sgd', () => namedChain([['opt', sgd({ learningRate: 0.1 })]])],
  ])('%s: an old positional state (checkpoint) gives the same next update, and migrates once', (_n, make) => {
    const tx = make();
    const params = p();
    let state = tx.init(params);
    for (let i = 0; i < 2; i++) {
      const [, next] = tidy(() => tx.update(g(), state, params) as never) as [NamedTensors, StateTree];
      disposeStale(state, next);
      state = next;
    }
    const old = positional(state);
    expect(old).not.toEqual(state);
    // the old layout through the checkpoint format (safetensors names + JSON skeleton)
    const { tensors, skeleton } = flattenState(old);
    const restored = unflattenState(JSON.parse(JSON.stringify(skeleton)), tensors);
    const [uNew, sNew] = tx.update(g(), state, params);
    const [uOld, sOld] = tx.update(g(), restored, params);
    expect(vals(uOld.w)).toEqual(vals(uNew.w));
    expect(flattenState(sOld).skeleton).toEqual(flattenState(sNew).skeleton);
    // migrateState converts to the current layout, sharing the tensors, and is idempotent
    const migrated = tx.migrateState?.(restored) as StateTree;
    expect(flattenState(migrated).skeleton).toEqual(flattenState(state).skeleton);
    expect(new Set(stateTensors(migrated))).toEqual(new Set(stateTensors(restored)));
    expect(tx.migrateState?.(migrated)).toBe(migrated);
    expect(getLearningRate(tx, restored)).toBeCloseTo(0.1, 12);
    for (const t of [...stateTensors(state), ...stateTensors(sNew), ...stateTensors(sOld)]) if (!t.isDisposed) t.dispose();
  });

  it('accumulate keeps its inner state typed and delegates migration', () => {
    const tx = accumulate(2, sgd({ learningRate: 0.5 }));
    const s: AccumulateState = tx.init(p());
    expect(Object.keys(s.inner as ChainState)).toEqual(['0:scaleByLearningRate']);
    const old = { ...s, inner: [(s.inner as ChainState)['0:scaleByLearningRate'] as LearningRateState] };
    expect(tx.migrateState?.(old)).toEqual(s);
    disposeStale(s, []);
  });
});
