import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';

/**
 * An RGBA image in memory (row-major, 4 bytes per pixel), as a sample sheet or plot.
 *
 * @example
 * ```ts
 * const sheet: SampleSheet = { width: 2, height: 1, rgba: new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 255]) };
 * ```
 */
export interface SampleSheet {
  /** Pixels per row. */
  width: number;
  /** Rows. */
  height: number;
  /** `width · height · 4` bytes. */
  rgba: Uint8ClampedArray;
}

/**
 * Options of {@link sampleGrid}.
 *
 * @example
 * ```ts
 * sampleGrid(images, { columns: 8, range: [-1, 1], shape: [28, 28, 1], padding: 2 });
 * ```
 */
export interface SampleGridOptions {
  /** Images per row (default: ⌈√n⌉). */
  columns?: number;
  /** Value range mapped to black..white (default `[-1, 1]`, a tanh generator's). */
  range?: [number, number];
  /** `[height, width, channels]` of one image when the samples are flat (`[n, h·w·c]`). */
  shape?: [number, number, number];
  /** Pixels between images (default 1). */
  padding?: number;
}

/**
 * Tiles a batch of images `[n, h, w, c]` (c = 1 or 3; or flat `[n, h·w·c]` with `shape`) into one
 * grid image, values clipped to `range`. Reads the tensor (synchronously); does not dispose it.
 *
 * @example
 * ```ts
 * const images = step.sample(64, { seed: 1 });
 * const sheet = sampleGrid(images, { columns: 8, shape: [28, 28, 1] });
 * images.dispose();
 * ```
 */
export function sampleGrid(images: Tensor, options: SampleGridOptions = {}): SampleSheet {
  const n = images.shape[0] as number;
  let [h, w, c] = options.shape ?? (images.shape.slice(1) as [number, number, number]);
  if (images.shape.length === 3 && !options.shape) [h, w, c] = [images.shape[1] as number, images.shape[2] as number, 1];
  const per = images.size / Math.max(1, n);
  if (!(h && w && c) || h * w * c !== per || (c !== 1 && c !== 3)) {
    throw new ValueError('sampleGrid images', '[n, h, w, 1 | 3], [n, h, w] or flat [n, h·w·c] with options.shape', images.shape);
  }
  const columns = options.columns ?? Math.ceil(Math.sqrt(n));
  if (!(Number.isInteger(columns) && columns >= 1)) throw new ValueError('sampleGrid columns', 'a positive integer', columns);
  const [lo, hi] = options.range ?? [-1, 1];
  if (!(hi > lo)) throw new ValueError('sampleGrid range', '[low, high] with high > low', options.range);
  const pad = options.padding ?? 1;
  const rows = Math.ceil(n / columns);
  const width = columns * w + (columns + 1) * pad;
  const height = rows * h + (rows + 1) * pad;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
  const data = images.dataSync();
  const scale = 255 / (hi - lo);
  for (let k = 0; k < n; k++) {
    const ox = pad + (k % columns) * (w + pad);
    const oy = pad + Math.floor(k / columns) * (h + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = k * per + (y * w + x) * c;
        const dst = ((oy + y) * width + ox + x) * 4;
        for (let ch = 0; ch < 3; ch++) rgba[dst + ch] = Math.round(((data[src + (c === 3 ? ch : 0)] as number) - lo) * scale);
      }
    }
  }
  return { width, height, rgba };
}

/**
 * Options of {@link scatterSheet}.
 *
 * @example
 * ```ts
 * scatterSheet(points, { size: 256, extent: [-3, 3], marks: modes });
 * ```
 */
export interface ScatterOptions {
  /** Image side in pixels (default 256). */
  size?: number;
  /** Coordinate range shown on both axes (default: the points' own range). */
  extent?: [number, number];
  /** Points drawn larger and in red (e.g. the true modes). */
  marks?: Array<[number, number]>;
}

/**
 * A scatter plot of 2-D points as an image (points in blue, `marks` in red), e.g. the samples of a
 * GAN trained on a 2-D mixture.
 *
 * @example
 * ```ts
 * const sheet = scatterSheet(samples2d, { extent: [-2.5, 2.5] });
 * ```
 */
export function scatterSheet(points: ArrayLike<number>[] | Float32Array, options: ScatterOptions = {}): SampleSheet {
  const pts: Array<[number, number]> = [];
  if (points instanceof Float32Array)
    for (let i = 0; i + 1 < points.length; i += 2) pts.push([points[i] as number, points[i + 1] as number]);
  else for (const p of points) pts.push([p[0] as number, p[1] as number]);
  const size = options.size ?? 256;
  let [lo, hi] = options.extent ?? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  if (!options.extent) for (const [x, y] of pts) [lo, hi] = [Math.min(lo, x, y), Math.max(hi, x, y)];
  if (!(hi > lo)) [lo, hi] = [lo - 1, lo + 1];
  const rgba = new Uint8ClampedArray(size * size * 4).fill(255);
  const dot = (x: number, y: number, r: number, color: [number, number, number]) => {
    const px = Math.round(((x - lo) / (hi - lo)) * (size - 1));
    const py = Math.round((1 - (y - lo) / (hi - lo)) * (size - 1));
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        const X = px + dx;
        const Y = py + dy;
        if (X < 0 || Y < 0 || X >= size || Y >= size) continue;
        const o = (Y * size + X) * 4;
        [rgba[o], rgba[o + 1], rgba[o + 2]] = color;
      }
    }
  };
  for (const [x, y] of pts) dot(x, y, 0, [40, 90, 200]);
  for (const [x, y] of options.marks ?? []) dot(x, y, 2, [220, 30, 30]);
  return { width: size, height: size, rgba };
}
