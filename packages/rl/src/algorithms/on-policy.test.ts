import { cpu } from '@tessera/backend-cpu';
import type { Callback } from '@tessera/core';
import { useBackend } from '@tessera/core';
import { tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { make } from '../envs/registry.js';
import { A2C } from './a2c.js';
import { stopOnRewardThreshold } from './callbacks.js';
import { evaluatePolicy } from './evaluate-policy.js';
import { PPO } from './ppo.js';
import { pickTheSign, reachTheTarget } from './test-envs.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const smallPpo = (seed = 0) =>
  new PPO(pickTheSign, {
    nEnvs: 4,
    nSteps: 16,
    batchSize: 32,
    nEpochs: 4,
    learningRate: 3e-3,
    seed,
    policy: { netArch: { pi: [16], vf: [16] } },
  });

const weights = (algo: PPO | A2C) =>
  Object.fromEntries(Object.entries(algo.policy.parameters()).map(([k, v]) => [k, Array.from(v.dataSync())]));

describe('PPO', () => {
  it('learns a user-defined environment (a plain object) in a few thousand steps', async () => {
    const ppo = smallPpo(0);
    const before = evaluatePolicy(ppo, pickTheSign, { nEpisodes: 20, seed: 100 }).meanReturn;
    const logs: Record<string, number>[] = [];
    await ppo.learn({ totalTimesteps: 2560, logInterval: 10, callbacks: [{ onEpochEnd: (_e, l) => void logs.push({ ...l }) }] });
    const after = evaluatePolicy(ppo, pickTheSign, { nEpisodes: 20, seed: 100 });
    expect(before).toBeLessThan(8);
    expect(after.meanReturn).toBeGreaterThanOrEqual(9.5);
    expect(ppo.numTimesteps).toBe(2560);
    // SB3's logs: episode statistics and the PPO terms, every epoch
    const last = logs.at(-1) as Record<string, number>;
    for (const k of [
      'ep_rew_mean',
      'ep_len_mean',
      'policy_gradient_loss',
      'value_loss',
      'entropy_loss',
      'approx_kl',
      'clip_fraction',
      'total_timesteps',
    ])
      expect(Number.isFinite(last[k]), k).toBe(true);
    expect(last.ep_len_mean).toBe(10);
    expect(last.ep_rew_mean).toBeGreaterThan((logs[0] as Record<string, number>).ep_rew_mean as number);
    // 2560 steps of 4 environments × 16 steps: 40 rollouts, each one fit step
    expect(ppo.fitTrainer?.step).toBe(40);
    ppo.dispose();
  });

  it('the same seed gives the identical run; another seed a different one', async () => {
    const run = async (seed: number) => {
      const ppo = smallPpo(seed);
      const losses: number[] = [];
      await ppo.learn({
        totalTimesteps: 640,
        callbacks: [{ onBatchEnd: (_s, l) => void losses.push(l.loss as number, l.ep_rew_mean ?? 0) }],
      });
      const w = weights(ppo);
      ppo.dispose();
      return { losses, w };
    };
    const a = await run(3);
    const b = await run(3);
    const c = await run(4);
    expect(b.losses).toEqual(a.losses);
    expect(b.w).toEqual(a.w);
    expect(c.w).not.toEqual(a.w);
  });

  it('holds no more tensors after thousands of environment steps than after the first learn', async () => {
    const ppo = smallPpo(1);
    await ppo.learn({ totalTimesteps: 256 });
    const held = tensorCount();
    await ppo.learn({ totalTimesteps: 2048, resetNumTimesteps: false });
    expect(ppo.numTimesteps).toBe(2304);
    expect(tensorCount()).toBe(held);
    const before = tensorCount();
    for (let i = 0; i < 50; i++) ppo.predict(Float32Array.of(1, 0), { deterministic: i % 2 === 0 });
    evaluatePolicy(ppo, pickTheSign, { nEpisodes: 5 });
    expect(tensorCount()).toBe(before);
    ppo.dispose();
  });

  it('acts in Box spaces (diagonal Gaussian, actions clipped to the bounds) and learns the target', async () => {
    const ppo = new PPO(reachTheTarget, {
      nEnvs: 4,
      nSteps: 32,
      batchSize: 64,
      nEpochs: 5,
      learningRate: 3e-3,
      seed: 0,
      policy: { netArch: { pi: [16], vf: [16] } },
    });
    const before = evaluatePolicy(ppo, reachTheTarget, { nEpisodes: 10 }).meanReturn;
    await ppo.learn({ totalTimesteps: 3072 });
    const a = ppo.predict(Float32Array.of(0.5), { deterministic: true }) as Float32Array;
    expect(a).toBeInstanceOf(Float32Array);
    expect(evaluatePolicy(ppo, reachTheTarget, { nEpisodes: 10 }).meanReturn).toBeGreaterThan(before);
    for (let i = 0; i < 20; i++) {
      const s = ppo.predict(Float32Array.of(1)) as Float32Array;
      expect(s[0]).toBeGreaterThanOrEqual(-1);
      expect(s[0]).toBeLessThanOrEqual(1);
    }
    expect(ppo.policy.parameters().log_std).toBeDefined();
    ppo.dispose();
  });

  it('stops on a reward threshold; saves and loads (safetensors + JSON) with identical actions', async () => {
    const ppo = smallPpo(2);
    const stop = stopOnRewardThreshold(8);
    await ppo.learn({ totalTimesteps: 20_000, callbacks: [stop] });
    expect(stop.stoppedAt).not.toBeNull();
    expect(ppo.numTimesteps).toBeLessThan(20_000);
    expect(ppo.episodes.meanReturn()).toBeGreaterThanOrEqual(8);
    const files = ppo.toFiles();
    const config = JSON.parse(new TextDecoder().decode(files['config.json']));
    expect(config.algorithm).toBe('PPO');
    expect(config.hyperparameters.batchSize).toBe(32);
    expect(config.policy.config.netArch).toEqual({ pi: [16], vf: [16] });
    const store = new Map<string, Uint8Array>();
    const io = {
      mkdir: async () => {},
      writeFile: async (p: string, b: Uint8Array) => void store.set(p, b),
      readFile: async (p: string) => store.get(p) as Uint8Array,
    };
    await ppo.save('m', io);
    const loaded = await PPO.load('m', io, pickTheSign);
    expect(weights(loaded)).toEqual(weights(ppo));
    expect(loaded.numTimesteps).toBe(ppo.numTimesteps);
    for (const o of [Float32Array.of(1, 0.3), Float32Array.of(-1, 0.5)])
      expect(loaded.predict(o, { deterministic: true })).toBe(ppo.predict(o, { deterministic: true }));
    expect(() => PPO.fromFiles(files, 'CartPole-v1')).toThrow();
    ppo.dispose();
    loaded.dispose();
  });

  it('rejects bad options naming them', () => {
    expect(() => new PPO('CartPole-v1', { nSteps: 0 })).toThrow(/PPO nSteps/);
    expect(() => new PPO('CartPole-v1', { gamma: 2 })).toThrow(/PPO gamma/);
    expect(() => new PPO('CartPole-v1', { batchSize: 1 })).toThrow(/PPO batchSize/);
    expect(() => new PPO(make('CartPole-v1') as never, { nEnvs: 2 })).toThrow(/nEnvs/);
    expect(() => new PPO('NoSuchEnv-v0')).toThrow(/make id/);
  });
});

describe('A2C', () => {
  it('learns the user-defined environment; same seed, same run; no tensor growth', async () => {
    const make2 = () => new A2C(pickTheSign, { nEnvs: 8, learningRate: 3e-3, seed: 5, policy: { netArch: { pi: [16], vf: [16] } } });
    const a2c = make2();
    await a2c.learn({ totalTimesteps: 400 });
    const held = tensorCount();
    const counts: number[] = [];
    const perBatch: Callback = { onBatchEnd: () => void counts.push(tensorCount()) };
    await a2c.learn({ totalTimesteps: 3600, resetNumTimesteps: false, callbacks: [perBatch] });
    expect(tensorCount()).toBe(held);
    expect(new Set(counts).size).toBe(1);
    expect(evaluatePolicy(a2c, pickTheSign, { nEpisodes: 20, seed: 100 }).meanReturn).toBeGreaterThanOrEqual(9);
    const twin = make2();
    await twin.learn({ totalTimesteps: 400 });
    await twin.learn({ totalTimesteps: 3600, resetNumTimesteps: false });
    expect(weights(twin)).toEqual(weights(a2c));
    const config = JSON.parse(new TextDecoder().decode(a2c.toFiles()['config.json']));
    expect(config.hyperparameters).toMatchObject({
      nSteps: 5,
      gaeLambda: 1,
      vfCoef: 0.5,
      maxGradNorm: 0.5,
      useRmsProp: true,
      rmsPropEps: 1e-5,
    });
    a2c.dispose();
    twin.dispose();
  });
});
