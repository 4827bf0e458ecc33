import { ValueError } from '@tessera/core';

let crcTable: Uint32Array | null = null;
function crc32(bytes: Uint8Array, start = 0xffffffff): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = start;
  for (let i = 0; i < bytes.length; i++) crc = (crcTable[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return crc >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, (crc32(out.subarray(4, 8 + data.length)) ^ 0xffffffff) >>> 0);
  return out;
}

/** zlib stream of stored (uncompressed) deflate blocks. */
function zlibStored(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = new Uint8Array(2 + raw.length + blocks * 5 + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const part = raw.subarray(b * 65535, Math.min(raw.length, (b + 1) * 65535));
    out[o++] = b === blocks - 1 ? 1 : 0;
    out[o++] = part.length & 0xff;
    out[o++] = part.length >>> 8;
    out[o++] = ~part.length & 0xff;
    out[o++] = (~part.length >>> 8) & 0xff;
    out.set(part, o);
    o += part.length;
  }
  let a = 1;
  let s = 0;
  for (let i = 0; i < raw.length; i++) {
    a = (a + (raw[i] as number)) % 65521;
    s = (s + a) % 65521;
  }
  new DataView(out.buffer).setUint32(o, ((s << 16) | a) >>> 0);
  return out;
}

/**
 * Encodes 8-bit pixels (row-major, `channels` of 1 gray, 2 gray+alpha, 3 RGB or 4 RGBA) as a PNG
 * (stored deflate blocks: larger than a compressed PNG, but small code and exact pixels).
 *
 * @example
 * ```ts
 * const png = encodePng(2, 1, 1, new Uint8Array([0, 255])); // a 2×1 black-and-white image
 * ```
 */
export function encodePng(width: number, height: number, channels: number, pixels: ArrayLike<number>): Uint8Array {
  if (!Number.isInteger(width) || width < 1) throw new ValueError('encodePng width', 'a positive integer', width);
  if (!Number.isInteger(height) || height < 1) throw new ValueError('encodePng height', 'a positive integer', height);
  const colorType = ({ 1: 0, 2: 4, 3: 2, 4: 6 } as Record<number, number>)[channels];
  if (colorType === undefined) throw new ValueError('encodePng channels', '1, 2, 3 or 4', channels);
  if (pixels.length !== width * height * channels)
    throw new ValueError('encodePng pixels', `${width * height * channels} values (${height}×${width}×${channels})`, pixels.length);
  const row = width * channels;
  const raw = new Uint8Array(height * (row + 1));
  for (let y = 0; y < height; y++) {
    // filter type 0 (none) per row
    for (let x = 0; x < row; x++) raw[y * (row + 1) + 1 + x] = Math.max(0, Math.min(255, Math.round(pixels[y * row + x] as number)));
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const parts = [signature, chunk('IHDR', ihdr), chunk('IDAT', zlibStored(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
