import { ValueError } from '@tessera/core';
import type { SampleSheet } from './sample-sheet.js';

let crcTable: Uint32Array | null = null;

function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes an RGBA image as PNG bytes (8-bit RGBA, no filtering). `deflate` is a zlib (RFC 1950)
 * compressor — `zlib.deflateSync` in Node (what `@tessera/gan/node`'s `writePng` passes); in the
 * browser draw the sheet on a canvas instead (`drawSampleSheet`).
 *
 * @example
 * ```ts
 * import { deflateSync } from 'node:zlib';
 * const bytes = encodePng(sheet, deflateSync);
 * ```
 */
export function encodePng(sheet: SampleSheet, deflate: (raw: Uint8Array) => Uint8Array): Uint8Array {
  const { width, height, rgba } = sheet;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) || rgba.length !== width * height * 4) {
    throw new ValueError('encodePng sheet', 'width × height × 4 RGBA bytes', { width, height, bytes: rgba.length });
  }
  const raw = new Uint8Array((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit, RGBA, deflate, adaptive filters, no interlace
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflate(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The 2-D drawing surface {@link drawSampleSheet} needs (a browser `HTMLCanvasElement` or `OffscreenCanvas`).
 *
 * @example
 * ```ts
 * const canvas: CanvasLike = document.querySelector('canvas')!;
 * ```
 */
export interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { putImageData(image: unknown, dx: number, dy: number): void } | null;
}

/**
 * Draws a sheet on a canvas (browser), resizing the canvas to it.
 *
 * @example
 * ```ts
 * drawSampleSheet(sampleGrid(step.sample(64), { shape: [28, 28, 1] }), document.querySelector('canvas')!);
 * ```
 */
export function drawSampleSheet(sheet: SampleSheet, canvas: CanvasLike): void {
  const Image = (globalThis as { ImageData?: new (data: Uint8ClampedArray, w: number, h: number) => unknown }).ImageData;
  if (!Image) throw new ValueError('drawSampleSheet', 'a browser (ImageData); in Node use writePng from @tessera/gan/node', typeof Image);
  canvas.width = sheet.width;
  canvas.height = sheet.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new ValueError('drawSampleSheet canvas', 'a canvas with a 2d context', null);
  ctx.putImageData(new Image(sheet.rgba, sheet.width, sheet.height), 0, 0);
}
