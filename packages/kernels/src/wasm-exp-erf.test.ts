import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { testWasm } from '../../../test-support/backends.js';
import { wasmKernelConfigs } from './register.js';
import { EXP_ERF_WASM } from './simd/exp-erf-bytes.js';
import { simdExports } from './simd/module.js';
import { wasmErfKernel, wasmExpErfConfigs, wasmExpKernel } from './wasm/exp-erf.js';

type Unary = (src: number, dst: number, n: number) => void;

/** Runs export `name` over `values` on a fresh memory (shared or not) and returns the results. */
function run(name: 'exp' | 'erf', values: Float32Array, shared = false): Float32Array {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, ...(shared ? { shared: true } : {}) });
  const f = simdExports(EXP_ERF_WASM, memory)?.[name] as Unary;
  const heap = new Float32Array(memory.buffer);
  heap.set(values, 4);
  f(16, 16 + 4 * values.length + 32, values.length);
  const start = 4 + values.length + 8;
  return heap.slice(start, start + values.length);
}

/** The float32 nearest each of `xs`' float64 `f`. */
const f32 = (xs: ArrayLike<number>, f: (x: number) => number) => Float32Array.from(Array.from(xs, f));

/** Distance in units in the last place between two float32 values of one sign. */
function ulps(a: number, b: number): number {
  const bits = new Int32Array(Float32Array.of(a, b).buffer);
  return Math.abs((bits[0] as number) - (bits[1] as number));
}

/** tfjs' erf (cpu backend), Abramowitz and Stegun 7.1.26 in float64. */
function erfAS(x: number): number {
  const [p, a1, a2, a3, a4, a5] = [0.3275911, 0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];
  const v = Math.abs(x);
  const t = 1 / (1 + p * v);
  return Math.sign(x) * (1 - ((((a5 * t + a4) * t + a3) * t + a2) * t + a1) * t * Math.exp(-v * v));
}

/** A grid over [lo, hi] with the specials a copy must keep. */
function grid(lo: number, hi: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

describe('the SIMD exp (WebAssembly)', () => {
  it('is within 2 ulp of the true value where e^x is a normal float32', () => {
    const x = grid(-87, 88.7, 200_003);
    const got = run('exp', x);
    const want = f32(x, Math.exp);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, ulps(got[i] as number, want[i] as number));
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('gives 0, subnormals, +inf, 1 and NaN where it should', () => {
    const x = Float32Array.of(-1000, -104, -95, -88, Number.NEGATIVE_INFINITY, 89, 1000, Number.POSITIVE_INFINITY, 0, -0, Number.NaN, 1);
    const got = Array.from(run('exp', x));
    expect(got.slice(0, 2)).toEqual([0, 0]);
    expect(Math.abs((got[2] as number) - Math.exp(-95))).toBeLessThan(2 ** -140);
    expect(Math.abs((got[3] as number) - Math.exp(-88)) / Math.exp(-88)).toBeLessThan(1e-5);
    expect(got.slice(4, 8)).toEqual([0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect(got.slice(8, 10)).toEqual([1, 1]);
    expect(got[10]).toBeNaN();
    expect(ulps(got[11] as number, Math.fround(Math.E))).toBeLessThanOrEqual(1);
  });
});

describe('the SIMD erf (WebAssembly)', () => {
  it("is tfjs' erf (Abramowitz and Stegun 7.1.26) to float32 precision, and odd", () => {
    const x = grid(-6, 6, 100_001);
    const got = run('erf', x);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs((got[i] as number) - erfAS(x[i] as number)));
    // tfjs-backend-wasm's own Erf is within 1.8e-7 of the same float64 formula; the formula is within 1.5e-7 of erf
    expect(worst).toBeLessThan(5e-7);
    const neg = run(
      'erf',
      x.map((v) => -v),
    );
    expect(Array.from(neg)).toEqual(Array.from(got, (v) => -v));
  });

  it('keeps ±0, goes to ±1 and keeps NaN', () => {
    const got = run('erf', Float32Array.of(0, -0, 10, -10, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 0.5));
    expect(Object.is(got[0], 0) && Object.is(got[1], -0)).toBe(true);
    expect(Array.from(got.slice(2, 6))).toEqual([1, -1, 1, -1]);
    expect(got[6]).toBeNaN();
    expect(Math.abs((got[7] as number) - 0.5204998778)).toBeLessThan(3e-7);
  });

  it('gives the same values on a shared memory (the threaded wasm build)', () => {
    const x = grid(-5, 5, 1001);
    for (const name of ['exp', 'erf'] as const) expect(Array.from(run(name, x, true))).toEqual(Array.from(run(name, x)));
  });
});

/** Runs `f` on wasm with this source's Exp and Erf kernels in place of the registered ones, and reads the result. */
async function onWasm(f: () => tf.Tensor): Promise<{ values: number[]; dtype: string }> {
  await useBackend(testWasm);
  const registered = ['Exp', 'Erf'].map((name) => tf.getKernel(name, 'wasm'));
  const configs = wasmExpErfConfigs();
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  try {
    const before = tf.memory().numTensors;
    const t = tf.tidy(f);
    const out = { values: Array.from(await t.data()) as number[], dtype: t.dtype };
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    return out;
  } finally {
    for (const [i, config] of configs.entries()) {
      tf.unregisterKernel(config.kernelName, 'wasm');
      const stock = registered[i];
      if (stock) tf.registerKernel(stock);
    }
  }
}

describe('wasm Exp and Erf', () => {
  it.each([
    ['exp', [4, 5, 7]],
    ['erf', [4, 5, 7]],
    ['exp', [3]],
    ['erf', [2]],
  ] as const)('%s over %j: the SIMD values, the last ragged four included (stock kernel under 4 values)', async (name, shape) => {
    const n = shape.reduce((p, d) => p * d, 1);
    const x = Float32Array.from({ length: n }, (_, i) => (i - n / 2) * 0.173);
    const got = await onWasm(() => (name === 'exp' ? tf.exp(tf.tensor(x, [...shape])) : tf.erf(tf.tensor(x, [...shape]))));
    const want = name === 'exp' ? f32(x, Math.exp) : f32(x, erfAS);
    got.values.forEach((v, i) => {
      expect(Math.abs(v - (want[i] as number))).toBeLessThanOrEqual(3e-7 * Math.max(1, Math.abs(want[i] as number)));
    });
  });

  it('int32 inputs run the stock kernel (a float32 result)', async () => {
    const got = await onWasm(() => tf.exp(tf.tensor([0, 1, 2, 3, 4], [5], 'int32')));
    expect(got.dtype).toBe('float32');
    expect(got.values[2]).toBeCloseTo(Math.exp(2), 5);
  });

  it('are the kernels registerWasmKernels() installs', () => {
    const configs = wasmKernelConfigs();
    expect(configs.find((c) => c.kernelName === 'Exp')?.kernelFunc).toBe(wasmExpKernel);
    expect(configs.find((c) => c.kernelName === 'Erf')?.kernelFunc).toBe(wasmErfKernel);
  });
});
