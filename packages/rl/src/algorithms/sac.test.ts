import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePolicy } from './evaluate-policy.js';
import { Bandit } from './off-policy-test-envs.js';
import { SAC } from './sac.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const banditSac = (seed: number, extra: Partial<ConstructorParameters<typeof SAC>[1]> = {}) =>
  new SAC((() => new Bandit(1)) as never, {
    learningRate: 3e-3,
    bufferSize: 5000,
    learningStarts: 100,
    batchSize: 64,
    policy: { netArch: { pi: [32, 32], qf: [32, 32] } },
    seed,
    ...extra,
  });

const weightsOf = (sac: SAC) => Object.values(sac.policy.parameters()).map((v) => Array.from(v.dataSync()));

describe('SAC', () => {
  it('learns a continuous bandit within the Box bounds (seeded smoke test)', async () => {
    const sac = banditSac(0);
    await sac.learn({ totalTimesteps: 800 });
    // reward −(a − 1)², a in [−2, 2]: the deterministic action approaches 1
    const a = sac.predict(Float32Array.of(1, -1), { deterministic: true });
    expect(Math.abs((a[0] as number) - 1)).toBeLessThan(0.2);
    const { meanReturn } = evaluatePolicy(sac, new Bandit(1) as never, { nEpisodes: 3 });
    expect(meanReturn).toBeGreaterThan(-0.04);
    // automatic entropy tuning moved α from 1
    expect(sac.alpha).toBeLessThan(0.9);
    sac.dispose();
  }, 300_000);

  it('is deterministic for a seed', async () => {
    const a = banditSac(3);
    const b = banditSac(3);
    await a.learn({ totalTimesteps: 160 });
    await b.learn({ totalTimesteps: 160 });
    expect(weightsOf(a)).toEqual(weightsOf(b));
    const c = banditSac(4);
    await c.learn({ totalTimesteps: 160 });
    expect(weightsOf(c)).not.toEqual(weightsOf(a));
    for (const s of [a, b, c]) s.dispose();
  }, 300_000);

  it('leaks no tensor over thousands of steps', async () => {
    // 2,000 environment steps, an update every 8 (250 updates)
    const sac = banditSac(1, { policy: { netArch: { pi: [8], qf: [8] } }, batchSize: 16, trainFreq: 8, learningStarts: 16 });
    await sac.learn({ totalTimesteps: 200 });
    const before = tensorCount();
    await sac.learn({ totalTimesteps: 2000, resetNumTimesteps: false });
    expect(sac.numTimesteps).toBe(2200);
    expect(tensorCount()).toBe(before);
    sac.dispose();
  }, 300_000);

  it('keeps a fixed entropy coefficient and Polyak-averages the target critics', async () => {
    const sac = banditSac(2, { entCoef: 0.1, tau: 0.5, learningStarts: 10 });
    await sac.learn({ totalTimesteps: 30 });
    expect(sac.alpha).toBeCloseTo(0.1, 6);
    const critic = Object.values(sac.policy.critic.parameters()).map((v) => Array.from(v.dataSync()));
    const target = Object.values(sac.criticTarget.parameters()).map((v) => Array.from(v.dataSync()));
    expect(target).not.toEqual(critic);
    expect(sac.targetEntropy).toBe(-1);
    sac.dispose();
  }, 300_000);

  it('saves and loads: the same deterministic actions and α', async () => {
    const sac = banditSac(5);
    await sac.learn({ totalTimesteps: 120 });
    const loaded = SAC.fromFiles(sac.toFiles(), (() => new Bandit(1)) as never);
    expect(Array.from(loaded.predict(Float32Array.of(1, -1), { deterministic: true }))).toEqual(
      Array.from(sac.predict(Float32Array.of(1, -1), { deterministic: true })),
    );
    expect(loaded.alpha).toBeCloseTo(sac.alpha, 6);
    expect(() => new SAC('CartPole-v1')).toThrow(/Box/);
    sac.dispose();
    loaded.dispose();
  }, 300_000);
});
