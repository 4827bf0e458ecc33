import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { type BackendPlugin, hasKernel, useBackend } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { dispose, getBackend, memory, mul, profile, randomNormal, sum, tidy, variable, variableGrads } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import type { Layer } from '../layer.js';
import { Conv2D } from './conv.js';
import { Dense } from './dense.js';

// Conv2D and Dense run as one fused kernel where the backend has it (native TensorFlow only) for
// a bias with 'relu' or no activation; elsewhere, and for other layers, the separate ops. Either
// way the values and gradients are those of the separate ops.

/** Native TensorFlow, where `npm run setup:native` has installed tfjs-node (CI does). */
const nativeInstalled = await node().isAvailable();
const plugins: BackendPlugin[] = [cpu(), wasm(), ...(nativeInstalled ? [node()] : [])];

const CONV = 'TesseraFusedConv2D';
const DENSE = 'TesseraFusedMatMul';

/** The backends that register each fused kernel. */
const fusedOn: Record<string, string[]> = { [CONV]: ['node', 'wasm'], [DENSE]: ['node'] };

// tfjs has no gradient of a dilated conv2d: that case checks its output only
const cases: { what: string; kernel: string; layer: () => Layer; input: number[]; fused: boolean; grads?: false }[] = [
  {
    what: 'Conv2D, relu',
    kernel: CONV,
    layer: () => new Conv2D({ filters: 16, kernelSize: 3, activation: 'relu' }),
    input: [4, 12, 12, 3],
    fused: true,
  },
  {
    what: "Conv2D, no activation, stride 2, 'same'",
    kernel: CONV,
    layer: () => new Conv2D({ filters: 16, kernelSize: 3, strides: 2, padding: 'same' }),
    input: [4, 12, 12, 3],
    fused: true,
  },
  {
    what: 'Conv2D, dilated',
    kernel: CONV,
    layer: () => new Conv2D({ filters: 16, kernelSize: 3, dilationRate: 2, activation: 'relu' }),
    input: [4, 12, 12, 3],
    fused: false,
    grads: false,
  },
  {
    what: 'Conv2D, elu',
    kernel: CONV,
    layer: () => new Conv2D({ filters: 16, kernelSize: 3, activation: 'elu' }),
    input: [4, 12, 12, 3],
    fused: false,
  },
  {
    what: 'Conv2D, no bias',
    kernel: CONV,
    layer: () => new Conv2D({ filters: 16, kernelSize: 3, activation: 'relu', useBias: false }),
    input: [4, 12, 12, 3],
    fused: false,
  },
  { what: 'Dense, relu', kernel: DENSE, layer: () => new Dense({ units: 16, activation: 'relu' }), input: [8, 12], fused: true },
  { what: 'Dense, no activation', kernel: DENSE, layer: () => new Dense({ units: 16 }), input: [8, 12], fused: true },
  {
    what: 'Dense, relu on a rank-3 input',
    kernel: DENSE,
    layer: () => new Dense({ units: 16, activation: 'relu' }),
    input: [4, 3, 12],
    fused: true,
  },
  { what: 'Dense, elu', kernel: DENSE, layer: () => new Dense({ units: 16, activation: 'elu' }), input: [8, 12], fused: false },
  {
    what: 'Dense, no bias',
    kernel: DENSE,
    layer: () => new Dense({ units: 16, activation: 'relu', useBias: false }),
    input: [8, 12],
    fused: false,
  },
];

/** Output and the gradients of the weights and the input of a fixed loss through `layer` (`withGrads` false: the output only). */
function run(layer: Layer, x: Variable, withGrads = true): Tensor[] {
  return tidy(() => {
    if (!withGrads) return [layer.call(x) as Tensor];
    const params = [...Object.values(layer.parameters()), x] as Variable[];
    const f = () => {
      const y = layer.call(x) as Tensor;
      return sum(mul(y, randomNormal(y.shape, 0, 1, 'float32', 5))) as never;
    };
    const { value, grads } = variableGrads(f, params);
    return [value, ...params.map((p) => grads[p.name] as Tensor)];
  });
}

/** The same computation from separate ops: fused kernel `kernel` unregistered meanwhile. */
function separate<T>(kernel: string, f: () => T): T {
  const config = getKernel(kernel, getBackend()) as KernelConfig | undefined;
  if (config) unregisterKernel(kernel, config.backendName);
  try {
    expect(hasKernel(kernel)).toBe(false);
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

describe.each(plugins.map((p) => [p.name, p] as const))(
  'Conv2D and Dense on %s: one fused kernel where the backend has it',
  (name, plugin) => {
    it.for(cases)(
      "$what: runs the fused kernel where the backend has it (Conv2D: native TensorFlow and wasm; Dense: native TensorFlow), with the separate ops' values and gradients; no leak",
      async (c) => {
        await useBackend(plugin);
        const layer = c.layer();
        const x = variable(randomNormal(c.input, 0, 1, 'float32', 1), true, `fused-x-${name}-${c.what}`);
        layer.call(x).dispose(); // builds the weights
        const before = memory().numTensors;
        const info = await profile(() => run(layer, x, c.grads));
        expect(info.kernelNames.includes(c.kernel)).toBe(c.fused && (fusedOn[c.kernel] as string[]).includes(name));
        dispose(info.result as Tensor[]);
        const got = run(layer, x, c.grads);
        const want = separate(c.kernel, () => run(layer, x, c.grads));
        expectClose(got, want);
        dispose([...got, ...want]);
        expect(memory().numTensors).toBe(before);
        layer.dispose();
        x.dispose();
      },
    );
  },
);
