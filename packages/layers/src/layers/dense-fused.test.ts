import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { type BackendPlugin, hasKernel, useBackend } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { dispose, getBackend, memory, mul, profile, randomNormal, sum, tidy, variable, variableGrads } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { Dense, type DenseOptions } from './dense.js';

/** The matrix product with bias and activation in one kernel (native TensorFlow only). */
const FUSED = 'TesseraFusedMatMul';

/** Native TensorFlow, where `npm run setup:native` has installed tfjs-node (CI does). */
const nativeInstalled = await node().isAvailable();
const plugins: BackendPlugin[] = [cpu(), wasm(), ...(nativeInstalled ? [node()] : [])];

const layers: { what: string; opts: DenseOptions; input: number[]; fused: boolean }[] = [
  { what: 'relu', opts: { units: 16, activation: 'relu' }, input: [8, 12], fused: true },
  { what: 'no activation', opts: { units: 16 }, input: [8, 12], fused: true },
  { what: 'relu on a rank-3 input', opts: { units: 16, activation: 'relu' }, input: [4, 3, 12], fused: true },
  { what: 'elu', opts: { units: 16, activation: 'elu' }, input: [8, 12], fused: false },
  { what: 'no bias', opts: { units: 16, activation: 'relu', useBias: false }, input: [8, 12], fused: false },
];

/** Output and the gradients of the kernel, the bias and the input of a fixed loss through `layer`. */
function run(layer: Dense, x: Variable): Tensor[] {
  return tidy(() => {
    const params = [...Object.values(layer.parameters()), x] as Variable[];
    const f = () => sum(mul(layer.call(x) as Tensor, randomNormal(layer.call(x).shape as number[], 0, 1, 'float32', 5))) as never;
    const { value, grads } = variableGrads(f, params);
    return [value, ...params.map((p) => grads[p.name] as Tensor)];
  });
}

/** The same computation from separate ops: the fused kernel unregistered meanwhile. */
function separate<T>(f: () => T): T {
  const config = getKernel(FUSED, getBackend()) as KernelConfig | undefined;
  if (config) unregisterKernel(FUSED, config.backendName);
  try {
    expect(hasKernel(FUSED)).toBe(false);
    return f();
  } finally {
    if (config) registerKernel(config);
  }
}

function expectClose(got: Tensor[], want: Tensor[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i] as Tensor;
    expect(g.shape).toEqual(w.shape);
    const wv = w.dataSync() as Float32Array;
    const scale = wv.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const worst = (g.dataSync() as Float32Array).reduce((m, v, k) => Math.max(m, Math.abs(v - (wv[k] as number))), 0);
    expect(worst).toBeLessThanOrEqual(2e-5 * (1 + scale));
  });
}

describe.each(plugins.map((p) => [p.name, p] as const))('Dense on %s: one fused kernel where the backend has it', (name, plugin) => {
  it.for(layers)(
    "$what: runs the fused kernel only on native TensorFlow, with the separate ops' values and gradients; no leak",
    async (c) => {
      await useBackend(plugin);
      const layer = new Dense(c.opts);
      const x = variable(randomNormal(c.input, 0, 1, 'float32', 1), true, `dense-fused-x-${name}-${c.what}`);
      layer.call(x).dispose(); // builds the weights
      const before = memory().numTensors;
      const info = await profile(() => run(layer, x));
      const ran = info.kernelNames.includes(FUSED);
      expect(ran).toBe(c.fused && name === 'node');
      dispose(info.result as Tensor[]);
      const got = run(layer, x);
      const want = separate(() => run(layer, x));
      expectClose(got, want);
      dispose([...got, ...want]);
      expect(memory().numTensors).toBe(before);
      layer.dispose();
      x.dispose();
    },
  );
});
