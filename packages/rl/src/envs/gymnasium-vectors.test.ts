import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TimeLimit } from '../wrappers/time-limit.js';
import type { ClassicEnv } from './classic.js';
import { make } from './registry.js';

interface Recorded {
  state: { values: number[]; dtype: string };
  observation: number[];
}
interface Step extends Recorded {
  action: number | number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
}
interface Trajectory {
  id: string;
  seed: number;
  reset: Recorded;
  steps: Step[];
}
const vectors = JSON.parse(readFileSync(resolve(__dirname, '../../vectors/classic-control.json'), 'utf8')) as {
  gymnasium: string;
  specs: Record<
    string,
    {
      maxEpisodeSteps: number;
      rewardThreshold: number | null;
      observationLow: Array<number | string>;
      observationHigh: Array<number | string>;
    }
  >;
  trajectories: Trajectory[];
  beyondTermination: { rewards: number[] };
};

const close = (got: ArrayLike<number>, want: number[], tol: number, what: string) => {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs((got[i] as number) - (want[i] as number)), `${what}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(tol);
};
const toAction = (a: number | number[]) => (typeof a === 'number' ? a : Float32Array.from(a));

describe(`classic control against Gymnasium ${vectors.gymnasium}`, () => {
  it('the vectors were made by Gymnasium 1.3.0', () => {
    expect(vectors.gymnasium).toBe('1.3.0');
  });

  it.each(Object.keys(vectors.specs).map((id) => [id]))('%s: spaces, time limit and reward threshold', (id) => {
    const want = vectors.specs[id] as (typeof vectors.specs)[string];
    const env = make(id);
    expect(env.spec?.maxEpisodeSteps).toBe(want.maxEpisodeSteps);
    expect(env.spec?.rewardThreshold ?? null).toBe(want.rewardThreshold);
    const space = env.observationSpace as unknown as { low: Float32Array; high: Float32Array };
    const num = (v: number | string) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
    expect(Array.from(space.low)).toEqual(want.observationLow.map(num));
    expect(Array.from(space.high)).toEqual(want.observationHigh.map(num));
  });

  const byEnv = new Map<string, Trajectory[]>();
  for (const t of vectors.trajectories) byEnv.set(t.id, [...(byEnv.get(t.id) ?? []), t]);

  describe.each([...byEnv.keys()].map((id) => [id]))('%s', (id) => {
    it('every step from the recorded state: the next state within 1e-9, the same observation, reward and flags', () => {
      let steps = 0;
      for (const t of byEnv.get(id) as Trajectory[]) {
        const env = make(id) as TimeLimit<Float32Array, number | Float32Array>;
        const inner = env.unwrapped as unknown as ClassicEnv;
        env.reset({ seed: 0 });
        let before: Recorded = t.reset;
        for (const [k, s] of t.steps.entries()) {
          inner.setState(before.state.values, { float32: before.state.dtype === 'float32' });
          const r =
            inner instanceof Object
              ? (env.unwrapped as { step(a: unknown): { observation: Float32Array; reward: number; terminated: boolean } }).step(
                  toAction(s.action),
                )
              : null;
          if (!r) throw new Error('unreachable');
          const where = `${id} seed ${t.seed} step ${k}`;
          close(inner.state, s.state.values, 1e-9, `${where} state`);
          close(r.observation, s.observation, 1e-6, `${where} observation`);
          expect(Math.abs(r.reward - s.reward), `${where} reward ${r.reward} vs ${s.reward}`).toBeLessThanOrEqual(1e-9);
          expect(r.terminated, `${where} terminated`).toBe(s.terminated);
          before = s;
          steps++;
        }
      }
      expect(steps).toBeGreaterThan(50); // CartPole: 73 steps over 4 episodes; the others 360 to 1,400
    });

    it('whole episodes through make(): terminated/truncated where Gymnasium ended them', () => {
      for (const t of byEnv.get(id) as Trajectory[]) {
        const env = make(id) as TimeLimit<Float32Array, number | Float32Array>;
        env.reset({ seed: 0 });
        (env.unwrapped as unknown as ClassicEnv).setState(t.reset.state.values, { float32: t.reset.state.dtype === 'float32' });
        let last: { terminated: boolean; truncated: boolean } = { terminated: false, truncated: false };
        for (const s of t.steps) last = env.step(toAction(s.action) as never);
        const end = t.steps.at(-1) as Step;
        if (end.terminated || end.truncated) {
          // chaotic systems (Acrobot) may drift in the last bits over a long replay; the flags must still agree
          expect(last.terminated || last.truncated).toBe(true);
          expect(last.truncated).toBe(end.truncated);
        }
      }
    });
  });

  it('CartPole stepped after termination: reward 1 on the terminating step, 0 afterwards', () => {
    const env = make('CartPole-v1');
    env.reset({ seed: 3 });
    const rewards: number[] = [];
    let terminated = false;
    while (!terminated) {
      const r = env.step(1);
      rewards.push(r.reward);
      terminated = r.terminated;
    }
    for (let i = 0; i < 3; i++) rewards.push(env.step(1).reward);
    expect(rewards.slice(-5)).toEqual(vectors.beyondTermination.rewards.slice(-5));
  });
});
