import type { Tensor } from '@tensorflow/tfjs-core';
import { ValueError } from '@tessera/core';
import { tensor } from '@tessera/tensor';
import { parseIdx } from '../loaders/idx.js';
import { Dataset } from '../pipeline/dataset.js';

/**
 * Options of the MNIST-style datasets ({@link mnist}, {@link fashionMnist}).
 *
 * @example
 * ```ts
 * // Flat 784-vectors with raw 0-255 pixel values.
 * const { train } = await mnist({ from: '../shared/datasets/mnist', flatten: true, normalize: false });
 * ```
 */
export interface ImageDatasetOptions {
  /** `x` as `[784]` instead of `[28, 28]` (default false). */
  flatten?: boolean;
  /** Scale pixels to [0, 1] (default true); false keeps 0-255 (float32). */
  normalize?: boolean;
}

/**
 * An element of an MNIST-style dataset: a float32 image tensor and its label.
 *
 * @example
 * ```ts
 * const { test } = await mnist({ from: '../shared/datasets/mnist' });
 * const [first]: ImageExample[] = await test.take(1).toArray();
 * console.log(first.x.shape, first.y); // [28, 28] 7
 * ```
 */
export interface ImageExample {
  /** The image, float32 `[28, 28]` (or `[784]` with `flatten`). */
  x: Tensor;
  /** The class index. */
  y: number;
}

/** Builds a dataset of `{ x, y }` from IDX image and label bytes (checked to agree). */
export function idxImageDataset(
  imagesBytes: Uint8Array,
  labelsBytes: Uint8Array,
  names: [string, string],
  options: ImageDatasetOptions = {},
): Dataset<ImageExample> {
  const images = parseIdx(imagesBytes, { name: names[0], expectMagic: 2051 });
  const labels = parseIdx(labelsBytes, { name: names[1], expectMagic: 2049 });
  const [n, h, w] = images.shape as [number, number, number];
  if (labels.shape[0] !== n) throw new ValueError(`${names[1]} count`, `${n} labels (as many as images)`, labels.shape[0]);
  const pixels = images.data as Uint8Array;
  const ys = labels.data as Uint8Array;
  const size = h * w;
  const k = options.normalize === false ? 1 : 1 / 255;
  const shape = options.flatten ? [size] : [h, w];
  const at = (i: number): ImageExample => {
    const x = new Float32Array(size);
    const o = i * size;
    for (let j = 0; j < size; j++) x[j] = pixels[o + j]! * k;
    return { x: tensor(x, shape, 'float32'), y: ys[i]! };
  };
  return new Dataset(
    async function* () {
      for (let i = 0; i < n; i++) yield at(i);
    },
    n,
    at,
  );
}
