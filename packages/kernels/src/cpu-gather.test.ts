import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCpu } from '../../../test-support/backends.js';
import { cpuGatherV2Kernel } from './cpu/gather-v2.js';
import { registerCpuKernels, unregisterTesseraKernels } from './register.js';
import { data } from './test-values.js';

const source = (shape: number[], dtype: 'float32' | 'int32' | 'bool' | 'string'): Tensor => {
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
  if (dtype === 'bool')
    return tf.tensor(
      v.map((x) => x > 0),
      shape,
      'bool',
    );
  return tf.tensor(
    v.map((x) => x.toFixed(2)),
    shape,
    'string',
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

/** Runs `f` with the stock cpu GatherV2 and with Tessera's; returns both results read back. */
async function both(f: () => Tensor): Promise<[unknown, unknown]> {
  const read = async (): Promise<unknown> => {
    const before = tf.memory().numTensors;
    const t = tf.tidy(f);
    const out = { values: Array.from(await t.data()), shape: t.shape, dtype: t.dtype };
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    return out;
  };
  unregisterTesseraKernels();
  expect(tf.getKernel('GatherV2', 'cpu')?.kernelFunc).not.toBe(cpuGatherV2Kernel);
  const stock = await read();
  registerCpuKernels();
  expect(tf.getKernel('GatherV2', 'cpu')?.kernelFunc).toBe(cpuGatherV2Kernel);
  return [await read(), stock];
}

describe('cpu GatherV2 copies whole slices', () => {
  beforeAll(async () => {
    await useBackend(testCpu);
    registerCpuKernels();
  });
  afterAll(() => unregisterTesseraKernels());

  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    it.each(cases)(`${dtype}: %s matches the stock kernel`, async (_, shape, indexShape, index, axis, batchDims) => {
      const [ours, stock] = await both(() => tf.gather(source(shape, dtype), tf.tensor(index, indexShape, 'int32'), axis, batchDims));
      expect(ours).toEqual(stock);
    });
  }

  it('string tensors run the stock kernel', async () => {
    // tf.gather refuses strings; the kernel itself serves them (e.g. from other ops' gradients or graph models)
    const gatherStrings = () =>
      tf.engine().runKernel(
        'GatherV2',
        { x: source([5, 2], 'string'), indices: tf.tensor1d([4, 0, 4], 'int32') },
        {
          axis: 0,
          batchDims: 0,
        },
      ) as Tensor;
    const [ours, stock] = await both(gatherStrings);
    expect(ours).toEqual(stock);
    expect((ours as { values: string[] }).values).toHaveLength(6);
  });

  it('the gradient of gather matches the stock kernel', async () => {
    const [ours, stock] = await both(() =>
      tf.grad((x: Tensor) => tf.sum(tf.mul(tf.gather(x, tf.tensor1d([2, 0, 2], 'int32')), 3)))(source([4, 5], 'float32')),
    );
    expect(ours).toEqual(stock);
  });

  it('rejects an index out of range', () => {
    const before = tf.memory().numTensors;
    const x = tf.zeros([4, 3]);
    const idx = tf.tensor1d([1, 4], 'int32');
    expect(() => tf.gather(x, idx)).toThrow('GatherV2: the index value 4 is not in [0, 3]');
    tf.dispose([x, idx]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
