import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { FusedConv2D, type FusedConv2DAttrs } from '@tessera/kernels';
import { describe, expect, it } from 'vitest';
import { expectClose, stock, traced, valuesOf, withoutListAttributes } from '../../../test-support/native-trace.js';
import { node } from './node.js';

/** tfjs-node is installed by `npm run setup:native` (or a networked `npm install @tensorflow/tfjs-node`). */
const installed = await node().isAvailable();
const NOT_INSTALLED = '@tensorflow/tfjs-node is not installed here (run `npm run setup:native`)';

type Shape4 = [number, number, number, number];
type Tf = typeof import('@tensorflow/tfjs-core');

const cases = [
  { what: 'the MNIST CNN first layer, relu', x: [64, 28, 28, 1], w: [3, 3, 1, 32], stride: 1, pad: 'valid', act: 'relu', onednn: true },
  { what: 'its second layer, relu', x: [64, 13, 13, 32], w: [3, 3, 32, 64], stride: 1, pad: 'valid', act: 'relu', onednn: true },
  {
    what: "stride 2, 'same', odd size, no activation",
    x: [16, 33, 33, 16],
    w: [3, 3, 16, 32],
    stride: 2,
    pad: 'same',
    act: 'linear',
    onednn: true,
  },
  { what: 'tiny (conv, BiasAdd and Relu on Eigen)', x: [4, 9, 9, 1], w: [2, 2, 1, 3], stride: 1, pad: 'valid', act: 'relu', onednn: false },
] as const;

type Case = (typeof cases)[number];

/** The fused kernel, and the same computation from separate ops. */
function fusedConv(tf: Tf, c: Case) {
  const attrs: FusedConv2DAttrs = { strides: [c.stride, c.stride], pad: c.pad, activation: c.act };
  return (x: Tensor, filter: Tensor, bias: Tensor): Tensor =>
    tf.engine().runKernel(FusedConv2D, { x, filter, bias } as never, attrs as never) as Tensor;
}
function separateOps(tf: Tf, c: Case) {
  return (x: Tensor, filter: Tensor, bias: Tensor): Tensor => {
    const y = tf.add(tf.conv2d(x as Tensor4D, filter as Tensor4D, c.stride, c.pad), bias);
    return c.act === 'relu' ? tf.relu(y) : y;
  };
}

/** Values and the gradients of x, filter and bias of `sum(op(x, w, b) · r)`. */
function withGrads(tf: Tf, op: (x: Tensor, w: Tensor, b: Tensor) => Tensor, x: Tensor, w: Tensor, b: Tensor): Tensor[] {
  const y = op(x, w, b);
  const r = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
  const grads = tf.grads((a: Tensor, f: Tensor, c: Tensor) => tf.sum(tf.mul(op(a, f, c), r)))([x, w, b]);
  return [y, ...grads];
}

describe("node(): convolution, bias and ReLU in one kernel (oneDNN's fused convolution)", () => {
  it.for(cases)(
    'values and the x, filter and bias gradients match conv2d + add + relu on the stock kernels: $what; no leak',
    async (c, ctx) => {
      if (!installed) ctx.skip(NOT_INSTALLED);
      await useBackend(node());
      const tf = await import('@tensorflow/tfjs-core');
      const x = tf.randomNormal(c.x as unknown as Shape4, 0, 1, 'float32', 1) as Tensor4D;
      const w = tf.randomNormal(c.w as unknown as Shape4, 0, 0.3, 'float32', 2) as Tensor4D;
      const b = tf.randomNormal([c.w[3]], 0, 0.5, 'float32', 4) as Tensor1D;
      const before = tf.memory().numTensors;
      const ours = traced(tf, () => withGrads(tf, fusedConv(tf, c), x, w, b));
      expect(tf.memory().numTensors).toBe(before);
      expect(ours.ops.includes('_MklNativeFusedConv2D')).toBe(c.onednn);
      if (!c.onednn) expect(ours.ops).toEqual(expect.arrayContaining(['BiasAdd', 'Relu']));
      expectClose(
        ours.values,
        stock(tf, () => withGrads(tf, separateOps(tf, c), x, w, b)),
        2e-5,
      );
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w, b]);
    },
  );

  it("on a binding without list attributes (tfjs-node's own build) it runs conv, BiasAdd and Relu, asking once", async (ctx) => {
    if (!installed) ctx.skip(NOT_INSTALLED);
    await useBackend(node());
    const tf = await import('@tensorflow/tfjs-core');
    const c = cases[0];
    const x = tf.randomNormal(c.x as unknown as Shape4, 0, 1, 'float32', 1) as Tensor4D;
    const w = tf.randomNormal(c.w as unknown as Shape4, 0, 0.3, 'float32', 2) as Tensor4D;
    const b = tf.randomNormal([c.w[3]], 0, 0.5, 'float32', 4) as Tensor1D;
    const before = tf.memory().numTensors;
    const { result, refused } = withoutListAttributes(tf, () =>
      [0, 1].map(() => valuesOf(tf, () => withGrads(tf, fusedConv(tf, c), x, w, b))),
    );
    expect(refused).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    const want = stock(tf, () => withGrads(tf, separateOps(tf, c), x, w, b));
    for (const values of result) expectClose(values, want, 2e-5);
    tf.dispose([x, w, b]);
  });
});
