import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testWasm } from '../../../test-support/backends.js';
import { registerWasmKernels } from './register.js';
import { runOn } from './test-run-on.js';
import { data } from './test-values.js';
import { wasmSliceConfig } from './wasm/slice.js';

beforeAll(async () => {
  await useBackend(testWasm);
  registerWasmKernels();
});

const on = runOn;

const source = (shape: number[], dtype: 'float32' | 'int32' | 'bool' | 'string'): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from(data(n, 7));
  if (dtype === 'float32') return tf.tensor(v, shape);
  if (dtype === 'int32')
    return tf.tensor(
      v.map((x) => Math.round(x * 1000)),
      shape,
      'int32',
    );
  if (dtype === 'bool')
    return tf.tensor(
      v.map((x) => x > 0),
      shape,
      'bool',
    );
  return tf.tensor(
    v.map((x) => x.toFixed(3)),
    shape,
    'string',
  );
};

const cases: [string, number[], number[], number[]][] = [
  ['leading rows of a matrix', [10, 6], [3, 0], [4, -1]],
  ['columns of a matrix', [10, 6], [2, 1], [5, 3]],
  ['one element', [10, 6], [9, 5], [1, 1]],
  ['the whole tensor', [4, 3, 2], [0, 0, 0], [-1, -1, -1]],
  ['middle axis of a 3-D tensor', [4, 5, 3], [1, 2, 0], [2, 2, 3]],
  ['innermost axis of a 3-D tensor', [4, 5, 3], [0, 1, 1], [4, 3, 1]],
  ['a 5-D box', [3, 2, 4, 3, 2], [1, 0, 1, 1, 0], [2, 2, 2, 2, 1]],
  ['a vector', [17], [5], [9]],
  ['an empty slice', [4, 3], [2, 0], [0, 3]],
];

describe('wasm Slice copies only the sliced region', () => {
  it('is the registered wasm kernel', async () => {
    await useBackend(testWasm);
    expect(tf.getKernel('Slice', 'wasm')?.kernelFunc).toBe(wasmSliceConfig.kernelFunc);
  });

  for (const dtype of ['float32', 'int32', 'bool', 'string'] as const) {
    it.each(cases)(`${dtype}: %s matches cpu`, async (_, shape, begin, size) => {
      const f = () => tf.slice(source(shape, dtype), begin, size);
      const ref = await on('cpu', f);
      const got = await on('wasm', f);
      expect(got).toEqual(ref);
    });
  }

  it('slices a reshaped input and keeps the input intact', async () => {
    await useBackend(testWasm);
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(data(24, 3), [6, 4]);
    const y = tf.tidy(() => tf.slice(tf.reshape(x, [3, 8]), [1, 2], [2, 4]));
    const all = await x.data();
    expect(Array.from(await y.data())).toEqual([10, 11, 12, 13, 18, 19, 20, 21].map((i) => all[i]));
    x.dispose();
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the gradient of slice matches cpu', async () => {
    const f = () => tf.grad((x: Tensor) => tf.sum(tf.mul(tf.slice(x, [1, 1], [2, -1]), 3)))(source([4, 5], 'float32'));
    expect(await on('wasm', f)).toEqual(await on('cpu', f));
  });
});
