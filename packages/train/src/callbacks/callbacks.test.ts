import { cpu } from '@tessera/backend-cpu';
import type { Callback, Logs, Module, TrainingControl } from '@tessera/core';
import { getLearningRate, useBackend } from '@tessera/core';
import { tensor2d, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { fit } from '../fit.js';
import { Linear, mse, regressionRows, type SgdState, sgd, weightValues } from '../test-utils.js';
import { earlyStopping } from './early-stopping.js';
import { loggerCallback } from './logger-callback.js';
import { formatLogs, progressBar } from './progress-bar.js';
import { reduceLROnPlateau } from './reduce-lr.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const { xs, ys } = regressionRows(32, 3, 2);

/** Replays a scripted sequence of epoch logs through a callback. */
async function replay(cb: Callback, values: number[], key = 'val_loss', control?: Partial<TrainingControl> & Record<string, unknown>) {
  let stopped = false;
  const ctl = {
    model: { parameters: () => ({}) } as unknown as Module,
    step: 0,
    epoch: 0,
    stop: () => {
      stopped = true;
    },
    get stopRequested() {
      return stopped;
    },
    ...control,
  } as TrainingControl;
  await cb.onTrainBegin?.(ctl);
  let ran = 0;
  for (const [e, v] of values.entries()) {
    ran++;
    await cb.onEpochEnd?.(e, { loss: 1, [key]: v } as Logs, ctl);
    if (stopped) break;
  }
  return { ran, ctl };
}

describe('callbacks', () => {
  it('progressBar: one line per epoch when not a TTY, redrawn line with samples/s and ETA on a TTY', async () => {
    const x = tensor2d(xs);
    const y = tensor2d(ys);
    const plain: string[] = [];
    await fit(
      new Linear(2),
      { x, y, batchSize: 8 },
      {
        loss: mse,
        optimizer: sgd(0.1),
        epochs: 3,
        callbacks: [progressBar({ stream: { write: (s) => plain.push(s), isTTY: false }, epochs: 3, lineIntervalMs: 0 })],
      },
    );
    expect(plain.length).toBe(3);
    expect(plain[0]).toMatch(
      /^epoch 1\/3 - 4 steps - loss \d+\.\d{4} - learning_rate 0\.1000 - [\d.]+ steps\/s - [\d.]+ samples\/s - \d+s\n$/,
    );
    const tty: string[] = [];
    await fit(
      new Linear(2),
      { x, y, batchSize: 8 },
      {
        loss: mse,
        optimizer: sgd(0.1),
        epochs: 2,
        callbacks: [progressBar({ stream: { write: (s) => tty.push(s), isTTY: true }, intervalMs: 0 })],
      },
    );
    const redraws = tty.filter((s) => !s.endsWith('\n'));
    expect(redraws.length).toBe(8);
    expect(redraws.every((r) => r.startsWith('\r\u001b[2K'))).toBe(true);
    expect(redraws[0]?.slice(5)).toMatch(/^epoch 1 step 1 - loss [\d.]+ - [\d.]+ steps\/s - [\d.]+ samples\/s - ETA \?$/);
    expect(redraws[5]).toMatch(/epoch 2 step 2\/4 - .* ETA \d+s$/);
    expect(tty.filter((s) => s.endsWith('\n')).length).toBe(2);
    expect(formatLogs({ loss: 0.5, accuracy: 0.75, size: 8 })).toBe('loss 0.5000 - accuracy 0.7500');
    x.dispose();
    y.dispose();
  });

  it('earlyStopping: patience, minDelta and mode (Keras semantics)', async () => {
    expect((await replay(earlyStopping({ patience: 2 }), [5, 4, 4.5, 4.2, 3, 2])).ran).toBe(4);
    expect((await replay(earlyStopping({ patience: 0 }), [5, 4, 4.5, 3])).ran).toBe(3);
    expect((await replay(earlyStopping({ patience: 1, minDelta: 0.5 }), [5, 4.8, 4.7, 1])).ran).toBe(2);
    expect((await replay(earlyStopping({ patience: 1, minDelta: 0.5 }), [5, 4.4, 4.7, 1])).ran).toBe(3);
    expect(
      (await replay(earlyStopping({ monitor: 'val_accuracy', patience: 2 }), [0.5, 0.6, 0.55, 0.7, 0.5, 0.59, 0.9], 'val_accuracy')).ran,
    ).toBe(6);
    const es = earlyStopping({ monitor: 'val_auc', mode: 'min', patience: 0 });
    expect((await replay(es, [0.5, 0.6], 'val_auc')).ran).toBe(2);
    expect(es.stoppedEpoch).toBe(1);
    await expect(replay(earlyStopping({ monitor: 'val_f2' }), [1])).rejects.toThrow(
      /earlyStopping monitor: expected one of the logged keys loss, val_loss, received "val_f2"/,
    );
  });

  it('earlyStopping restores the best weights when training ends', async () => {
    const x = tensor2d(xs);
    const y = tensor2d(ys);
    const model = new Linear(2);
    const snapshots: Array<Record<string, Float32Array>> = [];
    // a fake monitored value that is best at epoch 2
    const fake = [5, 4, 1, 3, 3.5, 4];
    const inject: Callback = {
      onEpochEnd: (e, logs) => {
        logs.val_fake = fake[e] as number;
        snapshots.push(weightValues(model));
      },
    };
    const es = earlyStopping({ monitor: 'val_fake', patience: 2, restoreBestWeights: true });
    const before = tensorCount();
    const h = await fit(model, { x, y, batchSize: 8 }, { loss: mse, optimizer: sgd(0.05), epochs: 10, callbacks: [inject, es] });
    expect(h.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(es.bestEpoch).toBe(2);
    expect(weightValues(model)).toEqual(snapshots[2]);
    expect(tensorCount()).toBe(before + 2); // the built model only: best-weight copies freed
    model.dispose();
    x.dispose();
    y.dispose();
  });

  it("reduceLROnPlateau scales the rate through the control optimizer's protocol, bounded by minLr", async () => {
    const tx = sgd(0.1);
    const state = tx.init({});
    const cb = reduceLROnPlateau({ factor: 0.5, patience: 2, minLr: 0.03 });
    const ctl = (await replay(cb, [1, 1, 1, 1, 1, 1, 1], 'val_loss', { optimizer: tx, optimizerState: state })).ctl as unknown as {
      optimizerState: SgdState;
    };
    // plateau after epochs 2, 4, 6: 0.1 -> 0.05 -> 0.03 (floored) -> stays
    expect(cb.reductions).toEqual([2, 4]);
    expect(getLearningRate(tx, ctl.optimizerState)).toBeCloseTo(0.03, 10);
    expect(ctl.optimizerState.lr.scale).toBeCloseTo(0.3, 10);
    expect(state.lr).toEqual({ count: 0, scale: 1, value: 0.1 }); // the old state is not mutated
  });

  it('reduceLROnPlateau changes the rate of a running fit', async () => {
    const x = tensor2d(xs);
    const y = tensor2d(ys);
    const model = new Linear(2);
    const rates: number[] = [];
    const cb = reduceLROnPlateau({ monitor: 'flat', factor: 0.5, patience: 1 });
    const tx = sgd(0.1);
    const h = await fit(
      model,
      { x, y, batchSize: 16 },
      {
        loss: mse,
        optimizer: tx,
        epochs: 4,
        callbacks: [
          {
            onEpochEnd: (_e, logs) => {
              logs.flat = 1;
            },
          },
          cb,
          {
            onEpochEnd: (_e, _l, c) =>
              void rates.push(getLearningRate(tx, (c as never as { optimizerState: SgdState }).optimizerState) as number),
          },
        ],
      },
    );
    expect(h.epoch.length).toBe(4);
    expect(rates).toEqual([0.1, 0.05, 0.025, 0.0125]);
    // the rate each epoch trained with, logged Keras-style
    expect(h.history.learning_rate).toEqual([0.1, 0.1, 0.05, 0.025]);
    model.dispose();
    x.dispose();
    y.dispose();
  });

  it('loggerCallback forwards epoch logs (and every N steps) to any Logger', async () => {
    const rows: Array<[number, Logs, unknown]> = [];
    let closed = 0;
    const x = tensor2d(xs);
    const y = tensor2d(ys);
    await fit(
      new Linear(2),
      { x, y, batchSize: 8 },
      {
        loss: mse,
        optimizer: sgd(0.1),
        epochs: 2,
        callbacks: [loggerCallback({ log: (s, l, i) => void rows.push([s, l, i]), close: () => void closed++ }, { batchEvery: 3 })],
      },
    );
    expect(rows.map((r) => [r[0], (r[2] as { phase: string }).phase])).toEqual([
      [3, 'train'],
      [0, 'train'],
      [6, 'train'],
      [1, 'train'],
    ]);
    expect(closed).toBe(1);
    x.dispose();
    y.dispose();
  });
});
