// No leak under every usage the docs show, and a 100-epoch soak with validation, callbacks,
// checkpoints and loggers: the live tensor count (and on wasm the heap size) is flat after epoch 2.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import type { Batch, Callback, Module } from '@tessera/core';
import { useBackend } from '@tessera/core';
import { fromArray } from '@tessera/data';
import { dense, dropout, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import type { Tensor } from '@tessera/tensor';
import { engine, tensor2d, tensorCount } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { earlyStopping } from '../src/callbacks/early-stopping.js';
import { reduceLROnPlateau } from '../src/callbacks/reduce-lr.js';
import { terminateOnNaN } from '../src/callbacks/terminate-on-nan.js';
import { evaluate } from '../src/evaluate.js';
import { fit } from '../src/fit.js';
import { accuracy } from '../src/metrics/accuracy.js';
import { checkpoint } from '../src/node/checkpoint.js';
import { csvLogger, jsonlLogger } from '../src/node/loggers.js';
import { predict } from '../src/predict.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tessera-leaks-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// a deterministic 3-class problem: 48 rows of 4 features
const rows = Array.from({ length: 48 }, (_, i) => {
  const c = i % 3;
  const x = Float32Array.from([c + 0.1 * Math.sin(i), 1 - c + 0.1 * Math.cos(i), (i % 7) / 7, c * 0.5]);
  return { x, y: c };
});
const loss = sparseCategoricalCrossentropy({ fromLogits: true });
const net = () => sequential([dense(16, { activation: 'relu', seed: 1 }), dropout(0.1), dense(3, { seed: 2 })]);
const data = () => fromArray(rows).shuffle({ seed: 1 }).batch(8);

function wasmHeapBytes(): number | null {
  const b = engine().backend as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.byteLength ?? null;
}

describe.each([
  ['cpu', cpu],
  ['wasm', wasm as unknown as typeof cpu],
])('no leak on %s', (backend, plugin) => {
  beforeAll(async () => {
    await useBackend(plugin());
  });

  it('exceptions thrown mid-step by a layer, a callback or the data pipeline free the step tensors', async () => {
    const model = net();
    await fit(model, data(), { loss, optimizer: adam(), epochs: 1 }); // built: its variables exist from here on
    const base = tensorCount();
    let calls = 0;
    const throwing: Module = {
      name: 'throws_on_third_call',
      call: (x, o) => {
        if (++calls === 3) throw new Error('layer failed');
        return model.call(x, o);
      },
      parameters: () => model.parameters(),
      state: () => model.state(),
      getConfig: () => model.getConfig(),
    };
    await expect(fit(throwing, data(), { loss, optimizer: adam(), metrics: [accuracy()] })).rejects.toThrow('layer failed');
    expect(tensorCount()).toBe(base);
    const failingCallback: Callback = {
      onBatchEnd: (step) => {
        if (step === 2) throw new Error('callback failed');
      },
    };
    await expect(fit(model, data(), { loss, optimizer: adam(), metrics: [accuracy()], callbacks: [failingCallback] })).rejects.toThrow(
      'callback failed',
    );
    expect(tensorCount()).toBe(base);
    let seen = 0;
    const failingData = data().map((b) => {
      if (++seen === 3) {
        for (const t of [b.x, b.y] as Tensor[]) t.dispose();
        throw new Error('pipeline failed');
      }
      return b;
    });
    await expect(fit(model, failingData as never, { loss, optimizer: adam() })).rejects.toThrow('pipeline failed');
    expect(tensorCount()).toBe(base);
    model.dispose();
  });

  it('stop() from a callback, an early break out of a dataset loop, and predict of list and record outputs leave nothing', async () => {
    const model = net();
    await fit(model, data(), { loss, optimizer: adam(), epochs: 1 });
    const base = tensorCount();
    const stopper: Callback = { onBatchEnd: (step, _l, c) => (step === 3 ? c.stop() : undefined) };
    const h = await fit(model, data(), { loss, optimizer: adam(), epochs: 5, metrics: [accuracy()], callbacks: [stopper] });
    expect(h.trainer.step).toBe(3);
    expect(tensorCount()).toBe(base);
    for await (const b of data().prefetch(2)) {
      for (const t of [(b as Batch).x, (b as Batch).y] as Tensor[]) t.dispose();
      break;
    }
    expect(tensorCount()).toBe(base);
    const x = tensor2d(rows.slice(0, 10).map((r) => Array.from(r.x)));
    const twoOut = (asRecord: boolean): Module => ({
      name: 'two_outputs',
      call: (input, o) => {
        const y = model.call(input, o) as Tensor;
        return asRecord ? { logits: y, again: y.clone() } : [y, y.clone()];
      },
      parameters: () => model.parameters(),
      state: () => model.state(),
      getConfig: () => model.getConfig(),
    });
    for (const asRecord of [false, true]) {
      const p = await predict<Tensor[] | Record<string, Tensor>>(twoOut(asRecord), x, { batchSize: 3 });
      const outs = Object.values(p) as Tensor[];
      expect(outs.map((t) => t.shape)).toEqual([
        [10, 3],
        [10, 3],
      ]);
      for (const t of outs) t.dispose();
    }
    x.dispose();
    expect(tensorCount()).toBe(base);
    model.dispose();
  });

  it('soak: 100 epochs with validation, callbacks, checkpoints and loggers keep the tensor count (and wasm heap) flat after epoch 2', async () => {
    const dir = join(root, `soak-${backend}`);
    const model = net();
    const counts: number[] = [];
    const heaps: Array<number | null> = [];
    const probe: Callback = {
      onEpochEnd: () => {
        counts.push(tensorCount());
        heaps.push(wasmHeapBytes());
      },
    };
    const val = fromArray(rows.slice(0, 24)).batch(12);
    const h = await fit(model, data(), {
      loss,
      optimizer: adam({ learningRate: 1e-3 }),
      epochs: 100,
      seed: 3,
      metrics: [accuracy()],
      validation: val,
      callbacks: [
        earlyStopping({ patience: 1000, restoreBestWeights: true }),
        reduceLROnPlateau({ patience: 5, factor: 0.9 }),
        terminateOnNaN(),
        checkpoint(join(dir, 'ckpt'), { every: 'epoch', keep: 2 }),
        csvLogger(join(dir, 'log.csv')),
        jsonlLogger(join(dir, 'log.jsonl'), { batchEvery: 3 }),
        probe,
      ],
    });
    expect(h.epoch.length).toBe(100);
    expect(h.history.val_accuracy?.at(-1)).toBeGreaterThan(0.9);
    expect(new Set(counts.slice(2)).size).toBe(1);
    if (backend === 'wasm') {
      expect(heaps[2]).toBeGreaterThan(1 << 20); // the wasm heap is read, not missing
      expect(new Set(heaps.slice(2)).size).toBe(1);
    }
    const ev = await evaluate(model, val, { loss, metrics: [accuracy()] });
    expect(ev.accuracy).toBeGreaterThan(0.9);
    model.dispose();
  }, 120_000);
});
