import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { runOn } from './test-run-on.js';
import { data } from './test-values.js';

const t = (shape: number[], seed: number) =>
  tf.tensor(
    data(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );

async function sameOnBoth(f: () => Tensor): Promise<void> {
  const ref = await runOn<number>('cpu', f);
  const got = await runOn<number>('wasm', f);
  expect(got.shape).toEqual(ref.shape);
  expect(got.dtype).toBe(ref.dtype);
  got.values.forEach((v, i) => {
    expect(Math.abs(v - (ref.values[i] as number))).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(ref.values[i] as number)));
  });
}

describe('wasm Sum', () => {
  it.each([
    ['leading 3 axes (a conv bias gradient)', [4, 5, 6, 3], [0, 1, 2], false],
    ['leading axis, keepDims', [7, 5], [0], true],
    ['leading 2 axes, unordered and negative', [3, 4, 5], [1, 0], false],
    ['leading axes given as -3, -2', [3, 4, 5], [-3, -2], false],
    ['trailing axis (stock kernel)', [3, 4, 5], [2], false],
    ['middle axis (stock kernel)', [3, 4, 5], [1], true],
    ['every axis (stock kernel)', [3, 4], [0, 1], false],
  ] as const)('matches cpu: %s', async (_n, shape, axis, keepDims) => {
    await sameOnBoth(() => tf.sum(t([...shape], 3), [...axis], keepDims));
  });

  it('matches cpu on int32 (stock kernel) and in the bias gradient of a conv', async () => {
    await sameOnBoth(() => tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0));
    await sameOnBoth(() => tf.grad((b: Tensor) => tf.sum(tf.square(tf.add(t([2, 4, 4, 3], 5), b))))(t([3], 6)));
  });
});
