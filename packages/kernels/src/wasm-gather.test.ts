import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testWasm } from '../../../test-support/backends.js';
import { registerWasmKernels } from './register.js';
import { runOn } from './test-run-on.js';
import { data } from './test-values.js';
import { wasmGatherV2Config } from './wasm/gather-v2.js';

beforeAll(async () => {
  await useBackend(testWasm);
  registerWasmKernels();
});

const on = runOn;

const source = (shape: number[], dtype: 'float32' | 'int32' | 'bool'): Tensor => {
  const v = Array.from(
    data(
      shape.reduce((a, b) => a * b, 1),
      5,
    ),
  );
  if (dtype === 'float32') return tf.tensor(v, shape);
  if (dtype === 'int32')
    return tf.tensor(
      v.map((x) => Math.round(x * 1000)),
      shape,
      'int32',
    );
  return tf.tensor(
    v.map((x) => x > 0),
    shape,
    'bool',
  );
};

const cases: [string, number[], number[], number[], number, number][] = [
  ['rows of a matrix', [10, 20], [4], [7, 0, 9, 7], 0, 0],
  ['columns of a matrix', [6, 5], [3], [4, 0, 2], 1, 0],
  ['a 2-D index into axis 1 of a 3-D tensor', [3, 6, 4], [2, 2], [5, 1, 0, 5], 1, 0],
  ['the innermost axis', [3, 4, 5], [2], [4, 1], 2, 0],
  ['with batchDims 1', [3, 5, 2], [3, 2], [0, 4, 1, 1, 3, 2], 1, 1],
  ['no index', [4, 3], [0], [], 0, 0],
];

describe('wasm GatherV2 copies whole slices', () => {
  it('is the registered wasm kernel', async () => {
    await useBackend(testWasm);
    expect(tf.getKernel('GatherV2', 'wasm')?.kernelFunc).toBe(wasmGatherV2Config.kernelFunc);
  });

  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    it.each(cases)(`${dtype}: %s matches cpu`, async (_, shape, indexShape, index, axis, batchDims) => {
      const f = () => tf.gather(source(shape, dtype), tf.tensor(index, indexShape, 'int32'), axis, batchDims);
      expect(await on('wasm', f)).toEqual(await on('cpu', f));
    });
  }

  it('the gradient of gather matches cpu', async () => {
    const f = () => tf.grad((x: Tensor) => tf.sum(tf.mul(tf.gather(x, tf.tensor1d([2, 0, 2], 'int32')), 3)))(source([4, 5], 'float32'));
    expect(await on('wasm', f)).toEqual(await on('cpu', f));
  });

  it('rejects an index out of range', async () => {
    await useBackend(testWasm);
    const before = tf.memory().numTensors;
    const x = tf.zeros([4, 3]);
    const idx = tf.tensor1d([1, 4], 'int32');
    expect(() => tf.gather(x, idx)).toThrow('GatherV2: the index value 4 is not in [0, 3]');
    tf.dispose([x, idx]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
