import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { DQN } from './dqn.js';
import { evaluatePolicy } from './evaluate-policy.js';
import { Corridor } from './off-policy-test-envs.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const corridorDqn = (seed: number, extra: Partial<ConstructorParameters<typeof DQN>[1]> = {}) =>
  new DQN((() => new Corridor(5, 20)) as never, {
    learningRate: 5e-3,
    bufferSize: 5000,
    learningStarts: 200,
    batchSize: 32,
    trainFreq: 4,
    gradientSteps: 2,
    targetUpdateInterval: 50,
    explorationFraction: 0.5,
    explorationFinalEps: 0.05,
    gamma: 0.9,
    policy: { netArch: [32] },
    seed,
    ...extra,
  });

const weightsOf = (dqn: DQN) => Object.values(dqn.policy.parameters()).map((v) => Array.from(v.dataSync()));

describe('DQN', () => {
  it('learns a user-defined corridor (seeded smoke test)', async () => {
    const dqn = corridorDqn(0);
    await dqn.learn({ totalTimesteps: 2000 });
    const { meanReturn, lengths } = evaluatePolicy(dqn, new Corridor(5, 20) as never, { nEpisodes: 5 });
    expect(meanReturn).toBe(1);
    expect(lengths).toEqual([4, 4, 4, 4, 4]);
    // the Q-values approach the discounted returns: Q(start, right) → γ³ = 0.729
    const q = dqn.policy.qValues(Float32Array.of(1, 0, 0, 0, 0));
    expect(q[1] as number).toBeGreaterThan(q[0] as number);
    expect(Math.abs((q[1] as number) - 0.729)).toBeLessThan(0.15);
    dqn.dispose();
  }, 300_000);

  it('is deterministic for a seed (Double DQN and prioritized replay too)', async () => {
    for (const extra of [{}, { doubleQ: true, prioritizedReplay: { alpha: 0.6, beta: 0.4 } }]) {
      const a = corridorDqn(3, extra);
      const b = corridorDqn(3, extra);
      await a.learn({ totalTimesteps: 400 });
      await b.learn({ totalTimesteps: 400 });
      expect(weightsOf(a)).toEqual(weightsOf(b));
      const c = corridorDqn(4, extra);
      await c.learn({ totalTimesteps: 400 });
      expect(weightsOf(c)).not.toEqual(weightsOf(a));
      for (const d of [a, b, c]) d.dispose();
    }
  }, 300_000);

  it('leaks no tensor over thousands of steps', async () => {
    // 3,000 environment steps, one update every 16 (about 190 updates)
    const dqn = corridorDqn(1, { doubleQ: true, trainFreq: 16, gradientSteps: 1 });
    await dqn.learn({ totalTimesteps: 400 });
    const before = tensorCount();
    await dqn.learn({ totalTimesteps: 3000, resetNumTimesteps: false });
    expect(dqn.numTimesteps).toBe(3400);
    expect(tensorCount()).toBe(before);
    dqn.dispose();
  }, 300_000);

  it('updates the target network every targetUpdateInterval steps and decays epsilon', async () => {
    const dqn = corridorDqn(2, { targetUpdateInterval: 1000, learningStarts: 10, explorationFraction: 0.5 });
    const t0 = Object.values(dqn.target.parameters()).map((v) => Array.from(v.dataSync()));
    expect(t0).toEqual(weightsOf(dqn));
    await dqn.learn({ totalTimesteps: 400 });
    // trained, but the target has not been synced yet (1000 > 400 steps)
    expect(weightsOf(dqn)).not.toEqual(t0);
    expect(Object.values(dqn.target.parameters()).map((v) => Array.from(v.dataSync()))).toEqual(t0);
    // ε after 400 of 400 steps with fraction 0.5: final
    expect(dqn.explorationRate).toBe(0.05);
    dqn.dispose();
  }, 300_000);

  it('saves and loads: the same greedy actions', async () => {
    const dqn = corridorDqn(5);
    await dqn.learn({ totalTimesteps: 300 });
    const loaded = DQN.fromFiles(dqn.toFiles(), (() => new Corridor(5, 20)) as never);
    expect(loaded.doubleQ).toBe(false);
    expect(loaded.numTimesteps).toBe(300);
    for (let p = 0; p < 5; p++) {
      const obs = new Float32Array(5);
      obs[p] = 1;
      expect(loaded.predict(obs, { deterministic: true })).toBe(dqn.predict(obs, { deterministic: true }));
      expect(Array.from(loaded.policy.qValues(obs))).toEqual(Array.from(dqn.policy.qValues(obs)));
    }
    expect(() => new DQN('Pendulum-v1')).toThrow(/Discrete/);
    dqn.dispose();
    loaded.dispose();
  }, 300_000);
});
