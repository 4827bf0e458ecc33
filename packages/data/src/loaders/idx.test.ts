import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../test-utils/paths.js';
import { parseIdx } from './idx.js';

const labels = () => new Uint8Array(readFileSync(join(DATASETS, 'mnist/t10k-labels-idx1-ubyte.gz')));

describe('parseIdx', () => {
  it('reads real MNIST test labels (gz): 10,000 labels, class counts, first/last', () => {
    const a = parseIdx(labels(), { expectMagic: 2049 });
    expect(a.shape).toEqual([10000]);
    expect(a.dtype).toBe('uint8');
    const counts = new Array(10).fill(0);
    for (const v of a.data) counts[v]++;
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(a.data[0]).toBe(7);
    expect(a.data[9999]).toBe(6);
  });

  it('reads raw and multi-byte big-endian arrays', () => {
    const raw = new Uint8Array([0, 0, 0x0c, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0]);
    const a = parseIdx(raw);
    expect(a.shape).toEqual([1, 2]);
    expect(Array.from(a.data)).toEqual([-2, 256]);
  });

  it('corrupted copies give clear errors: bad magic, wrong magic, truncated, corrupt gzip', () => {
    const gz = labels();
    const raw = parseIdx(gz).data;
    const header = new Uint8Array([0, 0, 8, 1, 0, 0, 0x27, 0x10]);
    const full = new Uint8Array(header.length + raw.length);
    full.set(header);
    full.set(raw, header.length);
    expect(parseIdx(full).shape).toEqual([10000]);
    const badMagic = full.slice();
    badMagic[0] = 7;
    expect(() => parseIdx(badMagic, { name: 'labels' })).toThrow(/idx: labels: bad magic number 0x07000801/);
    expect(() => parseIdx(full, { name: 'labels', expectMagic: 2051 })).toThrow(/wrong magic number 2049 \(expected 2051\)/);
    expect(() => parseIdx(full.subarray(0, 5000), { name: 'labels' })).toThrow(
      /labels: truncated: shape \[10000\] needs 10008 bytes, file has 5000/,
    );
    expect(() => parseIdx(gzipSync(full.subarray(0, 5000)))).toThrow(/truncated/);
    expect(() => parseIdx(gz.subarray(0, gz.length - 100), { name: 't10k-labels' })).toThrow(/gzip: t10k-labels: (corrupt|truncated)/);
    const flipped = gz.slice();
    flipped[2000] = flipped[2000]! ^ 0xff;
    expect(() => parseIdx(flipped, { name: 't10k-labels' })).toThrow(/gzip: t10k-labels/);
  });
});
