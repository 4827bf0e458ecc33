import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import type { Callback } from '@tessera/core';
import { useBackend } from '@tessera/core';
import { tensorCount } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { earlyStopping } from '../callbacks/early-stopping.js';
import { reduceLROnPlateau } from '../callbacks/reduce-lr.js';
import { fit } from '../fit.js';
import { meanAbsoluteError } from '../metrics/regression.js';
import { Linear, mse, regressionRows, ShuffledRows, sgd, weightValues } from '../test-utils.js';
import { checkpoint } from './checkpoint.js';
import { csvLogger, jsonlLogger } from './loggers.js';

let root: string;
beforeAll(async () => {
  await useBackend(cpu());
  root = await mkdtemp(join(tmpdir(), 'tessera-resume-callbacks-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const { xs, ys } = regressionRows(40, 3, 2);

/**
 * A run whose callbacks all carry state: early stopping on a plateau (minDelta so large that no
 * epoch after the first "improves", so it stops after `patience` epochs, restoring the best
 * weights), reduce-LR on the same plateau, a CSV and a JSONL logger (batch rows too), a streaming
 * metric, and checkpoints every 3 steps.
 */
function run(dir: string, extra: Callback[] = [], resume = false) {
  const model = new Linear(2, { seed: 3, dropout: 0.2 });
  const stopper = earlyStopping({ monitor: 'loss', patience: 4, minDelta: 1e6, restoreBestWeights: true });
  const reduce = reduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 2, minDelta: 1e6 });
  const callbacks = [
    checkpoint(join(dir, 'ckpt'), { every: 3, resume }),
    stopper,
    reduce,
    csvLogger(join(dir, 'log.csv')),
    jsonlLogger(join(dir, 'log.jsonl'), { batchEvery: 2 }),
    ...extra,
  ];
  const p = fit(model, new ShuffledRows(xs, ys, 4, 11), {
    loss: mse,
    optimizer: sgd(0.05, 0.9),
    epochs: 20,
    seed: 5,
    callbacks,
    metrics: [meanAbsoluteError()],
  });
  return { model, stopper, reduce, p };
}

describe('exact resume of every built-in callback', () => {
  it('a run killed mid-epoch and resumed stops, reduces, restores and logs exactly like the uninterrupted one', async () => {
    const fullDir = join(root, 'full');
    const full = run(fullDir);
    const hf = await full.p;
    expect(full.stopper.stoppedEpoch).toBe(4); // epochs 1..4 did not improve on epoch 0
    expect(full.reduce.reductions).toEqual([2, 4]);
    expect(hf.epoch).toEqual([0, 1, 2, 3, 4]);

    const dir = join(root, 'killed');
    const killer: Callback = {
      onBatchEnd: (step) => {
        if (step === 35) throw new Error('killed'); // epoch 3, batch 5: after the first reduction, before the stop
      },
    };
    const killed = run(dir, [killer]);
    await expect(killed.p).rejects.toThrow('killed');
    const json = JSON.parse(await readFile(join(dir, 'ckpt', 'step-000000033', 'trainer.json'), 'utf8'));
    expect(json.callbacks.early_stopping).toMatchObject({ wait: 2, bestEpoch: 0, stoppedEpoch: -1 });
    expect(json.callbacks.reduce_lr_on_plateau).toMatchObject({ reductions: [2], wait: 0 });
    expect(Object.keys(json.callbacks.early_stopping.bestWeights)).toEqual(['linear/kernel', 'linear/bias']);

    const before = tensorCount();
    const resumed = run(dir, [], true);
    const hr = await resumed.p;
    expect(hr.epoch).toEqual([3, 4]);
    expect(resumed.stopper.stoppedEpoch).toBe(4);
    expect(resumed.stopper.bestEpoch).toBe(0);
    expect(resumed.reduce.reductions).toEqual([2, 4]);
    // the best weights (epoch 0) were restored from the checkpoint's copy at the end
    const want = weightValues(full.model);
    const got = weightValues(resumed.model);
    for (const k of Object.keys(want)) expect(Array.from(got[k] as Float32Array)).toEqual(Array.from(want[k] as Float32Array));
    expect(hr.logs).toEqual(hf.logs.slice(3));
    // the logs continue where the checkpoint was, with what the killed run wrote after it dropped
    expect(await readFile(join(dir, 'log.csv'), 'utf8')).toBe(await readFile(join(fullDir, 'log.csv'), 'utf8'));
    expect(await readFile(join(dir, 'log.jsonl'), 'utf8')).toBe(await readFile(join(fullDir, 'log.jsonl'), 'utf8'));
    resumed.model.dispose();
    expect(tensorCount()).toBe(before); // the best-weights copy from the checkpoint was freed at the end
    full.model.dispose();
    killed.model.dispose();
  });
});
