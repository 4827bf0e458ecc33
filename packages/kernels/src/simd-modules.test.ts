import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { testCpu, testWasm } from '../../../test-support/backends.js';
import { compiled, sources } from '../scripts/build-wasm.mjs';
import { adamOnArrays, adamOnMemory } from './adam/adam-wasm.js';
import { ADAM_WASM_BASE64 } from './adam/adam-wasm-bytes.js';
import { type AdamUpdateAttrs, adamLoop } from './adam/loop.js';
import { AdamUpdate, cpuAdamUpdateConfig, wasmAdamUpdateConfig } from './adam/update.js';
import { simdExports, wasmBackendMemory } from './simd/module.js';
import { SUM_ROWS_WASM_BASE64 } from './simd/sum-rows-bytes.js';
import { data } from './test-values.js';
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

const committed: Record<string, string> = { ADAM_WASM_BASE64, SUM_ROWS_WASM_BASE64 };

describe('the SIMD WebAssembly modules', () => {
  it.each(sources)('$out holds $wat compiled', async (source) => {
    const text = await compiled(source);
    expect(committed[source.name]).toBeDefined();
    expect(text).toContain(`'${committed[source.name]}'`);
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
      got.forEach((out, i) => expectSameBits(out, want[i] as Float32Array));
    }
  });

  it('runs adamLoop on inputs that are not float32 arrays', () => {
    const attrs = attrSets[0] as AdamUpdateAttrs;
    const [g, m, v] = inputs(9, 3);
    const want = reference(g, m, v, attrs);
    const got = [new Float32Array(9), new Float32Array(9), new Float32Array(9)] as const;
    adamOnArrays(Array.from(g), Array.from(m), Array.from(v), ...got, attrs);
    got.forEach((out, i) => expectSameBits(out, want[i] as Float32Array));
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
      got.forEach((out, i) => expectSameBits(out, want[i] as Float32Array));
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
    const sumRows = simdExports(SUM_ROWS_WASM_BASE64, memory)?.sumRows as (s: number, r: number, c: number, a: number, o: number) => void;
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
