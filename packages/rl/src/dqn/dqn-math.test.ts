import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import type { Scalar, Tensor } from '@tessera/tensor';
import { tensor1d, tensor2d, tensorCount, valueAndGrad } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyParams, disposeTarget, polyakUpdate } from '../common/target-network.js';
import { linearExploration } from './exploration.js';
import { huberElements, qLoss } from './q-loss.js';
import { dqnTargets } from './targets.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const close = (got: ArrayLike<number>, want: number[], digits = 5) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    expect(got[i] as number).toBeCloseTo(w, digits);
  });
};

describe('dqnTargets', () => {
  const inputs = () => {
    const rewards = tensor1d([1, 0.5, -1]);
    const dones = tensor1d([0, 1, 0]);
    const nextQTarget = tensor2d([
      [1, 2],
      [3, 4],
      [5, -1],
    ]);
    const nextQOnline = tensor2d([
      [3, 0],
      [0, 1],
      [0, 2],
    ]);
    return { rewards, dones, nextQTarget, nextQOnline };
  };

  it('bootstraps from the target max, not past a termination', () => {
    // max Q_target(s') = [2, 4, 5]; y = r + 0.9 (1 - done) max
    const { rewards, dones, nextQTarget } = inputs();
    close(dqnTargets({ rewards, dones, nextQTarget, gamma: 0.9 }).dataSync(), [2.8, 0.5, 3.5]);
  });

  it('Double DQN evaluates the online argmax with the target network', () => {
    // argmax Q_online(s') = [0, 1, 1] → Q_target = [1, 4, -1]
    const { rewards, dones, nextQTarget, nextQOnline } = inputs();
    close(dqnTargets({ rewards, dones, nextQTarget, nextQOnline, gamma: 0.9 }).dataSync(), [1.9, 0.5, -1.9]);
  });
});

describe('qLoss', () => {
  const q = () =>
    tensor2d([
      [1, 2],
      [0, 0],
      [2, 5],
    ]);
  const actions = () => tensor1d([1, 0, 1], 'int32');
  const y = () => tensor1d([2.8, 0.5, 3.5]);

  it('is the Huber loss (delta 1) of the taken actions’ errors', () => {
    // errors [-0.8, -0.5, 1.5] → [0.32, 0.125, 1.0]
    close(huberElements(tensor1d([-0.8, -0.5, 1.5])).dataSync(), [0.32, 0.125, 1]);
    expect(qLoss(q(), actions(), y()).dataSync()[0]).toBeCloseTo(1.445 / 3, 6);
    expect(qLoss(q(), actions(), y(), { weights: tensor1d([1, 2, 0.5]) }).dataSync()[0]).toBeCloseTo(1.07 / 3, 6);
    expect(qLoss(q(), actions(), y(), { delta: Number.POSITIVE_INFINITY }).dataSync()[0]).toBeCloseTo((0.32 + 0.125 + 1.125) / 3, 6);
  });

  it('sends gradient only to the taken actions, clipped at delta', () => {
    const a = actions();
    const target = y();
    const { grads } = valueAndGrad((p: { q: Tensor }) => qLoss(p.q, a, target) as Scalar)({ q: q() });
    close(grads.q.dataSync(), [0, -0.8 / 3, -0.5 / 3, 0, 0, 1 / 3]);
  });
});

describe('target networks', () => {
  it('polyak-averages in place; tau 1 copies', () => {
    const online = { w: tensor1d([3, 4]) };
    const target = copyParams({ w: tensor1d([1, 2]) });
    const before = tensorCount();
    polyakUpdate(target, online, 0.25);
    close((target.w as { dataSync(): Float32Array }).dataSync(), [1.5, 2.5]);
    polyakUpdate(target, online, 1);
    close((target.w as { dataSync(): Float32Array }).dataSync(), [3, 4]);
    expect(tensorCount()).toBe(before);
    expect(() => polyakUpdate(target, { w: tensor1d([1]) }, 0.5)).toThrow(/shape \[2\]/);
    disposeTarget(target);
  });
});

describe('linearExploration', () => {
  it('decays epsilon linearly over the exploration fraction, then holds it', () => {
    const eps = linearExploration({ initial: 1, final: 0.04, fraction: 0.16, totalTimesteps: 50_000 });
    expect(eps(0)).toBe(1);
    expect(eps(4000)).toBeCloseTo(0.52, 12);
    expect(eps(8000)).toBeCloseTo(0.04, 12);
    expect(eps(49_999)).toBe(0.04);
    expect(() => linearExploration({ fraction: 0, totalTimesteps: 10 })).toThrow(/fraction/);
  });
});
