import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { type BackendPlugin, hasKernel, useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add, dispose, grad, memory, mul, randomNormal, sum, tensor, tidy } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { withoutKernel } from '../../../test-support/without-kernel.js';
import { sparseCategoricalCrossentropy } from './index.js';

const KERNEL = 'TesseraSparseSoftmaxCrossEntropy';

/** Native TensorFlow, where `npm run setup:native` has installed tfjs-node (CI does). */
const nativeInstalled = await node().isAvailable();
const plugins: BackendPlugin[] = [cpu(), wasm(), ...(nativeInstalled ? [node()] : [])];

type Reduction = 'mean' | 'none';

/** Loss, gradient, and gradient of Σ gradient · w, of `loss` at `logits`. */
function lossAndGrads(loss: (x: Tensor) => Tensor, logits: Tensor, order: 1 | 2): number[][] {
  return tidy(() => {
    const f = (x: Tensor): Tensor => sum(loss(x));
    const w = randomNormal(logits.shape, 0, 1, 'float32', 7);
    const out = [loss(logits), grad(f)(logits)];
    if (order === 2) out.push(grad((x: Tensor) => sum(mul(grad(f)(x), w)))(logits));
    return out.map((t) => Array.from(t.dataSync()));
  });
}

/** The loss under test: sparseCategoricalCrossentropy from logits. */
const sparseLoss = (labels: Tensor, reduction: Reduction) => (x: Tensor) =>
  sparseCategoricalCrossentropy({ fromLogits: true, reduction })(labels, x);

function expectClose(got: number[][], want: number[][], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i] as number[];
    expect(g.length).toBe(w.length);
    g.forEach((v, j) => {
      expect(Math.abs(v - (w[j] as number))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w[j] as number)));
    });
  });
}

describe.each(plugins.map((plugin) => ({ plugin, name: plugin.name })))(
  'the sparse softmax cross-entropy kernel on $name',
  ({ plugin }) => {
    it.each([
      { what: '[n] labels', logits: [6, 5], labels: [6], reduction: 'mean' as const },
      { what: '[n, 1] labels, no reduction', logits: [4, 3], labels: [4, 1], reduction: 'none' as const },
      { what: 'sequence logits [b, t, classes]', logits: [2, 3, 7], labels: [2, 3], reduction: 'mean' as const },
    ])('gives the loss and gradient of the composite ops ($what), with no tensor left behind', async (c) => {
      await useBackend(plugin);
      expect(hasKernel(KERNEL)).toBe(true);
      const classes = c.logits[c.logits.length - 1] as number;
      const count = c.labels.reduce((p, d) => p * d, 1);
      const labels = tensor(
        Array.from({ length: count }, (_, i) => (i * 3 + 1) % classes),
        c.labels,
        'int32',
      );
      // large logits too: the kernel's log-sum-exp must stay finite where exp alone overflows
      const logits = tidy(() => add(mul(randomNormal(c.logits, 0, 1, 'float32', 3), 30), 50));
      const before = memory().numTensors;
      const fused = lossAndGrads(sparseLoss(labels, c.reduction), logits, 1);
      expect(memory().numTensors).toBe(before);
      // the loss' own composite ops (kernel unregistered)
      const ops = withoutKernel(KERNEL, () => lossAndGrads(sparseLoss(labels, c.reduction), logits, 1));
      expectClose(fused, ops, 2e-5);
      expect(fused.flat().every(Number.isFinite)).toBe(true);
      expect(fused[0]?.some((v) => v > 1)).toBe(true); // not trivially zero
      dispose([labels, logits]);
    });

    it('has a second derivative (the composite ops, through tfjs-core logSoftmax, have none): central differences of the gradient', async () => {
      await useBackend(plugin);
      const labels = tensor([1, 3, 0], [3], 'int32');
      const logits = randomNormal([3, 4], 0, 1, 'float32', 5);
      const before = memory().numTensors;
      const [, , exact] = lossAndGrads(sparseLoss(labels, 'mean'), logits, 2) as [number[], number[], number[]];
      expect(memory().numTensors).toBe(before);
      // h(x) = Σ grad(x) · w, the function lossAndGrads differentiates
      const w = randomNormal(logits.shape, 0, 1, 'float32', 7);
      const h = (x: Tensor): number =>
        tidy(() => sum(mul(grad((z: Tensor) => sum(sparseLoss(labels, 'mean')(z)))(x), w)).dataSync()[0] as number);
      const x0 = logits.dataSync();
      const step = 1e-2;
      const numeric = Array.from(x0, (_, i) => {
        const at = (d: number): number => {
          const shifted = Float32Array.from(x0);
          shifted[i] = (shifted[i] as number) + d;
          const t = tensor(shifted, logits.shape);
          const v = h(t);
          t.dispose();
          return v;
        };
        return (at(step) - at(-step)) / (2 * step);
      });
      expectClose([exact], [numeric], 2e-3);
      expect(exact.some((v) => Math.abs(v) > 1e-2)).toBe(true);
      dispose([labels, logits, w]);
    });

    it('takes float labels as the class indices they hold', async () => {
      await useBackend(plugin);
      const loss = sparseCategoricalCrossentropy({ fromLogits: true, reduction: 'none' });
      const logits = tensor([
        [1, 2, 3],
        [0.5, -1, 0],
      ]);
      const [a, b] = [tensor([2, 0], [2], 'float32'), tensor([2, 0], [2], 'int32')];
      const got = tidy(() => [loss(a, logits), loss(b, logits)].map((t) => Array.from(t.dataSync())));
      expect(got[0]).toEqual(got[1]);
      // log(1 + e^-1 + e^-2) and log(1 + e^-1.5 + e^-0.5)
      expectClose([got[0] as number[]], [[Math.log(1 + Math.exp(-1) + Math.exp(-2)), Math.log(1 + Math.exp(-1.5) + Math.exp(-0.5))]], 1e-6);
      dispose([a, b, logits]);
    });

    it('charges nothing for a label outside the classes (-100 for an unscored token), as the ops: zero loss and gradient on that row', async () => {
      await useBackend(plugin);
      const logits = tensor([
        [1, 2, 3],
        [0.5, -1, 0],
        [2, 0, -2],
        [0, 0, 1],
      ]);
      const labels = tensor([1, -100, 3, 2], [4], 'int32');
      const before = memory().numTensors;
      const fused = lossAndGrads(sparseLoss(labels, 'none'), logits, 1);
      expect(memory().numTensors).toBe(before);
      const ops = withoutKernel(KERNEL, () => lossAndGrads(sparseLoss(labels, 'none'), logits, 1));
      expectClose(fused, ops, 2e-5);
      const [loss, dLogits] = fused as [number[], number[]];
      // (-0 from a product with a zeroed dy on native TensorFlow counts as zero)
      expect([loss[1], loss[2], ...dLogits.slice(3, 9)].every((v) => v === 0)).toBe(true);
      expect(loss[0]).toBeGreaterThan(0.1);
      expect(loss[3]).toBeGreaterThan(0.1);
      dispose([labels, logits]);
    });
  },
);
