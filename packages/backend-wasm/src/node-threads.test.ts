import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { TesseraError, useBackend } from '@tessera/core';
import { wasmBackendMemory } from '@tessera/kernels';
import { describe, expect, it } from 'vitest';
import { relativeDiff } from '../../../test-support/relative-diff.js';
import { wasm } from './wasm.js';

/** Ops a training step runs, on seeded inputs large enough for XNNPACK to split them over threads. */
async function compute(): Promise<Record<string, Float32Array>> {
  const before = tf.memory().numTensors;
  const outs = tf.tidy(() => {
    const a = tf.randomUniform([256, 384], -1, 1, 'float32', 1);
    const b = tf.randomUniform([384, 192], -1, 1, 'float32', 2);
    const x = tf.randomUniform([8, 28, 28, 16], -1, 1, 'float32', 3) as tf.Tensor4D;
    const w = tf.randomUniform([3, 3, 16, 32], -0.5, 0.5, 'float32', 4) as tf.Tensor4D;
    const y = tf.conv2d(x, w, 1, 'same');
    const dense = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.relu(tf.matMul(p, q)));
    const [da, db] = tf.grads(dense)([a, b]);
    const [dx, dw] = tf.grads((p, q) => tf.sum(tf.square(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 1, 'same'))))([x, w]);
    // the kernels that run SIMD WebAssembly loops on the backend's memory (shared with 2 threads)
    const pooled = (p: tf.Tensor) => tf.sum(tf.square(tf.maxPool(tf.relu(p as tf.Tensor4D), 2, 2, 'valid')));
    const x1 = tf.randomUniform([8, 28, 28, 1], -1, 1, 'float32', 5) as tf.Tensor4D;
    const w1 = tf.randomUniform([3, 3, 1, 8], -0.5, 0.5, 'float32', 6) as tf.Tensor4D;
    return {
      matMul: tf.matMul(a, b),
      matMulTransposed: tf.matMul(a, a, false, true),
      batchMatMul: tf.matMul(tf.reshape(a, [4, 64, 384]), tf.reshape(tf.slice(a, [0, 0], [256, 192]), [4, 64, 192]), true, false),
      conv2d: y,
      maxPool: tf.maxPool(y, 2, 2, 'valid'),
      softmax: tf.softmax(tf.matMul(a, b)),
      mean: tf.mean(y, [0, 1, 2]),
      denseGradA: da as tf.Tensor,
      denseGradB: db as tf.Tensor,
      convGradX: dx as tf.Tensor,
      convGradW: dw as tf.Tensor,
      biasGrad: tf.sum(y, [0, 1, 2]),
      poolReluGrad: tf.grad(pooled)(y),
      firstConvFilterGrad: tf.grad((q) => tf.sum(tf.square(tf.conv2d(x1, q as tf.Tensor4D, 1, 'valid'))))(w1),
    };
  });
  const values: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries(outs)) values[name] = (await t.data()) as Float32Array;
  tf.dispose(Object.values(outs));
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

describe('wasm() threads in Node', () => {
  it('runs 1, 2 and again 1 thread(s) in one process, with the same results', async () => {
    await useBackend(wasm({ threads: 1 }));
    expect(getThreadsCount()).toBe(1);
    const one = await compute();

    tf.removeBackend('wasm');
    await useBackend(wasm({ threads: 2 }));
    expect(tf.getBackend()).toBe('wasm');
    expect(getThreadsCount()).toBe(2);
    expect(wasmBackendMemory(tf.backend())?.buffer).toBeInstanceOf(SharedArrayBuffer); // the SIMD loops run in place there too
    const two = await compute();
    for (const name of Object.keys(one)) {
      expect(relativeDiff(two[name] as Float32Array, one[name] as Float32Array), name).toBeLessThan(1e-5);
    }
    expect(one.matMul?.[0]).not.toBe(0);

    tf.removeBackend('wasm');
    await useBackend(wasm({ threads: 1 }));
    expect(getThreadsCount()).toBe(1);
    const again = await compute();
    for (const name of Object.keys(one)) expect(relativeDiff(again[name] as Float32Array, one[name] as Float32Array), name).toBe(0);
  });

  it("keeps a running backend's count: the default and 'auto' accept it, another explicit count is refused", async () => {
    tf.removeBackend('wasm');
    await useBackend(wasm({ threads: 2 }));
    await useBackend(wasm());
    await useBackend(wasm({ threads: 'auto' }));
    expect(getThreadsCount()).toBe(2);
    const refused = useBackend(wasm({ threads: 3 }));
    await expect(refused).rejects.toThrow(TesseraError);
    await expect(refused).rejects.toThrow(
      'wasm threads: expected to start the wasm backend with 3 thread(s), received a backend already running with 2',
    );
    expect(getThreadsCount()).toBe(2);
  });
});
