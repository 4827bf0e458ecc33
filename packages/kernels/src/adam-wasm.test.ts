import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { compiled } from '../scripts/build-wasm.mjs';
import { testCpu, testWasm } from '../../../test-support/backends.js';
import { adamOnArrays, adamOnMemory } from './adam/adam-wasm.js';
import { ADAM_WASM_BASE64 } from './adam/adam-wasm-bytes.js';
import { type AdamUpdateAttrs, adamLoop } from './adam/loop.js';
import { AdamUpdate, cpuAdamUpdateConfig, wasmAdamUpdateConfig } from './adam/update.js';
import { data } from './test-values.js';

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

const attrSets: AdamUpdateAttrs[] = [
  { b1: 0.9, b2: 0.999, eps: 1e-7, count: 1 },
  { b1: 0.8, b2: 0.95, eps: 0, count: 7 },
  { b1: 0.9, b2: 0.99, eps: 1e-8, count: 2000 },
];

describe('the SIMD Adam update (WebAssembly)', () => {
  it('is adam.wat compiled: the committed bytes are the source', async () => {
    const text = await compiled({ wat: 'src/adam/adam.wat', name: 'ADAM_WASM_BASE64' });
    expect(text).toContain(`'${ADAM_WASM_BASE64}'`);
  });

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
