import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { add, getBackend, tensor1d } from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { conv2dBackpropFilterKernel, unsortedSegmentSumKernel } from '@tessera/kernels';
import { describe, expect, it } from 'vitest';
import { cpu } from './cpu.js';

// The stock kernel, read before any cpu() replaces it.
await import('@tensorflow/tfjs-backend-cpu');
const stock = tf.getKernel('Conv2DBackpropFilter', 'cpu');
const stockSegmentSum = tf.getKernel('UnsortedSegmentSum', 'cpu');

describe('cpu()', () => {
  it('activates the cpu backend and computes', async () => {
    await useBackend(cpu());
    expect(getBackend()).toBe('cpu');
    const s = add(tensor1d([1, 2]), tensor1d([3, 4]));
    expect(Array.from(await s.data())).toEqual([4, 6]);
    s.dispose();
  });
  it('has the lowest default priority', () => {
    expect(cpu().priority).toBe(10);
    expect(cpu({ priority: 99 }).priority).toBe(99);
  });
});

describe('cpu() kernels and gradients', () => {
  it("registers Tessera's im2col Conv2DBackpropFilter by default, matching the stock kernel", async () => {
    expect(stock).toBeDefined();
    tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
    tf.registerKernel(stock as tf.KernelConfig);
    expect(stock?.kernelFunc).not.toBe(conv2dBackpropFilterKernel);
    await useBackend(cpu({ kernels: false }));
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc).toBe(stock?.kernelFunc);
    const x = tf.randomUniform([2, 7, 7, 3], -1, 1, 'float32', 1);
    const dy = tf.randomUniform([2, 4, 4, 5], -1, 1, 'float32', 2);
    const w = tf.randomUniform([3, 3, 3, 5], -1, 1, 'float32', 3);
    // d/dw sum(conv2d(x, w) ⊙ dy) runs Conv2DBackpropFilter(x, dy)
    const filterGrad = () => tf.grad((f: Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'), dy)))(w);
    const reference = filterGrad();
    const expected = Array.from(await reference.data());

    await useBackend(cpu());
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc).toBe(conv2dBackpropFilterKernel);
    const before = tf.memory().numTensors;
    const fast = filterGrad();
    const got = Array.from(await fast.data());
    fast.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(got.length).toBe(expected.length);
    for (const [i, v] of got.entries()) expect(Math.abs(v - (expected[i] as number))).toBeLessThan(1e-4);
    tf.dispose([x, dy, w, reference]);
  });

  it('registers a one-pass UnsortedSegmentSum (the Embedding gradient) matching the stock kernel', async () => {
    tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
    tf.registerKernel(stockSegmentSum as tf.KernelConfig);
    await useBackend(cpu({ kernels: false }));
    const x = tf.randomUniform([50, 3, 4], -1, 1, 'float32', 4);
    const ids = tf.tensor1d(
      Array.from({ length: 50 }, (_, i) => (i * 7) % 23),
      'int32',
    );
    const xi = tf.tensor2d(
      [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
      [4, 2],
      'int32',
    );
    const idsWithOutOfRange = tf.tensor1d([2, 0, 2, 9], 'int32');
    const expected = [
      Array.from(await tf.unsortedSegmentSum(x, ids, 25).data()),
      Array.from(await tf.unsortedSegmentSum(xi, idsWithOutOfRange, 4).data()),
    ];
    await useBackend(cpu());
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc).toBe(unsortedSegmentSumKernel);
    const before = tf.memory().numTensors;
    const a = tf.unsortedSegmentSum(x, ids, 25);
    const b = tf.unsortedSegmentSum(xi, idsWithOutOfRange, 4);
    expect(a.shape).toEqual([25, 3, 4]);
    expect(b.dtype).toBe('int32');
    const got = Array.from(await a.data());
    for (const [i, v] of got.entries()) expect(Math.abs(v - (expected[0]?.[i] as number))).toBeLessThan(1e-5);
    expect(Array.from(await b.data())).toEqual(expected[1]);
    expect(Array.from(await b.data())).toEqual([3, 4, 0, 0, 6, 8, 0, 0]);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ids, xi, idsWithOutOfRange]);
  });

  it('has the gradients tfjs-core lacks (Einsum, StridedSlice) and grad of grad of leakyRelu', async () => {
    await useBackend(cpu());
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const b = tf.tensor2d([
      [5, 6],
      [7, 8],
    ]);
    const [da] = tf.grads((p: Tensor, q: Tensor) => tf.sum(tf.einsum('ij,jk->ik', p, q)))([a, b]);
    // d/dA sum(A·B) = ones · Bᵀ: the row sums of B in every row
    expect(Array.from(await (da as Tensor).data())).toEqual([11, 15, 11, 15]);
    const x = tf.tensor1d([-2, 3]);
    const g = tf.grad((v: Tensor) => tf.sum(tf.stridedSlice(v, [1], [2], [1])))(x);
    expect(Array.from(await g.data())).toEqual([0, 1]);
    // d/dv sum(leakyRelu'(v) · v) = leakyRelu'(v): 0.2 for v < 0, 1 for v > 0
    const gg = tf.grad((v: Tensor) => tf.sum(tf.mul(tf.grad((u: Tensor) => tf.sum(tf.leakyRelu(u, 0.2)))(v), v)))(x);
    const ggv = Array.from(await gg.data());
    expect(ggv[0]).toBeCloseTo(0.2, 6);
    expect(ggv[1]).toBeCloseTo(1, 6);
    tf.dispose([a, b, da as Tensor, x, g, gg]);
  });
});
