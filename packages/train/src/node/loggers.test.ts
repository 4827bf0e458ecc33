import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

  describe('csvLogger({ append: true })', () => {
    const train = async (path: string, epochs: number) => {
      const { xs, ys } = regressionRows(8, 2, 1);
      const x = tensor2d(xs);
      const y = tensor2d(ys);
      await fit(
        new Linear(1),
        { x, y, batchSize: 4 },
        { loss: mse, optimizer: sgd(0.1), epochs, callbacks: [csvLogger(path, { append: true })] },
      );
      x.dispose();
      y.dispose();
      return (await readFile(path, 'utf8')).trim().split('\n');
    };

    it('writes the header once: on a new file, not again when appending to a non-empty one', async () => {
      const path = join(root, 'append', 'train.csv');
      const first = await train(path, 2);
      expect(first).toHaveLength(3);
      expect(first[0]).toBe('epoch,loss,learning_rate');
      const lines = await train(path, 3);
      expect(lines).toHaveLength(6);
      expect(lines.filter((l) => l.startsWith('epoch'))).toEqual(['epoch,loss,learning_rate']);
      expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([0, 1, 0, 1, 2]);
    });

    it('writes the header to an existing empty file', async () => {
      const path = join(root, 'empty.csv');
      await writeFile(path, '');
      const lines = await train(path, 1);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe('epoch,loss,learning_rate');
    });

    it('keeps the columns of the existing header', async () => {
      const path = join(root, 'reordered.csv');
      await writeFile(path, 'epoch,learning_rate,"a,b",loss\n');
      const lines = await train(path, 1);
      expect(lines).toHaveLength(2);
      const [epoch, lr, ab, loss] = (lines[1] as string).split(',');
      expect([epoch, lr, ab]).toEqual(['0', '0.1', '']);
      expect(Number(loss)).toBeGreaterThan(0);
    });
  });
});
