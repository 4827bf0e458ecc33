import { backend as activeBackend } from '@tensorflow/tfjs-core';
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { type BackendPlugin, hasKernel, type NamedTensors, useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { dispose, memory, randomNormal, tidy } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { withoutKernel } from '../../../test-support/without-kernel.js';
import type { AdamState } from './index.js';
import { scaleByAdam } from './index.js';

const KERNEL = 'TesseraAdamUpdate';

/** Native TensorFlow, where `npm run setup:native` has installed tfjs-node (CI does). */
const nativeInstalled = await node().isAvailable();
const plugins: BackendPlugin[] = [cpu(), wasm(), ...(nativeInstalled ? [node()] : [])];

/** Five Adam steps from zero moments on fixed gradients: every update, then the final moments. */
function fiveSteps(params: NamedTensors, eps: number): Float32Array[] {
  return tidy(() => {
    const t = scaleByAdam({ b1: 0.8, b2: 0.95, eps });
    let state = t.init(params) as AdamState;
    const out: Float32Array[] = [];
    for (let step = 0; step < 5; step++) {
      const grads = { w: randomNormal([33, 7], 0, 1, 'float32', step + 10), b: randomNormal([7], 0, 1e-3, 'float32', step + 20) };
      const [updates, next] = t.update(grads, state, params);
      out.push(updates.w?.dataSync() as Float32Array, updates.b?.dataSync() as Float32Array);
      state = next as AdamState;
    }
    out.push(...(Object.values(state.mu) as Tensor[]).map((m) => m.dataSync() as Float32Array));
    out.push(...(Object.values(state.nu) as Tensor[]).map((v) => v.dataSync() as Float32Array));
    return out;
  });
}

/** On native TensorFlow, the kernel's GPU-device path (its ops on the native binding) where `viaOps` is set. */
async function withPath<T>(viaOps: boolean, f: () => T): Promise<T> {
  const b = activeBackend() as unknown as { isUsingGpuDevice?: boolean };
  const saved = b.isUsingGpuDevice;
  if (viaOps) b.isUsingGpuDevice = true;
  try {
    return f();
  } finally {
    b.isUsingGpuDevice = saved;
  }
}

const cases = plugins.flatMap((plugin) => [
  { plugin, name: plugin.name, viaOps: false },
  ...(plugin.name === 'node' ? [{ plugin, name: 'node, through TensorFlow ops (its GPU-device path)', viaOps: true }] : []),
]);

describe.each(cases)('the Adam update kernel on $name', ({ plugin, viaOps }) => {
  it.each([1e-7, 0])('gives scaleByAdam the values of its composite ops (eps %s), with no tensor left behind', async (eps) => {
    await useBackend(plugin);
    expect(hasKernel(KERNEL)).toBe(true);
    const params = tidy(() => ({ w: randomNormal([33, 7], 0, 1, 'float32', 1), b: randomNormal([7], 0, 1, 'float32', 2) }));
    const before = memory().numTensors;
    const fused = await withPath(viaOps, () => fiveSteps(params, eps));
    expect(memory().numTensors).toBe(before);
    const ops = withoutKernel(KERNEL, () => fiveSteps(params, eps));
    expect(fused.length).toBe(ops.length);
    fused.forEach((got, i) => {
      const want = ops[i] as Float32Array;
      expect(got.length).toBe(want.length);
      got.forEach((g, j) => {
        const w = want[j] as number;
        // float32 ops on both sides: equal to the last bits (TensorFlow may fuse or reorder)
        expect(Math.abs(g - w)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(w)));
      });
    });
    // the updates are not trivial: Adam's first step is ±1 where eps is small
    expect(Math.abs(fused[0]?.[0] as number)).toBeGreaterThan(0.5);
    dispose(Object.values(params));
  });

  it('refuses inputs of different shapes, naming them', async () => {
    await useBackend(plugin);
    const [g, m] = [randomNormal([3, 2]), randomNormal([2, 3])] as Tensor[];
    const { engine } = await import('@tessera/tensor');
    expect(() => engine().runKernel(KERNEL, { g, m, v: m } as never, { b1: 0.9, b2: 0.999, eps: 1e-7, count: 1 } as never)).toThrow(
      /g, m and v must have one shape, got \[3,2\] and \[2,3\]/,
    );
    dispose([g, m] as Tensor[]);
  });
});
