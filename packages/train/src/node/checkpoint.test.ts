import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import type { Batch, Callback, Dataset } from '@tessera/core';
import { useBackend } from '@tessera/core';
import { tensor2d, tensorCount } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataInput } from '../data-source.js';
import { fit } from '../fit.js';
import { Linear, mse, regressionRows, ShuffledRows, sgd, weightValues } from '../test-utils.js';
import { Trainer } from '../trainer.js';
import { checkpoint, latestCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { type CheckpointIO, nodeIO } from './io.js';

let root: string;
beforeAll(async () => {
  await useBackend(cpu());
  root = await mkdtemp(join(tmpdir(), 'tessera-train-ckpt-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const { xs, ys } = regressionRows(40, 3, 2);
const EPOCHS = 3;
const SEED = 7;

const datasets: Array<[string, () => DataInput]> = [
  ['a shuffling Dataset (order = f(seed, pass))', () => new ShuffledRows(xs, ys, 4, 11) as Dataset<Batch>],
  ['tensors with shuffle', () => ({ x: tensor2d(xs), y: tensor2d(ys), batchSize: 4, shuffle: true, seed: 11 })],
];

async function train(data: DataInput, callbacks: Callback[], extra: { resumeFrom?: Awaited<ReturnType<typeof loadCheckpoint>> } = {}) {
  const model = new Linear(2, { dropout: 0.3, seed: 3 });
  const run = fit(model, data, { loss: mse, optimizer: sgd(0.05, 0.9), epochs: EPOCHS, seed: SEED, callbacks, ...extra });
  return { model, run };
}

function maxDiff(a: Record<string, Float32Array>, b: Record<string, Float32Array>): number {
  let d = 0;
  for (const k of Object.keys(a)) {
    const x = a[k] as Float32Array;
    const y = b[k] as Float32Array;
    expect(y.length).toBe(x.length);
    for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs((x[i] as number) - (y[i] as number)));
  }
  return d;
}

describe.each(datasets)('resume with %s', (_name, makeData) => {
  it('a run killed mid-epoch and resumed ends with the same weights as an uninterrupted run', async () => {
    const a = await train(makeData(), []);
    await a.run;
    const wa = weightValues(a.model);

    // run B: checkpoint every 3 steps, killed (a throwing callback) at step 14 = epoch 1, batch 4
    const dir = join(root, `kill-${Math.random().toString(36).slice(2)}`);
    const killer: Callback = {
      onBatchEnd: (step) => {
        if (step === 14) throw new Error('killed');
      },
    };
    const b = await train(makeData(), [checkpoint(dir, { every: 3 }), killer]);
    await expect(b.run).rejects.toThrow('killed');
    const wb = weightValues(b.model);
    expect(maxDiff(wa, wb)).toBeGreaterThan(1e-3); // B really stopped early
    const meta = JSON.parse(await readFile(join(dir, 'latest.json'), 'utf8'));
    expect(meta).toMatchObject({ name: 'step-000000012', step: 12, epoch: 1 });
    const json = JSON.parse(await readFile(join(dir, 'step-000000012', 'trainer.json'), 'utf8'));
    expect(json).toMatchObject({ step: 12, epoch: 1, stepInEpoch: 2, dataState: { pass: 1 } });

    // run C: fresh model, optimizer and dataset resume from B's checkpoint via the callback
    const c = await train(makeData(), [checkpoint(dir, { every: 3, resume: true })]);
    const hc = await c.run;
    expect(hc.trainer.step).toBe(30);
    expect(hc.epoch).toEqual([1, 2]);
    expect(maxDiff(wa, weightValues(c.model))).toBeLessThan(1e-6);

    // run D: the same through fit({ resumeFrom }) from the step-12 directory itself
    const d = await train(makeData(), [], { resumeFrom: await loadCheckpoint(join(dir, 'step-000000012')) });
    await d.run;
    expect(maxDiff(wa, weightValues(d.model))).toBeLessThan(1e-6);
    for (const m of [a, b, c, d]) m.model.dispose();
  });

  it('a stop requested mid-epoch saves a mid-epoch checkpoint at epoch end that resumes exactly', async () => {
    const a = await train(makeData(), []);
    await a.run;
    const dir = join(root, `stop-${Math.random().toString(36).slice(2)}`);
    const stopper: Callback = { onBatchEnd: (step, _l, c) => (step === 15 ? c.stop() : undefined) };
    const b = await train(makeData(), [stopper, checkpoint(dir)]);
    const hb = await b.run;
    expect(hb.epoch).toEqual([0, 1]);
    const json = JSON.parse(await readFile(join(dir, 'step-000000015', 'trainer.json'), 'utf8'));
    expect(json).toMatchObject({ step: 15, epoch: 1, stepInEpoch: 5 });
    const c = await train(makeData(), [checkpoint(dir, { resume: true })]);
    await c.run;
    expect(maxDiff(weightValues(a.model), weightValues(c.model))).toBeLessThan(1e-6);
    for (const m of [a, b, c]) m.model.dispose();
  });
});

describe('checkpoint files', () => {
  async function trainedTrainer() {
    const model = new Linear(2);
    const trainer = new Trainer(model, { loss: mse, optimizer: sgd(0.1, 0.9), seed: 1 });
    const x = tensor2d(xs.slice(0, 4));
    const y = tensor2d(ys.slice(0, 4));
    await trainer.trainBatch({ x, y });
    return { model, trainer, x, y };
  }

  it('lays out weights by parameter name, optimizer tensors and JSON, and keeps the newest N', async () => {
    const { model, trainer, x, y } = await trainedTrainer();
    const dir = join(root, 'layout');
    for (let i = 0; i < 4; i++) {
      await trainer.trainBatch({ x, y });
      await saveCheckpoint(dir, trainer.snapshot(), { keep: 2 });
    }
    expect((await readdir(dir)).sort()).toEqual(['latest.json', 'step-000000004', 'step-000000005']);
    expect((await readdir(join(dir, 'step-000000005'))).sort()).toEqual(['model.safetensors', 'optimizer.safetensors', 'trainer.json']);
    const snap = await loadCheckpoint(dir);
    expect(Object.keys(snap.weights).sort()).toEqual(['linear/bias', 'linear/kernel']);
    expect(Array.from(snap.weights['linear/kernel']?.dataSync() ?? [])).toEqual(Array.from(model.w?.dataSync() ?? []));
    const json = JSON.parse(await readFile(join(dir, 'step-000000005', 'trainer.json'), 'utf8'));
    expect(json.optimizer.velocity['linear/kernel']).toEqual({ $tensor: 'velocity/linear/kernel' });
    expect(json.optimizer.lr).toEqual({ count: 5, scale: 1, value: 0.1 });
    expect(json.rngKey).toEqual(trainer.rngKey.toJSON());
    for (const t of Object.values(snap.weights)) t.dispose();
    model.dispose();
    x.dispose();
    y.dispose();
  });

  it('a failed write never corrupts the previous checkpoint', async () => {
    const { model, trainer, x, y } = await trainedTrainer();
    const dir = join(root, 'atomic');
    await saveCheckpoint(dir, trainer.snapshot());
    const good = await readFile(join(dir, 'step-000000001', 'model.safetensors'));
    await trainer.trainBatch({ x, y });

    // 1) the disk fills up while writing the optimizer file of step 2
    const failWrite: CheckpointIO = {
      ...nodeIO,
      writeFile: async (p, bytes) => {
        if (p.endsWith('optimizer.safetensors')) {
          await writeFile(p, bytes.subarray(0, 10)); // a partial file, then the error
          throw new Error('ENOSPC: no space left on device');
        }
        return nodeIO.writeFile(p, bytes);
      },
    };
    await expect(saveCheckpoint(dir, trainer.snapshot(), { io: failWrite })).rejects.toThrow(
      /could not be written.*previous checkpoint is intact.*ENOSPC/,
    );
    expect((await readdir(dir)).sort()).toEqual(['latest.json', 'step-000000001']); // no temp leftovers

    // 2) the process dies between writing step 2 and switching latest.json
    const failLatest: CheckpointIO = {
      ...nodeIO,
      rename: async (from, to) => {
        if (to.endsWith('latest.json')) throw new Error('killed');
        return nodeIO.rename(from, to);
      },
    };
    await expect(saveCheckpoint(dir, trainer.snapshot(), { io: failLatest })).rejects.toThrow('killed');
    expect(await latestCheckpoint(dir)).toBe(join(dir, 'step-000000001').replaceAll('\\', '/'));
    const snap = await loadCheckpoint(dir);
    expect(snap.step).toBe(1);
    expect(new Uint8Array(await readFile(join(dir, 'step-000000001', 'model.safetensors')))).toEqual(new Uint8Array(good));
    for (const t of Object.values(snap.weights)) t.dispose();

    // a truncated file gives a clear error naming the format
    await writeFile(join(dir, 'step-000000001', 'model.safetensors'), good.subarray(0, 20));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/safetensors/);
    model.dispose();
    x.dispose();
    y.dispose();
  });

  it('resuming leaks no tensors: the loaded weights are freed, optimizer tensors adopted', async () => {
    const { model, trainer, x, y } = await trainedTrainer();
    const dir = join(root, 'noleak');
    await saveCheckpoint(dir, trainer.snapshot());
    const before = tensorCount();
    trainer.restore(await loadCheckpoint(dir));
    expect(tensorCount()).toBe(before);
    model.dispose();
    x.dispose();
    y.dispose();
  });
});
