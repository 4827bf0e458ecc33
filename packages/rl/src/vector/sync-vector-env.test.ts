import { describe, expect, it } from 'vitest';
import type { Env, StepResult } from '../env.js';
import { make } from '../envs/registry.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { EpisodeStatistics } from '../wrappers/episode-statistics.js';
import { NormalizeObservation, NormalizeReward } from '../wrappers/normalize.js';
import { SyncVectorEnv } from './sync-vector-env.js';

/** A user-defined environment (any object with the API): a counter that ends after `len` steps; obs = [t]. */
function counter(len: number): Env<Float32Array, number> {
  let t = 0;
  return {
    observationSpace: new Box(0, 100, [1]),
    actionSpace: new Discrete(2),
    reset: () => {
      t = 0;
      return { observation: Float32Array.of(0), info: { start: true } };
    },
    step: (a: number): StepResult<Float32Array> => {
      t += 1;
      return { observation: Float32Array.of(t), reward: a, terminated: t >= len, truncated: false, info: {} };
    },
  };
}

describe('SyncVectorEnv', () => {
  it("'nextStep' autoreset (Gymnasium 1.x): the ending step keeps the last observation, the next step resets", () => {
    const envs = new SyncVectorEnv((i) => counter(2 + i), 2);
    expect(Array.from(envs.reset({ seed: 0 }).observations)).toEqual([0, 0]);
    let r = envs.step([1, 1]);
    expect(Array.from(r.observations)).toEqual([1, 1]);
    r = envs.step([1, 1]);
    expect(Array.from(r.observations)).toEqual([2, 2]);
    expect(r.terminated).toEqual([true, false]);
    r = envs.step([1, 1]);
    expect(Array.from(r.observations)).toEqual([0, 3]); // env 0 reset (reward 0), env 1 ended
    expect(Array.from(r.rewards)).toEqual([0, 1]);
    expect(r.terminated).toEqual([false, true]);
    expect(r.infos[0]).toEqual({ start: true });
  });

  it("'sameStep' autoreset (SB3): the ending step returns the new first observation and the final one in info", () => {
    const envs = new SyncVectorEnv(() => counter(2), 2, 'sameStep');
    envs.reset();
    envs.step([0, 1]);
    const r = envs.step([0, 1]);
    expect(Array.from(r.observations)).toEqual([0, 0]);
    expect(r.terminated).toEqual([true, true]);
    expect(Array.from(r.infos[0]?.finalObservation as Float32Array)).toEqual([2]);
  });

  it('seeds sub-environment i with seed + i, so runs repeat; checks its inputs', () => {
    const a = new SyncVectorEnv(() => make('CartPole-v1'), 3);
    const b = new SyncVectorEnv(() => make('CartPole-v1'), 3);
    expect(Array.from(a.reset({ seed: 5 }).observations)).toEqual(Array.from(b.reset({ seed: 5 }).observations));
    const single = make('CartPole-v1');
    expect(Array.from(a.reset({ seed: 5 }).observations.subarray(4, 8))).toEqual(Array.from(single.reset({ seed: 6 }).observation));
    expect(() => a.step([1])).toThrow(/SyncVectorEnv.step actions.*3 actions/s);
    expect(() => new SyncVectorEnv(() => make('CartPole-v1'), 1, 'never' as never)).toThrow(/autoreset/);
  });
});

describe('wrappers', () => {
  it('EpisodeStatistics reports return and length on the last step', () => {
    const env = new EpisodeStatistics(counter(3));
    env.reset();
    env.step(1);
    env.step(0);
    const r = env.step(1);
    expect(r.info.episode).toMatchObject({ r: 2, l: 3 });
    expect(env.returns).toEqual([2]);
  });

  it('time limits truncate at the registered length', () => {
    const env = make('Pendulum-v1');
    env.reset({ seed: 1 });
    let steps = 0;
    let last = env.step(Float32Array.of(0));
    steps++;
    while (!last.truncated) {
      last = env.step(Float32Array.of(0));
      steps++;
    }
    expect(steps).toBe(200);
    expect(last.terminated).toBe(false);
    expect(() => make('Nope-v0')).toThrow(/make id.*CartPole-v1/s);
  });

  it('NormalizeObservation drives observations to mean 0, variance 1; NormalizeReward scales rewards', () => {
    const env = new NormalizeObservation(make('Pendulum-v1'));
    env.reset({ seed: 2 });
    const seen: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const r = env.step(Float32Array.of(Math.sin(i / 7) * 2));
      seen.push(r.observation[2] as number);
      if (r.truncated) env.reset();
    }
    const tail = seen.slice(1000);
    const m = tail.reduce((a, b) => a + b, 0) / tail.length;
    const v = tail.reduce((a, b) => a + (b - m) ** 2, 0) / tail.length;
    expect(Math.abs(m)).toBeLessThan(0.3);
    expect(v).toBeGreaterThan(0.5);
    expect(v).toBeLessThan(1.5);
    const nr = new NormalizeReward(counter(1000), 0.9);
    nr.reset();
    let last = 0;
    for (let i = 0; i < 500; i++) last = nr.step(1).reward;
    // constant reward 1: the discounted return settles at 1/(1-0.9) = 10 with a shrinking variance, so scaled rewards grow
    expect(last).toBeGreaterThan(1);
  });
});
