// Fuzzed binary loaders: IDX (raw and gzipped), NPY, NPZ and gzip. Every case either parses or
// throws a TesseraError naming the format/file, within 200 ms and without allocating more than
// 64x its input + 1 MiB (see test-support/fuzz.ts).
// Cases per run: idx 1200 + npy 1200 + npz 800 + gzip 600 = 3800.
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { byteMutations, checkParse, fuzzParams, Tally } from '../../../../test-support/fuzz.js';
import { gunzip } from '../io/gzip.js';
import { parseIdx } from './idx.js';
import { encodeNpy, encodeNpz, parseNpy, parseNpz } from './npy.js';

function idx(type: number, shape: number[], body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + body.length);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = shape.length;
  for (const [i, d] of shape.entries()) view.setUint32(4 + 4 * i, d, false);
  out.set(body, 4 + 4 * shape.length);
  return out;
}

const ramp = (n: number, k = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * k) % 256);

function withFortranOrder(npy: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(npy);
  const at = text.indexOf('False');
  const out = npy.slice();
  out.set(new TextEncoder().encode('True '), at);
  return out;
}

describe('fuzzed binary loaders parse or throw a FormatError', () => {
  it('IDX: 1200 cases', () => {
    const seeds = [
      idx(8, [10], ramp(10)),
      idx(8, [2, 3, 3], ramp(18, 7)),
      idx(13, [2, 2], new Uint8Array(new Float32Array([1, -2, 3.5, 4]).buffer)),
      idx(11, [3], ramp(6, 3)),
      idx(14, [1, 2], ramp(16, 5)),
    ];
    seeds.push(gzipSync(seeds[1]!), gzipSync(seeds[2]!));
    const tally = new Tally();
    fc.assert(
      fc.property(byteMutations(seeds), (m) => {
        tally.add(checkParse(() => parseIdx(m.value, { name: 'train-images' }), m.value.length, { names: /train-images/ }));
      }),
      fuzzParams(1200, 42),
    );
    expect(tally.total).toBe(fuzzParams(1200, 42).numRuns);
    expect(tally.counts.rejected).toBeGreaterThan(100);
  });

  it('NPY: 1200 cases', () => {
    const seeds = [
      encodeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]),
      encodeNpy(new Int32Array([7, -8, 9]), [3]),
      encodeNpy(new BigInt64Array([1n, -2n]), [2]),
      encodeNpy(new Uint8Array([1, 0, 1, 1]), [2, 2]),
      encodeNpy(new Float64Array([0.5]), []),
      withFortranOrder(encodeNpy(new Float32Array([1, 4, 2, 5, 3, 6]), [2, 3])),
    ];
    const tally = new Tally();
    fc.assert(
      fc.property(byteMutations(seeds), (m) => {
        tally.add(checkParse(() => parseNpy(m.value, 'x.npy'), m.value.length, { names: /x\.npy/ }));
      }),
      fuzzParams(1200, 43),
    );
    expect(tally.counts.rejected).toBeGreaterThan(100);
    expect(tally.counts.parsed).toBeGreaterThan(10);
  });

  it('NPZ: 800 cases', () => {
    const arrays = { x: { data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] }, y: { data: new Int32Array([0, 1]), shape: [2] } };
    const seeds = [encodeNpz(arrays, false), encodeNpz(arrays, true)];
    const tally = new Tally();
    fc.assert(
      fc.property(byteMutations(seeds), (m) => {
        tally.add(checkParse(() => parseNpz(m.value, 'data.npz'), m.value.length, { names: /data\.npz/ }));
      }),
      fuzzParams(800, 44),
    );
    expect(tally.counts.rejected).toBeGreaterThan(100);
  });

  it('gzip: 600 cases', () => {
    const seeds = [
      gzipSync(ramp(300, 7)),
      gzipSync(new Uint8Array(2000)),
      gzipSync(new TextEncoder().encode('hello, tessera\n'.repeat(20))),
    ];
    const tally = new Tally();
    fc.assert(
      fc.property(byteMutations(seeds), (m) => {
        tally.add(checkParse(() => gunzip(m.value, 'labels.gz'), m.value.length, { names: /labels\.gz/ }));
      }),
      fuzzParams(600, 45),
    );
    expect(tally.counts.rejected).toBeGreaterThan(100);
  });
});

describe('lying size fields are rejected before allocating', () => {
  it('a gzip trailer claiming 4 GiB', () => {
    const bytes = gzipSync(ramp(100));
    new DataView(bytes.buffer).setUint32(bytes.length - 4, 0xffffffff, true);
    const mem0 = process.memoryUsage().arrayBuffers;
    expect(() => gunzip(bytes, 'labels.gz')).toThrow(
      'labels.gz: truncated or corrupt gzip stream (trailer says 4294967295 bytes, decompressed 100)',
    );
    expect(process.memoryUsage().arrayBuffers - mem0).toBeLessThan(2 ** 20);
  });

  it('a zip directory entry claiming 2 GiB for a deflated member', () => {
    const bytes = encodeNpz({ x: { data: new Float32Array(4), shape: [4] } }, true);
    const view = new DataView(bytes.buffer);
    let cd = bytes.length - 22;
    while (view.getUint32(cd, true) !== 0x02014b50) cd--;
    view.setUint32(cd + 24, 0x7fffffff, true); // uncompressed size
    const mem0 = process.memoryUsage().arrayBuffers;
    expect(() => parseNpz(bytes, 'data.npz')).toThrow(/data\.npz\/x\.npy: declared size 2147483647 is impossible for \d+ deflated bytes/);
    expect(process.memoryUsage().arrayBuffers - mem0).toBeLessThan(2 ** 20);
  });
});
