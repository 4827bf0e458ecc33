import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { useBackend } from '@tessera/core';
import { mean, mul, ones, reshape, square, sub, tensor1d, tensor2d, tensorCount, zeros } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import { fit } from './fit.js';
import { meanAbsoluteError, meanSquaredError } from './metrics/regression.js';
import { predict } from './predict.js';
import { Linear, mse, regressionRows, ShuffledRows, sgd, weightValues } from './test-utils.js';
import { Trainer } from './trainer.js';

describe.each([
  ['cpu', cpu],
  ['wasm', wasm as unknown as typeof cpu],
])('fit on %s', (_name, backend) => {
  it('selects the backend', async () => {
    await useBackend(backend());
  });

  it('one step equals a hand-computed SGD update, with parameter names mapped back', async () => {
    const model = new Linear(1);
    const x = tensor2d([[1, 2]]);
    const y = tensor2d([[3]]);
    const trainer = new Trainer(model, { loss: mse, optimizer: sgd(0.1) });
    trainer.ensureReady({ x, y });
    model.w?.assign(tensor2d([[0.5], [-1]]));
    const loss = await trainer.trainBatch({ x, y });
    // p = 0.5 - 2 = -1.5, err = p - y = -4.5, loss = 20.25; dL/dw = 2*err*x = [-9, -18], dL/db = -9
    expect(loss).toBeCloseTo(20.25, 5);
    expect(Array.from(model.w?.dataSync() ?? [])).toEqual([expect.closeTo(1.4, 5), expect.closeTo(0.8, 5)]);
    expect(model.b?.dataSync()[0]).toBeCloseTo(0.9, 5);
    expect(trainer.step).toBe(1);
    x.dispose();
    y.dispose();
    model.dispose();
  });

  it('fits a linear regression from tensors, logs val_* and metrics, returns a Keras-style history', async () => {
    const { xs, ys } = regressionRows(64, 3, 2);
    const x = tensor2d(xs);
    const y = tensor2d(ys);
    const model = new Linear(2);
    const h = await fit(
      model,
      { x, y, batchSize: 16, shuffle: true, seed: 3 },
      {
        loss: mse,
        optimizer: sgd(0.2, 0.9),
        epochs: 40,
        metrics: [meanAbsoluteError(), meanSquaredError()],
        validation: { x, y, batchSize: 64 },
      },
    );
    expect(h.epoch).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const loss = h.history.loss as number[];
    expect(loss[39]).toBeLessThan((loss[0] as number) / 20);
    expect(h.history.val_loss?.[39]).toBeLessThan(2e-3);
    // validation mse metric equals validation loss (same quantity, same weighting)
    expect(h.history.val_mse?.[39]).toBeCloseTo(h.history.val_loss?.[39] as number, 6);
    const ev = await evaluate(model, { x, y, batchSize: 7 }, { loss: mse, metrics: [meanSquaredError()] });
    expect(ev.loss).toBeCloseTo(h.history.val_loss?.[39] as number, 5);
    const p = await predict(model, x, { batchSize: 5 });
    expect(p.shape).toEqual([64, 2]);
    const err = mean(square(sub(p, y))).dataSync()[0] as number;
    expect(err).toBeCloseTo(ev.loss as number, 5);
    p.dispose();
    x.dispose();
    y.dispose();
    model.dispose();
  });

  it('keeps the tensor count exactly constant across steps and 20 epochs', async () => {
    const { xs, ys } = regressionRows(24, 3, 2);
    const data = new ShuffledRows(xs, ys, 8, 5);
    const model = new Linear(2, { dropout: 0.2, l2: 1e-3 });
    const metric = meanAbsoluteError();
    const counts: number[] = [];
    const before = tensorCount();
    await fit(model, data, {
      loss: mse,
      optimizer: sgd(0.05, 0.9),
      epochs: 20,
      metrics: [metric],
      validation: new ShuffledRows(xs, ys, 12, 1),
      callbacks: [{ onBatchEnd: () => void counts.push(tensorCount()) }, { onEpochEnd: () => void counts.push(tensorCount()) }],
    });
    expect(counts.length).toBe(20 * 4);
    expect(new Set(counts.slice(1)).size).toBe(1);
    // afterwards: the model (2) only; fit freed the momentum state it created and the metric's
    // accumulator, whose last result stays readable
    expect(tensorCount() - before).toBe(2);
    expect(Number.isFinite(metric.result())).toBe(true);
    metric.dispose?.();
    model.dispose();
  });

  it('is reproducible given the seed (dropout keyed by step), and differs with another seed', async () => {
    const { xs, ys } = regressionRows(32, 4, 1);
    const run = async (seed: number) => {
      const model = new Linear(1, { dropout: 0.5, seed: 9 });
      await fit(model, new ShuffledRows(xs, ys, 8, 2), { loss: mse, optimizer: sgd(0.05), epochs: 3, seed });
      const w = weightValues(model);
      model.dispose();
      return w;
    };
    const a = await run(1);
    const b = await run(1);
    const c = await run(2);
    expect(a).toEqual(b);
    expect(a['linear/kernel']).not.toEqual(c['linear/kernel']);
  });

  it('accepts arrays and generators of batches, with sample weights', async () => {
    const x = tensor2d([[1], [2]]);
    const y = tensor2d([[2], [4]]);
    const model = new Linear(1);
    const batches = [{ x, y, sampleWeight: tensor1d([1, 0]) }];
    await fit(model, batches, {
      loss: (yt, yp, w) => mean(mul(square(sub(yt, yp)), reshape(w ?? ones([2]), [2, 1]))),
      optimizer: sgd(0.05),
      epochs: 200,
    });
    // only the first sample counts: the model fits it exactly
    const p = await predict(model, x);
    expect(p.dataSync()[0]).toBeCloseTo(2, 2);
    p.dispose();
    function* gen() {
      for (let i = 0; i < 3; i++) yield { x: tensor2d([[1]]), y: tensor2d([[2]]) };
    }
    const before = tensorCount();
    const h = await fit(model, gen(), { loss: mse, optimizer: sgd(0.01), epochs: 1 });
    expect(h.history.loss?.length).toBe(1);
    expect(tensorCount()).toBe(before); // generator batches are owned and disposed by the trainer
    model.dispose();
    x.dispose();
    y.dispose();
    batches[0]?.sampleWeight.dispose();
  });

  it('names the loss and both shapes when y does not fit the loss', async () => {
    const model = new Linear(2);
    const x = zeros([4, 3]);
    const y = zeros([4, 5]);
    const strict = Object.assign(
      (yt: import('@tessera/tensor').Tensor, yp: import('@tessera/tensor').Tensor) => {
        if (yt.shape.join() !== yp.shape.join()) throw new Error('shapes differ');
        return mean(square(sub(yt, yp)));
      },
      { lossName: 'strict_mse' },
    );
    const before = tensorCount();
    await expect(fit(model, [{ x, y }], { loss: strict, optimizer: sgd(0.1) })).rejects.toThrow(
      /loss "strict_mse".*\[4, 5\].*predictions of shape \[4, 2\]/,
    );
    // model variables (2) + the forward tensors tfjs's tape saved for backprop (it does not free them
    // when the forward pass throws): a bounded one-off, not a per-step leak
    expect(tensorCount() - before).toBeLessThanOrEqual(2 + 4);
    model.dispose();
    x.dispose();
    y.dispose();
  });

  it('predict over a dataset concatenates the batches in order and frees them', async () => {
    const { xs, ys } = regressionRows(10, 3, 2);
    const model = new Linear(2);
    const whole = tensor2d(xs);
    const ref = await predict(model, whole, { batchSize: 10 });
    const before = tensorCount();
    async function* batches() {
      for (let s = 0; s < 10; s += 4) yield { x: tensor2d(xs.slice(s, s + 4)), y: tensor2d(ys.slice(s, s + 4)) };
    }
    const p = await predict(model, batches());
    expect(tensorCount()).toBe(before + 1);
    expect(Array.from(p.dataSync())).toEqual(Array.from(ref.dataSync()));
    for (const t of [p, ref, whole]) t.dispose();
    model.dispose();
  });

  it('rejects batches that are not { x, y } with a message naming what it received', async () => {
    const model = new Linear(1);
    await expect(fit(model, [[1, 2]] as never, { loss: mse, optimizer: sgd(0.1) })).rejects.toThrow(
      /batch at step 0: expected an object \{ x, y, sampleWeight\? \}, received \[1, 2\]/,
    );
  });

  it('stops when a callback asks, and stepsPerEpoch bounds an epoch', async () => {
    const { xs, ys } = regressionRows(40, 2, 1);
    const model = new Linear(1);
    const h = await fit(model, new ShuffledRows(xs, ys, 4, 1), {
      loss: mse,
      optimizer: sgd(0.01),
      epochs: 5,
      stepsPerEpoch: 3,
      callbacks: [{ onEpochEnd: (e, _l, c) => (e === 1 ? c.stop() : undefined) }],
    });
    expect(h.epoch).toEqual([0, 1]);
    expect(h.trainer.step).toBe(6);
    model.dispose();
  });
});
