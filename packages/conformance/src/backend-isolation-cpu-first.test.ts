import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { tfjsGradientConfigs, useBackend } from '@tessera/core';
import { gradientOn } from '@tessera/kernels';
import { memory } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { differences, matMulGradient, snapshot } from './backend-isolation.js';

// Its own file (own process): cpu is the first backend this engine ever sees.
describe('backend plugins are scoped: cpu first, then wasm, then cpu again', () => {
  it("wasm() leaves cpu's kernels and gradients as they were", async () => {
    const c = cpu();
    const w = wasm();
    await useBackend(c);
    const first = snapshot('cpu');
    const before = await matMulGradient();
    expect(before.kernels).not.toContain('Transpose');

    await useBackend(w);
    const onWasm = await matMulGradient();
    expect(onWasm.kernels).toContain('Transpose'); // wasm's BatchMatMul gradient without transposed products
    expect(onWasm.values).toEqual(before.values);

    await useBackend(c);
    const tensors = memory().numTensors;
    const after = await matMulGradient();
    expect(memory().numTensors).toBe(tensors);
    expect(after.kernels).toEqual(before.kernels);
    expect(after.values).toEqual(before.values);
    expect(differences(first, snapshot('cpu'))).toEqual([]);
    const stock = tfjsGradientConfigs.find((g) => g.kernelName === 'BatchMatMul');
    expect(gradientOn('BatchMatMul', 'cpu')).toBe(stock);
    expect(gradientOn('BatchMatMul', 'wasm')).not.toBe(stock);
  });
});
