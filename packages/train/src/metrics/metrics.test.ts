import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import type { Metric } from '@tessera/core';
import { useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { slice, tensor, tensor1d, tensor2d, tensorCount } from '@tessera/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracy, accuracyKind } from './accuracy.js';
import { auc, aucThresholds } from './auc.js';
import { f1, precision, recall } from './confusion.js';
import { meanAbsoluteError, meanSquaredError } from './regression.js';
import { topKAccuracy } from './top-k.js';

/** Feeds the data in batches of `bs` (slices along the first axis) and returns the result. */
function streamed(m: Metric, y: Tensor, p: Tensor, bs: number, w?: Tensor): number {
  m.reset();
  const n = y.shape[0] as number;
  for (let s = 0; s < n; s += bs) {
    const k = Math.min(bs, n - s);
    const yb = slice(y, s, k);
    const pb = slice(p, s, k);
    const wb = w ? slice(w, s, k) : undefined;
    m.update(yb, pb, wb);
    yb.dispose();
    pb.dispose();
    wb?.dispose();
  }
  return m.result();
}

/** Exact ROC AUC (probability a positive outranks a negative, ties count 1/2). */
function exactAuc(y: number[], p: number[]): number {
  let num = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++)
    for (let j = 0; j < y.length; j++)
      if (y[i] === 1 && y[j] === 0) {
        pairs++;
        num += (p[i] as number) > (p[j] as number) ? 1 : p[i] === p[j] ? 0.5 : 0;
      }
  return num / pairs;
}

describe.each([
  ['cpu', cpu],
  ['wasm', wasm],
])('metrics on %s', (_name, backend) => {
  it('selects the backend', async () => {
    await useBackend(backend());
  });

  it('accuracy: auto picks binary / categorical / sparse; batches accumulate to the whole', () => {
    expect(accuracyKind([4], [4, 3])).toBe('sparse');
    expect(accuracyKind([4, 3], [4, 3])).toBe('categorical');
    expect(accuracyKind([4, 1], [4, 1])).toBe('binary');
    const probs = tensor2d([
      [0.1, 0.7, 0.2],
      [0.8, 0.1, 0.1],
      [0.3, 0.3, 0.4],
      [0.2, 0.5, 0.3],
      [0.6, 0.3, 0.1],
    ]);
    const sparse = tensor1d([1, 0, 1, 1, 2], 'int32'); // correct: 1,1,0,1,0 -> 3/5
    const onehot = tensor2d([
      [0, 1, 0],
      [1, 0, 0],
      [0, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const m = accuracy();
    const before = tensorCount();
    expect(streamed(m, sparse, probs, 5)).toBeCloseTo(0.6, 6);
    expect(streamed(m, sparse, probs, 2)).toBeCloseTo(0.6, 6);
    expect(tensorCount()).toBe(before + 1); // one accumulator variable
    expect(streamed(accuracy(), onehot, probs, 3)).toBeCloseTo(0.6, 6);
    // weighted: weights [1,1,1,1,4] -> (1+1+0+1+0)/8
    expect(streamed(accuracy(), sparse, probs, 2, tensor1d([1, 1, 1, 1, 4]))).toBeCloseTo(3 / 8, 6);
    const yb = tensor2d([[1], [0], [1], [0]]);
    const pb = tensor2d([[0.9], [0.6], [0.4], [0.1]]);
    expect(streamed(accuracy(), yb, pb, 3)).toBeCloseTo(0.5, 6);
    expect(streamed(accuracy({ kind: 'binary', threshold: 0.35 }), yb, pb, 1)).toBeCloseTo(0.75, 6);
    m.dispose?.();
  });

  it('accuracy errors name the metric and shapes', () => {
    const m = accuracy({ kind: 'categorical' });
    const p = tensor2d([[0.1, 0.9]]);
    const y = tensor2d([[1, 0, 0]]);
    expect(() => m.update(y, p)).toThrow(/accuracy targets: expected shape \[1, 2\], received \[1, 3\]/);
    p.dispose();
    y.dispose();
  });

  it('top-k accuracy with indices and one-hot targets', () => {
    const p = tensor2d([
      [0.5, 0.3, 0.2, 0.0],
      [0.1, 0.2, 0.3, 0.4],
      [0.25, 0.25, 0.4, 0.1],
    ]);
    const y = tensor1d([1, 0, 1], 'int32'); // ranks of the true class: 2nd, 4th, 2nd(tie)
    expect(streamed(topKAccuracy(1), y, p, 2)).toBeCloseTo(0, 6);
    expect(streamed(topKAccuracy(2), y, p, 2)).toBeCloseTo(2 / 3, 6);
    expect(streamed(topKAccuracy(4), y, p, 1)).toBeCloseTo(1, 6);
    const oh = tensor2d([
      [0, 1, 0, 0],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
    ]);
    expect(streamed(topKAccuracy(2), oh, p, 3)).toBeCloseTo(2 / 3, 6);
  });

  it('precision, recall and f1 from accumulated counts (not batch means)', () => {
    const y = tensor1d([1, 1, 0, 0, 1, 0, 1, 0]);
    const p = tensor1d([0.9, 0.2, 0.7, 0.1, 0.8, 0.6, 0.4, 0.3]);
    // predicted positive: 0,2,4,5 -> tp=2 (0,4), fp=2 (2,5), fn=2 (1,6)
    expect(streamed(precision(), y, p, 3)).toBeCloseTo(0.5, 6);
    expect(streamed(recall(), y, p, 3)).toBeCloseTo(0.5, 6);
    expect(streamed(f1(), y, p, 5)).toBeCloseTo(0.5, 6);
    // threshold 0.35: positive 0,2,4,5,6 -> tp 3, fp 2, fn 1: P=0.6 R=0.75 F1=2*.45/1.35
    expect(streamed(precision({ threshold: 0.35 }), y, p, 2)).toBeCloseTo(0.6, 6);
    expect(streamed(recall({ threshold: 0.35 }), y, p, 2)).toBeCloseTo(0.75, 6);
    expect(streamed(f1({ threshold: 0.35 }), y, p, 3)).toBeCloseTo((2 * 0.6 * 0.75) / 1.35, 6);
    // weights: sample 5 (a false positive) weighted 3 -> P = 2/(2+1+3)
    const w = tensor1d([1, 1, 1, 1, 1, 3, 1, 1]);
    expect(streamed(precision(), y, p, 3, w)).toBeCloseTo(2 / 6, 6);
  });

  it('auc matches the Keras documented example and the exact ROC AUC on random data', () => {
    const y = tensor1d([0, 0, 1, 1]);
    const p = tensor1d([0, 0.5, 0.3, 0.9]);
    expect(streamed(auc({ numThresholds: 3 }), y, p, 4)).toBeCloseTo(0.75, 6);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.float({ min: 0, max: 1, noNaN: true })), { minLength: 8, maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        (rows, bs) => {
          const ys = rows.map(([b]) => (b ? 1 : 0));
          if (!ys.includes(1) || !ys.includes(0)) return;
          const ps = rows.map(([, v]) => Math.round(v * 997) / 997);
          const yt = tensor1d(ys);
          const pt = tensor1d(ps);
          const m = auc();
          const whole = streamed(m, yt, pt, ys.length);
          const batched = streamed(m, yt, pt, bs);
          m.dispose?.();
          yt.dispose();
          pt.dispose();
          expect(batched).toBeCloseTo(whole, 5);
          // the bucketed trapezoid equals the exact AUC of the predictions quantized to their bucket
          const thr = aucThresholds(200).map(Math.fround);
          const q = ps.map((v) => thr.filter((t) => Math.fround(v) > t).length);
          expect(whole).toBeCloseTo(exactAuc(ys, q), 5);
        },
      ),
      { numRuns: 15 },
    );
    // and it approaches the exact AUC of continuous predictions
    const ys: number[] = [];
    const ps: number[] = [];
    for (let i = 0; i < 400; i++) {
      const u = ((i * 7919) % 400) / 400;
      ys.push(i % 3 === 0 ? 1 : 0);
      ps.push(Math.min(1, Math.max(0, u * 0.7 + ((i % 3 === 0 ? 0.3 : 0) * ((i * 31) % 7)) / 6)));
    }
    const yt = tensor1d(ys);
    const pt = tensor1d(ps);
    expect(Math.abs(streamed(auc(), yt, pt, 64) - exactAuc(ys, ps))).toBeLessThan(0.005);
  });

  it('mse and mae: per-sample mean over outputs, weighted mean over samples', () => {
    const y = tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const p = tensor2d([
      [1, 0],
      [3, 5],
      [2, 6],
    ]);
    // squared errors per sample: (0+4)/2=2, (0+1)/2=0.5, (9+0)/2=4.5 -> 7/3
    expect(streamed(meanSquaredError(), y, p, 2)).toBeCloseTo(7 / 3, 6);
    // abs: 1, 0.5, 1.5 -> 1
    expect(streamed(meanAbsoluteError(), y, p, 1)).toBeCloseTo(1, 6);
    expect(streamed(meanSquaredError(), y, p, 2, tensor1d([0, 1, 1]))).toBeCloseTo(2.5, 6);
    const r3 = tensor([1, 2, 3, 4], [2, 2, 1]);
    expect(streamed(meanSquaredError(), r3, r3, 1)).toBe(0);
  });
});
