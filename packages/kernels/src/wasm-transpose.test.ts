import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { testWasm } from '../../../test-support/backends.js';
import { wasmKernelConfigs } from './register.js';
import { simdExports, wasmBackendMemory } from './simd/module.js';
import { TRANSPOSE_WASM } from './simd/transpose-bytes.js';
import { collapseTranspose, transposePlan } from './transpose-plan.js';
import { wasmTransposeConfig, wasmTransposeKernel } from './wasm/transpose.js';

/**
 * Runs `f` on wasm with this source's Transpose kernel in place of the registered one (the built
 * package's), reads the result back and checks that no tensor is left.
 */
async function onWasm(f: () => tf.Tensor): Promise<{ values: number[]; shape: number[]; dtype: string }> {
  await useBackend(testWasm);
  const registered = tf.getKernel('Transpose', 'wasm');
  const config = wasmTransposeConfig();
  tf.unregisterKernel('Transpose', 'wasm');
  tf.registerKernel(config);
  try {
    const before = tf.memory().numTensors;
    const t = tf.tidy(f);
    const out = { values: Array.from(await t.data()) as number[], shape: [...t.shape], dtype: t.dtype };
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    return out;
  } finally {
    tf.unregisterKernel('Transpose', 'wasm');
    if (registered) tf.registerKernel(registered);
  }
}

/** The transpose of `values` (`shape`, row-major) by `perm`, one element at a time. */
function reference(values: ArrayLike<number>, shape: number[], perm: number[]): number[] {
  const out = perm.map((axis) => shape[axis] as number);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  const size = out.reduce((p, d) => p * d, 1);
  const result: number[] = [];
  for (let flat = 0; flat < size; flat++) {
    let rest = flat;
    let src = 0;
    for (let j = out.length - 1; j >= 0; j--) {
      const d = out[j] as number;
      src += (rest % d) * (strides[perm[j] as number] as number);
      rest = Math.floor(rest / d);
    }
    result.push(values[src] as number);
  }
  return result;
}

/** Distinct float32 values, with -0, NaN and infinities among them (a copy must keep their bits). */
function floats(n: number): Float32Array {
  const specials = [-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40];
  return Float32Array.from({ length: n }, (_, i) => (i % 29 === 5 ? (specials[i % specials.length] as number) : i * 0.5 - 7.25));
}

/** Bit patterns of float32 values. */
const bits = (values: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(values as ArrayLike<number>).buffer));

const cases: [string, number[], number[]][] = [
  ['2-D weight [784, 128]', [784, 128], [1, 0]],
  ['2-D, sizes not a multiple of 4', [37, 13], [1, 0]],
  ['2-D, more than 64 columns and a ragged block', [9, 131], [1, 0]],
  ['batched [3, 6, 9] -> [3, 9, 6]', [3, 6, 9], [0, 2, 1]],
  ['attention scores [2, 4, 8, 5] -> [2, 4, 5, 8]', [2, 4, 8, 5], [0, 1, 3, 2]],
  ['batch and channels swapped [6, 5, 7, 8] -> [8, 5, 7, 6]', [6, 5, 7, 8], [3, 1, 2, 0]],
  ['NHWC -> NCHW [2, 5, 6, 8]', [2, 5, 6, 8], [0, 3, 1, 2]],
  ['rank 5 with two outer axes [2, 3, 5, 4, 6]', [2, 3, 5, 4, 6], [4, 1, 3, 0, 2]],
  ['axes of size 1 [1, 12, 1, 10]', [1, 12, 1, 10], [3, 2, 0, 1]],
  ['whole rows move (stock kernel) [4, 6, 5]', [4, 6, 5], [1, 0, 2]],
  ['tile narrower than 4 (stock kernel) [3, 50]', [3, 50], [1, 0]],
  ['identity (stock kernel)', [5, 6], [0, 1]],
];

describe('wasm Transpose', () => {
  it.each(cases)('float32 %s: the values bit for bit, no tensor left', async (_name, shape, perm) => {
    const size = shape.reduce((p, d) => p * d, 1);
    const x = floats(size);
    const got = await onWasm(() => tf.transpose(tf.tensor(x, shape), perm));
    expect(got.shape).toEqual(perm.map((axis) => shape[axis]));
    expect(bits(got.values)).toEqual(bits(reference(x, shape, perm)));
  });

  it.each(cases)('int32 %s', async (_name, shape, perm) => {
    const size = shape.reduce((p, d) => p * d, 1);
    const x = Int32Array.from({ length: size }, (_, i) => i * 7 - 1000);
    const got = await onWasm(() => tf.transpose(tf.tensor(x, shape, 'int32'), perm));
    expect(got.dtype).toBe('int32');
    expect(got.values).toEqual(reference(x, shape, perm));
  });

  it('bool and empty tensors run the stock kernel', async () => {
    const b = await onWasm(() => tf.transpose(tf.tensor([true, false, false, true, true, false, true, true], [2, 4], 'bool')));
    expect(b.dtype).toBe('bool');
    expect(b.values).toEqual([1, 1, 0, 0, 0, 1, 1, 1]);
    const e = await onWasm(() => tf.transpose(tf.zeros([0, 8])));
    expect(e.shape).toEqual([8, 0]);
  });

  it('is the kernel registerWasmKernels() installs, and its SIMD module runs on the backend', async () => {
    await useBackend(testWasm);
    const installed = wasmKernelConfigs().find((c) => c.kernelName === 'Transpose');
    expect(installed?.kernelFunc).toBe(wasmTransposeKernel);
    const memory = wasmBackendMemory(tf.backend());
    expect(memory && simdExports(TRANSPOSE_WASM, memory)?.transpose32).toBeTypeOf('function');
  });
});

describe('transposePlan', () => {
  it('drops axes of size 1 and merges axes that stay adjacent', () => {
    expect(collapseTranspose([2, 3, 4, 5], [2, 3, 0, 1])).toEqual({ shape: [6, 20], perm: [1, 0] });
    expect(collapseTranspose([1, 12, 1, 10], [3, 2, 0, 1])).toEqual({ shape: [12, 10], perm: [1, 0] });
    expect(collapseTranspose([6, 5, 7, 8], [3, 1, 2, 0])).toEqual({ shape: [6, 35, 8], perm: [2, 1, 0] });
    expect(collapseTranspose([1, 1], [1, 0])).toEqual({ shape: [], perm: [] });
  });

  it('plans one tile per outer index, with the strides of both layouts', () => {
    expect(transposePlan([768, 128], [1, 0])).toEqual({
      rows: 768,
      cols: 128,
      srcStride: 128,
      dstStride: 768,
      count: 1,
      srcStep: 0,
      dstStep: 0,
      starts: [[0, 0]],
    });
    // [6, 35, 8] -> [8, 35, 6]: 35 tiles of 6 x 8, 8 elements apart in the source, 6 in the output
    expect(transposePlan([6, 5, 7, 8], [3, 1, 2, 0])).toMatchObject({
      rows: 6,
      cols: 8,
      srcStride: 280,
      dstStride: 210,
      count: 35,
      srcStep: 8,
      dstStep: 6,
    });
    expect(transposePlan([4, 6, 5], [1, 0, 2])).toBeUndefined();
    expect(transposePlan([3, 50], [1, 0])).toBeUndefined();
  });
});

describe('the SIMD transpose on a shared memory (the threaded wasm build)', () => {
  it('gives the same values as on a plain one', () => {
    const [rows, cols] = [21, 70];
    for (const shared of [false, true]) {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, ...(shared ? { shared: true } : {}) });
      const transpose32 = simdExports(TRANSPOSE_WASM, memory)?.transpose32 as (...a: number[]) => void;
      const heap = new Float32Array(memory.buffer);
      const x = floats(rows * cols);
      heap.set(x, 16);
      transpose32(64, 64 + 4 * x.length + 64, rows, cols, cols, rows, 1, 0, 0);
      const start = 16 + x.length + 16;
      expect(bits(heap.subarray(start, start + x.length))).toEqual(bits(reference(x, [rows, cols], [1, 0])));
    }
  });
});
