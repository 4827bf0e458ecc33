import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { dense, sequential } from '@tessera/layers';
import { meanSquaredError } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { mul, randomNormal, sum, tensor2d, tensorCount, valueAndGrad } from '@tessera/tensor';
import { fit } from '@tessera/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeQuant, quantizeAware } from './fake-quant.js';
import { dequantizeValues, quantizeValues } from './schemes.js';

beforeAll(async () => {
  await useBackend(cpu());
});

describe('fakeQuant', () => {
  it('forward: the int8 per-channel grid; backward: straight through', () => {
    const x = randomNormal([16, 6], 0, 1, 'float32', 1);
    const y = fakeQuant(x);
    const expected = dequantizeValues(quantizeValues(x.dataSync(), [16, 6], 'int8'));
    const got = y.dataSync();
    for (const [i, v] of expected.entries()) expect(got[i]).toBeCloseTo(v, 6);
    const c = randomNormal([16, 6], 0, 1, 'float32', 2);
    const { value, grads } = valueAndGrad((p) => sum(mul(fakeQuant(p.x as never), c)))({ x });
    expect(Array.from(grads.x?.dataSync() ?? [])).toEqual(Array.from(c.dataSync())); // d/dx = 1
    // 2 bits: levels -1, 0, 1 times max|x|
    expect(Array.from(fakeQuant(tensor2d([[0.9], [-0.2], [-1]]), { bits: 2 }).dataSync())).toEqual([1, -0, -1]);
    for (const t of [x, y, c, value, ...Object.values(grads)]) t.dispose();
  });

  it('quantizeAware trains the float weights through fake-quantized kernels, without leaks', async () => {
    const model = sequential([dense(8, { activation: 'relu', seed: 1 }), dense(1, { seed: 2 })]);
    const x = randomNormal([64, 4], 0, 1, 'float32', 3);
    const y = sum(x, 1, true);
    const counts: number[] = [];
    const h = await fit(
      quantizeAware(model),
      { x, y, batchSize: 16 },
      {
        loss: meanSquaredError(),
        optimizer: adam({ learningRate: 0.02 }),
        epochs: 20,
        callbacks: [{ onEpochEnd: () => void counts.push(tensorCount()) }],
      },
    );
    const loss = h.history.loss as number[];
    expect(loss.at(-1)).toBeLessThan((loss[0] as number) * 0.3);
    expect(new Set(counts.slice(1)).size).toBe(1);
    // the wrapper forwards with quantized kernels: its output differs from the float model's
    const q = quantizeAware(model).call(x) as ReturnType<typeof model.call>;
    const f = model.call(x);
    const diff = Math.max(...Array.from(q.dataSync(), (v, i) => Math.abs(v - (f.dataSync()[i] as number))));
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(0.1);
    for (const t of [x, y, q, f]) t.dispose();
    model.dispose();
  });
});
