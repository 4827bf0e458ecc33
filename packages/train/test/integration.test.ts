// Integration with the sibling packages (dev-only dependencies): a real MLP from @tessera/layers,
// losses from @tessera/losses and optimizers from @tessera/optimizers, trained on the Iris data.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import type { Batch, Callback, Dataset } from '@tessera/core';
import { useBackend } from '@tessera/core';
import { fromArray } from '@tessera/data';
import { dense, dropout, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam, getLearningRate } from '@tessera/optimizers';
import { argMax, tensor1d, tensor2d, tensorCount } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reduceLROnPlateau } from '../src/callbacks/reduce-lr.js';
import { evaluate } from '../src/evaluate.js';
import { fit } from '../src/fit.js';
import { accuracy } from '../src/metrics/accuracy.js';
import { checkpoint } from '../src/node/checkpoint.js';
import { predict } from '../src/predict.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DATASETS = process.env.TESSERA_DATASETS ?? resolve(REPO_ROOT, '../shared/datasets');

interface Split {
  x: number[][];
  y: number[];
}

/** Iris CSV -> standardized features and class indices; a seeded 70/30 stratified-ish split. */
async function iris(): Promise<{ train: Split; test: Split }> {
  const text = await readFile(join(DATASETS, 'iris', 'iris.csv'), 'utf8');
  const rows = text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const classes = [...new Set(rows.map((r) => r[4] as string))].sort();
  const x = rows.map((r) => r.slice(0, 4).map(Number));
  const y = rows.map((r) => classes.indexOf(r[4] as string));
  for (let j = 0; j < 4; j++) {
    const col = x.map((r) => r[j] as number);
    const mean = col.reduce((a, b) => a + b, 0) / col.length;
    const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
    for (const r of x) r[j] = ((r[j] as number) - mean) / sd;
  }
  const train: Split = { x: [], y: [] };
  const test: Split = { x: [], y: [] };
  x.forEach((r, i) => {
    const to = i % 10 < 7 ? train : test;
    to.x.push(r);
    to.y.push(y[i] as number);
  });
  return { train, test };
}

const backends: Array<[string, () => ReturnType<typeof cpu>]> = [
  ['cpu', cpu],
  ['wasm', wasm as never],
];

let data: Awaited<ReturnType<typeof iris>>;
let root: string;
beforeAll(async () => {
  data = await iris();
  root = await mkdtemp(join(tmpdir(), 'tessera-train-int-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function mlp(seed: number) {
  // explicit names: a resumed run matches checkpoint tensors to parameters by name
  return sequential(
    [dense(16, { activation: 'relu', seed, name: 'hidden' }), dropout(0.1, { name: 'drop' }), dense(3, { seed: seed + 1, name: 'logits' })],
    { name: 'mlp' },
  );
}

describe.each(backends)('Iris MLP on %s', (_name, backend) => {
  it('reaches > 90% held-out accuracy in a few seconds, with a constant tensor count', async () => {
    await useBackend(backend());
    const x = tensor2d(data.train.x);
    const y = tensor1d(data.train.y, 'int32');
    const xt = tensor2d(data.test.x);
    const yt = tensor1d(data.test.y, 'int32');
    const model = mlp(1);
    const loss = sparseCategoricalCrossentropy({ fromLogits: true });
    const counts: number[] = [];
    const t0 = performance.now();
    const h = await fit(
      model,
      { x, y, batchSize: 16, shuffle: true, seed: 1 },
      {
        loss,
        optimizer: adam({ learningRate: 0.01 }),
        epochs: 60,
        seed: 1,
        metrics: [accuracy()],
        validation: { x: xt, y: yt, batchSize: 64 },
        callbacks: [{ onEpochEnd: () => void counts.push(tensorCount()) }],
      },
    );
    const secs = (performance.now() - t0) / 1000;
    const valAcc = h.history.val_accuracy?.at(-1) as number;
    console.log(
      `iris ${_name}: val_accuracy ${valAcc.toFixed(4)}, loss ${h.history.loss?.at(-1)?.toFixed(4)}, ${secs.toFixed(2)} s for 60 epochs`,
    );
    expect(valAcc).toBeGreaterThan(0.9);
    expect(new Set(counts).size).toBe(1);
    const ev = await evaluate(model, { x: xt, y: yt, batchSize: 10 }, { loss, metrics: [accuracy()] });
    expect(ev.accuracy).toBeCloseTo(valAcc, 6);
    const p = await predict(model, xt, { batchSize: 7 });
    const am = argMax(p, 1);
    const pred = Array.from(am.dataSync());
    am.dispose();
    const acc = pred.filter((c, i) => c === data.test.y[i]).length / pred.length;
    expect(acc).toBeCloseTo(valAcc, 6);
    p.dispose();
    for (const t of [x, y, xt, yt]) t.dispose();
  });

  it('a layers+adam run killed mid-epoch resumes to the same weights (1e-6)', async () => {
    await useBackend(backend());
    const x = tensor2d(data.train.x);
    const y = tensor1d(data.train.y, 'int32');
    const run = async (callbacks: Callback[]) => {
      const model = mlp(5);
      const p = fit(
        model,
        { x, y, batchSize: 16, shuffle: true, seed: 4 },
        {
          loss: sparseCategoricalCrossentropy({ fromLogits: true }),
          optimizer: adam({ learningRate: 0.01 }),
          epochs: 3,
          seed: 9,
          callbacks,
        },
      );
      return { model, p };
    };
    const values = (m: ReturnType<typeof mlp>) =>
      Object.fromEntries(Object.entries(m.parameters()).map(([k, v]) => [k, Array.from(v.dataSync())]));
    const a = await run([]);
    await a.p;
    const dir = join(root, `iris-${_name}`);
    const b = await run([
      checkpoint(dir, { every: 4 }),
      { onBatchEnd: (s) => (s === 10 ? Promise.reject(new Error('killed')) : undefined) },
    ]);
    await expect(b.p).rejects.toThrow('killed');
    const c = await run([checkpoint(dir, { every: 4, resume: true })]);
    await c.p;
    const va = values(a.model);
    const vc = values(c.model);
    expect(Object.keys(vc).sort()).toEqual(Object.keys(va).sort());
    let diff = 0;
    for (const k of Object.keys(va)) {
      const u = va[k] as number[];
      const w = vc[k] as number[];
      for (let i = 0; i < u.length; i++) diff = Math.max(diff, Math.abs((u[i] as number) - (w[i] as number)));
    }
    expect(diff).toBeLessThan(1e-6);
    for (const m of [a, b, c]) m.model.dispose?.();
    x.dispose();
    y.dispose();
  });
});

describe('resume with a @tessera/data pipeline (shuffle + batch)', () => {
  it('a run killed mid-epoch resumes to the same weights as an uninterrupted one', async () => {
    await useBackend(cpu());
    const rows = data.train.x.map((x, i) => ({ x, y: data.train.y[i] as number }));
    const pipeline = () => fromArray(rows).shuffle({ seed: 3 }).batch(16) as unknown as Dataset<Batch>;
    const run = async (callbacks: Callback[]) => {
      const model = mlp(7);
      const p = fit(model, pipeline(), {
        loss: sparseCategoricalCrossentropy({ fromLogits: true }),
        optimizer: adam({ learningRate: 0.01 }),
        epochs: 3,
        seed: 2,
        callbacks,
      });
      return { model, p };
    };
    const before = tensorCount();
    const a = await run([]);
    await a.p;
    const dir = join(root, 'iris-data');
    const b = await run([
      checkpoint(dir, { every: 5 }),
      { onBatchEnd: (s) => (s === 12 ? Promise.reject(new Error('killed')) : undefined) },
    ]);
    await expect(b.p).rejects.toThrow('killed');
    const meta = JSON.parse(await readFile(join(dir, 'step-000000010', 'trainer.json'), 'utf8'));
    expect(meta).toMatchObject({ epoch: 1, stepInEpoch: 3, dataState: { pass: 1 } });
    const c = await run([checkpoint(dir, { every: 5, resume: true })]);
    await c.p;
    let diff = 0;
    const pa = a.model.parameters();
    const pc = c.model.parameters();
    for (const [k, v] of Object.entries(pa)) {
      const u = v.dataSync();
      const w = (pc[k] as typeof v).dataSync();
      for (let i = 0; i < u.length; i++) diff = Math.max(diff, Math.abs((u[i] as number) - (w[i] as number)));
    }
    expect(diff).toBeLessThan(1e-6);
    for (const m of [a, b, c]) m.model.dispose?.();
    expect(tensorCount()).toBe(before); // pipeline batches were all freed; models disposed
  });
});

describe('reduceLROnPlateau with @tessera/optimizers', () => {
  it('changes the learning rate of adam at run time', async () => {
    await useBackend(cpu());
    const x = tensor2d(data.train.x);
    const y = tensor1d(data.train.y, 'int32');
    const rates: number[] = [];
    const optimizer = adam({ learningRate: 0.01 });
    await fit(
      mlp(2),
      { x, y, batchSize: 32 },
      {
        loss: sparseCategoricalCrossentropy({ fromLogits: true }),
        optimizer,
        epochs: 3,
        callbacks: [
          {
            onEpochEnd: (_e, logs) => {
              logs.flat = 1;
            },
          },
          reduceLROnPlateau({ monitor: 'flat', factor: 0.5, patience: 1 }),
          {
            onBatchEnd: (_s, _l, c) =>
              void rates.push(getLearningRate(optimizer, (c as unknown as { optimizerState: never }).optimizerState) as number),
          },
        ],
      },
    );
    // 4 batches per epoch; the rate halves after epochs 1 and 2
    expect(rates.slice(3, 5)).toEqual([0.01, 0.01]);
    expect(rates[8]).toBeCloseTo(0.005, 10);
    x.dispose();
    y.dispose();
  });
});
