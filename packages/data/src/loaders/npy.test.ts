import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeNpy, encodeNpz, parseNpy, parseNpz } from './npy.js';

function npyWithHeader(header: string, body: Uint8Array): Uint8Array {
  let h = header;
  h += ' '.repeat(63 - ((10 + h.length) % 64));
  h += '\n';
  const out = new Uint8Array(10 + h.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, h.length, true);
  out.set(new TextEncoder().encode(h), 10);
  out.set(body, 10 + h.length);
  return out;
}

describe('npy / npz', () => {
  it('round-trips several dtypes', () => {
    for (const data of [
      new Float32Array([1.5, -2, 3, 4, 5, 6]),
      new Int32Array([1, -2, 3, 4, 5, 6]),
      new Uint8Array([1, 2, 3, 4, 5, 6]),
      new Float64Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),
    ]) {
      const a = parseNpy(encodeNpy(data, [2, 3]));
      expect(a.shape).toEqual([2, 3]);
      expect(Array.from(a.data as ArrayLike<number>)).toEqual(Array.from(data));
      expect(a.data.constructor).toBe(data.constructor);
    }
    expect(parseNpy(encodeNpy(new Float32Array([7]), [])).shape).toEqual([]);
  });

  it('reads NumPy headers written by numpy: big-endian and Fortran order', () => {
    const be = new Uint8Array(8);
    new DataView(be.buffer).setInt32(0, 258, false);
    new DataView(be.buffer).setInt32(4, -1, false);
    const a = parseNpy(npyWithHeader("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", be));
    expect(Array.from(a.data as Int32Array)).toEqual([258, -1]);
    // Fortran order [[1, 2, 3], [4, 5, 6]] is stored column-major: 1 4 2 5 3 6
    const f = new Float32Array([1, 4, 2, 5, 3, 6]);
    const b = parseNpy(npyWithHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", new Uint8Array(f.buffer)));
    expect(Array.from(b.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('npz: stored and deflated archives', () => {
    const arrays = { x: { data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] }, y: { data: new Int32Array([0, 1]), shape: [2] } };
    for (const compress of [false, true]) {
      const out = parseNpz(encodeNpz(arrays, compress));
      expect(Object.keys(out).sort()).toEqual(['x', 'y']);
      expect(Array.from(out.x!.data as Float32Array)).toEqual([1, 2, 3, 4]);
      expect(out.y!.shape).toEqual([2]);
    }
  });

  it('corrupted copies give clear errors', () => {
    const good = encodeNpy(new Float32Array([1, 2, 3, 4]), [4]);
    const bad = good.slice();
    bad[1] = 0;
    expect(() => parseNpy(bad, 'x.npy')).toThrow(/npy: x.npy: bad magic number/);
    expect(() => parseNpy(good.subarray(0, good.length - 3), 'x.npy')).toThrow(
      /x.npy: truncated data: shape \[4\] <f4 needs 16 bytes, found 13/,
    );
    expect(() => parseNpy(good.subarray(0, 40))).toThrow(/truncated header/);
    expect(() => parseNpy(npyWithHeader("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16)))).toThrow(
      /unsupported dtype "<c16"/,
    );
    const npz = encodeNpz({ x: { data: new Float32Array([1, 2, 3, 4]), shape: [4] } });
    expect(() => parseNpz(npz.subarray(0, npz.length - 30), 'd.npz')).toThrow(/npz: d.npz: corrupt or truncated zip/);
    const flipped = npz.slice();
    const at = 30 + 'x.npy'.length + 128 + 2; // local header, name, npy header, then the float data
    flipped[at] = flipped[at]! ^ 0xff;
    expect(() => parseNpz(flipped, 'd.npz')).toThrow(/npz: d.npz\/x.npy: CRC-32 mismatch/);
    expect(() => parseNpz(new Uint8Array([1, 2, 3, 4]))).toThrow(/bad magic number/);
    const member = zipSync({ 'x.npy': good.subarray(0, 20) }, { level: 0 });
    expect(() => parseNpz(member, 'm.npz')).toThrow(/m.npz\/x.npy: truncated header/);
  });
});
