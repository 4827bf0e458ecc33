import { cpu } from '@tessera/backend-cpu';
import { type Callback, useBackend } from '@tessera/core';
import { conv2d, dense, flatten, sequential } from '@tessera/layers';
import { meanSquaredError } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { randomNormal, tensorCount } from '@tessera/tensor';
import { fit } from '@tessera/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { magnitudeMask } from './masks.js';
import { pruneLowMagnitude, stripPruning } from './prune.js';
import { constantSparsity, polynomialDecay } from './schedules.js';
import { sparsityReport } from './sparsity-report.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const data = () => ({ x: randomNormal([32, 6], 0, 1, 'float32', 1), y: randomNormal([32, 4], 0, 1, 'float32', 2), batchSize: 8 });
const zerosWhere = (values: ArrayLike<number>, mask: ArrayLike<number>) => Array.from(mask).every((m, i) => m === 1 || values[i] === 0);

describe('pruneLowMagnitude', () => {
  it('computes TF-MOT masks on schedule steps, and pruned weights stay exactly zero through adam updates', async () => {
    const model = sequential([dense(16, { activation: 'relu', seed: 1 }), dense(4, { seed: 2 })]);
    // one mask update, at step 2: adam's moments from steps 0-1 then push the pruned weights every step
    const pruning = pruneLowMagnitude(model, { schedule: constantSparsity({ targetSparsity: 0.5, beginStep: 2, frequency: 100 }) });
    let before: Record<string, Float32Array> = {};
    const checks: string[] = [];
    const counts: number[] = [];
    let moved = 0;
    const spy: Callback = {
      onBatchEnd: (_s, _l, control) => {
        // runs before the pruning callback: the weights right after update `control.step - 1`, unmasked
        if (control.step === 2)
          before = Object.fromEntries(pruning.prunedWeights.map((n) => [n, model.parameters()[n]?.dataSync() as Float32Array]));
        // after the masks exist, adam's update moves pruned weights off zero: the callback must put them back
        if (control.step > 3)
          for (const name of pruning.prunedWeights) {
            const mask = pruning.masks[name]?.dataSync() as Float32Array;
            const w = model.parameters()[name]?.dataSync() as Float32Array;
            moved += mask.filter((m, i) => m === 0 && w[i] !== 0).length;
          }
      },
    };
    const after: Callback = {
      onBatchEnd: (_s, _l, control) => {
        counts.push(tensorCount());
        if (control.step < 2) return;
        for (const name of pruning.prunedWeights) {
          const mask = pruning.masks[name]?.dataSync() as Float32Array;
          if (!zerosWhere(model.parameters()[name]?.dataSync() as Float32Array, mask)) checks.push(`${name} at ${control.step}`);
        }
      },
    };
    const d = data();
    await fit(model, d, { loss: meanSquaredError(), optimizer: adam({ learningRate: 0.05 }), epochs: 3, callbacks: [spy, pruning, after] });
    expect(pruning.prunedWeights).toEqual(['dense/kernel', 'dense_1/kernel']);
    // the masks are exactly TF-MOT's for the weights at step 2
    for (const name of pruning.prunedWeights) {
      expect(Array.from(pruning.masks[name]?.dataSync() ?? [])).toEqual([...magnitudeMask(before[name] as Float32Array, 0.5)]);
    }
    expect(moved).toBeGreaterThan(0);
    expect(checks).toEqual([]);
    // 6x16 = 96 → 48 zeros; 16x4 = 64 → 32 zeros; biases untouched
    const report = sparsityReport(model, (n) => n.endsWith('/kernel'));
    expect(report.weights.map((w) => w.zeros)).toEqual([48, 32]);
    expect(report.total.sparsity).toBeCloseTo(0.5, 12);
    // no tensor leak from step to step (masks are replaced, not accumulated)
    expect(new Set(counts.slice(2)).size).toBe(1);
    stripPruning(pruning);
    expect(Object.keys(pruning.masks)).toEqual([]);
    d.x.dispose();
    d.y.dispose();
    model.dispose();
  });

  it('follows a polynomial schedule and prunes only the layers opted in', async () => {
    const model = sequential([dense(10, { seed: 3 }), dense(4, { seed: 4, name: 'head' })]);
    const schedule = polynomialDecay({ initialSparsity: 0.2, finalSparsity: 0.8, beginStep: 0, endStep: 8, frequency: 2 });
    const pruning = pruneLowMagnitude(model, { schedule, layers: ['head'] });
    const seen: number[] = [];
    const d = data();
    await fit(model, d, {
      loss: meanSquaredError(),
      optimizer: adam({ learningRate: 0.01 }),
      epochs: 3, // 12 steps
      callbacks: [pruning, { onBatchEnd: () => void seen.push(sparsityReport(model, (n) => n === 'head/kernel').total.zeros) }],
    });
    // after step s the masks hold the decision for step s + 1 (if it prunes), else the previous one:
    // sparsity(2) = 0.8 - 0.6 * 0.75^3 = 0.546875 → k = round(40 * 0.453125) = 18 → 22 zeros; etc.
    const zerosAt = (step: number) => 40 - Math.max(Math.round(40 * (1 - schedule(step).sparsity)), 1);
    // (the model is built by the first step, so the decision of step 0 is taken after it)
    const expected: number[] = [];
    let last = 0;
    for (let s = 1; s <= 12; s++) {
      for (let t = 0; t <= s; t++) if (schedule(t).prune) last = zerosAt(t);
      expected.push(last);
    }
    expect(expected.slice(0, 4)).toEqual([zerosAt(0), 22, 22, zerosAt(4)]);
    expect(seen).toEqual(expected);
    expect(seen.at(-1)).toBe(32);
    expect(sparsityReport(model, (n) => n === 'dense/kernel').total.zeros).toBe(0);
    stripPruning(pruning);
    d.x.dispose();
    d.y.dispose();
    model.dispose();
  });

  it('2:4 structured sparsity keeps 2 of every 4 input channels; a layer that cannot be grouped is named', async () => {
    const model = sequential([conv2d(8, 3, { seed: 5 }), flatten(), dense(4, { seed: 6 })]);
    const x = randomNormal([4, 6, 6, 1], 0, 1, 'float32', 3);
    const y = randomNormal([4, 4], 0, 1, 'float32', 4);
    const pruning = pruneLowMagnitude(model, {
      schedule: constantSparsity({ targetSparsity: 0.1, beginStep: 0, frequency: 1 }),
      structured: '2:4',
      layers: ['dense'],
    });
    await fit(model, { x, y, batchSize: 2 }, { loss: meanSquaredError(), optimizer: adam(), epochs: 1, callbacks: [pruning] });
    const k = model.parameters()['dense/kernel']?.arraySync() as number[][];
    for (let o = 0; o < 4; o++)
      for (let g = 0; g < k.length; g += 4) expect([0, 1, 2, 3].filter((j) => k[g + j]?.[o] !== 0).length).toBeLessThanOrEqual(2);
    expect(pruning.sparsity).toBe(0.5);
    stripPruning(pruning);
    const bad = pruneLowMagnitude(model, {
      schedule: constantSparsity({ targetSparsity: 0.1, beginStep: 0 }),
      structured: '2:4',
      layers: ['conv2d'],
    });
    expect(() => bad.sync(0)).toThrow(/conv2d\/kernel.*multiple of 4/);
    x.dispose();
    y.dispose();
    model.dispose();
  });
});
