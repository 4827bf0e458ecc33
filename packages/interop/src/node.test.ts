import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { dense, sequential } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { decodeSafetensors, randomNormal, tensorCount } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKerasFile, loadTorchSafetensors, saveOnnx, saveTorchSafetensors } from './node.js';

let dir = '';
beforeAll(async () => {
  await useBackend(cpu());
  dir = mkdtempSync(join(tmpdir(), 'tessera-interop-node-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('@tessera/interop/node file helpers', () => {
  it('saveOnnx writes the export (without leaking tensors)', async () => {
    const m = sequential([dense(3, { activation: 'relu', seed: 1 }), dense(2, { seed: 2 })], { inputShape: [4] });
    const before = tensorCount();
    await saveOnnx(m, join(dir, 'm.onnx'));
    expect(tensorCount()).toBe(before);
    const bytes = readFileSync(join(dir, 'm.onnx'));
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x08, 0x08])); // ir_version 8
    expect(bytes.includes(Buffer.from('MatMul'))).toBe(true);
  });

  it('saveTorchSafetensors and loadTorchSafetensors round-trip a model', async () => {
    const a = sequential([dense(3, { seed: 1 }), dense(2, { seed: 2 })], { inputShape: [4] });
    const b = sequential([dense(3, { seed: 5 }), dense(2, { seed: 6 })], { inputShape: [4] });
    await saveTorchSafetensors(a, join(dir, 'm.safetensors'));
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'm.safetensors'))));
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.keys(tensors).sort()).toEqual(['0.bias', '0.weight', '1.bias', '1.weight']);
    for (const t of Object.values(tensors)) t.dispose();
    await loadTorchSafetensors(b, join(dir, 'm.safetensors'));
    const x = randomNormal([2, 4], 0, 1, 'float32', 3);
    expect(Array.from((b.call(x) as Tensor).dataSync())).toEqual(Array.from((a.call(x) as Tensor).dataSync()));
  });

  it('loadKerasFile reads a .keras file', async () => {
    const m = await loadKerasFile(fileURLToPath(new URL('../fixtures/keras/mlp.keras', import.meta.url)));
    expect(m.className).toBe('Sequential');
    expect(m.countParams().total).toBe(8 * 16 + 16 + 16 * 2 + 16 * 12 + 12 + 12 * 4 + 4);
  });
});
