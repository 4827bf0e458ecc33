import { FormatError, ValueError } from '@tessera/core';
import type { Tensor3D } from '@tessera/tensor';
import { tensor3d } from '@tessera/tensor';
import jpeg from 'jpeg-js';
import { type BinarySource, toBytes } from '../io/source.js';
import { checkJpegFrame } from './jpeg-frame.js';
import { type DecodedImage, decodePng, isPng } from './png.js';

/**
 * True when the bytes start with the JPEG SOI marker.
 *
 * @example
 * ```ts
 * if (isJpeg(bytes)) decodeJpeg(bytes);
 * ```
 */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * Decodes a JPEG with the pure-JS `jpeg-js` decoder (strict mode: corrupt data throws a `FormatError`).
 *
 * @example
 * ```ts
 * const img = decodeJpeg(bytes); // { width, height, channels: 3, data }
 * ```
 */
export function decodeJpeg(bytes: Uint8Array, name = 'jpeg'): DecodedImage {
  if (!isJpeg(bytes)) throw new FormatError('jpeg', `${name}: bad magic number (expected FF D8 FF)`);
  const eoi = bytes.length >= 2 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
  if (!eoi) throw new FormatError('jpeg', `${name}: truncated (no end-of-image marker)`);
  checkJpegFrame(bytes, name);
  try {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false });
    return { width: img.width, height: img.height, channels: 3, data: img.data };
  } catch (e) {
    throw new FormatError('jpeg', `${name}: corrupt JPEG (${(e as Error).message})`, { cause: e });
  }
}

/**
 * Decodes PNG or JPEG bytes (sniffed from the magic number) without native dependencies.
 *
 * @example
 * ```ts
 * const img = decodeImage(await readFile('cat.png'));
 * ```
 */
export function decodeImage(source: BinarySource, name = 'image'): DecodedImage {
  const bytes = toBytes(source, 'decodeImage');
  if (isPng(bytes)) return decodePng(bytes, name);
  if (isJpeg(bytes)) return decodeJpeg(bytes, name);
  throw new FormatError('image', `${name}: unknown format (expected PNG or JPEG magic number)`);
}

/**
 * Options of {@link imageToTensor}.
 *
 * @example
 * ```ts
 * const rgb = imageToTensor(pngBytes, { channels: 3, scale: 'int' }); // int32 [h, w, 3] in 0-255
 * ```
 */
export interface ImageTensorOptions {
  /** Output channels: 1 (luminance), 3 (RGB) or 4 (RGBA); default: the image's own (gray+alpha → 1). */
  channels?: 1 | 3 | 4;
  /** 'float' scales to [0, 1] float32 (default); 'int' keeps 0-255 as int32. */
  scale?: 'float' | 'int';
}

/**
 * The pixels of an image as a typed array in row-major `[height, width, channels]` order.
 *
 * @example
 * ```ts
 * const { data, shape } = imageToArray(pngBytes, { channels: 1 }); // Float32Array in [0, 1], [h, w, 1]
 * ```
 */
export interface ImageArray {
  /** Float32 in [0, 1] (`scale: 'float'`) or int32 0-255 (`scale: 'int'`). */
  data: Float32Array | Int32Array;
  /** `[height, width, channels]`. */
  shape: [number, number, number];
}

/**
 * Converts PNG/JPEG bytes or a decoded image to a typed array `[height, width, channels]` (no
 * tensor): what dataset elements hold.
 *
 * @example
 * ```ts
 * const { data, shape } = imageToArray(bytes, { channels: 3, scale: 'int' }); // Int32Array, [h, w, 3]
 * ```
 */
export function imageToArray(image: BinarySource | DecodedImage, options: ImageTensorOptions = {}): ImageArray {
  const img = 'width' in image && 'channels' in image ? image : decodeImage(image);
  const out = options.channels ?? (img.channels === 2 ? 1 : img.channels);
  if (![1, 3, 4].includes(out)) throw new ValueError('imageToArray channels', '1, 3 or 4', out);
  const n = img.width * img.height;
  const float = (options.scale ?? 'float') === 'float';
  const data = float ? new Float32Array(n * out) : new Int32Array(n * out);
  const k = float ? 1 / 255 : 1;
  const src = img.data;
  const c = img.channels;
  for (let i = 0; i < n; i++) {
    const s = i * c;
    const r = src[s]!;
    const g = c >= 3 ? src[s + 1]! : r;
    const b = c >= 3 ? src[s + 2]! : r;
    const a = c === 4 ? src[s + 3]! : c === 2 ? src[s + 1]! : 255;
    const o = i * out;
    if (out === 1) data[o] = (c >= 3 ? Math.round(0.299 * r + 0.587 * g + 0.114 * b) : r) * k;
    else {
      data[o] = r * k;
      data[o + 1] = g * k;
      data[o + 2] = b * k;
      if (out === 4) data[o + 3] = a * k;
    }
  }
  return { data, shape: [img.height, img.width, out] };
}

/**
 * Converts PNG/JPEG bytes or a decoded image to a `[height, width, channels]` tensor.
 *
 * @example
 * ```ts
 * const x = imageToTensor(bytes, { channels: 1 }); // float32 in [0, 1]
 * ```
 */
export function imageToTensor(image: BinarySource | DecodedImage, options: ImageTensorOptions = {}): Tensor3D {
  const { data, shape } = imageToArray(image, options);
  return tensor3d(data, shape, data instanceof Float32Array ? 'float32' : 'int32');
}

/**
 * Bilinear resize of a row-major `[h, w, c]` image to `[height, width, c]` (float32), with the
 * sampling of tfjs `image.resizeBilinear` (alignCorners and halfPixelCenters false).
 *
 * @example
 * ```ts
 * const small = resizeBilinearArray(imageToArray(bytes), [32, 32]);
 * ```
 */
export function resizeBilinearArray(image: ImageArray, size: [number, number]): { data: Float32Array; shape: [number, number, number] } {
  const [h, w, c] = image.shape;
  const [oh, ow] = size;
  if (!size.every((d) => Number.isInteger(d) && d > 0)) throw new ValueError('resize size', '[height, width] of positive integers', size);
  const src = image.data;
  const out = new Float32Array(oh * ow * c);
  const sy = h / oh;
  const sx = w / ow;
  for (let y = 0; y < oh; y++) {
    const fy = sy * y;
    const y0 = Math.max(0, Math.floor(fy));
    const y1 = Math.min(h - 1, Math.ceil(fy));
    const dy = fy - y0;
    for (let x = 0; x < ow; x++) {
      const fx = sx * x;
      const x0 = Math.max(0, Math.floor(fx));
      const x1 = Math.min(w - 1, Math.ceil(fx));
      const dx = fx - x0;
      for (let k = 0; k < c; k++) {
        const tl = src[(y0 * w + x0) * c + k]!;
        const tr = src[(y0 * w + x1) * c + k]!;
        const bl = src[(y1 * w + x0) * c + k]!;
        const br = src[(y1 * w + x1) * c + k]!;
        const top = tl + (tr - tl) * dx;
        const bottom = bl + (br - bl) * dx;
        out[(y * ow + x) * c + k] = top + (bottom - top) * dy;
      }
    }
  }
  return { data: out, shape: [oh, ow, c] };
}
