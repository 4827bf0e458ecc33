import { FormatError } from '@tessera/core';
import { unzlibSync } from 'fflate';
import { crc32 } from '../io/crc32.js';

/**
 * A decoded image: 8-bit interleaved pixels, row-major, as returned by {@link decodePng} and
 * {@link decodeImage}.
 *
 * @example
 * ```ts
 * const img: DecodedImage = decodeImage(bytes);
 * const topLeftRed = img.data[0]; // channel 0 of pixel (0, 0)
 * const x = imageToTensor(img, { channels: 1 }); // [img.height, img.width, 1]
 * ```
 */
export interface DecodedImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** `width * height * channels` bytes, row-major, channels interleaved. */
  data: Uint8Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * True when the bytes start with the PNG signature.
 *
 * @example
 * ```ts
 * if (isPng(bytes)) decodePng(bytes);
 * ```
 */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * Decodes a PNG (pure JS: grayscale, RGB, palette, with alpha; bit depths 1-16; not interlaced).
 * Every chunk's CRC is checked: a corrupt or truncated file throws a `FormatError`.
 *
 * @example
 * ```ts
 * const img = decodePng(bytes); // { width, height, channels, data }
 * ```
 */
export function decodePng(bytes: Uint8Array, name = 'png'): DecodedImage {
  if (!isPng(bytes)) throw new FormatError('png', `${name}: bad signature (not a PNG file)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 8;
  let ihdr: { w: number; h: number; depth: number; color: number; interlace: number } | undefined;
  let palette: Uint8Array | undefined;
  let trns: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (p + 12 <= bytes.length) {
    const len = view.getUint32(p, false);
    if (p + 12 + len > bytes.length) break;
    const type = String.fromCharCode(...bytes.subarray(p + 4, p + 8));
    const body = bytes.subarray(p + 8, p + 8 + len);
    if (crc32(bytes.subarray(p + 4, p + 8 + len)) !== view.getUint32(p + 8 + len, false)) {
      throw new FormatError('png', `${name}: CRC mismatch in chunk ${type} (corrupt file)`);
    }
    if (type === 'IHDR') {
      if (len !== 13) throw new FormatError('png', `${name}: IHDR chunk has ${len} bytes, expected 13`);
      const d = new DataView(body.buffer, body.byteOffset, body.byteLength);
      ihdr = { w: d.getUint32(0), h: d.getUint32(4), depth: body[8]!, color: body[9]!, interlace: body[12]! };
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') trns = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') {
      ended = true;
      break;
    }
    p += 12 + len;
  }
  if (!ihdr) throw new FormatError('png', `${name}: missing IHDR chunk`);
  if (!ended) throw new FormatError('png', `${name}: truncated (no IEND chunk)`);
  const { w, h, depth, color } = ihdr;
  const spp = CHANNELS[color];
  if (spp === undefined || ![1, 2, 4, 8, 16].includes(depth))
    throw new FormatError('png', `${name}: unsupported color type ${color} / bit depth ${depth}`);
  if (w === 0 || h === 0 || w > 0x7fffffff || h > 0x7fffffff) {
    throw new FormatError('png', `${name}: image size ${w}x${h} is invalid (expected 1 to 2^31-1 pixels each way)`);
  }
  if (ihdr.interlace !== 0) throw new FormatError('png', `${name}: interlaced (Adam7) PNGs are not supported`);
  const total = idat.reduce((a, b) => a + b.length, 0);
  const z = new Uint8Array(total);
  let o = 0;
  for (const c of idat) {
    z.set(c, o);
    o += c.length;
  }
  let raw: Uint8Array;
  try {
    raw = unzlibSync(z);
  } catch (e) {
    throw new FormatError('png', `${name}: corrupt image data (${(e as Error).message})`, { cause: e });
  }
  const bpp = Math.max(1, (spp * depth) / 8);
  const stride = Math.ceil((w * spp * depth) / 8);
  if (raw.length < h * (stride + 1))
    throw new FormatError('png', `${name}: image data too short (${raw.length} bytes, need ${h * (stride + 1)})`);
  const pixels = unfilter(raw, h, stride, bpp, name);
  return expand(pixels, w, h, stride, spp, depth, color, palette, trns, name);
}

function unfilter(raw: Uint8Array, h: number, stride: number, bpp: number, name: string): Uint8Array {
  const out = new Uint8Array(h * stride);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp]! : 0;
      const b = y > 0 ? out[prev + x]! : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp]! : 0;
      let v = raw[src + x]!;
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const pp = a + b - c;
        const pa = Math.abs(pp - a);
        const pb = Math.abs(pp - b);
        const pc = Math.abs(pp - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (f !== 0) throw new FormatError('png', `${name}: bad filter type ${f} on row ${y}`);
      out[row + x] = v & 0xff;
    }
  }
  return out;
}

function expand(
  px: Uint8Array,
  w: number,
  h: number,
  stride: number,
  spp: number,
  depth: number,
  color: number,
  palette: Uint8Array | undefined,
  trns: Uint8Array | undefined,
  name: string,
): DecodedImage {
  const sample = (y: number, i: number): number => {
    if (depth === 8) return px[y * stride + i]!;
    if (depth === 16) return px[y * stride + 2 * i]!;
    const bit = i * depth;
    const byte = px[y * stride + (bit >> 3)]!;
    const v = (byte >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    return color === 3 ? v : Math.round((v * 255) / ((1 << depth) - 1));
  };
  if (color === 3) {
    if (!palette) throw new FormatError('png', `${name}: palette image without PLTE chunk`);
    const ch = trns ? 4 : 3;
    const data = new Uint8Array(w * h * ch);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const idx = sample(y, x);
        const o = (y * w + x) * ch;
        data[o] = palette[3 * idx] ?? 0;
        data[o + 1] = palette[3 * idx + 1] ?? 0;
        data[o + 2] = palette[3 * idx + 2] ?? 0;
        if (ch === 4) data[o + 3] = trns![idx] ?? 255;
      }
    }
    return { width: w, height: h, channels: ch, data };
  }
  const data = new Uint8Array(w * h * spp);
  for (let y = 0; y < h; y++) for (let i = 0; i < w * spp; i++) data[y * w * spp + i] = sample(y, i);
  return { width: w, height: h, channels: spp as DecodedImage['channels'], data };
}
