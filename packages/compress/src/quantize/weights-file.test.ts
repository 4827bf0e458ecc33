import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { batchNormalization, dense, sequential } from '@tessera/layers';
import { decodeSafetensors, encodeSafetensors, randomNormal, tensorCount, zeros } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { dequantizeValues, quantizeValues } from './schemes.js';
import { decodeQuantizedWeights, encodeQuantizedWeights, loadQuantizedWeights } from './weights-file.js';

beforeAll(async () => {
  await useBackend(cpu());
});

function build() {
  const m = sequential([dense(64, { activation: 'relu', seed: 1 }), batchNormalization(), dense(10, { seed: 2 })]);
  m.call(zeros([1, 100]));
  return m;
}

describe('quantized weight files', () => {
  it('int8: kernels stored as I8 (4x smaller) with per-channel scales, biases float32, dequantized at load', () => {
    const m = build();
    const dense32 = encodeSafetensors({ ...m.parameters(), ...m.state() });
    const bytes = encodeQuantizedWeights(m, { dtype: 'int8' });
    const raw = decodeSafetensors(bytes);
    expect(raw.tensors['dense/kernel']?.shape).toEqual([100, 64]);
    expect(raw.tensors['dense/kernel:scale']?.shape).toEqual([64]);
    expect(JSON.parse(raw.metadata['tessera.quantization'] as string)['dense/kernel']).toEqual({ dtype: 'int8' });
    for (const t of Object.values(raw.tensors)) t.dispose();
    // data bytes: kernels 1 byte/value + scales and other weights 4 bytes/value
    const kernels = 100 * 64 + 64 * 10;
    const rest = 64 + 10 + 4 * 64 + (64 + 10); // biases, bn gamma/beta/mean/var, scales
    const header = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(bytes.byteLength).toBe(8 + header + kernels + 4 * rest);
    expect(dense32.byteLength / bytes.byteLength).toBeGreaterThan(3); // 3.6 on the data alone; the JSON header weighs on a small model
    // the values read back are exactly the int8 scheme's
    const k = m.parameters()['dense/kernel'];
    const q = quantizeValues(k?.dataSync() as Float32Array, [100, 64], 'int8');
    const expected = dequantizeValues({ ...q, scale: q.scale.map(Math.fround) }); // the file stores float32 scales
    const before = tensorCount();
    const back = decodeQuantizedWeights(bytes);
    expect(Array.from(back['dense/kernel']?.dataSync() ?? [])).toEqual(Array.from(expected));
    expect(Array.from(back['dense/bias']?.dataSync() ?? [])).toEqual(Array.from(m.parameters()['dense/bias']?.dataSync() ?? []));
    expect(Object.keys(back).sort()).toEqual(Object.keys({ ...m.parameters(), ...m.state() }).sort());
    for (const t of Object.values(back)) t.dispose();
    expect(tensorCount()).toBe(before);
    m.dispose();
  });

  it('uint8 / uint16 / float16 (tfjs schemes) quantize every float weight; the model loads and predicts close to the original', () => {
    const m = build();
    const x = randomNormal([8, 100], 0, 1, 'float32', 3);
    const y = m.call(x).dataSync();
    const size32 = encodeSafetensors({ ...m.parameters(), ...m.state() }).byteLength;
    for (const [dtype, tol, ratio] of [
      ['uint8', 0.05, 3.3],
      ['uint16', 5e-4, 1.8],
      ['float16', 5e-3, 1.8],
    ] as const) {
      const bytes = encodeQuantizedWeights(m, { dtype });
      expect(size32 / bytes.byteLength).toBeGreaterThan(ratio);
      const copy = build();
      const before = tensorCount();
      loadQuantizedWeights(copy, bytes);
      expect(tensorCount()).toBe(before);
      const y2 = copy.call(x).dataSync();
      const err = Math.max(...Array.from(y, (v, i) => Math.abs(v - (y2[i] as number))));
      expect(err).toBeGreaterThan(0);
      expect(err).toBeLessThan(tol);
      copy.dispose();
    }
    expect(() => loadQuantizedWeights(sequential([dense(3)]), encodeQuantizedWeights(m, { dtype: 'int8' }))).toThrow(
      /loadQuantizedWeights weights of "sequential.*build the model first/,
    );
    x.dispose();
    m.dispose();
  });
});
