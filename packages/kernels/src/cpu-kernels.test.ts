import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCpu } from '../../../test-support/backends.js';
import { cpuKernelConfigs, registerCpuKernels, unregisterTesseraKernels } from './register.js';

const rand = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

describe('Tessera cpu kernels', () => {
  let stock: tf.KernelConfig | undefined;
  beforeAll(async () => {
    await useBackend(testCpu);
    stock = tf.getKernel('Conv2DBackpropFilter', 'cpu') as tf.KernelConfig | undefined;
    registerCpuKernels();
  });
  afterAll(() => unregisterTesseraKernels());

  it('are registered for cpu', () => {
    for (const c of cpuKernelConfigs()) expect(tf.getKernel(c.kernelName, 'cpu')?.kernelFunc).toBe(c.kernelFunc);
    expect(stock).toBeDefined();
  });

  it.each([
    ['same, stride 1', [2, 7, 7, 3], [3, 3, 3, 4], 1, 'same'],
    ['valid, stride 2', [2, 9, 8, 2], [3, 2, 2, 5], 2, 'valid'],
    ['same, stride 2, odd', [1, 7, 6, 3], [5, 5, 3, 2], 2, 'same'],
  ] as const)('Conv2DBackpropFilter (%s) equals the stock cpu kernel and finite differences', (_n, xs, fs, s, p) => {
    const x = rand([...xs], 1);
    const f = rand([...fs], 2);
    const dyShape = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, s, p).shape;
    const dy = rand(dyShape, 3);
    const before = tf.memory().numTensors;
    const attrs = { strides: s, pad: p, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [...fs] };
    const ours = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as Tensor;
    expect(tf.memory().numTensors).toBe(before + 1);
    const backend = tf.engine().backend;
    const out = (stock as tf.KernelConfig).kernelFunc({
      inputs: { x, dy },
      backend,
      attrs: attrs as unknown as tf.NamedAttrMap,
    }) as tf.TensorInfo;
    const expected = tf.engine().makeTensorFromTensorInfo(out);
    const a = ours.dataSync();
    const b = expected.dataSync();
    expect(ours.shape).toEqual([...fs]);
    for (const [i, v] of b.entries()) expect(Math.abs((a[i] as number) - v)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(v)));
    // finite differences of sum(conv2d(x, f) * dy) w.r.t. one filter entry
    const at = (d: number) =>
      tf.tidy(() => {
        const fv = f.dataSync().slice();
        fv[0] = (fv[0] as number) + d;
        return tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, tf.tensor4d(fv, [...fs]), s, p), dy)).dataSync()[0] as number;
      });
    const fd = (at(1e-2) - at(-1e-2)) / 2e-2;
    expect(Math.abs((a[0] as number) - fd)).toBeLessThanOrEqual(2e-2 * (1 + Math.abs(fd)));
    for (const t of [x, f, dy, ours, expected] as Tensor[]) t.dispose();
  });
});
