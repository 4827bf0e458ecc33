import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { isTensor } from '@tessera/tensor';
import { encodePng } from '@tessera/train/tensorboard';
import { header, type PlotOptions, type PlotSpec } from './spec.js';

/**
 * One image as 8-bit pixels, row-major (`channels` 1 gray, 3 RGB or 4 RGBA).
 *
 * @example
 * ```ts
 * const img: GridImage = { width: 2, height: 1, channels: 1, pixels: new Uint8Array([0, 255]) };
 * ```
 */
export interface GridImage {
  width: number;
  height: number;
  channels: number;
  pixels: ArrayLike<number>;
}

/**
 * Options of {@link plotImageGrid}.
 *
 * @example
 * ```ts
 * const options: ImageGridOptions = { columns: 8, range: [-1, 1], scale: 2 };
 * ```
 */
export interface ImageGridOptions extends Omit<PlotOptions, 'width' | 'height'> {
  /** Images per row (default: the square root of the count, rounded up). */
  columns?: number;
  /** The value range of float tensors mapped to 0..255 (default `[0, 1]`; a tanh generator: `[-1, 1]`). */
  range?: [number, number];
  /** Pixels on screen per image pixel (default 2). */
  scale?: number;
  /** A caption under each image (e.g. its class or `true→predicted`). */
  labels?: string[];
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromTensor(images: Tensor, range: [number, number]): GridImage[] {
  const shape = images.shape;
  const [n, h, w, c = 1] = shape as number[];
  if ((shape.length !== 3 && shape.length !== 4) || c === 2 || c > 4)
    throw new ValueError('plotImageGrid images', 'a [n, height, width] or [n, height, width, 1|3|4] tensor', `shape [${shape.join(', ')}]`);
  const data = images.dataSync() as ArrayLike<number>;
  const float = images.dtype === 'float32';
  const [lo, hi] = range;
  if (!(hi > lo)) throw new ValueError('plotImageGrid range', '[min, max] with max > min', range);
  const size = (h as number) * (w as number) * c;
  return Array.from({ length: n as number }, (_, i) => {
    const pixels = new Uint8Array(size);
    for (let j = 0; j < size; j++) {
      const v = Number(data[i * size + j]);
      pixels[j] = Math.max(0, Math.min(255, Math.round(float ? ((v - lo) / (hi - lo)) * 255 : v)));
    }
    return { width: w as number, height: h as number, channels: c, pixels };
  });
}

/**
 * A grid of images (GAN samples, misclassified digits, a batch of inputs): each image an image
 * mark holding a PNG data URL, so the same spec renders in a page and in Node. A tensor
 * `[n, h, w]` or `[n, h, w, c]` is read (floats mapped from `range`) and not disposed.
 *
 * @example
 * ```ts
 * const samples = step.sample(64, { seed: 7 }); // [64, 784] from a GAN, tanh output
 * const images = samples.reshape([64, 28, 28]);
 * await writePlot(plotImageGrid(images, { columns: 8, range: [-1, 1] }), 'out/samples.png');
 * tidy(() => [samples, images].forEach((t) => t.dispose()));
 * ```
 */
export function plotImageGrid(images: Tensor | GridImage[], options: ImageGridOptions = {}): PlotSpec {
  const list = isTensor(images) ? fromTensor(images, options.range ?? [0, 1]) : images;
  if (!Array.isArray(list) || list.length === 0)
    throw new ValueError('plotImageGrid images', 'a tensor or a non-empty list of images', images);
  const { width, height } = list[0] as GridImage;
  for (const [i, img] of list.entries())
    if (img.width !== width || img.height !== height)
      throw new ValueError(`plotImageGrid images[${i}]`, `${width}×${height} like the first`, `${img.width}×${img.height}`);
  const columns = options.columns ?? Math.ceil(Math.sqrt(list.length));
  if (!Number.isInteger(columns) || columns < 1) throw new ValueError('plotImageGrid columns', 'a positive integer', columns);
  if (options.labels && options.labels.length !== list.length)
    throw new ValueError('plotImageGrid labels', `${list.length} labels`, options.labels.length);
  const scale = options.scale ?? 2;
  const w = width * scale;
  const h = height * scale;
  const caption = options.labels ? 14 : 0;
  const values = list.map((img, i) => ({
    i,
    col: i % columns,
    row: Math.floor(i / columns),
    url: `data:image/png;base64,${toBase64(encodePng(img.width, img.height, img.channels, img.pixels))}`,
    ...(options.labels ? { label: options.labels[i] } : {}),
  }));
  const rows = Math.ceil(list.length / columns);
  const x = { field: 'col', type: 'quantitative', axis: null, scale: { domain: [0, columns], range: [0, columns * (w + 4)] } };
  const y = { field: 'row', type: 'quantitative', axis: null, scale: { domain: [0, rows], range: [0, rows * (h + 4 + caption)] } };
  const image = {
    mark: { type: 'image', width: w, height: h, aspect: false, align: 'left', baseline: 'top', aria: false },
    encoding: { x, y, url: { field: 'url', type: 'nominal' } },
  };
  const text = {
    mark: { type: 'text', align: 'center', baseline: 'top', dx: w / 2, dy: h + 1, fontSize: 10, aria: false },
    encoding: { x, y, text: { field: 'label', type: 'nominal' } },
  };
  return {
    ...header(options, {}),
    width: columns * (w + 4),
    height: rows * (h + 4 + caption),
    data: { values },
    layer: options.labels ? [image, text] : [image],
    config: { view: { stroke: null } },
  } as PlotSpec;
}
