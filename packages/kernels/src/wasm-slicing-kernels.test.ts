import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testWasm } from '../../../test-support/backends.js';
import { registerGradientFixes } from './gradients.js';
import { registerWasmKernels } from './register.js';
import { runOn } from './test-run-on.js';
import { data } from './test-values.js';
import { wasmBatchToSpaceNDKernel } from './wasm/batch-to-space-nd.js';
import { wasmSplitVKernel } from './wasm/split-v.js';
import { wasmStridedSliceKernel } from './wasm/strided-slice.js';
import { wasmUnpackKernel } from './wasm/unpack.js';

beforeAll(async () => {
  await useBackend(testWasm);
  registerWasmKernels();
  registerGradientFixes(); // the StridedSlice gradient
});

type DType = 'float32' | 'int32' | 'bool';
const DTYPES: DType[] = ['float32', 'int32', 'bool'];

const source = (shape: number[], dtype: DType): Tensor => {
  const v = Array.from(
    data(
      shape.reduce((a, b) => a * b, 1),
      11,
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

/** Runs a multi-output op on one backend and reads every output (tensor counts checked). */
async function many(backend: 'cpu' | 'wasm', f: () => Tensor[]): Promise<unknown[]> {
  const parts: unknown[] = [];
  for (let i = 0; ; i++) {
    let n = 0;
    const one = await runOn(backend, () => {
      const outs = f();
      n = outs.length;
      return outs[Math.min(i, n - 1)] as Tensor;
    });
    parts.push(one);
    if (i >= n - 1) return parts;
  }
}

describe('wasm SplitV, Unpack, StridedSlice and BatchToSpaceND cut with the region-only Slice', () => {
  it('are the registered wasm kernels', async () => {
    await useBackend(testWasm);
    expect(tf.getKernel('SplitV', 'wasm')?.kernelFunc).toBe(wasmSplitVKernel);
    expect(tf.getKernel('Unpack', 'wasm')?.kernelFunc).toBe(wasmUnpackKernel);
    expect(tf.getKernel('StridedSlice', 'wasm')?.kernelFunc).toBe(wasmStridedSliceKernel);
    expect(tf.getKernel('BatchToSpaceND', 'wasm')?.kernelFunc).toBe(wasmBatchToSpaceNDKernel);
  });

  const splits: [string, number[], number | number[], number][] = [
    ['rows in 3 equal parts', [9, 4], 3, 0],
    ['columns by sizes with -1', [5, 7], [2, -1, 1], 1],
    ['the middle axis of a 3-D tensor', [2, 6, 3], [1, 5], 1],
    ['one part', [4, 2], 1, 0],
    ['an empty part', [4, 3], [0, 4], 0],
  ];
  for (const dtype of DTYPES) {
    it.each(splits)(`split ${dtype}: %s matches cpu`, async (_, shape, parts, axis) => {
      const f = () => tf.split(source(shape, dtype), parts, axis);
      expect(await many('wasm', f)).toEqual(await many('cpu', f));
    });
  }

  const unstacks: [string, number[], number][] = [
    ['rows', [5, 3], 0],
    ['columns', [4, 3], 1],
    ['the last axis (negative)', [2, 3, 4], -1],
    ['a vector', [6], 0],
  ];
  for (const dtype of DTYPES) {
    it.each(unstacks)(`unstack ${dtype}: %s matches cpu`, async (_, shape, axis) => {
      const f = () => tf.unstack(source(shape, dtype), axis);
      expect(await many('wasm', f)).toEqual(await many('cpu', f));
    });
  }

  // [name, shape, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask]
  const strided: [string, number[], number[], number[], number[], number, number, number, number, number][] = [
    ['leading rows (a slice of axis 0)', [10, 4], [3, 0], [7, 4], [1, 1], 0, 0, 0, 0, 0],
    ['a box (a simple slice)', [6, 5, 3], [1, 2, 0], [4, 4, 2], [1, 1, 1], 0, 0, 0, 0, 0],
    ['the whole tensor (identity)', [4, 3], [0, 0], [4, 3], [1, 1], 0, 0, 0, 0, 0],
    ['begin and end masks', [6, 4], [2, 1], [0, 0], [1, 1], 2, 1, 0, 0, 0],
    ['negative begin and end', [8, 3], [-5, 0], [-1, 3], [1, 1], 0, 0, 0, 0, 0],
    ['shrink an axis', [5, 4], [2, 0], [3, 4], [1, 1], 0, 0, 0, 0, 1],
    ['a new axis', [5, 4], [0, 1], [0, 3], [1, 1], 0, 0, 0, 1, 0],
    ['an ellipsis', [3, 4, 5], [0, 1], [0, 3], [1, 1], 0, 0, 1, 0, 0],
    ['stride 2 (stock kernel)', [9, 4], [1, 0], [9, 4], [2, 1], 0, 0, 0, 0, 0],
    ['reversed (stock kernel)', [5, 3], [4, 0], [0, 3], [-1, 1], 0, 0, 0, 0, 0],
  ];
  it.each(strided)('stridedSlice float32: %s matches cpu', async (_, shape, b, e, s, bm, em, elm, nam, sam) => {
    const f = () => tf.stridedSlice(source(shape, 'float32'), b, e, s, bm, em, elm, nam, sam);
    expect(await runOn('wasm', f)).toEqual(await runOn('cpu', f));
  });
  for (const dtype of ['int32', 'bool'] as const) {
    it.each(strided.filter(([, , , , s]) => s.every((v) => v === 1)))(
      `stridedSlice ${dtype}: %s matches cpu`,
      async (_, shape, b, e, s, bm, em, elm, nam, sam) => {
        const f = () => tf.stridedSlice(source(shape, dtype), b, e, s, bm, em, elm, nam, sam);
        expect(await runOn('wasm', f)).toEqual(await runOn('cpu', f));
      },
    );
  }

  it('unstack of a string tensor matches cpu', async () => {
    const strings = () => tf.tensor(['a', 'bb', 'ccc', 'd', 'ee', 'f'], [3, 2], 'string');
    expect(await many('wasm', () => tf.unstack(strings(), 1))).toEqual(await many('cpu', () => tf.unstack(strings(), 1)));
  });

  it('stridedSlice with end before begin is empty (tfjs-backend-cpu throws there)', async () => {
    const got = await runOn('wasm', () => tf.stridedSlice(source([6, 2], 'float32'), [4, 0], [2, 2], [1, 1]));
    expect(got).toEqual({ values: [], shape: [0, 2], dtype: 'float32' });
  });

  const b2s: [string, number[], number[], number[][]][] = [
    [
      '2x2 blocks, no crop',
      [4, 2, 2, 3],
      [2, 2],
      [
        [0, 0],
        [0, 0],
      ],
    ],
    [
      '2x2 blocks, cropped',
      [8, 3, 3, 2],
      [2, 2],
      [
        [0, 1],
        [1, 0],
      ],
    ],
    ['one spatial axis', [6, 4, 2], [3], [[1, 2]]],
  ];
  for (const dtype of ['float32', 'int32'] as const) {
    it.each(b2s)(`batchToSpaceND ${dtype}: %s matches cpu`, async (_, shape, block, crops) => {
      const f = () => tf.batchToSpaceND(source(shape, dtype), block, crops);
      expect(await runOn('wasm', f)).toEqual(await runOn('cpu', f));
    });
  }

  it('the gradients of split, unstack and stridedSlice match cpu', async () => {
    const f = () =>
      tf.grad((x: Tensor) => {
        const [a, b] = tf.split(x, [1, 3], 0) as [Tensor, Tensor];
        const rows = tf.unstack(b);
        return tf.addN([tf.sum(tf.mul(a, 2)), tf.sum(tf.mul(rows[1] as Tensor, 3)), tf.sum(tf.stridedSlice(x, [1, 1], [3, 4], [1, 1]))]);
      })(source([4, 5], 'float32'));
    expect(await runOn('wasm', f)).toEqual(await runOn('cpu', f));
  });
});
