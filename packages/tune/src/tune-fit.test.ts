import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { fromArray, kFold } from '@tessera/data';
import { dense, dropout, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { tensorCount } from '@tessera/tensor';
import { accuracy, fit } from '@tessera/train';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HyperParameters } from './hyperparameters.js';
import { randomSearch } from './strategies/random-search.js';
import { successiveHalving } from './strategies/successive-halving.js';
import { timeless } from './test-trials.js';
import { type TrialContext, tune } from './tune.js';

interface Row {
  x: Float32Array;
  y: number;
}
type Fold = { train: ReturnType<typeof fromArray<Row>>; validation: ReturnType<typeof fromArray<Row>> };

/** Two Gaussian blobs in 4-D, classes 0/1, a fixed pseudo-random layout. */
function blobs(n: number): Row[] {
  let s = 12345;
  const rnd = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s / 4294967296) * 2 - 1;
  };
  return Array.from({ length: n }, (_, i) => {
    const y = i % 2;
    return { x: Float32Array.from({ length: 4 }, () => rnd() + (y ? 1 : -1)), y };
  });
}
const spec = { x: { dtype: 'float32' as const, shape: [4] }, y: { dtype: 'int32' as const, shape: [] } };
const data = fromArray(blobs(120)).withSpec(spec);

async function mlpTrial(hp: HyperParameters, ctx: TrialContext<Fold>) {
  const units = hp.int('units', 4, 16, { step: 4 });
  const model = sequential([
    dense(units, { activation: 'relu', seed: ctx.seed }),
    dropout(hp.float('dropout', 0, 0.3)),
    dense(2, { seed: ctx.seed + 1 }),
  ]);
  const fold = ctx.fold as Fold;
  try {
    return await fit(model, fold.train.shuffle({ seed: ctx.seed }).batch(hp.choice('batch', [16, 32])), {
      loss: sparseCategoricalCrossentropy({ fromLogits: true }),
      optimizer: adam({ learningRate: hp.logUniform('lr', 1e-3, 1e-1) }),
      metrics: [accuracy()],
      validation: fold.validation.batch(64),
      epochs: ctx.epochs,
      callbacks: ctx.callbacks,
      seed: ctx.seed,
    });
  } finally {
    model.dispose();
  }
}

describe('tune with fit (cpu backend)', () => {
  beforeAll(async () => {
    await useBackend(cpu());
  });

  it('k-fold successive halving on an MLP: scores are means over folds, no tensor leaks across trials, deterministic', async () => {
    const folds = kFold(data, 3, { seed: 0 });
    const run = () =>
      tune<Fold>(mlpTrial, {
        strategy: successiveHalving({ configs: 4, minEpochs: 1, factor: 2, maxEpochs: 2 }),
        objective: 'val_accuracy',
        folds,
        seed: 3,
        earlyStopping: { patience: 1 },
      });
    const before = tensorCount();
    const a = await run();
    expect(tensorCount()).toBe(before);
    expect(a.trials.map((t) => [t.rung, t.epochs])).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
      [0, 1],
      [1, 2],
      [1, 2],
    ]);
    for (const t of a.trials) {
      expect(t.status).toBe('completed');
      expect(t.foldScores.length).toBe(3);
      expect(t.score).toBeCloseTo(t.foldScores.reduce<number>((s, v) => s + (v as number), 0) / 3, 12);
      expect(t.metrics.val_accuracy).toBeGreaterThanOrEqual(0);
      expect(Object.keys(t.params).sort()).toEqual(['batch', 'dropout', 'lr', 'units']);
    }
    expect(a.best!.score).toBeGreaterThan(0.8); // well-separated blobs
    const b = await run();
    expect(timeless(b.trials)).toEqual(timeless(a.trials));
    expect(tensorCount()).toBe(before);
  });

  it('early stopping ends a trial before its budget', async () => {
    let losses: number[] = [];
    const result = await tune<Fold>(
      async (hp, ctx) => {
        const h = await mlpTrial(hp, { ...ctx, fold: { train: data, validation: data } });
        losses = h.history.val_loss as number[];
        return h;
      },
      {
        strategy: randomSearch({ trials: 1, epochs: 30 }),
        objective: { name: 'val_loss', direction: 'max' },
        earlyStopping: { patience: 0 },
      },
    );
    // val_loss falls while training works: a 'max' objective with patience 0 stops at the first epoch that does not raise it
    const firstNoGain = losses.findIndex((v, e) => e > 0 && !(v > (losses[e - 1] as number)));
    expect(firstNoGain).toBeGreaterThan(0);
    expect(losses.length).toBe(firstNoGain + 1);
    expect(losses.length).toBeLessThan(30);
    expect(result.trials[0]!.score).toBe(Math.max(...losses));
  });
});
