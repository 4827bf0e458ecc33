import type { KernelFunc, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCpu, testWasm } from '../../../test-support/backends.js';
import { FusedConv2D, type FusedConv2DAttrs } from './fused-conv2d.js';
import { FusedMatMul, type FusedMatMulAttrs } from './fused-matmul.js';
import { registerGradientFixes } from './gradients.js';
import { registerWasmKernels } from './register.js';

// The gradients of the fused convolution and matrix product on backends without their native kernels: test-only kernels
// compute the forward pass from separate ops; the gradients (registered on every backend) must
// give the separate ops' gradients, through tfjs' product with a step where there is no ReluGrad.

const composite: KernelFunc = ({ inputs, attrs }) => {
  const { x, filter, bias } = inputs as unknown as { x: Tensor4D; filter: Tensor4D; bias: Tensor };
  const { strides, pad, activation } = attrs as unknown as FusedConv2DAttrs;
  return tf.tidy(() => {
    const y = tf.add(tf.conv2d(x, filter, strides, pad), bias);
    return activation === 'relu' ? tf.relu(y) : y;
  });
};

const compositeMatMul: KernelFunc = ({ inputs, attrs }) => {
  const { a, b, bias } = inputs as unknown as { a: Tensor; b: Tensor; bias: Tensor };
  return tf.tidy(() => {
    const y = tf.add(tf.matMul(a, b), bias);
    return (attrs as unknown as FusedMatMulAttrs).activation === 'relu' ? tf.relu(y) : y;
  });
};

type Op = (...inputs: Tensor[]) => Tensor;

/**
 * Expects the gradients of `sum(op(inputs) · r)` (r fixed) through `fused` to equal those through
 * `separate`, within 1e-4 relative, with no tensor left behind.
 */
function expectSameGrads(fused: Op, separate: Op, inputs: Tensor[]): void {
  const loss =
    (op: Op) =>
    (...xs: Tensor[]) => {
      const y = op(...xs);
      return tf.sum(tf.mul(y, tf.randomNormal(y.shape, 0, 1, 'float32', 4)));
    };
  const before = tf.memory().numTensors;
  const gradsOf = (op: Op) =>
    tf.tidy(() =>
      tf
        .grads(loss(op))(inputs)
        .map((g) => Array.from(g.dataSync())),
    );
  const got = gradsOf(fused);
  const want = gradsOf(separate);
  expect(tf.memory().numTensors).toBe(before);
  got.forEach((g, i) => {
    g.forEach((v, j) => {
      expect(Math.abs(v - (want[i]?.[j] as number))).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want[i]?.[j] as number)));
    });
  });
}

const cases: { what: string; attrs: FusedConv2DAttrs }[] = [
  { what: "relu, 'valid'", attrs: { strides: [1, 1], pad: 'valid', activation: 'relu' } },
  { what: "linear, stride 2, 'same'", attrs: { strides: [2, 2], pad: 'same', activation: 'linear' } },
];

describe.each([
  ['cpu', testCpu],
  ['wasm', testWasm],
] as const)('the gradients of TesseraFusedConv2D and TesseraFusedMatMul on %s', (name, plugin) => {
  beforeAll(async () => {
    await useBackend(plugin);
    registerGradientFixes();
    if (name === 'wasm') registerWasmKernels(); // stock wasm has no Conv2DBackpropFilter
    tf.registerKernel({ kernelName: FusedConv2D, backendName: name, kernelFunc: composite });
    tf.registerKernel({ kernelName: FusedMatMul, backendName: name, kernelFunc: compositeMatMul });
  });
  afterAll(() => {
    tf.unregisterKernel(FusedConv2D, name);
    tf.unregisterKernel(FusedMatMul, name);
  });

  it.for(['relu', 'linear'] as const)(
    'TesseraFusedMatMul, %s: a, b and bias gradients equal those of matMul + add + activation; no leak',
    async (activation) => {
      await useBackend(plugin);
      const a = tf.randomNormal([6, 5], 0, 1, 'float32', 1);
      const b = tf.randomNormal([5, 4], 0, 0.5, 'float32', 2);
      const bias = tf.randomNormal([4], 0, 0.5, 'float32', 3);
      const attrs = { activation };
      const fused = (x: Tensor, w: Tensor, c: Tensor) =>
        tf.engine().runKernel(FusedMatMul, { a: x, b: w, bias: c } as never, attrs as never) as Tensor;
      const separate = (x: Tensor, w: Tensor, c: Tensor) => compositeMatMul({ inputs: { a: x, b: w, bias: c }, attrs } as never) as Tensor;
      expectSameGrads(fused as Op, separate as Op, [a, b, bias]);
      tf.dispose([a, b, bias]);
    },
  );

  it.for(cases)('$what: x, filter and bias gradients equal those of conv2d + add + activation; no leak', async (c) => {
    await useBackend(plugin);
    const x = tf.randomNormal([3, 9, 9, 4], 0, 1, 'float32', 1);
    const w = tf.randomNormal([3, 3, 4, 5], 0, 0.5, 'float32', 2);
    const b = tf.randomNormal([5], 0, 0.5, 'float32', 3);
    const fused = (a: Tensor, f: Tensor, bb: Tensor) =>
      tf.engine().runKernel(FusedConv2D, { x: a, filter: f, bias: bb } as never, c.attrs as never) as Tensor;
    const separate = (a: Tensor, f: Tensor, bb: Tensor) =>
      composite({ inputs: { x: a, filter: f, bias: bb }, attrs: c.attrs } as never) as Tensor;
    expectSameGrads(fused as Op, separate as Op, [x, w, b]);
    tf.dispose([x, w, b]);
  });
});
