import type { Tensor } from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { FusedMatMul, type FusedMatMulAttrs } from '@tessera/kernels';
import { describe, expect, it } from 'vitest';
import { expectClose, stock, traced, valuesOf, withoutListAttributes } from '../../../test-support/native-trace.js';
import { node } from './node.js';

/** tfjs-node is installed by `npm run setup:native` (or a networked `npm install @tensorflow/tfjs-node`). */
const installed = await node().isAvailable();
const NOT_INSTALLED = '@tensorflow/tfjs-node is not installed here (run `npm run setup:native`)';

type Tf = typeof import('@tensorflow/tfjs-core');

const cases = [
  { what: 'the MNIST MLP hidden layer, relu', a: [128, 784], n: 128, act: 'relu' },
  { what: 'its output layer, no activation', a: [128, 128], n: 10, act: 'linear' },
  { what: 'one row', a: [1, 7], n: 3, act: 'relu' },
] as const;

type Case = (typeof cases)[number];

/** Values and the gradients of a, b and bias of `sum(op(a, b, bias) · r)`. */
function withGrads(tf: Tf, op: (a: Tensor, b: Tensor, c: Tensor) => Tensor, a: Tensor, b: Tensor, c: Tensor): Tensor[] {
  const y = op(a, b, c);
  const r = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
  return [y, ...tf.grads((x: Tensor, w: Tensor, z: Tensor) => tf.sum(tf.mul(op(x, w, z), r)))([a, b, c])];
}

function fusedOp(tf: Tf, c: Case) {
  const attrs: FusedMatMulAttrs = { activation: c.act };
  return (a: Tensor, b: Tensor, bias: Tensor) => tf.engine().runKernel(FusedMatMul, { a, b, bias } as never, attrs as never) as Tensor;
}
function separateOps(tf: Tf, c: Case) {
  return (a: Tensor, b: Tensor, bias: Tensor) => {
    const y = tf.add(tf.matMul(a, b), bias);
    return c.act === 'relu' ? tf.relu(y) : y;
  };
}

async function inputs(c: Case) {
  const tf = await import('@tensorflow/tfjs-core');
  const a = tf.randomNormal([...c.a], 0, 1, 'float32', 1);
  const b = tf.randomNormal([c.a[1], c.n], 0, 0.3, 'float32', 2);
  const bias = tf.randomNormal([c.n], 0, 0.5, 'float32', 4);
  return { tf, a, b, bias };
}

describe("node(): matrix product, bias and ReLU in one kernel (TensorFlow's _FusedMatMul)", () => {
  it.for(cases)('values and the a, b and bias gradients match matMul + add + relu on the stock kernels: $what; no leak', async (c, ctx) => {
    if (!installed) ctx.skip(NOT_INSTALLED);
    await useBackend(node());
    const { tf, a, b, bias } = await inputs(c);
    const before = tf.memory().numTensors;
    const ours = traced(tf, () => withGrads(tf, fusedOp(tf, c), a, b, bias));
    expect(tf.memory().numTensors).toBe(before);
    expect(ours.ops).toContain('_FusedMatMul');
    expectClose(
      ours.values,
      stock(tf, () => withGrads(tf, separateOps(tf, c), a, b, bias)),
      1e-5,
    );
    tf.dispose([a, b, bias]);
  });

  it("on a binding without list attributes (tfjs-node's own build) it runs MatMul, BiasAdd and Relu, asking once", async (ctx) => {
    if (!installed) ctx.skip(NOT_INSTALLED);
    await useBackend(node());
    const c = cases[0];
    const { tf, a, b, bias } = await inputs(c);
    const before = tf.memory().numTensors;
    const { result, refused } = withoutListAttributes(tf, () =>
      [0, 1].map(() => valuesOf(tf, () => withGrads(tf, fusedOp(tf, c), a, b, bias))),
    );
    expect(refused).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    const want = stock(tf, () => withGrads(tf, separateOps(tf, c), a, b, bias));
    for (const values of result) expectClose(values, want, 1e-5);
    tf.dispose([a, b, bias]);
  });

  it('refuses mismatched shapes, naming them', async (ctx) => {
    if (!installed) ctx.skip(NOT_INSTALLED);
    await useBackend(node());
    const tf = await import('@tensorflow/tfjs-core');
    const [a, b, bias] = [tf.zeros([2, 3]), tf.zeros([4, 5]), tf.zeros([5])];
    expect(() => tf.engine().runKernel(FusedMatMul, { a, b, bias } as never, { activation: 'relu' } as never)).toThrow(
      /TesseraFusedMatMul shapes/,
    );
    tf.dispose([a, b, bias]);
  });
});
