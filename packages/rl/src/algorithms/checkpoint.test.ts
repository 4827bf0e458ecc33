import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { checkpoint, latestCheckpoint, loadCheckpoint } from '@tessera/train/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PPO } from './ppo.js';
import { pickTheSign } from './test-envs.js';

let root: string;
beforeAll(async () => {
  await useBackend(cpu());
  root = await mkdtemp(join(tmpdir(), 'tessera-rl-ckpt-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("train's checkpoint callback in learn()", () => {
  it('writes the policy weights and the optimizer state of the last rollout step', async () => {
    const ppo = new PPO(pickTheSign, {
      nEnvs: 4,
      nSteps: 16,
      batchSize: 32,
      nEpochs: 2,
      learningRate: 3e-3,
      seed: 5,
      policy: { netArch: { pi: [8], vf: [8] } },
    });
    const dir = join(root, 'ppo');
    // 4 rollouts of 64 env steps = 4 fit steps; a checkpoint every 2
    await ppo.learn({ totalTimesteps: 256, callbacks: [checkpoint(dir, { every: 2 })] });
    expect(await latestCheckpoint(dir)).not.toBeNull();
    const snap = await loadCheckpoint(dir);
    expect(snap.step).toBe(4);
    const saved = Object.values(snap.weights)
      .map((t) => Array.from(t.dataSync()).join(','))
      .sort();
    const live = Object.values(ppo.policy.parameters())
      .map((v) => Array.from(v.dataSync()).join(','))
      .sort();
    expect(saved).toEqual(live);
    expect(snap.optimizerState).toBeDefined();
    for (const t of Object.values(snap.weights)) t.dispose();
    ppo.dispose();
  }, 120_000);
});
