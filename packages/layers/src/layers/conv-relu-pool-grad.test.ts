import { type GradConfig, getGradient, registerGradient } from '@tensorflow/tfjs-core';
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { type BackendPlugin, tfjsGradientConfigs, useBackend } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { dispose, memory, mul, profile, randomNormal, sum, tidy, variable, variableGrads } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { Conv2D } from './conv.js';
import { MaxPool2D } from './pooling.js';

// After a Conv2D with 'relu' that runs fused (native TensorFlow, wasm), the max-pool gradient
// applies the ReLU gradient to the pooled gradient and the convolution's gradient skips its own:
// the same values, bit for bit, with the mask over a quarter of the elements.

/** Native TensorFlow, where `npm run setup:native` has installed tfjs-node (CI does). */
const nativeInstalled = await node().isAvailable();
const plugins: BackendPlugin[] = [cpu(), wasm(), ...(nativeInstalled ? [node()] : [])];
const fusedOn = new Set(['node', 'wasm']);

/** Output, then the gradients of the weights and the input, of a fixed loss through conv → pool. */
function run(conv: Conv2D, pool: MaxPool2D, x: Variable): Float32Array[] {
  return tidy(() => {
    const params = [...Object.values(conv.parameters()), x] as Variable[];
    const f = () => {
      const y = pool.call(conv.call(x) as Tensor) as Tensor;
      return sum(mul(y, randomNormal(y.shape, 0, 1, 'float32', 9))) as never;
    };
    const { value, grads } = variableGrads(f, params);
    return [value, ...params.map((p) => grads[p.name] as Tensor)].map((t) => t.dataSync() as Float32Array);
  });
}

/** `f` with tfjs-core's own MaxPool gradient registered meanwhile. */
function withStockPoolGradient<T>(f: () => T): T {
  const ours = getGradient('MaxPool') as GradConfig;
  registerGradient(tfjsGradientConfigs.find((c) => c.kernelName === 'MaxPool') as GradConfig);
  try {
    return f();
  } finally {
    registerGradient(ours);
  }
}

describe.each(plugins.map((p) => [p.name, p] as const))('Conv2D (relu) then MaxPool2D on %s', (name, plugin) => {
  it.each([
    { what: '2×2 pooling (a CNN block)', pool: () => new MaxPool2D({ poolSize: 2 }) },
    { what: "overlapping 3×3 pooling, stride 1, 'same'", pool: () => new MaxPool2D({ poolSize: 3, strides: 1, padding: 'same' }) },
  ])(
    '$what: the stock gradients bit for bit, the ReLU mask on the pooled gradient where fused; no leak',
    async ({ what, pool: makePool }) => {
      await useBackend(plugin);
      const conv = new Conv2D({ filters: 8, kernelSize: 3, activation: 'relu' });
      const pool = makePool();
      const x = variable(randomNormal([3, 10, 10, 2], 0, 1, 'float32', 3), true, `crp-x-${name}-${what}`);
      conv.call(x).dispose(); // builds the weights
      const before = memory().numTensors;
      const info = await profile(() => run(conv, pool, x) as never);
      const pooled = tidy(() => pool.call(conv.call(x) as Tensor) as Tensor);
      const pooledShape = pooled.shape;
      const convShape = [3, 8, 8, 8];
      dispose(pooled);
      const reluGrads = info.kernels.filter((k) => k.name === 'TesseraReluGrad').map((k) => k.inputShapes[0]);
      const got = run(conv, pool, x);
      const want = withStockPoolGradient(() => run(conv, pool, x));
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => {
        const w = want[i] as Float32Array;
        expect(Array.from(new Uint32Array(g.buffer, g.byteOffset, g.length))).toEqual(
          Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length)),
        );
      });
      if (fusedOn.has(name)) {
        expect(info.kernelNames).toContain('TesseraFusedConv2D');
        expect(reluGrads).toEqual([pooledShape]); // one mask, over the pooled gradient
      } else expect(reluGrads.every((s) => s?.join() === convShape.join())).toBe(true); // cpu: Relu's own gradient
      expect(memory().numTensors).toBe(before);
      dispose([x]);
      conv.dispose();
    },
  );
});
