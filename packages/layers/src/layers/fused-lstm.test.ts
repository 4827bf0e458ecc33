import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { type BackendPlugin, hasKernel, useBackend } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { add, dispose, getBackend, memory, mul, randomNormal, sum, tidy, variableGrads, zeros } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { LSTM } from './recurrent.js';

/** The fused kernel each backend runs an LSTM layer with. */
const KERNELS: Record<string, string> = { cpu: 'TesseraLSTMSequence', wasm: 'TesseraLSTMSequence', tensorflow: 'TesseraLSTMBlock' };
const FUSED = ['TesseraLSTMSequence', 'TesseraLSTMBlock'];

/** Native TensorFlow, where `npm run setup:native` has installed tfjs-node (CI does). */
const nativeInstalled = await node().isAvailable();
const plugins: BackendPlugin[] = [cpu(), wasm(), ...(nativeInstalled ? [node()] : [])];

/** Output and gradients (weights, input, initial state) of a fixed loss through `layer`. */
function run(layer: LSTM, x: Variable, cache?: [Variable, Variable]) {
  return tidy(() => {
    const params = [...Object.values(layer.parameters()), x, ...(cache ?? [])] as Variable[];
    const f = () => {
      const y = cache ? layer.step(x, cache)[0] : layer.call(x);
      return sum(mul(y, randomNormal(y.shape, 0, 1, 'float32', 5))) as never;
    };
    const { value, grads } = variableGrads(f, params);
    return [value, ...params.map((p) => grads[p.name] as Tensor)];
  });
}

/** The same computation through RNN's per-step loop: the fused kernels unregistered meanwhile. */
function composite<T>(f: () => T): T {
  const configs = FUSED.map((k) => getKernel(k, getBackend())).filter((c) => c !== undefined) as KernelConfig[];
  for (const c of configs) unregisterKernel(c.kernelName, c.backendName);
  try {
    for (const k of FUSED) expect(hasKernel(k)).toBe(false);
    return f();
  } finally {
    for (const c of configs) registerKernel(c);
  }
}

const expectClose = (got: Tensor[], want: Tensor[]) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i] as Tensor;
    expect(g.shape).toEqual(w.shape);
    const gv = g.dataSync();
    const wv = w.dataSync();
    let scale = 0;
    for (const v of wv) scale = Math.max(scale, Math.abs(v));
    let worst = 0;
    gv.forEach((v, k) => {
      worst = Math.max(worst, Math.abs(v - (wv[k] as number)));
    });
    expect(worst).toBeLessThanOrEqual(2e-5 * (1 + scale));
  });
};

describe.each(plugins)('fused LSTM on $name', (plugin) => {
  it.each([
    { returnSequences: false, goBackwards: false, useBias: true },
    { returnSequences: true, goBackwards: false, useBias: true },
    { returnSequences: false, goBackwards: true, useBias: false },
    { returnSequences: true, goBackwards: true, useBias: true, unitForgetBias: false },
  ])('matches the per-step loop, values and gradients (%o)', async (opts) => {
    await useBackend(plugin);
    expect(hasKernel(KERNELS[getBackend()] as string)).toBe(true);
    const layer = new LSTM({ units: 6, ...opts, biasInitializer: 'randomNormal' });
    const x = tidy(() => randomNormal([3, 7, 5], 0, 1, 'float32', 1)).variable() as Variable;
    layer.call(x).dispose();
    const before = memory().numTensors;
    const fusedOut = run(layer, x);
    const loopOut = composite(() => run(layer, x));
    expectClose(fusedOut, loopOut);
    // the gradients are not all zero: the comparison means something
    expect(Math.abs((fusedOut[1] as Tensor).dataSync()[0] as number)).toBeGreaterThan(0);
    dispose([...fusedOut, ...loopOut]);
    expect(memory().numTensors).toBe(before);
    dispose([x, ...Object.values(layer.parameters())]);
  });

  it('matches the per-step loop through step() from a given state (gradients of the state too)', async () => {
    await useBackend(plugin);
    const layer = new LSTM({ units: 4 });
    const x = tidy(() => randomNormal([2, 3, 3], 0, 1, 'float32', 2)).variable() as Variable;
    const h0 = tidy(() => randomNormal([2, 4], 0, 1, 'float32', 3)).variable() as Variable;
    const c0 = tidy(() => randomNormal([2, 4], 0, 1, 'float32', 4)).variable() as Variable;
    layer.call(x).dispose();
    const before = memory().numTensors;
    const fusedOut = run(layer, x, [h0, c0]);
    const loopOut = composite(() => run(layer, x, [h0, c0]));
    expectClose(fusedOut, loopOut);
    dispose([...fusedOut, ...loopOut]);
    expect(memory().numTensors).toBe(before);
    dispose([x, h0, c0, ...Object.values(layer.parameters())]);
  });

  it('does not clip the cell state: saturated gates add 1 a step (c = 7 after 7 steps)', async () => {
    await useBackend(plugin);
    const layer = new LSTM({ units: 3, kernelInitializer: 'ones', recurrentInitializer: 'zeros', biasInitializer: 'ones' });
    const x = tidy(() => add(zeros([2, 7, 4]), 10));
    layer.call(x).dispose();
    const before = memory().numTensors;
    const fusedOut = tidy(() => layer.step(x, [zeros([2, 3]), zeros([2, 3])]));
    const loopOut = composite(() => tidy(() => layer.step(x, [zeros([2, 3]), zeros([2, 3])])));
    const c = (fusedOut[1] as Tensor[])[1] as Tensor;
    for (const v of c.dataSync()) expect(v).toBeCloseTo(7, 4);
    expectClose(fusedOut[1] as Tensor[], loopOut[1] as Tensor[]);
    dispose([fusedOut, loopOut] as never);
    expect(memory().numTensors).toBe(before);
    dispose([x, ...Object.values(layer.parameters())]);
  });
});
