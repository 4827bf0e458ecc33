import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { testCpu, testWasm } from '../../../test-support/backends.js';
import { compiled, sources } from '../scripts/build-wasm.mjs';
import { adamOnArrays, adamOnMemory } from './adam/adam-wasm.js';
import { ADAM_WASM } from './adam/adam-wasm-bytes.js';
import { type AdamUpdateAttrs, adamLoop } from './adam/loop.js';
import { AdamUpdate, cpuAdamUpdateConfig, wasmAdamUpdateConfig } from './adam/update.js';
import { EXP_ERF_WASM } from './simd/exp-erf-bytes.js';
import { FILTER_GRAD_ONE_CHANNEL_WASM } from './simd/filter-grad-one-channel-bytes.js';
import { MAX_POOL_GRAD_WASM } from './simd/max-pool-grad-bytes.js';
import { simdExports, wasmBackendMemory } from './simd/module.js';
import { RELU_GRAD_WASM } from './simd/relu-grad-bytes.js';
import { SMALL_MATMUL_WASM } from './simd/small-matmul-bytes.js';
import { SUM_ROWS_WASM } from './simd/sum-rows-bytes.js';
import { TRANSPOSE_WASM } from './simd/transpose-bytes.js';
import { ReluGrad } from './tensorflow/relu-grad.js';
import { data } from './test-values.js';
import { maxPoolGradKernel } from './wasm/max-pool-grad.js';
import { cpuReluGradConfig, wasmReluGradConfig } from './wasm/relu-grad.js';
import { wasmSumConfig } from './wasm/sum.js';

/** Inputs of n elements: gradients with zeros, tiny and large values; moments that are not trivial. */
function inputs(n: number, seed: number): [Float32Array, Float32Array, Float32Array] {
  const g = Float32Array.from(data(n, seed), (x, i) => (i % 11 === 0 ? 0 : i % 13 === 0 ? x * 1e-30 : i % 17 === 0 ? x * 1e20 : x));
  const m = Float32Array.from(data(n, seed + 1), (x) => x * 0.1);
  const v = Float32Array.from(data(n, seed + 2), (x) => x * x * 0.01);
  return [g, m, v];
}

/** adamLoop's three outputs, the reference. */
function reference(g: Float32Array, m: Float32Array, v: Float32Array, attrs: AdamUpdateAttrs): Float32Array[] {
  const outs = [new Float32Array(g.length), new Float32Array(g.length), new Float32Array(g.length)] as const;
  adamLoop(g, m, v, ...outs, attrs);
  return [...outs];
}

/** Bit for bit, NaN included. */
function expectSameBits(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  const a = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const b = new Uint32Array(want.buffer, want.byteOffset, want.length);
  const firstDiff = a.findIndex((x, i) => x !== b[i]);
  expect(firstDiff === -1 ? 'equal' : `differs at ${firstDiff}: ${got[firstDiff]} vs ${want[firstDiff]}`).toBe('equal');
}

const committed: Record<string, { plain: string; shared: string }> = {
  ADAM_WASM,
  SUM_ROWS_WASM,
  MAX_POOL_GRAD_WASM,
  RELU_GRAD_WASM,
  FILTER_GRAD_ONE_CHANNEL_WASM,
  TRANSPOSE_WASM,
  EXP_ERF_WASM,
  SMALL_MATMUL_WASM,
};

describe('the SIMD WebAssembly modules', () => {
  it.each(sources)('$out holds $wat compiled', async (source) => {
    const text = await compiled(source);
    const bytes = committed[source.name];
    expect(bytes).toBeDefined();
    expect(text).toContain(`plain: '${bytes?.plain}'`);
    expect(text).toContain(`shared: '${bytes?.shared}'`);
  });

  it.each(sources)('$wat runs on a shared memory too (the threaded wasm build), through its shared variant', (source) => {
    const bytes = committed[source.name] as { plain: string; shared: string };
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    const exports = Object.keys(simdExports(bytes, new WebAssembly.Memory({ initial: 1 })) ?? {});
    expect(exports.length).toBeGreaterThan(0);
    expect(Object.keys(simdExports(bytes, shared) ?? {})).toEqual(exports);
  });
});

const attrSets: AdamUpdateAttrs[] = [
  { b1: 0.9, b2: 0.999, eps: 1e-7, count: 1 },
  { b1: 0.8, b2: 0.95, eps: 0, count: 7 },
  { b1: 0.9, b2: 0.99, eps: 1e-8, count: 2000 },
];

describe('the SIMD Adam update (WebAssembly)', () => {
  it('compiles and runs on this engine', () => {
    expect(adamOnMemory(new WebAssembly.Memory({ initial: 1 }))).toBeTypeOf('function');
  });

  // sizes around the four-element groups and the 32,768-element scratch chunk
  it.each([0, 1, 3, 4, 5, 7, 64, 32768, 32771, 70001])('gives adamLoop values bit for bit on %i elements', (n) => {
    for (const [k, attrs] of attrSets.entries()) {
      const [g, m, v] = inputs(n, 10 * n + k);
      const want = reference(g, m, v, attrs);
      const got = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
      adamOnArrays(g, m, v, ...got, attrs);
      for (const [i, out] of got.entries()) expectSameBits(out, want[i] as Float32Array);
    }
  });

  it('runs adamLoop on inputs that are not float32 arrays', () => {
    const attrs = attrSets[0] as AdamUpdateAttrs;
    const [g, m, v] = inputs(9, 3);
    const want = reference(g, m, v, attrs);
    const got = [new Float32Array(9), new Float32Array(9), new Float32Array(9)] as const;
    adamOnArrays(Array.from(g), Array.from(m), Array.from(v), ...got, attrs);
    for (const [i, out] of got.entries()) expectSameBits(out, want[i] as Float32Array);
  });
});

describe.each([
  { name: 'wasm', plugin: testWasm, config: wasmAdamUpdateConfig },
  { name: 'cpu', plugin: testCpu, config: cpuAdamUpdateConfig },
])('the Adam update kernel on $name', ({ name, plugin, config }) => {
  it('gives adamLoop values bit for bit, with no tensor left behind', async () => {
    await useBackend(plugin);
    expect(tf.getBackend()).toBe(name);
    if (!tf.getKernel(AdamUpdate, name)) tf.registerKernel(config);
    if (name === 'wasm') {
      // the in-place path: the module runs on the backend's own memory
      const memory = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } }).wasm.asm.memory;
      expect(adamOnMemory(memory)).toBeTypeOf('function');
    }
    for (const [k, attrs] of attrSets.entries()) {
      const n = 1003 + k;
      const [g, m, v] = inputs(n, 40 + k);
      const want = reference(g, m, v, attrs);
      const before = tf.memory().numTensors;
      const got = tf.tidy(() => {
        const outs = tf.engine().runKernel(AdamUpdate, { g: tf.tensor(g), m: tf.tensor(m), v: tf.tensor(v) }, attrs as never) as Tensor[];
        return outs.map((t) => t.dataSync() as Float32Array);
      });
      expect(tf.memory().numTensors).toBe(before);
      for (const [i, out] of got.entries()) expectSameBits(out, want[i] as Float32Array);
    }
  });
});

/** Column sums as wasm/sum.ts' JavaScript loop takes them: float64 accumulators in row order. */
function columnSums(src: Float32Array, rows: number, cols: number): Float32Array {
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) acc[c] = (acc[c] as number) + (src[r * cols + c] as number);
  return Float32Array.from(acc);
}

describe('the SIMD column sums (WebAssembly)', () => {
  it.each([
    [0, 5],
    [1, 1],
    [3, 3],
    [7, 4],
    [50, 32],
    [33, 6],
    [1000, 13],
  ])('gives the JavaScript loop sums bit for bit on [%i, %i]', (rows, cols) => {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const sumRows = simdExports(SUM_ROWS_WASM, memory)?.sumRows as (s: number, r: number, c: number, a: number, o: number) => void;
    expect(sumRows).toBeTypeOf('function');
    const src = Float32Array.from(data(rows * cols, rows + cols), (x, i) => (i % 7 === 0 ? x * 1e8 : x));
    const heap = new Float32Array(memory.buffer);
    heap.set(src, 16); // byte 64; acc at a float64-unaligned-by-4 place on purpose
    const acc = 64 + 4 * src.length + 4;
    const out = acc + 8 * cols;
    heap.fill(Number.NaN, out / 4, out / 4 + cols);
    sumRows(64, rows, cols, acc, out);
    expectSameBits(heap.slice(out / 4, out / 4 + cols), columnSums(src, rows, cols));
  });

  it('is what the wasm Sum kernel runs over leading axes, in place on the backend memory', async () => {
    await useBackend(testWasm);
    expect(wasmBackendMemory(tf.backend())).toBeInstanceOf(WebAssembly.Memory); // so the kernel sums in place
    const stock = tf.getKernel(tf.Sum, 'wasm');
    const config = wasmSumConfig();
    tf.unregisterKernel(tf.Sum, 'wasm');
    tf.registerKernel(config);
    try {
      const shape = [4, 5, 6, 12];
      const values = data(4 * 5 * 6 * 12, 9);
      const got = tf.tidy(() => tf.sum(tf.tensor(values, shape), [0, 1, 2]).dataSync() as Float32Array);
      expectSameBits(got, columnSums(values, 120, 12));
    } finally {
      tf.unregisterKernel(tf.Sum, 'wasm');
      if (stock) tf.registerKernel(stock);
    }
  });
});

/** The max-pool gradient by definition: each output gradient to its window's first strict maximum, per channel. */
function poolGradReference(x: Float32Array, dy: Float32Array, shape: number[], info: tf.backend_util.Conv2DInfo): Float32Array {
  const [n, h, w, c] = shape as [number, number, number, number];
  const dx = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let oh = 0; oh < info.outHeight; oh++)
      for (let ow = 0; ow < info.outWidth; ow++)
        for (let ch = 0; ch < c; ch++) {
          let at = -1;
          for (let fh = 0; fh < info.filterHeight; fh++)
            for (let fw = 0; fw < info.filterWidth; fw++) {
              const ih = oh * info.strideHeight - info.padInfo.top + fh * info.dilationHeight;
              const iw = ow * info.strideWidth - info.padInfo.left + fw * info.dilationWidth;
              if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
              const i = ((b * h + ih) * w + iw) * c + ch;
              if (at < 0 || (x[i] as number) > (x[at] as number)) at = i;
            }
          if (at >= 0) dx[at] = (dx[at] as number) + (dy[((b * info.outHeight + oh) * info.outWidth + ow) * c + ch] as number);
        }
  return dx;
}

describe('the SIMD max-pool gradient (WebAssembly)', () => {
  it.each([
    { name: '2×2 windows, stride 2 (a CNN pooling)', shape: [2, 6, 6, 8], filter: 2, stride: 2, pad: 'valid' as const },
    { name: 'overlapping 3×3 windows, same padding', shape: [1, 5, 7, 4], filter: 3, stride: 1, pad: 'same' as const },
    { name: 'odd sizes, stride 2, same padding', shape: [3, 7, 5, 12], filter: 3, stride: 2, pad: 'same' as const },
    { name: '3×3 windows, stride 3', shape: [2, 9, 10, 16], filter: 3, stride: 3, pad: 'valid' as const },
  ])('is the kernel for $name, bit for bit the first-maximum routing, ties included', async ({ shape, filter, stride, pad }) => {
    await useBackend(testWasm);
    expect(wasmBackendMemory(tf.backend())).toBeInstanceOf(WebAssembly.Memory); // so the SIMD loop runs
    const size = shape.reduce((a, b) => a * b, 1);
    // few distinct values: many ties, negative-only windows and equal windows
    const x = Float32Array.from(data(size, 5), (v) => Math.round(v * 2) / 2);
    const info = tf.backend_util.computePool2DInfo(shape as [number, number, number, number], filter, stride, 1, pad);
    const outSize = shape[0]! * info.outHeight * info.outWidth * shape[3]!;
    const dy = data(outSize, 6);
    const before = tf.memory().numTensors;
    const got = tf.tidy(() => {
      const xt = tf.tensor(x, shape);
      const dyt = tf.tensor(dy, [shape[0]!, info.outHeight, info.outWidth, shape[3]!]);
      const out = maxPoolGradKernel({
        inputs: { dy: dyt, input: xt, output: dyt },
        backend: tf.backend(),
        attrs: { filterSize: filter, strides: stride, pad },
      } as never) as tf.TensorInfo;
      const t = tf.engine().makeTensorFromTensorInfo(out);
      return t.dataSync() as Float32Array;
    });
    expect(tf.memory().numTensors).toBe(before);
    expectSameBits(got, poolGradReference(x, dy, shape, info));
  });
});

/** TensorFlow's ReluGrad by definition. */
function reluGradReference(dy: Float32Array, x: Float32Array): Float32Array {
  return dy.map((d, i) => ((x[i] as number) > 0 ? d : 0));
}

/** dy and x with every special case: NaN, ±0, ±Inf, negative dy under a negative x. */
function reluGradInputs(n: number, seed: number): [Float32Array, Float32Array] {
  const specials = [Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40];
  const x = Float32Array.from(data(n, seed), (v, i) => (i % 5 === 0 ? (specials[i % specials.length] as number) : v));
  const dy = Float32Array.from(data(n, seed + 1), (v, i) => (i % 7 === 0 ? (specials[(i + 2) % specials.length] as number) : v));
  return [dy, x];
}

describe('the SIMD ReLU gradient (WebAssembly)', () => {
  it.each([0, 1, 3, 4, 9, 64, 1001])("gives TensorFlow's ReluGrad bit for bit on %i elements", (n) => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const reluGrad = simdExports(RELU_GRAD_WASM, memory)?.reluGrad as (dy: number, x: number, out: number, n: number) => void;
    expect(reluGrad).toBeTypeOf('function');
    const [dy, x] = reluGradInputs(n, n + 3);
    const heap = new Float32Array(memory.buffer);
    heap.set(dy, 1);
    heap.set(x, 1 + n);
    heap.fill(7, 1 + 2 * n, 1 + 3 * n);
    reluGrad(4, 4 + 4 * n, 4 + 8 * n, n);
    expectSameBits(heap.slice(1 + 2 * n, 1 + 3 * n), reluGradReference(dy, x));
  });

  it.each([
    { name: 'wasm', plugin: testWasm, config: wasmReluGradConfig },
    { name: 'cpu', plugin: testCpu, config: cpuReluGradConfig },
  ])('is the ReluGrad kernel on $name, with no tensor left behind', async ({ name, plugin, config }) => {
    await useBackend(plugin);
    if (!tf.getKernel(ReluGrad, name)) tf.registerKernel(config);
    const [dy, x] = reluGradInputs(203, 11);
    const before = tf.memory().numTensors;
    const got = tf.tidy(
      () =>
        (tf.engine().runKernel(ReluGrad, { dy: tf.tensor(dy, [7, 29]), x: tf.tensor(x, [7, 29]) }) as Tensor).dataSync() as Float32Array,
    );
    expect(tf.memory().numTensors).toBe(before);
    expectSameBits(got, reluGradReference(dy, x));
    expect(() => tf.tidy(() => tf.engine().runKernel(ReluGrad, { dy: tf.zeros([2, 3]), x: tf.zeros([3, 2]) }))).toThrow(
      /ReluGrad kernel on .*one shape.*\[2,3\].*\[3,2\]/,
    );
  });
});
