import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { tensor2d } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fit } from '../fit.js';
import { meanAbsoluteError } from '../metrics/regression.js';
import { Linear, mse, regressionRows, sgd } from '../test-utils.js';
import { csvLogger, jsonlLogger } from './loggers.js';

let root: string;
beforeAll(async () => {
  await useBackend(cpu());
  root = await mkdtemp(join(tmpdir(), 'tessera-train-log-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('file loggers', () => {
  it('csvLogger writes a header and one row per epoch; jsonlLogger one object per line', async () => {
    const { xs, ys } = regressionRows(16, 2, 1);
    const x = tensor2d(xs);
    const y = tensor2d(ys);
    const csv = join(root, 'sub', 'train.csv');
    const jsonl = join(root, 'train.jsonl');
    const h = await fit(
      new Linear(1),
      { x, y, batchSize: 4 },
      {
        loss: mse,
        optimizer: sgd(0.1),
        epochs: 3,
        metrics: [meanAbsoluteError()],
        validation: { x, y, batchSize: 16 },
        callbacks: [csvLogger(csv), jsonlLogger(jsonl, { batchEvery: 4 })],
      },
    );
    const lines = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('epoch,loss,mae,val_loss,val_mae,learning_rate');
    expect(lines.length).toBe(4);
    const row2 = (lines[3] as string).split(',').map(Number);
    expect(row2[0]).toBe(2);
    expect(row2[1]).toBeCloseTo(h.history.loss?.[2] as number, 10);
    expect(row2[4]).toBeCloseTo(h.history.val_mae?.[2] as number, 10);
    expect(row2[5]).toBe(0.1);
    const objs = (await readFile(jsonl, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // batch rows at steps 4, 8, 12 and three epoch rows
    expect(objs.length).toBe(6);
    expect(objs.filter((o) => 'val_loss' in o).map((o) => o.step)).toEqual([0, 1, 2]);
    expect(objs[0]).toMatchObject({ step: 4, epoch: 0, phase: 'train', batch_loss: expect.any(Number) });
    x.dispose();
    y.dispose();
  });
});
