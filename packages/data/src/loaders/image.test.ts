import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { image, tensor3d, tensorCount } from '@tessera/tensor';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, imageToArray, imageToTensor, resizeBilinearArray } from './image.js';

beforeAll(async () => {
  await useBackend(cpu());
});

function rgbaPixels(w: number, h: number): Uint8Array {
  const d = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) d.set([(i * 37) % 256, (i * 91) % 256, (i * 13) % 256, 255 - ((i * 5) % 256)], i * 4);
  return d;
}

function png(w: number, h: number, colorType: 0 | 2 | 4 | 6, bitDepth: 8 | 16 = 8): Uint8Array {
  const img = new PNG({ width: w, height: h, colorType, inputColorType: 6, bitDepth, inputHasAlpha: true });
  img.data = Buffer.from(rgbaPixels(w, h));
  return new Uint8Array(PNG.sync.write(img, { colorType, inputColorType: 6, bitDepth, inputHasAlpha: true }));
}

describe('PNG decoding (pure JS) agrees with pngjs', () => {
  for (const [colorType, bitDepth] of [
    [6, 8],
    [2, 8],
    [0, 8],
    [4, 8],
    [6, 16],
  ] as const) {
    it(`color type ${colorType}, ${bitDepth}-bit`, () => {
      const bytes = png(7, 5, colorType, bitDepth);
      const ours = decodeImage(bytes);
      const ref = PNG.sync.read(Buffer.from(bytes)); // RGBA 8-bit
      expect([ours.width, ours.height]).toEqual([7, 5]);
      const expectedChannels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType];
      expect(ours.channels).toBe(expectedChannels);
      for (let i = 0; i < 35; i++) {
        const want = [ref.data[i * 4]!, ref.data[i * 4 + 1]!, ref.data[i * 4 + 2]!, ref.data[i * 4 + 3]!];
        const got = Array.from(ours.data.subarray(i * ours.channels, (i + 1) * ours.channels));
        const expected = colorType === 6 ? want : colorType === 2 ? want.slice(0, 3) : colorType === 0 ? [want[0]] : [want[0], want[3]];
        expect(got).toEqual(expected);
      }
    });
  }
});

describe('imageToTensor', () => {
  it('gives [h, w, c] float tensors in [0, 1] with channel conversion, without leaks', () => {
    const bytes = png(4, 3, 6);
    const before = tensorCount();
    const t = imageToTensor(bytes, { channels: 3 });
    expect(t.shape).toEqual([3, 4, 3]);
    const px = rgbaPixels(4, 3);
    expect(t.dataSync()[5]).toBeCloseTo(px[6]! / 255, 6); // pixel 1, blue
    const g = imageToTensor(bytes, { channels: 1, scale: 'int' });
    expect(g.dtype).toBe('int32');
    expect(g.dataSync()[0]).toBe(Math.round(0.299 * px[0]! + 0.587 * px[1]! + 0.114 * px[2]!));
    t.dispose();
    g.dispose();
    expect(tensorCount()).toBe(before);
  });

  it('imageToArray gives the same pixels as a typed array, and resizeBilinearArray matches tfjs resizeBilinear', () => {
    const bytes = png(7, 5, 6);
    const before = tensorCount();
    const a = imageToArray(bytes, { channels: 3 });
    expect(a.shape).toEqual([5, 7, 3]);
    expect(a.data).toBeInstanceOf(Float32Array);
    const t = imageToTensor(bytes, { channels: 3 });
    expect(Array.from(a.data)).toEqual(Array.from(t.dataSync()));
    const input = tensor3d(a.data, a.shape);
    for (const size of [
      [3, 4],
      [9, 11],
      [5, 7],
    ] as [number, number][]) {
      const r = resizeBilinearArray(a, size);
      const ref = image.resizeBilinear(input, size);
      expect(r.shape).toEqual(ref.shape);
      const want = ref.dataSync();
      for (let i = 0; i < want.length; i++) expect(r.data[i]).toBeCloseTo(want[i]!, 5);
      ref.dispose();
    }
    t.dispose();
    input.dispose();
    expect(tensorCount()).toBe(before);
    expect(imageToArray(bytes, { channels: 1, scale: 'int' }).data).toBeInstanceOf(Int32Array);
  });

  it('decodes JPEG (jpeg-js) close to the encoded pixels', () => {
    const w = 16;
    const h = 16;
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([200, 100, 50, 255], i * 4);
    const bytes = new Uint8Array(jpeg.encode({ width: w, height: h, data }, 95).data);
    const img = decodeImage(bytes);
    expect([img.width, img.height, img.channels]).toEqual([16, 16, 3]);
    expect(Math.abs(img.data[0]! - 200)).toBeLessThan(6);
    expect(Math.abs(img.data[1]! - 100)).toBeLessThan(6);
  });
});

describe('corrupted images give clear errors', () => {
  it('PNG: flipped byte (CRC), truncated, not an image', () => {
    const bytes = png(8, 8, 6);
    const flipped = bytes.slice();
    flipped[bytes.length - 20] = flipped[bytes.length - 20]! ^ 0x55;
    expect(() => decodeImage(flipped, 'a.png')).toThrow(/png: a.png: CRC mismatch in chunk IDAT/);
    expect(() => decodeImage(bytes.subarray(0, bytes.length - 30), 'a.png')).toThrow(/png: a.png: truncated/);
    expect(() => decodeImage(new Uint8Array([1, 2, 3, 4]), 'a.bin')).toThrow(/image: a.bin: unknown format/);
  });

  it('JPEG: truncated and corrupt', () => {
    const data = rgbaPixels(16, 16);
    const bytes = new Uint8Array(jpeg.encode({ width: 16, height: 16, data }, 90).data);
    expect(() => decodeImage(bytes.subarray(0, bytes.length - 40), 'b.jpg')).toThrow(/jpeg: b.jpg: truncated/);
    const broken = bytes.slice();
    broken.fill(0xff, 20, 200);
    expect(() => decodeImage(broken, 'b.jpg')).toThrow(/jpeg: b.jpg: corrupt JPEG/);
  });
});
