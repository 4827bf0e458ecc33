import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { RolloutBuffer } from './rollout-buffer.js';

beforeAll(async () => {
  await useBackend(cpu());
});

describe('RolloutBuffer GAE', () => {
  it('matches hand-computed advantages and returns (episode boundary inside, bootstrap at the end)', () => {
    // env 0: rewards 1, 2, 3; values 0.5, 1, 1.5; a new episode starts at step 2; V(last) = 2, not done
    // env 1: rewards 0, 0, 1; values 0; the last step ended the episode (no bootstrap from V = 5)
    const b = new RolloutBuffer({ nSteps: 3, nEnvs: 2, observationSize: 1, actionDim: 0, gamma: 0.5, gaeLambda: 0.5 });
    b.add([0, 0], [0, 1], [1, 0], [true, true], [0.5, 0], [0, 0]);
    b.add([0, 0], [1, 0], [2, 0], [false, false], [1, 0], [0, 0]);
    b.add([0, 0], [0, 0], [3, 1], [true, false], [1.5, 0], [0, 0]);
    b.computeReturnsAndAdvantage([2, 5], [false, true]);
    // env 0, by hand: t2 δ = 3 + 0.5·2 − 1.5 = 2.5, A = 2.5; t1 next is a new episode: δ = 2 − 1 = 1, A = 1;
    // t0 δ = 1 + 0.5·1 − 0.5 = 1, A = 1 + 0.25·1 = 1.25
    // env 1: t2 δ = 1, A = 1; t1 δ = 0, A = 0.25; t0 A = 0.0625
    const adv = [0, 1, 2].map((t) => [b.advantages[t * 2], b.advantages[t * 2 + 1]]);
    const ret = [0, 1, 2].map((t) => [b.returns[t * 2], b.returns[t * 2 + 1]]);
    expect(adv[0]?.[0]).toBeCloseTo(1.25, 12);
    expect(adv[1]?.[0]).toBeCloseTo(1, 12);
    expect(adv[2]?.[0]).toBeCloseTo(2.5, 12);
    expect(adv.map((r) => r[1])).toEqual([0.0625, 0.25, 1]);
    expect(ret.map((r) => r[0])).toEqual([1.75, 2, 4]);
    expect(ret.map((r) => r[1])).toEqual([0.0625, 0.25, 1]);
  });

  it('λ = 1 gives discounted n-step returns bootstrapped from the last value (A2C)', () => {
    const b = new RolloutBuffer({ nSteps: 3, nEnvs: 1, observationSize: 1, actionDim: 0, gamma: 0.9, gaeLambda: 1 });
    for (const r of [1, 1, 1]) b.add([0], [0], [r], [false], [0], [0]);
    b.computeReturnsAndAdvantage([10], [false]);
    expect(b.returns[0]).toBeCloseTo(1 + 0.9 + 0.81 + 0.729 * 10, 12);
    expect(b.returns[2]).toBeCloseTo(1 + 0.9 * 10, 12);
  });

  it('makes tensors of the rollout, Box actions as [size, dim]', () => {
    const b = new RolloutBuffer({ nSteps: 2, nEnvs: 2, observationSize: 3, actionDim: 2, gamma: 0.99, gaeLambda: 0.95 });
    b.add(new Float32Array(6).fill(1), [0.5, -0.5, 1, 2], [1, 1], [1, 1], [0, 0], [-1, -2]);
    b.add(new Float32Array(6).fill(2), [0, 0, 0, 0], [1, 1], [0, 0], [0, 0], [-1, -2]);
    b.computeReturnsAndAdvantage([0, 0], [0, 0]);
    const before = tensorCount();
    const t = b.tensors();
    expect(t.observations.shape).toEqual([4, 3]);
    expect(t.actions.shape).toEqual([4, 2]);
    expect(Array.from(t.actions.dataSync()).slice(0, 4)).toEqual([0.5, -0.5, 1, 2]);
    expect(Array.from(t.logProbs.dataSync())).toEqual([-1, -2, -1, -2]);
    for (const x of Object.values(t)) x.dispose();
    expect(tensorCount()).toBe(before);
  });

  it('rejects bad input naming the argument', () => {
    expect(() => new RolloutBuffer({ nSteps: 0, nEnvs: 1, observationSize: 1, actionDim: 0, gamma: 1, gaeLambda: 1 })).toThrow(/nSteps/);
    const b = new RolloutBuffer({ nSteps: 1, nEnvs: 1, observationSize: 2, actionDim: 0, gamma: 1, gaeLambda: 1 });
    expect(() => b.add([0], [0], [0], [0], [0], [0])).toThrow(/observations/);
    expect(() => b.computeReturnsAndAdvantage([0], [0])).toThrow(/full buffer/);
  });
});
