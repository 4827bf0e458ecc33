import type { Tensor } from '@tensorflow/tfjs-core';
import { dispose, getGradient, grad, memory, mul, stridedSlice, sum, tensor2d } from '@tensorflow/tfjs-core';
import { tfjsGradientConfigs, useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { testCpu, testWasm } from '../../../test-support/backends.js';
import { gradientFixes, registerGradientFixes } from './gradients.js';

// What a backend plugin does: registerGradientFixes() in load(), then useBackend registers tfjs-core's.
const everyBackend = gradientFixes.filter((f) => f.backendName === undefined).map((f) => f.config);

describe.each([testCpu, testWasm])("registerGradientFixes + useBackend: tfjs-core's and Tessera's gradients ($name)", (plugin) => {
  it("has every tfjs-core gradient and Tessera's in place of the stock ones", async () => {
    registerGradientFixes();
    await useBackend(plugin);
    const ours = new Set(everyBackend.map((c) => c.kernelName));
    expect([...ours].sort()).toEqual([
      'Einsum',
      'Elu',
      'LeakyRelu',
      'MaxPool',
      'Maximum',
      'Sigmoid',
      'StridedSlice',
      'Tanh',
      'TesseraFusedConv2D',
      'TesseraFusedMatMul',
      'TesseraLSTMBlock',
      'TesseraLSTMSequence',
      'TesseraReluGrad',
      'TesseraSparseSoftmaxCrossEntropy',
      'TesseraSparseSoftmaxCrossEntropyGrad',
    ]);
    for (const c of everyBackend) expect(getGradient(c.kernelName)?.gradFunc).toBe(c.gradFunc);
    for (const c of tfjsGradientConfigs) {
      if (!ours.has(c.kernelName)) expect(getGradient(c.kernelName)).toBeDefined();
    }
  });

  it('StridedSlice gradient scatters dy to the sliced positions, leak-free', async () => {
    registerGradientFixes();
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
