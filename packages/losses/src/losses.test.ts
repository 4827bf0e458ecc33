import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { ShapeError, useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { getBackend, grad, memory, tensor, tensor1d, tensor2d } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  categoricalHinge,
  hinge,
  huber,
  klDivergence,
  logCosh,
  meanAbsoluteError,
  meanSquaredError,
  reduce,
  sparseCategoricalCrossentropy,
  sparseCategoricalFocalCrossentropy,
  squaredHinge,
} from './index.js';

const value = (t: Tensor): number[] => Array.from(t.dataSync());
const close = (got: number[], want: number[], tol = 1e-5) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(Math.abs(g - (want[i] as number))).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i] as number)));
  });
};
const softmax = (row: number[]) => {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

describe.each([cpu(), wasm()])('losses on $name', (plugin) => {
  beforeAll(async () => {
    await useBackend(plugin);
    expect(getBackend()).toBe(plugin.name);
  });

  const logits = [
    [2, 1, 0.1],
    [0.5, 2.5, -1],
  ];
  const labels = [0, 2];
  const ceByHand = labels.map((l, i) => -Math.log(softmax(logits[i] as number[])[l] as number));

  it('sparse categorical cross-entropy from logits and from probabilities', () => {
    const want = (ceByHand[0]! + ceByHand[1]!) / 2;
    close(value(sparseCategoricalCrossentropy({ fromLogits: true })(tensor1d(labels, 'int32'), tensor2d(logits))), [want]);
    close(value(sparseCategoricalCrossentropy({ fromLogits: true })(tensor2d([[0], [2]], [2, 1], 'int32'), tensor2d(logits))), [want]);
    const probs = tensor2d(logits.map(softmax));
    close(value(sparseCategoricalCrossentropy()(tensor1d(labels, 'int32'), probs)), [want], 1e-4);
    close(
      value(sparseCategoricalCrossentropy({ fromLogits: true, reduction: 'none' })(tensor1d(labels, 'int32'), tensor2d(logits))),
      ceByHand,
    );
  });

  it('sparse categorical cross-entropy on sequences: [batch, time, vocab] logits vs [batch, time] ids', () => {
    // a language model's logits: 2 sequences of 3 steps over 3 tokens, next-token ids as targets
    const seqLogits = [
      [
        [0, 0, 3],
        [1, -2, 0.5],
        [2, 1, 0.1],
      ],
      [
        [0.5, 2.5, -1],
        [1, 1, 1],
        [-1, 0, 1],
      ],
    ];
    const ids = [
      [2, 0, 1],
      [1, 2, 0],
    ];
    const perStep = ids.map((row, b) => row.map((id, t) => -Math.log(softmax((seqLogits[b] as number[][])[t] as number[])[id] as number)));
    const loss = sparseCategoricalCrossentropy({ fromLogits: true });
    const yPred = tensor(seqLogits.flat(2), [2, 3, 3]);
    close(value(loss(tensor2d(ids, [2, 3], 'int32'), yPred)), [perStep.flat().reduce((a, b) => a + b, 0) / 6]);
    close(
      value(sparseCategoricalCrossentropy({ fromLogits: true, reduction: 'none' })(tensor2d(ids, [2, 3], 'int32'), yPred)),
      perStep.flat(),
    );
    expect(() => loss(tensor2d([[1, 2]], [1, 2], 'int32'), yPred)).toThrow(ShapeError);
  });

  it('categorical cross-entropy with label smoothing and sample weights', () => {
    const y = tensor2d([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    const s = 0.1;
    const smoothedByHand = logits.map((row, i) => {
      const p = softmax(row);
      const t = [0, 1, 2].map((c) => (c === labels[i] ? 1 - s : 0) + s / 3);
      return -t.reduce((acc, tc, c) => acc + tc * Math.log(p[c] as number), 0);
    });
    close(value(categoricalCrossentropy({ fromLogits: true, labelSmoothing: s })(y, tensor2d(logits))), [
      (smoothedByHand[0]! + smoothedByHand[1]!) / 2,
    ]);
    const w = tensor1d([2, 0]);
    close(value(categoricalCrossentropy({ fromLogits: true })(y, tensor2d(logits), w)), [(2 * ceByHand[0]!) / 2]);
    close(value(categoricalCrossentropy({ fromLogits: true, reduction: 'sum' })(y, tensor2d(logits))), [ceByHand[0]! + ceByHand[1]!]);
  });

  it.each([true, false])('sparse CE with labelSmoothing 0.1 equals categorical CE on the one-hot labels (fromLogits %s)', (fromLogits) => {
    const scores = [
      [2, 1, 0.1, -0.7],
      [0.5, 2.5, -1, 0.3],
      [-1.2, 0.4, 0.9, 1.6],
    ];
    const classes = [3, 1, 0];
    const yPred = tensor2d(fromLogits ? scores : scores.map(softmax));
    const sparse = tensor1d(classes, 'int32');
    const dense = tensor2d(classes.map((c) => [0, 1, 2, 3].map((k) => (k === c ? 1 : 0))));
    const w = tensor1d([1, 0.5, 2]);
    const s = 0.1;
    for (const reduction of ['none', 'sum', 'mean'] as const) {
      const sce = sparseCategoricalCrossentropy({ fromLogits, labelSmoothing: s, reduction });
      const cce = categoricalCrossentropy({ fromLogits, labelSmoothing: s, reduction });
      close(value(sce(sparse, yPred)), value(cce(dense, yPred)), 1e-6);
      close(value(sce(tensor2d([[3], [1], [0]], [3, 1], 'int32'), yPred)), value(cce(dense, yPred)), 1e-6);
      close(value(sce(sparse, yPred, w)), value(cce(dense, yPred, w)), 1e-6);
    }
    // and both equal the smoothed targets y * 0.9 + 0.1 / 4 by hand
    const byHand = scores.map((row, i) => {
      const p = softmax(row);
      return -p.reduce((acc, pc, c) => acc + ((c === classes[i] ? 1 - s : 0) + s / 4) * Math.log(pc), 0);
    });
    close(value(sparseCategoricalCrossentropy({ fromLogits, labelSmoothing: s, reduction: 'none' })(sparse, yPred)), byHand, 1e-5);
    // smoothing changes the loss (the option is not ignored)
    const plain = value(sparseCategoricalCrossentropy({ fromLogits, reduction: 'none' })(sparse, yPred));
    expect(Math.abs((plain[0] as number) - (byHand[0] as number))).toBeGreaterThan(1e-3);
  });

  it('binary cross-entropy: logits and probabilities agree with the formula', () => {
    const z = [[1], [0], [1]];
    const x = [[2.0], [-1.0], [-0.5]];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const byHand = z.map((zz, i) => {
      const p = sig(x[i]![0]!);
      return -(zz[0]! * Math.log(p) + (1 - zz[0]!) * Math.log(1 - p));
    });
    const mean = byHand.reduce((a, b) => a + b, 0) / 3;
    close(value(binaryCrossentropy({ fromLogits: true })(tensor2d(z), tensor2d(x))), [mean]);
    close(value(binaryCrossentropy()(tensor2d(z), tensor2d(x.map((r) => [sig(r[0]!)])))), [mean], 1e-4);
    close(value(binaryCrossentropy({ fromLogits: true })(tensor1d([1, 0, 1]), tensor2d(x))), [mean]);
  });

  it('focal loss reduces to BCE with gamma 0 and down-weights easy examples', () => {
    const y = tensor2d([[1], [0]]);
    const x = tensor2d([[3], [-0.2]]);
    close(value(binaryFocalCrossentropy({ gamma: 0, fromLogits: true })(y, x)), value(binaryCrossentropy({ fromLogits: true })(y, x)));
    const p = [1 / (1 + Math.exp(-3)), 1 / (1 + Math.exp(0.2))];
    const byHand = [(1 - p[0]!) ** 2 * -Math.log(p[0]!) * 0.25, p[1]! ** 2 * -Math.log(1 - p[1]!) * 0.75];
    close(value(binaryFocalCrossentropy({ gamma: 2, alpha: 0.25, fromLogits: true, reduction: 'none' })(y, x)), byHand);
  });

  it('binary cross-entropy label smoothing and focal loss from probabilities', () => {
    // smoothing 0.2 pulls targets to 0.9 / 0.1
    const p = [0.8, 0.3];
    const byHand = [-(0.9 * Math.log(0.8) + 0.1 * Math.log(0.2)), -(0.1 * Math.log(0.3) + 0.9 * Math.log(0.7))];
    close(
      value(binaryCrossentropy({ labelSmoothing: 0.2, reduction: 'none' })(tensor2d([[1], [0]]), tensor2d([[0.8], [0.3]]))),
      byHand,
      1e-4,
    );
    const logit = (q: number) => Math.log(q / (1 - q));
    close(
      value(
        binaryCrossentropy({ labelSmoothing: 0.2, fromLogits: true, reduction: 'none' })(
          tensor2d([[1], [0]]),
          tensor2d(p.map((q) => [logit(q)])),
        ),
      ),
      byHand,
    );
    const focal = binaryFocalCrossentropy({ gamma: 1.5, reduction: 'none' })(tensor2d([[1], [0]]), tensor2d([[0.8], [0.3]]));
    close(value(focal), [0.2 ** 1.5 * -Math.log(0.8), 0.3 ** 1.5 * -Math.log(0.7)], 1e-4);
    // extreme logits stay finite
    const big = value(binaryCrossentropy({ fromLogits: true, reduction: 'none' })(tensor2d([[0], [1]]), tensor2d([[200], [-200]])));
    close(big, [200, 200]);
  });

  it('reductions and sample weights follow Keras sum-over-batch-size', () => {
    const y = tensor2d([[1], [2], [3], [4]]);
    const p = tensor2d([[2], [2], [5], [0]]);
    const sq = [1, 0, 4, 16];
    const w = [0.5, 1, 2, 0];
    const weighted = sq.map((v, i) => v * w[i]!);
    close(value(meanSquaredError({ reduction: 'none' })(y, p)), sq);
    close(value(meanSquaredError({ reduction: 'none' })(y, p, tensor1d(w))), weighted);
    close(value(meanSquaredError({ reduction: 'sum' })(y, p, tensor1d(w))), [weighted.reduce((a, b) => a + b)]);
    close(value(meanSquaredError()(y, p, tensor1d(w))), [weighted.reduce((a, b) => a + b) / 4]);
    close(value(meanSquaredError()(y, p, tensor2d([[0.5], [1], [2], [0]]))), [weighted.reduce((a, b) => a + b) / 4]);
    close(value(meanSquaredError()(y, p, tensor(3))), [(3 * 21) / 4]);
    // per-sample weights over per-timestep values: [N] weights on [N, T] sparse cross-entropy
    const logits3 = tensor([...logits.flat(), ...logits.flat()], [2, 2, 3]);
    const perStep = value(
      sparseCategoricalCrossentropy({ fromLogits: true, reduction: 'none' })(
        tensor2d([labels, labels], [2, 2], 'int32'),
        logits3,
        tensor1d([1, 3]),
      ),
    );
    close(perStep, [ceByHand[0]!, ceByHand[1]!, 3 * ceByHand[0]!, 3 * ceByHand[1]!]);
    expect(() => meanSquaredError()(y, p, tensor1d([1, 2, 3]))).toThrow(
      'mean_squared_error sample weight: expected shape [4], received [3]',
    );
  });

  it('reduce works on its own and rejects unknown reductions', () => {
    const v = tensor2d([
      [1, 2],
      [3, 4],
    ]);
    close(value(reduce(v, 'mean')), [2.5]);
    close(value(reduce(v, 'sum', tensor1d([1, 0]))), [3]);
    close(value(reduce(v, 'none', tensor1d([2, 1]))), [2, 4, 3, 4]);
    close(value(reduce(v, 'mean', tensor1d([2, 1]))), [13 / 4]);
    expect(() => reduce(v, 'max' as never)).toThrow("expected 'mean', 'sum' or 'none'");
  });

  it('categorical and sparse focal cross-entropy match hand values', () => {
    const focalByHand = (gamma: number, alpha: number, s = 0) =>
      logits.map((row, i) => {
        const p = softmax(row);
        return p.reduce((acc, pc, c) => {
          const t = (c === labels[i] ? 1 - s : 0) + s / 3;
          return acc - alpha * (1 - pc) ** gamma * t * Math.log(pc);
        }, 0);
      });
    const y = tensor2d([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    close(value(categoricalFocalCrossentropy({ fromLogits: true, reduction: 'none' })(y, tensor2d(logits))), focalByHand(2, 0.25));
    close(
      value(categoricalFocalCrossentropy({ gamma: 1, alpha: 1, labelSmoothing: 0.1, reduction: 'none' })(y, tensor2d(logits.map(softmax)))),
      focalByHand(1, 1, 0.1),
      1e-4,
    );
    const sparse = sparseCategoricalFocalCrossentropy({ fromLogits: true, gamma: 3, alpha: 0.5 });
    const want = focalByHand(3, 0.5);
    close(value(sparse(tensor1d(labels, 'int32'), tensor2d(logits))), [(want[0]! + want[1]!) / 2]);
    // gamma 0, alpha 1 is plain cross-entropy
    close(
      value(
        sparseCategoricalFocalCrossentropy({ fromLogits: true, gamma: 0, alpha: 1, reduction: 'none' })(
          tensor1d(labels, 'int32'),
          tensor2d(logits),
        ),
      ),
      ceByHand,
    );
  });

  it('regression losses match hand values', () => {
    const y = tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const p = tensor2d([
      [1.5, 1],
      [3, 6],
    ]);
    close(value(meanSquaredError()(y, p)), [(0.25 + 1 + 0 + 4) / 4]);
    close(value(meanAbsoluteError()(y, p)), [(0.5 + 1 + 0 + 2) / 4]);
    // huber delta 1: 0.5*0.25, 0.5, 0, 1*(2-0.5)
    close(value(huber()(y, p)), [(0.125 + 0.5 + 0 + 1.5) / 4]);
    const lc = (d: number) => Math.log(Math.cosh(d));
    close(value(logCosh()(y, p)), [(lc(0.5) + lc(1) + lc(0) + lc(2)) / 4]);
    const t = tensor2d([[0.2, 0.8]]);
    const q = tensor2d([[0.5, 0.5]]);
    close(value(klDivergence()(t, q)), [0.2 * Math.log(0.4) + 0.8 * Math.log(1.6)]);
  });

  it('hinge losses convert {0,1} labels', () => {
    close(value(hinge()(tensor2d([[1], [0]]), tensor2d([[0.3], [0.4]]))), [(0.7 + 1.4) / 2]);
    close(value(hinge()(tensor2d([[1], [-1]]), tensor2d([[0.3], [0.4]]))), [(0.7 + 1.4) / 2]);
    close(value(squaredHinge()(tensor2d([[1], [-1]]), tensor2d([[0.3], [0.4]]))), [(0.49 + 1.96) / 2]);
    close(value(categoricalHinge()(tensor2d([[0, 1, 0]]), tensor2d([[0.2, 0.5, 0.9]]))), [Math.max(0, 1 + 0.9 - 0.5)]);
  });

  it('gradients match finite differences', () => {
    const y = tensor1d([1, 0], 'int32');
    const loss = sparseCategoricalCrossentropy({ fromLogits: true });
    const x0 = [0.3, -0.2, 0.1, 1.0, 0.5, -0.7];
    const g = value(grad((x: Tensor) => loss(y, x))(tensor(x0, [2, 3])));
    const h = 1e-2;
    const f = (xs: number[]) => value(loss(y, tensor(xs, [2, 3])))[0] as number;
    x0.forEach((_, i) => {
      const up = [...x0];
      const dn = [...x0];
      up[i] = (up[i] as number) + h;
      dn[i] = (dn[i] as number) - h;
      expect(Math.abs((g[i] as number) - (f(up) - f(dn)) / (2 * h))).toBeLessThan(2e-3);
    });
    // binary cross-entropy from logits: d/dx mean = (sigmoid(x) - z) / n
    const z = tensor2d([[1, 0, 1]]);
    const bx = [0.4, -1.5, 3];
    const bg = value(grad((x: Tensor) => binaryCrossentropy({ fromLogits: true })(z, x))(tensor2d([bx])));
    close(
      bg,
      bx.map((v, i) => (1 / (1 + Math.exp(-v)) - [1, 0, 1][i]!) / 3),
    );
    // log-cosh: d/dp mean = tanh(p - y) / n
    const lg = value(grad((q: Tensor) => logCosh()(tensor2d([[0, 1]]), q))(tensor2d([[0.5, -2]])));
    close(lg, [Math.tanh(0.5) / 2, Math.tanh(-3) / 2]);
    const hg = value(grad((p: Tensor) => huber()(tensor2d([[0, 0]]), p))(tensor2d([[0.5, 3]])));
    close(hg, [0.25, 0.5]);
  });

  it.each([
    ['binaryCrossentropy', () => binaryCrossentropy({ labelSmoothing: 0.1 }), [1, 0, 0, 1]],
    ['categoricalCrossentropy', () => categoricalCrossentropy(), [0, 1, 1, 0]],
    ['categoricalFocalCrossentropy', () => categoricalFocalCrossentropy({ fromLogits: true }), [0, 1, 1, 0]],
    ['binaryFocalCrossentropy', () => binaryFocalCrossentropy({ alpha: 0.3 }), [1, 0, 0, 1]],
    ['meanSquaredError', () => meanSquaredError(), [0.1, 0.9, 0.5, 0.2]],
    ['meanAbsoluteError', () => meanAbsoluteError(), [0.1, 0.9, 0.5, 0.2]],
    ['huber', () => huber({ delta: 0.2 }), [0.1, 0.9, 0.5, 0.2]],
    ['logCosh', () => logCosh(), [0.1, 0.9, 0.5, 0.2]],
    ['klDivergence', () => klDivergence(), [0.3, 0.7, 0.6, 0.4]],
    ['hinge', () => hinge(), [1, -1, -1, 1]],
    ['squaredHinge', () => squaredHinge(), [1, -1, -1, 1]],
    ['categoricalHinge', () => categoricalHinge(), [0, 1, 1, 0]],
  ] as Array<[string, () => (y: Tensor, p: Tensor, w?: Tensor) => Tensor, number[]]>)(
    '%s gradient matches finite differences',
    (_n, make, yv) => {
      const loss = make();
      const y = tensor(yv, [2, 2]);
      const w = tensor1d([0.7, 1.3]);
      // predictions in (0, 1), away from the kinks of hinge, huber and MAE
      const x0 = [0.35, 0.62, 0.77, 0.45];
      const g = value(grad((x: Tensor) => loss(y, x, w))(tensor(x0, [2, 2])));
      const h = 1e-2;
      const f = (xs: number[]) => value(loss(y, tensor(xs, [2, 2]), w))[0] as number;
      x0.forEach((_, i) => {
        const up = [...x0];
        const dn = [...x0];
        up[i] = (up[i] as number) + h;
        dn[i] = (dn[i] as number) - h;
        const fd = (f(up) - f(dn)) / (2 * h);
        expect(Math.abs((g[i] as number) - fd)).toBeLessThan(3e-3 * (1 + Math.abs(fd)));
      });
    },
  );

  it('does not leak and names shape mismatches', () => {
    const before = memory().numTensors;
    const y = tensor2d([[1, 0]]);
    const p = tensor2d([[0.2, 0.8]]);
    const w = tensor1d([2]);
    for (let i = 0; i < 3; i++) meanSquaredError()(y, p).dispose();
    for (const loss of [
      binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }),
      categoricalCrossentropy({ fromLogits: true }),
      binaryFocalCrossentropy({ alpha: 0.25 }),
      categoricalFocalCrossentropy(),
      huber(),
      logCosh(),
      klDivergence(),
      hinge(),
      squaredHinge(),
      categoricalHinge(),
      meanAbsoluteError({ reduction: 'none' }),
    ]) {
      loss(y, p, w).dispose();
    }
    w.dispose();
    y.dispose();
    p.dispose();
    expect(memory().numTensors).toBe(before);
    expect(() => meanSquaredError()(tensor2d([[1, 2, 3]]), tensor2d([[1, 2]]))).toThrow(ShapeError);
    expect(() => meanSquaredError()(tensor2d([[1, 2, 3]]), tensor2d([[1, 2]]))).toThrow(
      'mean_squared_error targets: expected shape [1, 2], received [1, 3]',
    );
    expect(() => sparseCategoricalCrossentropy()(tensor1d([1, 2, 3]), tensor2d([[1, 2]]))).toThrow(
      'sparse_categorical_crossentropy targets: expected shape [1], received [3]',
    );
    expect(meanSquaredError().lossName).toBe('mean_squared_error');
  });
});
