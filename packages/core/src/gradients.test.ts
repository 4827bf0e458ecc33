import type { Tensor } from '@tensorflow/tfjs-core';
import { dispose, getGradient, grad, memory, mul, stridedSlice, sum, tensor2d } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testCpu, testWasm } from '../../../test-support/backends.js';
import { useBackend } from './backend/use-backend.js';
import { tesseraGradientConfigs, tfjsGradientConfigs } from './gradients.js';

describe.each([testCpu, testWasm])("useBackend registers tfjs-core's and Tessera's gradients ($name)", (plugin) => {
  it("has every tfjs-core gradient and Tessera's in place of the stock ones", async () => {
    await useBackend(plugin);
    const ours = new Set(tesseraGradientConfigs.map((c) => c.kernelName));
    expect([...ours].sort()).toEqual(['Einsum', 'Elu', 'LeakyRelu', 'Maximum', 'StridedSlice']);
    for (const c of tesseraGradientConfigs) expect(getGradient(c.kernelName)?.gradFunc).toBe(c.gradFunc);
    for (const c of tfjsGradientConfigs) {
      if (!ours.has(c.kernelName)) expect(getGradient(c.kernelName)).toBeDefined();
    }
  });

  it('StridedSlice gradient scatters dy to the sliced positions, leak-free', async () => {
    await useBackend(plugin);
    const x = tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const w = tensor2d([[10, 20]]);
    const before = memory().numTensors;
    const g = grad((v: Tensor) => sum(mul(stridedSlice(v, [1, 0], [2, 3], [1, 2]), w)))(x);
    expect(Array.from(await g.data())).toEqual([0, 0, 0, 10, 0, 20]);
    g.dispose();
    expect(memory().numTensors).toBe(before);
    dispose([x, w]);
  });
});
