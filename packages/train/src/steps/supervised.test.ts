import { cpu } from '@tessera/backend-cpu';
import type { Module, NamedVariables, RngKey } from '@tessera/core';
import { useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { mean, slice, square, sub, tensor1d, tensor2d, tensorCount, tidy } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.js';
import { fit } from '../fit.js';
import { meanAbsoluteError, meanSquaredError } from '../metrics/regression.js';
import { predict } from '../predict.js';
import { Linear, mse, regressionRows, sgd } from '../test-utils.js';
import { Trainer } from '../trainer.js';
import { supervised } from './supervised.js';

beforeAll(async () => {
  await useBackend(cpu());
});

/** Two linear heads on the same input: { a: x Wa + ba, b: x Wb + bb }. */
class TwoHeads implements Module {
  readonly name = 'two_heads';
  readonly a = new Linear(1, { name: 'a', seed: 1 });
  readonly b = new Linear(1, { name: 'b', seed: 2 });
  get built(): boolean {
    return this.a.built && this.b.built;
  }
  call(x: Tensor, options: { training?: boolean; rng?: RngKey } = {}): Record<string, Tensor> {
    return { a: this.a.call(x, options), b: this.b.call(x, options) };
  }
  parameters(): NamedVariables {
    return { ...this.a.parameters(), ...this.b.parameters() };
  }
  state(): NamedVariables {
    return {};
  }
  getConfig() {
    return { className: 'TwoHeads', config: {} };
  }
  dispose() {
    this.a.dispose();
    this.b.dispose();
  }
}

const halfMse = Object.assign((y: Tensor, p: Tensor) => tidy(() => mean(square(sub(y, p)))), { lossName: 'mse' });

describe('supervised step, multi-output models', () => {
  it('sums the weighted per-output losses, logs each, and updates per-output metrics', async () => {
    const x = tensor2d([
      [1, 2],
      [3, -1],
    ]);
    const ya = tensor2d([[1], [0]]);
    const yb = tensor2d([[-1], [2]]);
    const model = new TwoHeads();
    const h = await fit(model, [{ x, y: { a: ya, b: yb } }], {
      loss: { a: mse, b: halfMse },
      lossWeights: { a: 1, b: 0.5 },
      optimizer: sgd(0),
      metrics: { b: [meanAbsoluteError()] },
      epochs: 1,
    });
    const logs = h.logs[0] as Record<string, number>;
    // hand-computed from the initial weights: the learning rate is 0, so the logged losses are those of these weights
    const [pa0, pa1] = Array.from(model.a.call(x).dataSync()) as [number, number];
    const [pb0, pb1] = Array.from(model.b.call(x).dataSync()) as [number, number];
    const la = ((pa0 - 1) ** 2 + pa1 ** 2) / 2;
    const lb = ((pb0 + 1) ** 2 + (pb1 - 2) ** 2) / 2;
    const maeB = (Math.abs(pb0 + 1) + Math.abs(pb1 - 2)) / 2;
    expect(logs.a_loss).toBeCloseTo(la, 5);
    expect(logs.b_loss).toBeCloseTo(lb, 5);
    expect(logs.loss).toBeCloseTo(la + 0.5 * lb, 5);
    expect(logs.b_mae).toBeCloseTo(maeB, 5);
    for (const t of [x, ya, yb]) t.dispose();
    model.dispose();
  });

  it('trains both heads to fit their targets, and predict returns a record of concatenated outputs', async () => {
    const { xs, ys } = regressionRows(64, 3, 2);
    const x = tensor2d(xs);
    const ya = tensor2d(ys.map((r) => [r[0] as number]));
    const yb = tensor2d(ys.map((r) => [r[1] as number]));
    const model = new TwoHeads();
    const batches = Array.from({ length: 4 }, (_, i) => ({
      x: slice(x, [i * 16, 0], [16, 3]),
      y: { a: slice(ya, [i * 16, 0], [16, 1]), b: slice(yb, [i * 16, 0], [16, 1]) },
    }));
    const h = await fit(model, batches, { loss: { a: mse, b: mse }, optimizer: sgd(0.2, 0.9), epochs: 40 });
    expect(h.history.a_loss?.[39]).toBeLessThan(2e-3);
    expect(h.history.b_loss?.[39]).toBeLessThan(2e-3);
    const before = tensorCount();
    const p = await predict<Record<string, Tensor>>(model, x, { batchSize: 10 });
    expect(p.a?.shape).toEqual([64, 1]);
    expect(p.b?.shape).toEqual([64, 1]);
    expect(Array.from(p.a?.dataSync() ?? [])).toEqual(Array.from(model.a.call(x).dataSync()).map((v) => expect.closeTo(v, 5)));
    expect(tensorCount() - before).toBe(2 + 2); // the two outputs + the two model.a.call results above
    for (const b of batches) for (const t of [b.x, b.y.a, b.y.b]) t.dispose();
    for (const t of [x, ya, yb, p.a as Tensor, p.b as Tensor]) t.dispose();
    model.dispose();
  });

  it('rejects a single loss for a record output, and metrics not given per output, naming what it got', async () => {
    const model = new TwoHeads();
    const x = tensor2d([[1, 2]]);
    const y = { a: tensor2d([[1]]), b: tensor2d([[2]]) };
    await expect(fit(model, [{ x, y }], { loss: mse, optimizer: sgd(0.1) })).rejects.toThrow(
      /model "two_heads" output: expected one tensor \(the model has one loss: give a loss per output for several\), received \{ a: Tensor of shape \[1, 1\], b: Tensor of shape \[1, 1\] \}/,
    );
    expect(() => supervised(model, { loss: { a: mse, b: mse }, optimizer: sgd(0.1), metrics: [meanAbsoluteError()] })).toThrow(
      /supervised metrics: expected a list of metrics per output \(a, b\)/,
    );
    expect(() => supervised(model, { loss: { a: mse }, lossWeights: { a: Number.NaN }, optimizer: sgd(0.1) })).toThrow(
      /supervised lossWeights for output "a": expected a finite number, received NaN/,
    );
    for (const t of [x, y.a, y.b]) t.dispose();
    model.dispose();
  });

  it('fit with a step refuses a loss or optimizer of its own', async () => {
    const model = new Linear(1);
    const step = supervised(model, { loss: mse, optimizer: sgd(0.1) });
    await expect(fit(step, [], { loss: mse })).rejects.toThrow(/fit options: expected no loss\/optimizer with a TrainStep/);
    expect(() => new Trainer(model, { optimizer: sgd(0.1) })).toThrow(/Trainer loss: expected a loss function/);
  });
});

describe('no leak across repeated fit / evaluate / predict calls', () => {
  it('a round of fit + evaluate + predict with fresh metrics, repeated, leaves the tensor count flat', async () => {
    const { xs, ys } = regressionRows(32, 3, 2);
    const x = tensor2d(xs);
    const y = tensor2d(ys);
    const w = tensor1d(Array.from({ length: 32 }, (_, i) => (i % 2) + 1));
    const model = new Linear(2);
    const counts: number[] = [];
    const reused = meanSquaredError();
    for (let round = 0; round < 5; round++) {
      await fit(model, { x, y, sampleWeight: w, batchSize: 8 }, { loss: mse, optimizer: sgd(0.05, 0.9), metrics: [meanAbsoluteError()] });
      const ev = await evaluate(model, { x, y, batchSize: 8 }, { loss: mse, metrics: [meanAbsoluteError(), reused] });
      expect(ev.mse).toBeCloseTo(ev.loss as number, 5);
      (await predict(model, x)).dispose();
      counts.push(tensorCount());
    }
    expect(new Set(counts).size).toBe(1);
    for (const t of [x, y, w]) t.dispose();
    model.dispose();
  });
});
