import { ValueError } from '@tessera/core';
import { parseIdx } from '../loaders/idx.js';
import { Dataset } from '../pipeline/dataset.js';
import type { ElementSpec } from '../pipeline/spec.js';

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
 * An element of an MNIST-style dataset: the image as a `Float32Array` (row-major, 784 values) and
 * its integer label. No tensor is made per sample: `batch` stacks a batch into one float32
 * `[n, 28, 28]` (or `[n, 784]` with `flatten`) tensor and one int32 `[n]` label tensor, as the
 * dataset's `spec` declares.
 *
 * @example
 * ```ts
 * const { test } = await mnist({ from: '../shared/datasets/mnist' });
 * const [first]: ImageExample[] = await test.take(1).toArray();
 * console.log(first.x.length, first.y); // 784 7
 * console.log(test.spec); // { x: { dtype: 'float32', shape: [28, 28] }, y: { dtype: 'int32', shape: [] } }
 * ```
 */
export interface ImageExample {
  /** The image, 784 float32 values, row-major (`[28, 28]` or `[784]` with `flatten`, per the spec). */
  x: Float32Array;
  /** The class index (an integer, batched as int32). */
  y: number;
}

/** Builds a dataset of `{ x: Float32Array, y }` from IDX image and label bytes (checked to agree), with its spec. */
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
  const spec: ElementSpec = {
    x: { dtype: 'float32', shape: options.flatten ? [size] : [h, w] },
    y: { dtype: 'int32', shape: [] },
  };
  const at = (i: number): ImageExample => {
    const x = new Float32Array(size);
    const o = i * size;
    for (let j = 0; j < size; j++) x[j] = pixels[o + j]! * k;
    return { x, y: ys[i]! };
  };
  return new Dataset(
    async function* () {
      for (let i = 0; i < n; i++) yield at(i);
    },
    n,
    at,
    spec,
  );
}
