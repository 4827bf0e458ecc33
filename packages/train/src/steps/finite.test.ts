import { cpu } from '@tessera/backend-cpu';
import { TesseraError, useBackend } from '@tessera/core';
import { tensor1d, tensor2d, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { terminateOnNaN } from '../callbacks/terminate-on-nan.js';
import { fit } from '../fit.js';
import { Linear, mse, sgd } from '../test-utils.js';

beforeAll(async () => {
  await useBackend(cpu());
});

function batches(nanAt: number | null) {
  return Array.from({ length: 4 }, (_, b) => {
    const rows = [
      [1, 2],
      [3, b === nanAt ? Number.NaN : 4],
    ];
    return { x: tensor2d(rows), y: tensor2d([[1], [2]]) };
  });
}

describe('non-finite values', () => {
  it('checkFinite names the step and the first non-finite input, and leaves the weights as they were', async () => {
    const model = new Linear(1, { name: 'lin' });
    const data = batches(2);
    const before = tensorCount();
    let weightsBefore: number[] = [];
    const err = await fit(model, data, {
      loss: mse,
      optimizer: sgd(0.01),
      checkFinite: true,
      callbacks: [
        {
          onBatchEnd: (step) => {
            if (step === 2) weightsBefore = Array.from(model.w?.dataSync() ?? []);
          },
        },
      ],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('NON_FINITE');
    expect((err as Error).message).toBe('step 2 of model "lin": the loss is NaN; first non-finite: input x (element 3 is NaN)');
    expect(Array.from(model.w?.dataSync() ?? [])).toEqual(weightsBefore); // the bad step did not update
    expect(tensorCount() - before).toBe(2); // the model's two variables (built by fit); nothing of the failed step is left
    for (const b of data) for (const t of [b.x, b.y]) t.dispose();
    model.dispose();
  });

  it('checkFinite names a non-finite parameter when the inputs are fine', async () => {
    const model = new Linear(1, { name: 'lin' });
    const data = batches(null);
    await fit(model, data.slice(0, 1), { loss: mse, optimizer: sgd(0.01) });
    const inf = tensor1d([Number.POSITIVE_INFINITY]);
    model.b?.assign(inf);
    inf.dispose();
    await expect(fit(model, data, { loss: mse, optimizer: sgd(0.01), checkFinite: true })).rejects.toThrow(
      /step 0 of model "lin": the loss is (Infinity|NaN); first non-finite: parameter "lin\/bias" \(element 0 is Infinity\)/,
    );
    for (const b of data) for (const t of [b.x, b.y]) t.dispose();
    model.dispose();
  });

  it('terminateOnNaN stops after the first NaN batch, as Keras does', async () => {
    const model = new Linear(1);
    const data = batches(1);
    const guard = terminateOnNaN();
    const h = await fit(model, data, { loss: mse, optimizer: sgd(0.01), epochs: 3, callbacks: [guard] });
    expect(guard.stoppedAtStep).toBe(2);
    expect(h.trainer.step).toBe(2);
    expect(h.epoch).toEqual([0]);
    for (const b of data) for (const t of [b.x, b.y]) t.dispose();
    model.dispose();
  });
});
