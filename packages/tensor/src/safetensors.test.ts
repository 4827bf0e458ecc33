import { memory, tensor } from '@tensorflow/tfjs-core';
import { FormatError, useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { testCpu, testWasm } from '../../../test-support/backends.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

function header(bytes: Uint8Array): Record<string, unknown> {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
}

/** Builds a safetensors file by hand from a header object and a data section. */
function build(h: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe.each([testCpu, testWasm])('safetensors on $name', (plugin) => {
  it('round-trips float32, int32 and bool tensors with metadata', async () => {
    await useBackend(plugin);
    const before = memory().numTensors;
    const w = tensor(
      [
        [1.5, -2],
        [3.25, 4],
      ],
      [2, 2],
      'float32',
    );
    const i = tensor([1, -7, 2147483647], [3], 'int32');
    const b = tensor([true, false], [2], 'bool');
    const bytes = encodeSafetensors({ 'dense/kernel': w, steps: i, mask: b }, { step: '12' });
    expect(Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true)) % 8).toBe(0); // data section 8-byte aligned
    const h = header(bytes);
    expect(h.__metadata__).toEqual({ step: '12' });
    expect(h['dense/kernel']).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ step: '12' });
    expect(Array.from(await (tensors['dense/kernel'] as typeof w).data())).toEqual([1.5, -2, 3.25, 4]);
    expect(tensors.steps?.dtype).toBe('int32');
    expect(Array.from(await (tensors.steps as typeof i).data())).toEqual([1, -7, 2147483647]);
    expect(Array.from(await (tensors.mask as typeof b).data())).toEqual([1, 0]);
    for (const t of [w, i, b, ...Object.values(tensors)]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });
});

describe('safetensors validation', () => {
  it('reads files written by the reference layout (F64, F16, I64, U8)', async () => {
    await useBackend(testCpu);
    const data = new Uint8Array(8 + 2 + 8 + 1);
    const dv = new DataView(data.buffer);
    dv.setFloat64(0, 0.25, true);
    dv.setUint16(8, 0x3c00, true); // 1.0 in half precision
    dv.setBigInt64(10, -5n, true);
    data[18] = 200;
    const bytes = build(
      {
        a: { dtype: 'F64', shape: [], data_offsets: [0, 8] },
        b: { dtype: 'F16', shape: [1], data_offsets: [8, 10] },
        c: { dtype: 'I64', shape: [1], data_offsets: [10, 18] },
        d: { dtype: 'U8', shape: [1, 1], data_offsets: [18, 19] },
      },
      data,
    );
    const { tensors } = decodeSafetensors(bytes);
    expect(await tensors.a?.data()).toEqual(new Float32Array([0.25]));
    expect(await tensors.b?.data()).toEqual(new Float32Array([1]));
    expect(await tensors.c?.data()).toEqual(new Int32Array([-5]));
    expect(tensors.d?.shape).toEqual([1, 1]);
    expect(await tensors.d?.data()).toEqual(new Int32Array([200]));
    for (const t of Object.values(tensors)) t.dispose();
  });

  it('rejects truncated and malformed files with clear errors and no leak', async () => {
    await useBackend(testCpu);
    const w = tensor([1, 2, 3, 4]);
    const good = encodeSafetensors({ a: w, b: w });
    w.dispose();
    const before = memory().numTensors;
    const bad = (bytes: Uint8Array) => {
      try {
        decodeSafetensors(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
        return (e as Error).message;
      }
      throw new Error('expected a FormatError');
    };
    expect(bad(good.subarray(0, 5))).toBe('safetensors: file is truncated: expected at least 8 bytes, received 5');
    expect(bad(good.subarray(0, 20))).toMatch(/file is truncated: header needs \d+ bytes, file has 20/);
    expect(bad(good.subarray(0, good.byteLength - 4))).toMatch(
      /file is truncated: tensor "b" ends at byte 32 of the data section, which has 28 bytes/,
    );
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 10n ** 12n, true);
    expect(bad(huge)).toContain('exceeds the 100000000-byte limit');
    expect(bad(build('{oops', new Uint8Array()))).toContain('header must be a JSON object');
    const notJson = build({}, new Uint8Array());
    notJson[8] = 0x7b;
    notJson[9] = 0x7b;
    expect(bad(notJson)).toContain('header is not valid UTF-8 JSON');
    expect(bad(build({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)))).toContain('unsupported dtype "C64"');
    expect(bad(build({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)))).toContain(
      'shape [3] of F32 needs 12 bytes, data_offsets span 8',
    );
    expect(bad(build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)))).toContain('must be contiguous');
    expect(bad(build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)))).toContain('trailing bytes');
    expect(bad(build({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)))).toContain('non-negative integers');
    expect(bad(build({ __metadata__: { a: 1 } }, new Uint8Array()))).toContain('__metadata__ "a" must be a string');
    expect(memory().numTensors).toBe(before);
  });
});
