// Fuzzed safetensors decoding: byte mutations of valid files (every dtype Tessera reads), and
// headers rewritten with values of the wrong type (re-encoded with a correct length so they reach
// the header validation). Every case either decodes or throws a TesseraError naming the format,
// within 200 ms, without allocating more than 64x its input + 1 MiB, and without leaking tensors
// (see test-support/fuzz.ts).
// Cases per run: bytes 1200 + header JSON 800 = 2000.
import { memory, tensor } from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCpu } from '../../../test-support/backends.js';
import { byteMutations, checkParse, fuzzParams, jsonMutations, type Mutated, Tally } from '../../../test-support/fuzz.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsContent } from './safetensors.js';

beforeAll(async () => {
  await useBackend(testCpu);
});

function build(h: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const ramp = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 29) % 256);

/** Hand-built files with the dtypes the encoder never writes. */
const handBuilt: Array<{ header: Record<string, unknown>; data: Uint8Array }> = [
  {
    header: {
      __metadata__: { step: '3' },
      a: { dtype: 'F16', shape: [2, 2], data_offsets: [0, 8] },
      b: { dtype: 'BF16', shape: [3], data_offsets: [8, 14] },
      c: { dtype: 'F64', shape: [1], data_offsets: [14, 22] },
    },
    data: ramp(22),
  },
  {
    header: {
      i: { dtype: 'I64', shape: [2], data_offsets: [0, 16] },
      j: { dtype: 'U8', shape: [2, 2], data_offsets: [16, 20] },
      k: { dtype: 'I16', shape: [1], data_offsets: [20, 22] },
      l: { dtype: 'BOOL', shape: [2], data_offsets: [22, 24] },
      m: { dtype: 'U32', shape: [], data_offsets: [24, 28] },
    },
    data: new Uint8Array([5, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 1, 2, 3, 4, 7, 0, 1, 0, 9, 0, 0, 0]),
  },
];

function seedFiles(): Uint8Array[] {
  const w = tensor([1.5, -2, 3.25, 4], [2, 2]);
  const b = tensor([1, 2, 3], [3], 'int32');
  const m = tensor([true, false], [2], 'bool');
  const files = [encodeSafetensors({ 'dense/kernel': w, 'dense/bias': b, mask: m }, { step: '100' }), encodeSafetensors({})];
  for (const t of [w, b, m]) t.dispose();
  return [...files, ...handBuilt.map((f) => build(f.header, f.data))];
}

/** What a decoded file must satisfy: shapes of small integers matching the tensors' sizes. */
const checkAndDispose = (c: SafetensorsContent): void => {
  for (const t of Object.values(c.tensors)) {
    const shapeOk = t.shape.every((d) => Number.isInteger(d) && d >= 0 && d < 2 ** 31);
    const size = t.size;
    t.dispose();
    expect(shapeOk, `shape ${JSON.stringify(t.shape)}`).toBe(true);
    expect(size).toBe(t.shape.reduce((a, b) => a * b, 1));
  }
};

function headerMutations(): fc.Arbitrary<Mutated<Uint8Array>> {
  return fc.oneof(...handBuilt.map((f) => jsonMutations([f.header]).map((m) => ({ kind: m.kind, value: build(m.value, f.data) }))));
}

describe('fuzzed safetensors decode or throw a FormatError, leaking nothing', () => {
  it('byte mutations: 1200 cases', () => {
    const seeds = seedFiles();
    const before = memory().numTensors;
    const tally = new Tally();
    fc.assert(
      fc.property(byteMutations(seeds), (m) => {
        const live = memory().numTensors;
        tally.add(checkParse(() => decodeSafetensors(m.value), m.value.length, { names: /safetensors/ }, checkAndDispose));
        expect(memory().numTensors).toBe(live);
      }),
      fuzzParams(1200, 80),
    );
    expect(memory().numTensors).toBe(before);
    expect(tally.counts.rejected).toBeGreaterThan(100);
    expect(tally.counts.parsed).toBeGreaterThan(10);
  });

  it('header JSON with wrong types: 800 cases', () => {
    const before = memory().numTensors;
    const tally = new Tally();
    fc.assert(
      fc.property(headerMutations(), (m) => {
        const live = memory().numTensors;
        tally.add(checkParse(() => decodeSafetensors(m.value), m.value.length, { names: /safetensors/ }, checkAndDispose));
        expect(memory().numTensors).toBe(live);
      }),
      fuzzParams(800, 81),
    );
    expect(memory().numTensors).toBe(before);
    expect(tally.counts.rejected).toBeGreaterThan(100);
  });
});

it('an empty tensor with an impossible dimension is rejected', () => {
  for (const shape of [
    [0, 1e300],
    [2 ** 31, 0],
  ]) {
    const bytes = build({ a: { dtype: 'F32', shape, data_offsets: [0, 0] } }, new Uint8Array(0));
    expect(() => decodeSafetensors(bytes)).toThrow(
      /safetensors: tensor "a": shape must be an array of non-negative integers up to 2147483647/,
    );
  }
});
