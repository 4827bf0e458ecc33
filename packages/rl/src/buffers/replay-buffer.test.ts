import { describe, expect, it } from 'vitest';
import { PrioritizedReplayBuffer } from './prioritized-replay-buffer.js';
import { ReplayBuffer } from './replay-buffer.js';
import { SumTree } from './sum-tree.js';

const one = (k: number, opts: { terminated?: boolean; truncated?: boolean } = {}) => ({
  observations: [k, -k],
  actions: [k % 2],
  rewards: [k * 10],
  nextObservations: [k + 1, -(k + 1)],
  terminated: [opts.terminated ?? false],
  truncated: [opts.truncated ?? false],
});

describe('ReplayBuffer', () => {
  it('is circular: the oldest row is overwritten once full', () => {
    const b = new ReplayBuffer({ capacity: 3, observationSize: 2, actionSize: 1 });
    for (let k = 0; k < 5; k++) b.add(one(k));
    expect(b.size()).toBe(3);
    expect(b.isFull()).toBe(true);
    // slots now hold k = 3, 4, 2
    const s = b.gather(Int32Array.of(0, 1, 2), new Float32Array(3).fill(1));
    expect(Array.from(s.observations)).toEqual([3, -3, 4, -4, 2, -2]);
    expect(Array.from(s.nextObservations)).toEqual([4, -4, 5, -5, 3, -3]);
    expect(Array.from(s.rewards)).toEqual([30, 40, 20]);
    expect(Array.from(s.actions)).toEqual([1, 0, 0]);
  });

  it('marks only terminations as done: a time-limit truncation still bootstraps', () => {
    const b = new ReplayBuffer({ capacity: 3, observationSize: 2, actionSize: 1 });
    b.add(one(0));
    b.add(one(1, { truncated: true }));
    b.add(one(2, { terminated: true }));
    const s = b.gather(Int32Array.of(0, 1, 2), new Float32Array(3).fill(1));
    expect(Array.from(s.dones)).toEqual([0, 0, 1]);
  });

  it('keeps one transition per sub-environment per row and samples (row, env) pairs', () => {
    const b = new ReplayBuffer({ capacity: 6, observationSize: 1, actionSize: 2, numEnvs: 2, seed: 3 });
    expect(b.rows).toBe(3);
    b.add({ observations: [1, 2], actions: [1, 1, 2, 2], rewards: [0.5, -0.5], nextObservations: [3, 4], terminated: [false, true] });
    expect(b.size()).toBe(2);
    const s = b.gather(Int32Array.of(1, 0), Float32Array.of(1, 1));
    expect(Array.from(s.observations)).toEqual([2, 1]);
    expect(Array.from(s.actions)).toEqual([2, 2, 1, 1]);
    expect(Array.from(s.dones)).toEqual([1, 0]);
    const seen = new Set(Array.from(b.sample(200).indices));
    expect([...seen].sort()).toEqual([0, 1]);
    expect(() => b.add({ observations: [1], actions: [1, 1], rewards: [0], nextObservations: [1], terminated: [false] })).toThrow(
      /observations.*2 values/,
    );
  });

  it('samples uniformly and deterministically for a seed', () => {
    const make = (seed: number) => {
      const b = new ReplayBuffer({ capacity: 8, observationSize: 2, actionSize: 1, seed });
      for (let k = 0; k < 4; k++) b.add(one(k));
      return b;
    };
    const a = make(7).sample(64).indices;
    expect(Array.from(make(7).sample(64).indices)).toEqual(Array.from(a));
    expect(Array.from(make(8).sample(64).indices)).not.toEqual(Array.from(a));
    const counts = [0, 0, 0, 0];
    for (const i of make(1).sample(40_000).indices) counts[i] = (counts[i] as number) + 1;
    // never a slot beyond those written; each of 4 slots ~ 1/4 (binomial sd 0.0022)
    for (const c of counts) expect(Math.abs(c / 40_000 - 0.25)).toBeLessThan(0.01);
  });
});

describe('SumTree', () => {
  it('sums, finds prefix-sum crossings and tracks the minimum', () => {
    const t = new SumTree(5);
    [1, 3, 0, 2, 4].forEach((p, i) => {
      t.set(i, p);
    });
    expect(t.total()).toBe(10);
    expect(t.min()).toBe(0);
    // prefix sums 1, 4, 4, 6, 10
    expect([0, 0.99, 1, 3.99, 4, 5.99, 6, 9.99].map((v) => t.find(v))).toEqual([0, 0, 1, 1, 3, 3, 4, 4]);
    t.set(2, 5);
    expect(t.total()).toBe(15);
    expect(t.find(4.5)).toBe(2);
  });
});

describe('PrioritizedReplayBuffer', () => {
  it('samples in proportion to priority^alpha with normalized importance weights', () => {
    const b = new PrioritizedReplayBuffer({ capacity: 4, observationSize: 2, actionSize: 1, alpha: 1, epsilon: 1e-9, seed: 0 });
    b.add(one(0));
    b.add(one(1));
    b.updatePriorities([0, 1], [1, -3]);
    expect(b.probability(0)).toBeCloseTo(0.25, 8);
    expect(b.probability(1)).toBeCloseTo(0.75, 8);
    const s = b.sample(4000, { beta: 1 });
    const frac1 = s.indices.reduce((n, i) => n + (i === 1 ? 1 : 0), 0) / 4000;
    // stratified: exactly 3/4 of the segments fall in slot 1's range
    expect(Math.abs(frac1 - 0.75)).toBeLessThan(0.002);
    // w_i = (N P_i)^-beta / max w: (2·0.25)^-1 = 2, (2·0.75)^-1 = 2/3 → 1 and 1/3
    const w0 = s.weights[s.indices.indexOf(0)] as number;
    const w1 = s.weights[s.indices.indexOf(1)] as number;
    expect(w0).toBeCloseTo(1, 6);
    expect(w1).toBeCloseTo(1 / 3, 6);
  });

  it('gives new transitions the largest priority seen', () => {
    const b = new PrioritizedReplayBuffer({ capacity: 4, observationSize: 2, actionSize: 1, alpha: 0.5, seed: 0 });
    b.add(one(0));
    b.updatePriorities([0], [8.999999]);
    b.add(one(1));
    expect(b.probability(1)).toBeCloseTo(0.5, 6);
  });
});
