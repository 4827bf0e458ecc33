import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { keptMaxPoolWorkspaces } from '@tessera/kernels';
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
    // two pools outside the gradient, one recorded; the gradient reads the recorded one's workspace
    expect(ours.ops.filter((op) => op === '_MklNativeMaxPool')).toHaveLength(c.onednn ? 3 : 0);
    expect(keptMaxPoolWorkspaces()).toBe(0); // freed with the pooled outputs
    expectClose(ours.values, stock(tf, f), 1e-6);
    tf.dispose(x);
  });

  it("the gradient reads the forward pass's workspace only for the input and pooling it came from; workspaces are freed with the output, none kept outside a tape", async (ctx) => {
    if (!installed) ctx.skip(NOT_INSTALLED);
    await useBackend(node());
    const tf = await import('@tensorflow/tfjs-core');
    const x1 = tf.tidy(() => tf.relu(tf.round(tf.randomNormal([16, 24, 24, 32], 0, 2, 'float32', 8))));
    const x2 = tf.tidy(() => tf.relu(tf.round(tf.randomNormal([16, 24, 24, 32], 0, 2, 'float32', 9))));
    const pool = (a: Tensor) => tf.maxPool(a as Tensor4D, 2, 2, 'valid');
    const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
    const gradOf = (input: Tensor, output: Tensor, dy: Tensor) =>
      tf.engine().runKernel('MaxPoolGrad', { dy, input, output } as never, attrs as never) as Tensor;
    const before = tf.memory().numTensors;
    const y = pool(x1); // outside a tape: no workspace kept
    expect(keptMaxPoolWorkspaces()).toBe(0);
    y.dispose();
    const f = (): Tensor[] => {
      let mismatched: Tensor | undefined;
      const g = tf.grad((a: Tensor) => {
        const y1 = pool(a); // recorded: its workspace is kept
        expect(keptMaxPoolWorkspaces()).toBe(1);
        // the same output with another input: the workspace does not belong to it
        mismatched = tf.keep(gradOf(x2, y1, tf.onesLike(y1)));
        return tf.sum(y1);
      })(x1);
      return [g, mismatched as Tensor];
    };
    const ours = traced(tf, f);
    expect(keptMaxPoolWorkspaces()).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    // the mismatched call pooled x2 again; the real gradient did not pool x1 again
    expect(ours.ops.filter((op) => op === '_MklNativeMaxPool')).toHaveLength(2);
    const want = stock(tf, () => [tf.grad((a: Tensor) => tf.sum(pool(a)))(x1), gradOf(x2, pool(x2), tf.onesLike(pool(x2)))]);
    expectClose(ours.values, want, 1e-6);
    tf.dispose([x1, x2]);
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
