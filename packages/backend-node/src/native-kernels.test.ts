import { getKernel, type KernelConfig, registerKernel, type Tensor, unregisterKernel } from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { node } from './node.js';

/** tfjs-node is installed by `npm run setup:native` (or a networked `npm install @tensorflow/tfjs-node`). */
const installed = await node().isAvailable();
const NOT_INSTALLED = '@tensorflow/tfjs-node is not installed here (run `npm run setup:native`)';

describe("node(): @tessera/kernels' native kernels", () => {
  it('the Relu gradient is one ReluGrad op: dy where x > 0, else 0; its own gradient works (grad of grad); no leak', async (ctx) => {
    if (!installed) ctx.skip(NOT_INSTALLED);
    await useBackend(node());
    const tf = await import('@tensorflow/tfjs-core');
    const x = tf.tensor1d([-2, -0.5, 0, 0.25, 3]);
    const dy = tf.tensor1d([1, 2, 3, 4, 5]);
    const before = tf.memory().numTensors;
    const config = getKernel('TesseraReluGrad', 'tensorflow') as KernelConfig;
    let calls = 0;
    unregisterKernel('TesseraReluGrad', 'tensorflow');
    registerKernel({
      ...config,
      kernelFunc: (args) => {
        calls++;
        return config.kernelFunc(args);
      },
    });
    try {
      const dx = tf.tidy(() => tf.grad((v: Tensor) => tf.relu(v))(x, dy));
      expect(calls).toBe(1);
      expect(Array.from(await dx.data())).toEqual([0, 0, 0, 4, 5]);
      // d/dx of sum(grad(relu)(x) · x) = mask · 1 + 0: the second-order path through ReluGrad
      const gg = tf.tidy(() => tf.grad((v: Tensor) => tf.sum(tf.mul(tf.grad((w: Tensor) => tf.relu(w))(v), v)))(x));
      expect(Array.from(await gg.data())).toEqual([0, 0, 0, 1, 1]);
      tf.dispose([dx, gg]);
    } finally {
      unregisterKernel('TesseraReluGrad', 'tensorflow');
      registerKernel(config);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dy]);
  });
});
