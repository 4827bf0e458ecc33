import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { hasKernel, useBackend } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { dispose, getBackend, memory, mul, randomNormal, sum, tidy, variableGrads } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { LSTM } from './recurrent.js';

const KERNEL = 'TesseraLSTMSequence';

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

/** The same computation through RNN's per-step loop: the fused kernel unregistered meanwhile. */
function composite<T>(f: () => T): T {
  const config = getKernel(KERNEL, getBackend()) as KernelConfig;
  unregisterKernel(KERNEL, getBackend());
  try {
    expect(hasKernel(KERNEL)).toBe(false);
    return f();
  } finally {
    registerKernel(config);
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

describe.each([cpu(), wasm()])('fused LSTM on $name', (plugin) => {
  it.each([
    { returnSequences: false, goBackwards: false, useBias: true },
    { returnSequences: true, goBackwards: false, useBias: true },
    { returnSequences: false, goBackwards: true, useBias: false },
    { returnSequences: true, goBackwards: true, useBias: true, unitForgetBias: false },
  ])('matches the per-step loop, values and gradients (%o)', async (opts) => {
    await useBackend(plugin);
    expect(hasKernel(KERNEL)).toBe(true);
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
});
