import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCpu, testWasm } from '../../../test-support/backends.js';
import { registerWasmKernels } from './register.js';
import { data, size } from './test-values.js';
import { wasmDepthwiseConv2dBackpropFilterConfig, wasmDepthwiseConv2dBackpropInputConfig } from './wasm/depthwise-conv2d-backprop.js';

beforeAll(async () => {
  await useBackend(testWasm);
  registerWasmKernels();
});

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]];

/** Deterministic values in [-1, 1) (plus `shift`). */
const t4 = (shape: readonly number[], seed: number, shift = 0) => tf.tensor4d(data(size(shape), seed, shift), [...shape] as Shape4);

/** Runs `f` on one backend inside a tidy; asserts it leaves no tensor or data buffer behind. */
async function on(backend: 'cpu' | 'wasm', f: () => Tensor | Tensor[]): Promise<{ values: number[]; shape: number[] }[]> {
  await useBackend(backend === 'cpu' ? testCpu : testWasm);
  expect(tf.getBackend()).toBe(backend);
  const before = tf.memory();
  const r = tf.tidy(f);
  const ts = Array.isArray(r) ? r : [r];
  const out = [];
  for (const t of ts) out.push({ values: Array.from(await t.data()), shape: [...t.shape] });
  tf.dispose(ts);
  const after = tf.memory();
  expect(after.numTensors).toBe(before.numTensors);
  expect(after.numDataBuffers).toBe(before.numDataBuffers);
  return out;
}

function expectClose(got: { values: number[]; shape: number[] }[], ref: { values: number[]; shape: number[] }[], tol = 1e-4): void {
  expect(got.length).toBe(ref.length);
  got.forEach((g, k) => {
    const r = ref[k] as { values: number[]; shape: number[] };
    expect(g.shape).toEqual(r.shape);
    g.values.forEach((v, i) => {
      const want = r.values[i] as number;
      expect(Math.abs(v - want)).toBeLessThanOrEqual(tol * (1 + Math.abs(want)));
    });
  });
}

/**
 * Checks `tf.grads(f)` on wasm against central differences of `f`, element by element, for every
 * input. `f` must be at most quadratic in each input (central differences are then exact up to
 * float32 rounding) or locally linear around the point (no max switches within ±eps).
 */
async function finiteDifferences(
  f: (...xs: Tensor[]) => Tensor,
  inputs: { values: Float32Array; shape: number[] }[],
  { eps = 1e-2, tol = 2e-3 } = {},
): Promise<void> {
  await useBackend(testWasm);
  expect(tf.getBackend()).toBe('wasm');
  const before = tf.memory().numTensors;
  const make = (vals: Float32Array[]) => vals.map((v, i) => tf.tensor(v, (inputs[i] as { shape: number[] }).shape));
  const base = inputs.map((x) => x.values);
  const grads = tf.tidy(() =>
    tf
      .grads((...xs: Tensor[]) => f(...xs))(make(base))
      .map((g) => g.dataSync()),
  );
  const value = (vals: Float32Array[]) => tf.tidy(() => f(...make(vals)).dataSync()[0] as number);
  inputs.forEach((x, k) => {
    const g = grads[k] as ArrayLike<number>;
    expect(g.length).toBe(x.values.length);
    for (let i = 0; i < x.values.length; i++) {
      const up = base.map((v) => Float32Array.from(v));
      const dn = base.map((v) => Float32Array.from(v));
      (up[k] as Float32Array)[i] = (x.values[i] as number) + eps;
      (dn[k] as Float32Array)[i] = (x.values[i] as number) - eps;
      const fd = (value(up) - value(dn)) / (2 * eps);
      expect(Math.abs((g[i] as number) - fd)).toBeLessThanOrEqual(tol * (1 + Math.abs(fd)));
    }
  });
  expect(tf.memory().numTensors).toBe(before);
}

/** Runs one kernel by name on the active backend. */
const kernel = (name: string, inputs: Record<string, Tensor>, attrs: Record<string, unknown>) =>
  tf.engine().runKernel(name, inputs, attrs as never) as Tensor;

/** The filter with (dilation − 1) zeros between its taps: a dilated conv is a plain conv with it. */
function dilateFilter(values: ArrayLike<number>, [fh, fw, c, m]: Shape4, d: number): { values: Float32Array; shape: Shape4 } {
  const eh = (fh - 1) * d + 1;
  const ew = (fw - 1) * d + 1;
  const out = new Float32Array(eh * ew * c * m);
  for (let r = 0; r < fh; r++)
    for (let q = 0; q < fw; q++)
      for (let k = 0; k < c * m; k++) out[(r * d * ew + q * d) * c * m + k] = values[(r * fw + q) * c * m + k] as number;
  return { values: out, shape: [eh, ew, c, m] };
}

const depthwiseLoss =
  (stride: number, pad: Pad, dilation = 1) =>
  (x: Tensor, w: Tensor) =>
    tf.sum(tf.square(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad, 'NHWC', dilation)));

const cases = [
  ['same, stride 1, multiplier 1', [2, 6, 6, 3], [3, 3, 3, 1], 1, 'same'],
  ['same, stride 1, multiplier 2', [2, 5, 6, 2], [3, 3, 2, 2], 1, 'same'],
  ['valid, stride 2, multiplier 1', [2, 7, 7, 3], [3, 3, 3, 1], 2, 'valid'],
  ['valid, stride 2, multiplier 2', [1, 8, 7, 2], [2, 3, 2, 2], 2, 'valid'],
  ['same, stride 2, even size, multiplier 2', [2, 6, 6, 2], [3, 3, 2, 2], 2, 'same'],
  ['same, stride 1, 1×1 filter, multiplier 3', [1, 4, 4, 2], [1, 1, 2, 3], 1, 'same'],
  [
    'explicit padding, multiplier 2',
    [1, 5, 5, 2],
    [2, 2, 2, 2],
    1,
    [
      [0, 0],
      [1, 0],
      [0, 2],
      [0, 0],
    ],
  ],
] as const;

describe('wasm depthwise conv backprop', () => {
  it('is registered for wasm', async () => {
    await useBackend(testWasm);
    for (const c of [wasmDepthwiseConv2dBackpropFilterConfig, wasmDepthwiseConv2dBackpropInputConfig])
      expect(tf.getKernel(c.kernelName, 'wasm')?.kernelFunc).toBe(c.kernelFunc);
  });

  it.each(cases)('input and filter gradients match cpu (%s)', async (_n, xShape, wShape, stride, pad) => {
    const f = () => tf.grads(depthwiseLoss(stride, pad as Pad))([t4(xShape, 11), t4(wShape, 12)]);
    expectClose(await on('wasm', f), await on('cpu', f));
  });

  it('separableConv2d gradients match cpu', async () => {
    const f = () =>
      tf.grads((x: Tensor, dw: Tensor, pw: Tensor) =>
        tf.sum(tf.square(tf.separableConv2d(x as tf.Tensor4D, dw as tf.Tensor4D, pw as tf.Tensor4D, 2, 'same'))),
      )([t4([2, 6, 6, 2], 13), t4([3, 3, 2, 2], 14), t4([1, 1, 4, 3], 15)]);
    expectClose(await on('wasm', f), await on('cpu', f));
  });

  // tfjs-core's DepthwiseConv2dNative gradient refuses dilations > 1, and tfjs-backend-cpu's backprop
  // kernels ignore dilations, so dilation 2 is checked by calling the kernels directly against the
  // cpu kernels applied to the zero-inserted (dilated) filter at dilation 1.
  it.each([
    ['same', [2, 7, 7, 2], [3, 3, 2, 2], 'same'],
    ['valid', [1, 8, 6, 3], [2, 2, 3, 1], 'valid'],
  ] as const)('dilation 2 matches cpu on the dilated filter (%s)', async (_n, xShape, wShape, pad) => {
    const w0 = data(size(wShape), 22);
    const big = dilateFilter(w0, [...wShape], 2);
    const yShape = tf.tidy(() => tf.depthwiseConv2d(t4(xShape, 21), tf.tensor4d(w0, [...wShape]), 1, pad, 'NHWC', 2).shape);
    const dy = () => t4(yShape, 23);
    const attrs = (d: number) => ({ strides: 1, pad, dilations: d });
    const got = await on('wasm', () => [
      kernel('DepthwiseConv2dNativeBackpropFilter', { x: t4(xShape, 21), dy: dy() }, { ...attrs(2), filterShape: [...wShape] }),
      kernel(
        'DepthwiseConv2dNativeBackpropInput',
        { dy: dy(), filter: tf.tensor4d(w0, [...wShape]) },
        { ...attrs(2), inputShape: [...xShape] },
      ),
    ]);
    const ref = await on('cpu', () => {
      const dwBig = kernel('DepthwiseConv2dNativeBackpropFilter', { x: t4(xShape, 21), dy: dy() }, { ...attrs(1), filterShape: big.shape });
      const dx = kernel(
        'DepthwiseConv2dNativeBackpropInput',
        { dy: dy(), filter: tf.tensor4d(big.values, big.shape) },
        { ...attrs(1), inputShape: [...xShape] },
      );
      return [tf.stridedSlice(dwBig, [0, 0, 0, 0], big.shape, [2, 2, 1, 1]), dx];
    });
    expectClose(got, ref);
  });

  it.each([
    ['same, stride 1, multiplier 2', [1, 4, 4, 2], [3, 3, 2, 2], 1, 'same'],
    ['valid, stride 2, multiplier 1', [2, 5, 5, 2], [2, 2, 2, 1], 2, 'valid'],
  ] as const)('tf.grads matches finite differences on wasm (%s)', async (_n, xShape, wShape, stride, pad) => {
    await finiteDifferences(depthwiseLoss(stride, pad), [
      { values: data(size(xShape), 31), shape: [...xShape] },
      { values: data(size(wShape), 32), shape: [...wShape] },
    ]);
  });

  it('dilation 2 kernels match finite differences of the wasm forward conv', async () => {
    // L(x, w) = Σ depthwiseConv2d(x, w, dilation 2) · r  ⇒  ∂L/∂w = BackpropFilter(x, r), ∂L/∂x = BackpropInput(r, w).
    await useBackend(testWasm);
    const xShape: Shape4 = [1, 6, 6, 2];
    const wShape: Shape4 = [2, 2, 2, 2];
    const x0 = data(size(xShape), 41);
    const w0 = data(size(wShape), 42);
    const r = t4([1, 6, 6, 4], 43);
    const loss = (xv: Float32Array, wv: Float32Array) =>
      tf.tidy(
        () =>
          tf
            .sum(tf.mul(tf.depthwiseConv2d(tf.tensor4d(xv, xShape), tf.tensor4d(wv, wShape), 1, 'same', 'NHWC', 2), r))
            .dataSync()[0] as number,
      );
    const attrs = { strides: 1, pad: 'same', dilations: 2 };
    const dw = tf.tidy(() =>
      kernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.tensor4d(x0, xShape), dy: r }, { ...attrs, filterShape: wShape }).dataSync(),
    );
    const dx = tf.tidy(() =>
      kernel('DepthwiseConv2dNativeBackpropInput', { dy: r, filter: tf.tensor4d(w0, wShape) }, { ...attrs, inputShape: xShape }).dataSync(),
    );
    const eps = 1e-2;
    const bump = (v: Float32Array, i: number, e: number) => {
      const c = Float32Array.from(v);
      c[i] = (c[i] as number) + e;
      return c;
    };
    for (let i = 0; i < w0.length; i++) {
      const fd = (loss(x0, bump(w0, i, eps)) - loss(x0, bump(w0, i, -eps))) / (2 * eps);
      expect(Math.abs((dw[i] as number) - fd)).toBeLessThan(2e-3 * (1 + Math.abs(fd)));
    }
    for (let i = 0; i < x0.length; i++) {
      const fd = (loss(bump(x0, i, eps), w0) - loss(bump(x0, i, -eps), w0)) / (2 * eps);
      expect(Math.abs((dx[i] as number) - fd)).toBeLessThan(2e-3 * (1 + Math.abs(fd)));
    }
    r.dispose();
  });

  it('leaves no tensor behind across repeated training steps', async () => {
    await useBackend(testWasm);
    const x = t4([2, 6, 6, 2], 51);
    const w0 = t4([3, 3, 2, 2], 52);
    const w = tf.variable(w0);
    w0.dispose();
    const g = () => tf.grads(depthwiseLoss(2, 'same'))([x, w]);
    tf.dispose(tf.tidy(g)); // warm-up
    const before = tf.memory();
    for (let i = 0; i < 3; i++) {
      const [dx, dw] = tf.tidy(g) as [Tensor, Tensor];
      const next = tf.tidy(() => tf.sub(w, tf.mul(dw, 0.01))) as tf.Tensor4D;
      w.assign(next);
      tf.dispose([dx, dw, next]);
    }
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    x.dispose();
    w.dispose();
  });
});

describe('finite differences of the other wasm kernel gradients', () => {
  /** Distinct values 0.01 apart in shuffled order: no ties, and ±1e-3 never changes a window's maximum. */
  function distinct(n: number, seed: number, offset: number): Float32Array {
    const order = Array.from(data(n, seed), (v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
    const out = new Float32Array(n);
    order.forEach(([, i], rank) => {
      out[i] = rank * 0.01 + offset;
    });
    return out;
  }

  it.each([
    ['all-negative windows', 2, 2, 'valid', -2],
    ['same padding, stride 1', 3, 1, 'same', -0.2],
    ['overlapping windows', 3, 2, 'valid', -0.3],
  ] as const)('MaxPoolGrad (%s)', async (_n, k, stride, pad, offset) => {
    const shape = [2, 5, 5, 2];
    const r = data(size([2, 5, 5, 2]), 61);
    await finiteDifferences(
      (x) => {
        const y = tf.maxPool(x as tf.Tensor4D, k, stride, pad);
        return tf.sum(tf.mul(y, tf.tensor(r.subarray(0, size(y.shape)), y.shape)));
      },
      [{ values: distinct(size(shape), 62, offset), shape }],
      { eps: 1e-3, tol: 5e-3 },
    );
  });

  it('gather / UnsortedSegmentSum (repeated and unused rows)', async () => {
    const ids = [0, 3, 3, 1, 3];
    const r = data(ids.length * 3, 71);
    await finiteDifferences(
      (w) => tf.sum(tf.mul(tf.square(tf.gather(w, tf.tensor1d(ids, 'int32'))), tf.tensor2d(r, [ids.length, 3]))),
      [{ values: data(15, 72), shape: [5, 3] }],
    );
  });

  it.each([
    ['plain 2-D', [5, 7], [7, 3], false, false],
    ['transposeA', [7, 5], [7, 3], true, false],
    ['transposeB', [5, 7], [3, 7], false, true],
    ['both', [7, 5], [3, 7], true, true],
    ['batched', [2, 3, 4], [2, 4, 2], false, false],
    ['batched transposeB', [2, 3, 4], [2, 2, 4], false, true],
  ] as const)('BatchMatMul gradient (%s)', async (_n, sa, sb, ta, tb) => {
    await finiteDifferences(
      (a, b) => {
        const y = tf.matMul(a, b, ta, tb);
        return tf.sum(tf.mul(tf.square(y), tf.tensor(data(size(y.shape), 81), y.shape)));
      },
      [
        { values: data(size(sa), 82), shape: [...sa] },
        { values: data(size(sb), 83), shape: [...sb] },
      ],
      { tol: 5e-3 },
    );
  });
});
