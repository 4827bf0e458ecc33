import type { Tensor3D } from '@tensorflow/tfjs-core';
import { FormatError, ValueError } from '@tessera/core';
import { tensor3d } from '@tessera/tensor';
import jpeg from 'jpeg-js';
import { type BinarySource, toBytes } from '../io/source.js';
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
 * Converts PNG/JPEG bytes or a decoded image to a `[height, width, channels]` tensor.
 *
 * @example
 * ```ts
 * const x = imageToTensor(bytes, { channels: 1 }); // float32 in [0, 1]
 * ```
 */
export function imageToTensor(image: BinarySource | DecodedImage, options: ImageTensorOptions = {}): Tensor3D {
  const img = 'width' in image && 'channels' in image ? image : decodeImage(image);
  const out = options.channels ?? (img.channels === 2 ? 1 : img.channels);
  if (![1, 3, 4].includes(out)) throw new ValueError('imageToTensor channels', '1, 3 or 4', out);
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
  return tensor3d(data, [img.height, img.width, out], float ? 'float32' : 'int32');
}
