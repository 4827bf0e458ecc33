import { cpu } from '@tessera/backend-cpu';
import { rngKey, useBackend } from '@tessera/core';
import { dense, sequential } from '@tessera/layers';
import { meanSquaredError } from '@tessera/losses';
import { adam, sgd } from '@tessera/optimizers';
import { mean, square, sub, tensor2d, tensorCount, valueAndGrad } from '@tessera/tensor';
import { fit } from '@tessera/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataParallel } from './data-parallel.js';
import type { ProcessGroup } from './process-group.js';
import { singleProcessGroup } from './process-group.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const rowsX = Array.from({ length: 10 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
const rowsY = rowsX.map(([a, b]) => [2 * (a as number) - (b as number) + 0.5]);
const model = () => sequential([dense(3, { activation: 'tanh', seed: 1 }), dense(1, { seed: 2 })]);
const weightsOf = (m: ReturnType<typeof model>) => Object.values(m.parameters()).map((v) => Array.from(v.dataSync()));

/** Rank `rank` of a group of `worldSize` whose collectives only record what they receive (the others sent zeros). */
function recordingGroup(rank: number, worldSize: number): ProcessGroup & { reduced: Float32Array[] } {
  const reduced: Float32Array[] = [];
  return { ...singleProcessGroup(), rank, worldSize, transport: 'recording', allReduce: (d) => void reduced.push(d.slice()), reduced };
}

describe('dataParallel', () => {
  it('in a group of one is the supervised step: the same weights, logs and no tensor growth', async () => {
    const x = tensor2d(rowsX);
    const y = tensor2d(rowsY);
    const [a, b, c] = [model(), model(), model()];
    const data = { x, y, batchSize: 4, shuffle: true, seed: 5 };
    const plain = await fit(a, data, { loss: meanSquaredError(), optimizer: adam({ learningRate: 0.05 }), epochs: 2, seed: 1 });
    const options = () => ({ loss: meanSquaredError(), optimizer: adam({ learningRate: 0.05 }), group: singleProcessGroup() });
    const dp = await fit(dataParallel(b, options()), data, { epochs: 2, seed: 1 });
    expect(weightsOf(b).length).toBe(4);
    expect(weightsOf(b)).toEqual(weightsOf(a));
    expect(dp.history.loss).toEqual(plain.history.loss);
    const counts: number[] = [];
    await fit(dataParallel(c, options()), data, { epochs: 4, seed: 1, callbacks: [{ onEpochEnd: () => void counts.push(tensorCount()) }] });
    expect(counts[3]).toBe(counts[1]);
    x.dispose();
    y.dispose();
  });

  it("weights each rank's gradient by its share of the global batch and sends the loss log in the same all-reduce", async () => {
    const m = model();
    const group = recordingGroup(1, 2);
    const step = dataParallel(m, { loss: meanSquaredError(), optimizer: sgd({ learningRate: 0.1 }), group });
    const x = tensor2d(rowsX.slice(0, 5));
    const y = tensor2d(rowsY.slice(0, 5));
    const state = step.init({ x, y });
    // rank 1 of 2 owns rows 2..4 of 5: its gradient of the shard's mean loss, times 3/5
    const xs = tensor2d(rowsX.slice(2, 5));
    const ys = tensor2d(rowsY.slice(2, 5));
    const params = m.parameters();
    const names = Object.keys(params).sort();
    const { value, grads } = valueAndGrad(() => mean(square(sub(m.call(xs) as ReturnType<typeof tensor2d>, ys))))(params);
    const expected = names.flatMap((n) => Array.from(grads[n]?.dataSync() ?? []).map((g) => g * 0.6));
    const loss = (await value.data())[0] as number;
    const out = step.step(state, { x, y }, { rng: rngKey(0), step: 0, epoch: 0 });
    // one collective per step: the weighted gradients, then the weighted loss
    expect(group.reduced.length).toBe(1);
    const sent = Array.from(group.reduced[0] as Float32Array);
    expect(sent.length).toBe(expected.length + 1);
    for (const [i, g] of expected.entries()) expect(sent[i]).toBeCloseTo(g, 6);
    expect(sent[expected.length]).toBeCloseTo(0.6 * loss, 6);
    expect(out.logs.loss as number).toBeCloseTo(0.6 * loss, 6);
    expect(step.batchSize?.({ x, y })).toBe(5);
    step.dispose(out.state);
    for (const t of [x, y, xs, ys, value, ...Object.values(grads)]) t.dispose();
  });
});
