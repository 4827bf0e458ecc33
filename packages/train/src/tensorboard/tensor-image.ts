import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import type { RawImage } from './event-writer.js';

/**
 * Reads an image tensor (`[height, width]` or `[height, width, channels]`, 1–4 channels) into
 * 8-bit pixels for `EventWriter.image`: float values are mapped from `range` (default `[0, 1]`;
 * a GAN's tanh output is `[-1, 1]`) to 0..255 and clipped, int32 values are taken as 0..255.
 * The tensor is not disposed.
 *
 * @example
 * ```ts
 * writer.image('samples', await tensorImage(sampleSheet, { range: [-1, 1] }), epoch);
 * ```
 */
export async function tensorImage(image: Tensor, options: { range?: [number, number] } = {}): Promise<RawImage> {
  const [height, width, channels = 1] = image.shape;
  if ((image.rank !== 2 && image.rank !== 3) || channels < 1 || channels > 4)
    throw new ValueError('tensorImage image', 'a [height, width] or [height, width, 1..4] tensor', `shape [${image.shape.join(', ')}]`);
  const values = await image.data();
  const [lo, hi] = options.range ?? [0, 1];
  if (!(hi > lo)) throw new ValueError('tensorImage range', '[min, max] with max > min', options.range);
  const float = image.dtype === 'float32';
  const pixels = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    pixels[i] = Math.max(0, Math.min(255, Math.round(float ? ((v - lo) / (hi - lo)) * 255 : v)));
  }
  return { width: width as number, height: height as number, channels, pixels };
}
