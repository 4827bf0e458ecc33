import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testWasm } from '../../../test-support/backends.js';
import { registerWasmKernels, wasmKernelConfigs } from './register.js';
import { runOn } from './test-run-on.js';
import { data } from './test-values.js';

// The wasm plugin of @tessera/backend-wasm registers these after importing tfjs-backend-wasm
// (whose import registers the stock kernels); here the bare tfjs backend is used the same way.
beforeAll(async () => {
  await useBackend(testWasm);
  registerWasmKernels();
});

const on = (backend: 'cpu' | 'wasm', f: () => Tensor) => runOn<number>(backend, f);

async function sameOnBoth(f: () => Tensor, tol = 1e-4): Promise<void> {
  const ref = await on('cpu', f);
  const got = await on('wasm', f);
  expect(got.shape).toEqual(ref.shape);
  got.values.forEach((v, i) => {
    expect(Math.abs(v - (ref.values[i] as number))).toBeLessThanOrEqual(tol * (1 + Math.abs(ref.values[i] as number)));
  });
}

const t4 = (shape: [number, number, number, number], seed: number, shift = 0) =>
  tf.tensor4d(
    data(
      shape.reduce((a, b) => a * b, 1),
      seed,
      shift,
    ),
    shape,
  );

describe('Tessera wasm kernels', () => {
  it('are registered for wasm', async () => {
    await useBackend(testWasm);
    for (const c of wasmKernelConfigs()) expect(tf.getKernel(c.kernelName, 'wasm')?.kernelFunc).toBe(c.kernelFunc);
  });

  it.each([
    ['same, stride 1', [2, 6, 6, 3], [3, 3, 3, 4], 1, 'same'],
    ['valid, stride 2', [2, 7, 7, 2], [3, 3, 2, 5], 2, 'valid'],
    ['same, stride 2, odd size', [1, 7, 5, 2], [3, 2, 2, 3], 2, 'same'],
    ['more channels, same', [2, 6, 6, 8], [3, 3, 8, 3], 1, 'same'],
    ['more channels, valid, stride 2', [2, 7, 7, 8], [3, 3, 8, 2], 2, 'valid'],
    ['1 channel, valid (a first layer)', [3, 8, 8, 1], [3, 3, 1, 4], 1, 'valid'],
    ['1 channel, same, stride 2, odd size', [2, 9, 7, 1], [3, 2, 1, 3], 2, 'same'],
    ['1 channel, 8 filters, same, stride 2, odd size (the SIMD loop)', [2, 9, 7, 1], [3, 2, 1, 8], 2, 'same'],
    ['1 channel, 32 filters, valid (the MNIST CNN first layer, smaller)', [4, 12, 12, 1], [3, 3, 1, 32], 1, 'valid'],
    [
      'explicit padding',
      [1, 5, 5, 1],
      [2, 2, 1, 2],
      1,
      [
        [0, 0],
        [1, 0],
        [0, 1],
        [0, 0],
      ],
    ],
  ] as const)('Conv2DBackpropFilter matches cpu (%s)', async (_n, xShape, wShape, stride, pad) => {
    await sameOnBoth(() => {
      const x = t4([...xShape], 1);
      const w = t4([...wShape], 2);
      const [, dw] = tf.grads((a: Tensor, b: Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad as never))),
      )([x, w]);
      return dw as Tensor;
    });
  });

  it.each([
    [1, 'BatchMatMul'],
    [2, 'Conv2D'],
  ] as const)('Conv2DBackpropFilter with %i input channels runs as one %s', async (channels, kernel) => {
    await useBackend(testWasm);
    const x = t4([2, 9, 9, channels], 5);
    const dy = t4([2, 7, 7, 3], 6);
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, channels, 3] };
    const { kernelNames, result } = await tf.profile(
      () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy } as never, attrs as never) as Tensor,
    );
    expect(kernelNames).toContain(kernel);
    expect(kernelNames).not.toContain(kernel === 'Conv2D' ? 'BatchMatMul' : 'Conv2D');
    tf.dispose([x, dy, result as Tensor]);
  });

  it('Identity (clone) shares the heap memory: no copy, and either tensor outlives the other', async () => {
    await useBackend(testWasm);
    const b = tf.backend() as unknown as { refCount(dataId: object): number };
    const before = tf.memory();
    const x = tf.tensor(data(1000, 3), [10, 100]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    expect(b.refCount(x.dataId)).toBe(2);
    expect(tf.memory().numDataBuffers - before.numDataBuffers).toBe(1); // one buffer for both
    x.dispose();
    expect(Array.from(y.dataSync().slice(0, 3))).toEqual(Array.from(data(3, 3)));
    const z = tf.clone(y);
    y.dispose();
    expect(b.refCount(z.dataId)).toBe(1);
    expect(z.dataSync()[999]).toBe(data(1000, 3)[999]);
    z.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    const s = tf.tensor(['a', 'bc']);
    const sc = tf.clone(s);
    expect(sc.arraySync()).toEqual(['a', 'bc']);
    tf.dispose([s, sc]);
  });

  it('Conv2DBackpropFilter with 1 input channel and a multiple of 4 filters runs as one SIMD loop (no product, no convolution)', async () => {
    await useBackend(testWasm);
    const x = t4([2, 9, 9, 1], 5);
    const dy = t4([2, 7, 7, 8], 6);
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 8] };
    const { kernelNames, result } = await tf.profile(
      () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy } as never, attrs as never) as Tensor,
    );
    expect(kernelNames).toEqual(['Conv2DBackpropFilter']);
    expect((result as Tensor).shape).toEqual([3, 3, 1, 8]);
    tf.dispose([x, dy, result as Tensor]);
  });

  it('Conv2DBackpropFilter matches finite differences', async () => {
    await useBackend(testWasm);
    const x = t4([1, 4, 4, 1], 3);
    const w0 = data(4, 4);
    const f = (wv: Float32Array) =>
      tf.tidy(() => tf.sum(tf.square(tf.conv2d(x, tf.tensor4d(wv, [2, 2, 1, 1]), 1, 'valid'))).dataSync()[0] as number);
    const g = tf.tidy(() =>
      tf
        .grad((w: Tensor) => tf.sum(tf.square(tf.conv2d(x, w as tf.Tensor4D, 1, 'valid'))))(tf.tensor4d(w0, [2, 2, 1, 1]))
        .dataSync(),
    );
    for (let i = 0; i < 4; i++) {
      const up = Float32Array.from(w0);
      const dn = Float32Array.from(w0);
      up[i] = (up[i] as number) + 1e-2;
      dn[i] = (dn[i] as number) - 1e-2;
      expect(Math.abs((g[i] as number) - (f(up) - f(dn)) / 2e-2)).toBeLessThan(2e-2);
    }
    x.dispose();
  });

  it('UnsortedSegmentSum over an Embedding-gradient-shaped input (rows of [2, 4]), int32, no rows', async () => {
    const ids = Int32Array.from({ length: 30 }, (_, i) => (i * 7) % 11);
    await sameOnBoth(() => tf.unsortedSegmentSum(tf.tensor3d(data(30 * 2 * 4, 8), [30, 2, 4]), tf.tensor1d(ids, 'int32'), 11));
    await sameOnBoth(() => tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor1d([1, 1, -1], 'int32'), 3));
    await sameOnBoth(() => tf.unsortedSegmentSum(tf.zeros([0, 3]), tf.zeros([0], 'int32'), 2));
  });

  it('UnsortedSegmentSum matches cpu, dropping out-of-range ids', async () => {
    await sameOnBoth(() => tf.unsortedSegmentSum(tf.tensor2d(data(12, 5), [4, 3]), tf.tensor1d([2, 0, 2, 7], 'int32'), 4));
  });

  it('the gather (Embedding) gradient matches cpu', async () => {
    await sameOnBoth(() =>
      tf.grad((w: Tensor) => tf.sum(tf.square(tf.gather(w, tf.tensor1d([0, 3, 3, 1], 'int32')))))(tf.tensor2d(data(15, 6), [5, 3])),
    );
  });

  it.each([
    ['all-negative windows', 2, 2, 'valid', -2],
    ['same padding, stride 1', 3, 1, 'same', 0],
    ['overlapping windows', 3, 2, 'valid', -0.5],
  ] as const)('MaxPoolGrad matches cpu (%s)', async (_n, size, stride, pad, shift) => {
    await sameOnBoth(() =>
      tf.grad((x: Tensor) => tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, size, stride, pad), 3)))(t4([2, 6, 6, 2], 7, shift)),
    );
  });

  it.each([
    ['plain 2-D', [5, 7], [7, 3], false, false],
    ['transposeA', [7, 5], [7, 3], true, false],
    ['transposeB', [5, 7], [3, 7], false, true],
    ['both', [7, 5], [3, 7], true, true],
    ['batched', [3, 5, 7], [3, 7, 2], false, false],
    ['batched transposeB', [2, 2, 5, 7], [2, 2, 3, 7], false, true],
    ['batched transposeA and B (attention-shaped)', [4, 3, 7, 5], [4, 3, 2, 7], true, true],
    ['batch of one, transposeA', [1, 7, 5], [1, 7, 3], true, false],
    ['broadcast batch (stock path)', [3, 5, 7], [1, 7, 2], false, false],
    ['batched, 16 + 4 + 3 columns (every column loop of the SIMD pass)', [3, 9, 11], [3, 11, 23], false, false],
    ['attention heads [2, 4, 64, 32] x [2, 4, 64, 32]^T', [2, 4, 64, 32], [2, 4, 64, 32], false, true],
    ['entries over 2^20 multiply-adds (one XNNPACK product each)', [2, 128, 80], [2, 80, 128], false, false],
  ] as const)('BatchMatMul matches cpu (%s)', async (_n, sa, sb, ta, tb) => {
    const r = (shape: readonly number[], seed: number) =>
      tf.tensor(
        data(
          shape.reduce((p, c) => p * c, 1),
          seed,
        ),
        [...shape],
      );
    await sameOnBoth(() => tf.matMul(r(sa, 1), r(sb, 2), ta, tb));
  });
});

describe('wasm Einsum (tfjs-backend-wasm has none)', () => {
  const operand = (shape: number[], seed: number) =>
    tf.tensor(
      data(
        shape.reduce((a, b) => a * b, 1),
        seed,
      ),
      shape,
    );
  it.each([
    [
      'ij,jk->ik',
      [
        [3, 4],
        [4, 2],
      ],
    ],
    [
      'bij,bjk->bik',
      [
        [2, 3, 4],
        [2, 4, 2],
      ],
    ],
    [
      'bhqd,bhkd->bhqk',
      [
        [2, 2, 3, 4],
        [2, 2, 5, 4],
      ],
    ],
    [
      'ij,ij->',
      [
        [3, 4],
        [3, 4],
      ],
    ],
    ['ij->ji', [[3, 4]]],
    ['ij->j', [[3, 4]]],
    ['i,j->ij', [[3], [4]]],
  ] as const)('%s matches the cpu kernel, leak-free', async (eq, shapes) => {
    await sameOnBoth(() => tf.einsum(eq, ...shapes.map((s, k) => operand([...s], k + 1))), 1e-5);
  });

  it('rejects mismatched dimension sizes with tfjs’ message', async () => {
    await useBackend(testWasm);
    expect(() => tf.einsum('ij,jk->ik', operand([3, 4], 1), operand([5, 2], 2))).toThrow(/[Ee]xpected dimension/);
  });
});

describe('wasm Conv2DBackpropInput as one forward conv2d', () => {
  const t = (shape: [number, number, number, number], seed: number) =>
    tf.tensor4d(data(shape[0] * shape[1] * shape[2] * shape[3], seed), shape);
  it.each([
    ['same, stride 1', [2, 6, 6, 3], [3, 3, 3, 4], 1, 'same'],
    ['valid, stride 1', [2, 7, 5, 2], [3, 2, 2, 3], 1, 'valid'],
    ['same, stride 2, even size', [2, 8, 8, 3], [3, 3, 3, 2], 2, 'same'],
    ['same, stride 2, odd size', [1, 7, 9, 2], [3, 3, 2, 3], 2, 'same'],
    ['valid, stride 2, rows left over', [1, 8, 7, 2], [3, 3, 2, 2], 2, 'valid'],
    ['valid, stride 3, 1×1 filter', [1, 7, 7, 2], [1, 1, 2, 3], 3, 'valid'],
    [
      'explicit padding',
      [1, 5, 6, 2],
      [3, 2, 2, 2],
      1,
      [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    ],
  ] as const)('the conv2d input gradient matches cpu (%s)', async (_n, xs, ws, stride, pad) => {
    const f = () => {
      const w = t([...ws] as [number, number, number, number], 2);
      const x = t([...xs] as [number, number, number, number], 1);
      const y = tf.conv2d(x, w, stride, pad as 'same');
      const dy = t(y.shape as [number, number, number, number], 3);
      return tf.grad((v: Tensor) => tf.sum(tf.mul(tf.conv2d(v as tf.Tensor4D, w, stride, pad as 'same'), dy)))(x);
    };
    await sameOnBoth(f, 1e-5);
  });

  it('conv2dTranspose matches cpu (stride 2)', async () => {
    await sameOnBoth(() => tf.conv2dTranspose(t([2, 4, 4, 3], 4), t([3, 3, 2, 3], 5), [2, 8, 8, 2], 2, 'same'), 1e-5);
  });

  it('is the registered wasm kernel', async () => {
    await useBackend(testWasm);
    const { wasmConv2dBackpropInputKernel } = await import('./wasm/conv2d-backprop-input.js');
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc).toBe(wasmConv2dBackpropInputKernel);
  });
});
