import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { useBackend } from '@tessera/core';
import { batchMatMulGradConfig, gradientOn } from '@tessera/kernels';
import { memory } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { differences, matMulGradient, snapshot } from './backend-isolation.js';

// Its own file (own process): wasm is the first backend this engine ever sees.
describe('backend plugins are scoped: wasm first, then cpu, then wasm again', () => {
  it("cpu() leaves wasm's kernels and gradients as they were", async () => {
    const w = wasm();
    const c = cpu();
    await useBackend(w);
    const first = snapshot('wasm');
    const before = await matMulGradient();
    expect(before.kernels).toContain('Transpose');

    await useBackend(c);
    const onCpu = await matMulGradient();
    expect(onCpu.kernels).not.toContain('Transpose'); // cpu keeps tfjs' own BatchMatMul gradient
    expect(onCpu.values).toEqual(before.values);

    await useBackend(w);
    const tensors = memory().numTensors;
    const after = await matMulGradient();
    expect(memory().numTensors).toBe(tensors);
    expect(after.kernels).toEqual(before.kernels);
    expect(after.values).toEqual(before.values);
    expect(differences(first, snapshot('wasm'))).toEqual([]);
    expect(gradientOn('BatchMatMul', 'wasm')).toBe(batchMatMulGradConfig);
  });
});
