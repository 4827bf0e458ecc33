import { cpu } from '@tessera/backend-cpu';
import { Prng, useBackend } from '@tessera/core';
import { tensor2d, tensorCount, tidy } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { RolloutBuffer } from '../buffers/rollout-buffer.js';
import { ActorCriticPolicy, actionSpecOf } from '../policies/actor-critic.js';
import { MultiDiscrete } from '../spaces/multi-discrete.js';
import { A2C } from './a2c.js';
import { DQN } from './dqn.js';
import { evaluatePolicy } from './evaluate-policy.js';
import { PPO } from './ppo.js';
import { SAC } from './sac.js';
import { pickTwoSigns } from './test-envs.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const space = new MultiDiscrete([3, 2]);

const smallPpo = (seed = 0) =>
  new PPO(pickTwoSigns, {
    nEnvs: 4,
    nSteps: 20,
    batchSize: 40,
    nEpochs: 10,
    learningRate: 3e-3,
    seed,
    policy: { netArch: { pi: [16], vf: [16] } },
  });

const weights = (algo: PPO | A2C) =>
  Object.fromEntries(Object.entries(algo.policy.parameters()).map(([k, v]) => [k, Array.from(v.dataSync())]));

describe('MultiDiscrete action spaces', () => {
  it('actionSpecOf maps MultiDiscrete; a non-zero start is rejected', () => {
    expect(actionSpecOf(space)).toEqual({ kind: 'multiDiscrete', nvec: [3, 2] });
    // a Gymnasium-style space carrying `start`
    const shifted = Object.assign(new MultiDiscrete([3, 2]), { start: [1, 0] });
    expect(() => actionSpecOf(shifted)).toThrow(/policy actionSpace: expected a MultiDiscrete space starting at 0, received \[1, 0\]/);
    expect(actionSpecOf(Object.assign(new MultiDiscrete([4]), { start: [0] }))).toEqual({ kind: 'multiDiscrete', nvec: [4] });
  });

  it('the policy has sum(nvec) logits; act() samples and takes the mode; log-probs sum the entries', () => {
    const policy = new ActorCriticPolicy({ observationSize: 3, action: { kind: 'multiDiscrete', nvec: [3, 2] }, seed: 1 });
    expect(policy.parameters()['action/kernel']?.shape).toEqual([64, 5]);
    expect(policy.parameters().log_std).toBeUndefined();
    const obs = Float32Array.of(1, -1, 0, -1, 1, 0.4);
    const sampled = policy.act(obs, new Prng(5));
    expect(sampled.actions).toBeInstanceOf(Int32Array);
    expect(sampled.actions.length).toBe(4);
    for (let i = 0; i < 2; i++) expect(space.contains(sampled.actions.slice(2 * i, 2 * i + 2))).toBe(true);
    const mode = policy.act(obs, null, true);
    // the host log-probabilities and values equal evaluateActions' (the sum over entries), sampled or the mode
    for (const r of [sampled, mode]) {
      const { logProb, values } = tidy(() => {
        const o = tensor2d(obs, [2, 3]);
        const a = tensor2d(r.actions as Int32Array, [2, 2], 'int32');
        const out = policy.evaluateActions(o, a);
        return { logProb: Array.from(out.logProb.dataSync()), values: Array.from(out.values.dataSync()) };
      });
      for (const [i, lp] of logProb.entries()) expect(r.logProbs[i]).toBeCloseTo(lp, 5);
      for (const [i, v] of values.entries()) expect(r.values[i]).toBeCloseTo(v, 5);
    }
    // the mode is the per-entry argmax of the distribution
    const modeT = tidy(() =>
      Array.from(
        policy
          .distribution(tensor2d(obs, [2, 3]))
          .mode()
          .dataSync(),
      ),
    );
    expect(Array.from(mode.actions)).toEqual(modeT);
    const config = policy.getConfig();
    expect(config.config.action).toEqual({ kind: 'multiDiscrete', nvec: [3, 2] });
    const again = new ActorCriticPolicy(config.config as never);
    expect(again.parameters()['action/kernel']?.shape).toEqual([64, 5]);
    expect(() => new ActorCriticPolicy({ observationSize: 3, action: { kind: 'multiDiscrete', nvec: [3, 0] } })).toThrow(
      /ActorCriticPolicy action nvec/,
    );
    policy.dispose();
    again.dispose();
  });

  it('the rollout buffer stores MultiDiscrete actions as int32 [n, k]', () => {
    const b = new RolloutBuffer({ nSteps: 2, nEnvs: 2, observationSize: 1, actionDim: 2, actionDtype: 'int32', gamma: 0.9, gaeLambda: 1 });
    expect(b.actions).toBeInstanceOf(Int32Array);
    b.add([0, 0], Int32Array.of(2, 1, 0, 1), [1, 0], [true, true], [0, 0], [0, 0]);
    b.add([0, 0], Int32Array.of(1, 0, 2, 0), [0, 1], [false, false], [0, 0], [0, 0]);
    b.computeReturnsAndAdvantage([0, 0], [false, false]);
    tidy(() => {
      const { actions } = b.tensors();
      expect(actions.shape).toEqual([4, 2]);
      expect(actions.dtype).toBe('int32');
      expect(Array.from(actions.dataSync())).toEqual([2, 1, 0, 1, 1, 0, 2, 0]);
    });
    expect(
      () => new RolloutBuffer({ nSteps: 1, nEnvs: 1, observationSize: 1, actionDim: 0, actionDtype: 'float32', gamma: 1, gaeLambda: 1 }),
    ).toThrow(/RolloutBuffer actionDtype/);
  });

  it('PPO learns a user-defined MultiDiscrete([3, 2]) environment in a short seeded run', async () => {
    const ppo = smallPpo(0);
    const before = evaluatePolicy(ppo, pickTwoSigns, { nEpisodes: 20, seed: 100 }).meanReturn;
    const logs: Record<string, number>[] = [];
    await ppo.learn({ totalTimesteps: 4000, logInterval: 10, callbacks: [{ onEpochEnd: (_e, l) => void logs.push({ ...l }) }] });
    const after = evaluatePolicy(ppo, pickTwoSigns, { nEpisodes: 20, seed: 100 }).meanReturn;
    // random: 5/6 per episode; optimal: 5
    expect(before).toBeLessThan(2);
    expect(after).toBeGreaterThanOrEqual(4);
    // every environment received Int32Array actions its space contains (the env throws otherwise)
    const envs = ppo.env.envs as unknown as { env: { steps: number } }[];
    expect(envs.reduce((s, e) => s + e.env.steps, 0)).toBe(4000);
    const a = ppo.predict(Float32Array.of(1, -1, 0), { deterministic: true });
    expect(a).toBeInstanceOf(Int32Array);
    expect(space.contains(a)).toBe(true);
    expect(Array.from(a as Int32Array)).toEqual([2, 0]);
    const batch = ppo.predictBatch(Float32Array.of(1, -1, 0, -1, 1, 0.2), { deterministic: true });
    expect(batch.map((b) => Array.from(b as Int32Array))).toEqual([
      [2, 0],
      [0, 1],
    ]);
    const last = logs.at(-1) as Record<string, number>;
    for (const k of ['ep_rew_mean', 'policy_gradient_loss', 'value_loss', 'entropy_loss', 'approx_kl', 'clip_fraction'])
      expect(Number.isFinite(last[k]), k).toBe(true);
    ppo.dispose();
  }, 120_000);

  it('PPO holds no more tensors after further learning; save/load round-trips predict', async () => {
    const ppo = smallPpo(1);
    await ppo.learn({ totalTimesteps: 240 });
    const held = tensorCount();
    await ppo.learn({ totalTimesteps: 800, resetNumTimesteps: false });
    expect(ppo.numTimesteps).toBe(1040);
    expect(tensorCount()).toBe(held);
    const before = tensorCount();
    for (let i = 0; i < 20; i++) ppo.predict(Float32Array.of(1, 0, 0), { deterministic: i % 2 === 0 });
    evaluatePolicy(ppo, pickTwoSigns, { nEpisodes: 5 });
    expect(tensorCount()).toBe(before);

    const files = ppo.toFiles();
    const config = JSON.parse(new TextDecoder().decode(files['config.json']));
    expect(config.actionSpace).toEqual({ kind: 'multiDiscrete', nvec: [3, 2] });
    expect(config.policy.config.action).toEqual({ kind: 'multiDiscrete', nvec: [3, 2] });
    const store = new Map<string, Uint8Array>();
    const io = {
      mkdir: async () => {},
      writeFile: async (p: string, b: Uint8Array) => void store.set(p, b),
      readFile: async (p: string) => store.get(p) as Uint8Array,
    };
    await ppo.save('m', io);
    const loaded = await PPO.load('m', io, pickTwoSigns);
    expect(weights(loaded)).toEqual(weights(ppo));
    expect(loaded.policy.config.action).toEqual({ kind: 'multiDiscrete', nvec: [3, 2] });
    for (const o of [Float32Array.of(1, 1, 0), Float32Array.of(-1, -1, 0.4), Float32Array.of(0, 1, 0.8)])
      expect(Array.from(loaded.predict(o, { deterministic: true }) as Int32Array)).toEqual(
        Array.from(ppo.predict(o, { deterministic: true }) as Int32Array),
      );
    ppo.dispose();
    loaded.dispose();
  }, 120_000);

  it('A2C trains on it with finite logs and no tensor growth', async () => {
    const a2c = new A2C(pickTwoSigns, { nEnvs: 4, learningRate: 3e-3, seed: 2, policy: { netArch: { pi: [16], vf: [16] } } });
    await a2c.learn({ totalTimesteps: 200 });
    const held = tensorCount();
    const logs: Record<string, number>[] = [];
    await a2c.learn({
      totalTimesteps: 1000,
      resetNumTimesteps: false,
      logInterval: 10,
      callbacks: [{ onEpochEnd: (_e, l) => void logs.push({ ...l }) }],
    });
    expect(tensorCount()).toBe(held);
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs)
      for (const k of ['loss', 'policy_loss', 'value_loss', 'entropy_loss', 'ep_rew_mean']) expect(Number.isFinite(l[k]), k).toBe(true);
    const a = a2c.predict(Float32Array.of(0, 1, 0));
    expect(space.contains(a)).toBe(true);
    a2c.dispose();
  }, 120_000);

  it('DQN and SAC reject it, naming the algorithm and the expected and received spaces', () => {
    expect(() => new DQN(pickTwoSigns as never)).toThrow(
      /DQN env actionSpace: expected a Discrete space starting at 0.*received \{ kind: "multiDiscrete", nvec: \[3, 2\] \}/,
    );
    expect(() => new SAC(pickTwoSigns as never)).toThrow(
      /SAC env actionSpace: expected a Box with finite bounds.*received \{ kind: "multiDiscrete", nvec: \[3, 2\] \}/,
    );
  });
});
