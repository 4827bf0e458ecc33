import { cpu } from '@tessera/backend-cpu';
import type { GradientTransform, Logs, Module, StateTree, TrainingControl } from '@tessera/core';
import { getLearningRate, TesseraError, useBackend } from '@tessera/core';
import { adam, chain, clipByGlobalNorm, sgd } from '@tessera/optimizers';
import { tensor1d, tensor2d, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { fit } from '../fit.js';
import { Linear, mse, regressionRows } from '../test-utils.js';
import { reduceLROnPlateau } from './reduce-lr.js';

beforeAll(async () => {
  await useBackend(cpu());
});

/** Feeds a constant monitored value for `epochs` epochs to a callback through a control object. */
async function plateau(cb: ReturnType<typeof reduceLROnPlateau>, epochs: number, control: Record<string, unknown>) {
  const ctl = {
    model: { parameters: () => ({}) } as unknown as Module,
    step: 0,
    epoch: 0,
    stop: () => {},
    stopRequested: false,
    ...control,
  } as unknown as TrainingControl & { optimizerState: StateTree };
  await cb.onTrainBegin?.(ctl);
  for (let e = 0; e < epochs; e++) await cb.onEpochEnd?.(e, { loss: 1, val_loss: 1 } as Logs, ctl);
  return ctl;
}

describe('reduceLROnPlateau and the learning-rate protocol', () => {
  it("uses the control optimizer's protocol: a chain of optimizers with keyed state", async () => {
    const tx = chain(clipByGlobalNorm(1), adam({ learningRate: 0.1 }));
    const state = tx.init({ w: tensor1d([1, 2]) });
    const cb = reduceLROnPlateau({ factor: 0.5, patience: 2, minLr: 0.03 });
    const ctl = await plateau(cb, 7, { optimizer: tx, optimizerState: state });
    expect(cb.reductions).toEqual([2, 4]); // 0.1 -> 0.05 -> 0.03 (floored), then stays
    expect(getLearningRate(tx, ctl.optimizerState)).toBeCloseTo(0.03, 10);
    expect(Object.keys(ctl.optimizerState as object)).toEqual(['0:clipByGlobalNorm', '1:adam']);
    // the state keeps its tensors (shared, not copied)
    const mu = (
      ((ctl.optimizerState as Record<string, Record<string, unknown>>)['1:adam'] as Record<string, unknown>)['0:scaleByAdam'] as {
        mu: { w: unknown };
      }
    ).mu.w;
    expect(mu).toBe(
      (((state as Record<string, Record<string, unknown>>)['1:adam'] as Record<string, unknown>)['0:scaleByAdam'] as { mu: { w: unknown } })
        .mu.w,
    );
  });

  it('needs no state layout: a custom transform that only implements the protocol', async () => {
    const custom: GradientTransform<{ rate: number }> = {
      name: 'custom',
      init: () => ({ rate: 0.4 }),
      update: (g, s) => [g, s],
      learningRate: (s) => s.rate,
      scaleLearningRate: (s, f) => ({ rate: s.rate * f }),
    };
    const cb = reduceLROnPlateau({ factor: 0.5, patience: 1 });
    const ctl = await plateau(cb, 3, { optimizer: custom, optimizerState: custom.init({}) });
    expect(ctl.optimizerState).toEqual({ rate: 0.1 });
  });

  it('says which optimizer has no learning rate', async () => {
    const tx = chain(clipByGlobalNorm(1));
    const cb = reduceLROnPlateau({ factor: 0.5, patience: 1 });
    await expect(plateau(cb, 2, { optimizer: tx, optimizerState: tx.init({}) })).rejects.toThrow(
      'optimizer chain reports no learning rate',
    );
  });

  it('refuses, when training begins, an optimizer without the protocol: its state is never searched', async () => {
    const handWritten: GradientTransform = {
      name: 'handWritten',
      init: () => ({ lr: { kind: 'learningRate', count: 0, scale: 1, value: 0.1 } }),
      update: (g, s) => [g, s],
    };
    const cb = reduceLROnPlateau({ factor: 0.5, patience: 1 });
    const err = await plateau(cb, 2, { optimizer: handWritten, optimizerState: handWritten.init({}) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('UNSUPPORTED');
    expect((err as Error).message).toContain('optimizer handWritten has no learning-rate protocol');
    const anonymous = { ...handWritten, name: undefined };
    await expect(plateau(cb, 1, { optimizer: anonymous, optimizerState: {} })).rejects.toThrow(
      'optimizer (unnamed) has no learning-rate protocol',
    );
  });

  it('refuses a control without an optimizer (or without optimizerState)', async () => {
    const cb = reduceLROnPlateau({ factor: 0.5, patience: 1 });
    await expect(plateau(cb, 1, { optimizerState: {} })).rejects.toThrow(TesseraError);
    await expect(plateau(cb, 1, { optimizerState: {} })).rejects.toThrow('this one has no optimizer');
    const tx = sgd({ learningRate: 0.1 });
    await expect(plateau(cb, 1, { optimizer: tx })).rejects.toThrow('settable `optimizerState`');
  });

  it('halves the rate of a running fit with an @tessera/optimizers optimizer, without leaking', async () => {
    const { xs, ys } = regressionRows(32, 3, 2);
    const x = tensor2d(xs);
    const y = tensor2d(ys);
    const model = new Linear(2);
    const tx = sgd({ learningRate: 0.1, momentum: 0.5 });
    const rates: number[] = [];
    const before = tensorCount();
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
          reduceLROnPlateau({ monitor: 'flat', factor: 0.5, patience: 1 }),
          {
            onEpochEnd: (_e, _l, c) =>
              void rates.push(getLearningRate(tx, (c as unknown as { optimizerState: StateTree }).optimizerState) as number),
          },
        ],
      },
    );
    expect(h.epoch.length).toBe(4);
    expect(rates.length).toBe(4);
    rates.forEach((r, i) => {
      expect(r).toBeCloseTo([0.1, 0.05, 0.025, 0.0125][i] as number, 12);
    });
    expect(tensorCount()).toBe(before + 2); // the built model's kernel and bias only
    model.dispose();
    x.dispose();
    y.dispose();
  });
});
