import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { expectClose, stock, traced } from '../../../test-support/native-trace.js';
import { node } from './node.js';

/** tfjs-node is installed by `npm run setup:native` (or a networked `npm install @tensorflow/tfjs-node`). */
const installed = await node().isAvailable();
const NOT_INSTALLED = '@tensorflow/tfjs-node is not installed here (run `npm run setup:native`)';

type Shape4 = [number, number, number, number];
const convCases = [
  {
    what: '1 input channel (the MNIST CNN first layer)',
    x: [64, 28, 28, 1],
    w: [3, 3, 1, 32],
    stride: 1,
    pad: 'valid' as const,
    onednn: ['Conv2D', 'Conv2DBackpropFilter'],
  },
  {
    what: '32 channels (its second layer)',
    x: [64, 13, 13, 32],
    w: [3, 3, 32, 64],
    stride: 1,
    pad: 'valid' as const,
    onednn: ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput'],
  },
  {
    what: "3 channels, 'same'",
    x: [16, 32, 32, 3],
    w: [3, 3, 3, 16],
    stride: 1,
    pad: 'same' as const,
    onednn: ['Conv2D', 'Conv2DBackpropFilter'],
  },
  {
    what: "stride 2, 'same', odd size",
    x: [16, 33, 33, 16],
    w: [3, 3, 16, 32],
    stride: 2,
    pad: 'same' as const,
    onednn: ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput'],
  },
  { what: 'tiny (stays on Eigen)', x: [4, 9, 9, 1], w: [2, 2, 1, 3], stride: 1, pad: 'valid' as const, onednn: [] },
];

const poolCases = [
  { what: '2×2 stride 2 over relu outputs (ties at 0)', x: [64, 26, 26, 32], size: 2, stride: 2, pad: 'valid' as const, onednn: true },
  {
    what: "3×3 stride 2 'same', overlapping windows, integer ties",
    x: [16, 31, 31, 8],
    size: 3,
    stride: 2,
    pad: 'same' as const,
    onednn: true,
  },
  { what: 'small (stays on Eigen)', x: [8, 15, 15, 4], size: 3, stride: 2, pad: 'same' as const, onednn: false },
];

describe("node(): convolutions and max pooling on TensorFlow's oneDNN kernels", () => {
  it.for(convCases)('conv2d and both gradients match the stock kernels: $what; no leak', async (c, ctx) => {
    if (!installed) ctx.skip(NOT_INSTALLED);
    await useBackend(node());
    const tf = await import('@tensorflow/tfjs-core');
    const x = tf.randomNormal(c.x as Shape4, 0, 1, 'float32', 1) as Tensor4D;
    const w = tf.randomNormal(c.w as Shape4, 0, 0.3, 'float32', 2) as Tensor4D;
    const f = (): Tensor[] => {
      const conv = (a: Tensor4D, b: Tensor4D) => tf.conv2d(a, b, c.stride, c.pad);
      const y = conv(x, w);
      const r = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
      const [dx, dw] = tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(conv(a as Tensor4D, b as Tensor4D), r)))([x, w]);
      return [y, dx as Tensor, dw as Tensor];
    };
    const before = tf.memory().numTensors;
    const ours = traced(tf, f);
    expect(tf.memory().numTensors).toBe(before);
    const ran = ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput'].filter((op) => ours.ops.includes(`_MklNative${op}`));
    expect(ran).toEqual(c.onednn);
    expectClose(ours.values, stock(tf, f), 2e-5);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });

  it.for(poolCases)('maxPool and its gradient match the stock kernels exactly, ties included: $what; no leak', async (c, ctx) => {
    if (!installed) ctx.skip(NOT_INSTALLED);
    await useBackend(node());
    const tf = await import('@tensorflow/tfjs-core');
    // relu outputs tie at 0; rounded values tie everywhere: the gradient must go where TensorFlow's goes
    const x = tf.tidy(() => tf.relu(tf.round(tf.randomNormal(c.x, 0, 2, 'float32', 4))));
    const f = (): Tensor[] => {
      const pool = (a: Tensor) => tf.maxPool(a as Tensor4D, c.size, c.stride, c.pad);
      const r = tf.randomNormal(pool(x).shape, 0, 1, 'float32', 5);
      return [pool(x), tf.grad((a: Tensor) => tf.sum(tf.mul(pool(a), r)))(x)];
    };
    const before = tf.memory().numTensors;
    const ours = traced(tf, f);
    expect(tf.memory().numTensors).toBe(before);
    expect(ours.ops.includes('_MklNativeMaxPoolGrad')).toBe(c.onednn);
    expect(ours.ops.includes('_MklNativeMaxPool')).toBe(c.onednn);
    expectClose(ours.values, stock(tf, f), 1e-6);
    tf.dispose(x);
  });

  it('a dilated convolution stays on the stock kernel', async (ctx) => {
    if (!installed) ctx.skip(NOT_INSTALLED);
    await useBackend(node());
    const tf = await import('@tensorflow/tfjs-core');
    const x = tf.randomNormal([32, 28, 28, 8], 0, 1, 'float32', 6) as Tensor4D;
    const w = tf.randomNormal([3, 3, 8, 16], 0, 1, 'float32', 7) as Tensor4D;
    const { values, ops } = traced(tf, () => [tf.conv2d(x, w, 1, 'valid', 'NHWC', 2)]);
    expect(ops.some((op) => op.startsWith('_MklNative'))).toBe(false);
    expect(values[0]?.length).toBe(32 * 24 * 24 * 16);
    tf.dispose([x, w]);
  });
});
