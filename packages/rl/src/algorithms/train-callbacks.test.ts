import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { checkpoint, csvLogger, jsonlLogger, latestCheckpoint, loadCheckpoint } from '@tessera/train/node';
import { decodeTFRecords, EventWriter, type TensorBoardRun, tensorBoardCallback } from '@tessera/train/tensorboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryRuns } from '../../../../test-support/tensorboard-runs.js';
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

/** A small PPO on pickTheSign: 4 envs × 16 steps = 64 env steps per rollout (one fit step). */
const smallPpo = (seed: number, nEpochs: number) =>
  new PPO(pickTheSign, {
    nEnvs: 4,
    nSteps: 16,
    batchSize: 32,
    nEpochs,
    learningRate: 3e-3,
    seed,
    policy: { netArch: { pi: [8], vf: [8] } },
  });

describe("train's checkpoint, logger and TensorBoard callbacks in learn()", () => {
  it('writes the policy weights and the optimizer state of the last rollout step', async () => {
    const ppo = smallPpo(5, 2);
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

  it('csvLogger writes one row per epoch of logInterval rollouts; jsonlLogger one line per rollout step', async () => {
    const ppo = smallPpo(6, 1);
    const csv = join(root, 'ppo.csv');
    const jsonl = join(root, 'ppo.jsonl');
    // 6 rollouts of 64 env steps, 2 per epoch: 3 epochs
    await ppo.learn({ totalTimesteps: 384, logInterval: 2, callbacks: [csvLogger(csv), jsonlLogger(jsonl, { batchEvery: 1 })] });
    const [header, ...rows] = (await readFile(csv, 'utf8')).trim().split('\n');
    const columns = header?.split(',') ?? [];
    expect(columns).toEqual(expect.arrayContaining(['epoch', 'policy_gradient_loss', 'value_loss', 'entropy_loss', 'total_timesteps']));
    expect(rows).toHaveLength(3);
    const timesteps = rows.map((r) => Number(r.split(',')[columns.indexOf('total_timesteps')]));
    expect(timesteps).toEqual([128, 256, 384]);
    const lines = (await readFile(jsonl, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level?: string; step?: number } & Record<string, unknown>);
    const batches = lines.filter((l) => l.level === 'batch');
    expect(batches.map((b) => b.step)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const b of batches) expect(Number.isFinite(b.policy_gradient_loss)).toBe(true);
    expect(lines.filter((l) => l.level === 'epoch')).toHaveLength(3);
    ppo.dispose();
  }, 120_000);

  it('tensorBoardCallback records the rollout logs per epoch and per step, the policy as text and a text per epoch', async () => {
    const ppo = smallPpo(7, 1);
    const runs = memoryRuns<EventWriter, TensorBoardRun>(() => new EventWriter(), decodeTFRecords);
    const tb = tensorBoardCallback(runs.open, {
      updateFreq: 1,
      onEpochEnd: (writer, epoch, logs) => writer('train').text('timesteps', `${logs.total_timesteps} steps`, epoch),
    });
    // 4 rollouts, 2 per epoch
    await ppo.learn({ totalTimesteps: 256, logInterval: 2, callbacks: [tb] });
    const records = runs.records('train');
    for (const name of ['policy_gradient_loss', 'value_loss', 'entropy_loss', 'approx_kl', 'total_timesteps']) {
      expect(records.filter((r) => r.includes(`epoch_${name}`))).toHaveLength(2);
      expect(records.filter((r) => r.includes(`batch_${name}`))).toHaveLength(4);
    }
    expect(records.filter((r) => r.includes('| parameter |'))).toHaveLength(1);
    expect(records.filter((r) => r.includes('128 steps') || r.includes('256 steps'))).toHaveLength(2);
    ppo.dispose();
  }, 120_000);
});
