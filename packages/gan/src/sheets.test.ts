import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { tensor, tensorCount } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePng } from './node.js';
import { encodePng } from './png.js';
import { sampleGrid, scatterSheet } from './sample-sheet.js';

let root: string;
beforeAll(async () => {
  await useBackend(cpu());
  root = await mkdtemp(join(tmpdir(), 'tessera-sheets-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Reads back what encodePng wrote: chunk types and CRCs, the header and the unfiltered pixels. */
function decodePng(bytes: Uint8Array) {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Array<{ type: string; data: Uint8Array }> = [];
  for (let o = 8; o < bytes.length; ) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...bytes.subarray(o + 4, o + 8));
    chunks.push({ type, data: bytes.subarray(o + 8, o + 8 + len) });
    o += 12 + len;
  }
  const ihdr = chunks[0]?.data as Uint8Array;
  const h = new DataView(ihdr.buffer, ihdr.byteOffset);
  const width = h.getUint32(0);
  const height = h.getUint32(4);
  const raw = inflateSync(chunks.find((c) => c.type === 'IDAT')?.data as Uint8Array);
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0); // filter: none
    rgba.set(raw.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)), y * width * 4);
  }
  return { types: chunks.map((c) => c.type), width, height, rgba, bitDepth: ihdr[8], colorType: ihdr[9] };
}

describe('sample sheets', () => {
  it('tiles [n, h, w, 1] images with padding, mapping [-1, 1] to 0..255', () => {
    const imgs = tensor([-1, 1, 0, 1, 1, -1, -1, 0.5], [2, 2, 2, 1]);
    const before = tensorCount();
    const sheet = sampleGrid(imgs, { columns: 2, padding: 1 });
    expect(tensorCount()).toBe(before);
    expect([sheet.width, sheet.height]).toEqual([2 * 2 + 3, 2 + 2]);
    const px = (x: number, y: number) => Array.from(sheet.rgba.subarray((y * sheet.width + x) * 4, (y * sheet.width + x) * 4 + 4));
    expect(px(1, 1)).toEqual([0, 0, 0, 255]);
    expect(px(2, 1)).toEqual([255, 255, 255, 255]);
    expect(px(1, 2)).toEqual([128, 128, 128, 255]);
    expect(px(4, 2)).toEqual([0, 0, 0, 255]); // second image, bottom-left (-1)
    expect(px(5, 2)).toEqual([191, 191, 191, 255]); // 0.5
    expect(px(0, 0)).toEqual([0, 0, 0, 255]); // padding
    imgs.dispose();
  });

  it('takes flat samples with a shape, and rejects shapes that do not add up', () => {
    const flat = tensor(new Array(3 * 12).fill(0), [3, 12]);
    expect(sampleGrid(flat, { shape: [2, 2, 3], columns: 3 }).width).toBe(3 * 2 + 4);
    expect(() => sampleGrid(flat, { shape: [3, 3, 1] })).toThrow(/sampleGrid images/);
    flat.dispose();
  });

  it('encodePng writes a PNG whose chunks, CRCs and pixels read back', async () => {
    const sheet = scatterSheet(
      [
        [0, 0],
        [1, 1],
      ],
      { size: 16, extent: [0, 1], marks: [[0.5, 0.5]] },
    );
    const bytes = encodePng(sheet, (raw) => deflateSync(raw));
    const png = decodePng(bytes);
    expect(png.types).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([png.width, png.height, png.bitDepth, png.colorType]).toEqual([16, 16, 8, 6]);
    expect(Array.from(png.rgba)).toEqual(Array.from(sheet.rgba));
    // CRC of IEND is the standard constant
    expect(Array.from(bytes.subarray(bytes.length - 4))).toEqual([0xae, 0x42, 0x60, 0x82]);
    const path = join(root, 'a', 'sheet.png');
    await writePng(path, sheet);
    expect(Array.from(new Uint8Array(await readFile(path)))).toEqual(Array.from(bytes));
  });

  it('scatterSheet puts points where they belong', () => {
    const s = scatterSheet(
      [
        [0, 0],
        [1, 1],
      ],
      { size: 11, extent: [0, 1] },
    );
    const at = (x: number, y: number) => Array.from(s.rgba.subarray((y * 11 + x) * 4, (y * 11 + x) * 4 + 3));
    expect(at(0, 10)).toEqual([40, 90, 200]); // (0, 0) bottom-left
    expect(at(10, 0)).toEqual([40, 90, 200]); // (1, 1) top-right
    expect(at(5, 5)).toEqual([255, 255, 255]);
  });
});
