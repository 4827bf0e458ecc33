import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { dense, sequential } from '@tessera/layers';
import { meanSquaredError } from '@tessera/losses';
import { sgd } from '@tessera/optimizers';
import { tensor2d, tensorCount } from '@tessera/tensor';
import { ensureBuilt, fit } from '@tessera/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { fedAvgRound } from './fedavg.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const model = () => sequential([dense(2, { activation: 'tanh', seed: 1 }), dense(1, { seed: 2 })]);
const flat = (m: ReturnType<typeof model>) =>
  Object.entries(m.parameters())
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([, v]) => Array.from(v.dataSync()));

describe('fedAvgRound', () => {
  it("sets the global weights to the sample-weighted mean of each client's locally trained weights", async () => {
    const xa = tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const ya = tensor2d([[1], [2], [3]]);
    const xb = tensor2d([
      [-1, 2],
      [2, -1],
      [0, 0],
      [1, 3],
      [3, 1],
    ]);
    const yb = tensor2d([[0], [1], [-1], [2], [2]]);
    const clients = [
      { data: { x: xa, y: ya, batchSize: 2 }, samples: 3 },
      { data: { x: xb, y: yb, batchSize: 2 }, samples: 5 },
    ];
    const opts = { loss: meanSquaredError(), optimizer: sgd({ learningRate: 0.1 }), localEpochs: 2 };
    // each client alone, from the same initial weights
    const alone = [];
    for (const c of clients) {
      const m = model();
      await fit(m, c.data, { ...opts, epochs: 2 });
      alone.push(flat(m));
    }
    const g = model();
    ensureBuilt(g, xa);
    const before = tensorCount();
    const { samples, loss } = await fedAvgRound(g, clients, opts);
    expect(samples).toBe(8);
    expect(Number.isFinite(loss)).toBe(true);
    const got = flat(g);
    const [a, b] = alone as [number[], number[]];
    got.forEach((v, i) => {
      expect(v).toBeCloseTo((3 * (a[i] as number) + 5 * (b[i] as number)) / 8, 5);
    });
    expect(tensorCount()).toBe(before);
    for (const t of [xa, ya, xb, yb]) t.dispose();
  });

  it('refuses an unbuilt model', async () => {
    await expect(
      fedAvgRound(model(), [{ data: [], samples: 1 }], { loss: meanSquaredError(), optimizer: sgd({ learningRate: 0.1 }) }),
    ).rejects.toThrow(/a built model/);
  });
});
