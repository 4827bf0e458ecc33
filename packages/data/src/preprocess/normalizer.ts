import { ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { div, isTensor, scope, sub, tensor1d } from '@tessera/tensor';

/**
 * A feature vector (or a batch of them as a tensor `[..., features]`).
 *
 * @example
 * ```ts
 * const one: Features = [5.1, 3.5, 1.4, 0.2];
 * const batch: Features = tensor2d([[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]);
 * const norm = await fitNormalizer([one, batch]); // 3 samples (the tensor is disposed)
 * ```
 */
export type Features = ArrayLike<number> | Tensor;

/**
 * Serialized form of a {@link Normalizer} (what `toJSON()` returns and `Normalizer.fromJSON` reads).
 *
 * @example
 * ```ts
 * const json: NormalizerJSON = { kind: 'standard', offset: [2, 20], scale: [1, 10] };
 * const norm = Normalizer.fromJSON(json);
 * norm.apply([3, 30]); // Float32Array [1, 1]
 * ```
 */
export interface NormalizerJSON {
  /** 'standard' (mean/std) or 'minmax' (to [0, 1]). */
  kind: 'standard' | 'minmax';
  /** Per-feature value subtracted (mean or minimum). */
  offset: number[];
  /** Per-feature divisor (std or max - min). */
  scale: number[];
}

/**
 * Per-feature affine normalization `(x - offset) / scale`, fitted on training data and applied
 * anywhere (vectors or tensors whose last axis is the features). Serializable with `toJSON`.
 *
 * @example
 * ```ts
 * const norm = await fitNormalizer(train.map((r) => r.x));
 * const x = norm.apply([5.1, 3.5, 1.4, 0.2]);
 * const saved = JSON.stringify(norm); const again = Normalizer.fromJSON(JSON.parse(saved));
 * ```
 */
export class Normalizer {
  readonly kind: 'standard' | 'minmax';
  readonly offset: Float64Array;
  readonly scale: Float64Array;

  constructor(kind: 'standard' | 'minmax', offset: ArrayLike<number>, scale: ArrayLike<number>) {
    if (offset.length !== scale.length) throw new ValueError('Normalizer scale', `${offset.length} values`, scale.length);
    this.kind = kind;
    this.offset = Float64Array.from(offset);
    this.scale = Float64Array.from(scale, (s) => (s === 0 || !Number.isFinite(s) ? 1 : s));
  }

  /** Number of features. */
  get features(): number {
    return this.offset.length;
  }

  /** Normalizes a vector (returns Float32Array) or a tensor with features on the last axis (returns a tensor). */
  apply(x: ArrayLike<number>): Float32Array;
  apply(x: Tensor): Tensor;
  apply(x: Features): Float32Array | Tensor {
    const f = this.features;
    if (isTensor(x)) {
      const last = x.shape[x.shape.length - 1];
      if (last !== f) throw new ShapeError('Normalizer.apply', [null, f], x.shape);
      return scope(() => div(sub(x, tensor1d(Float32Array.from(this.offset))), tensor1d(Float32Array.from(this.scale))));
    }
    if (x.length % f !== 0) throw new ShapeError('Normalizer.apply', [f], [x.length]);
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = (x[i]! - this.offset[i % f]!) / this.scale[i % f]!;
    return out;
  }

  /** Reverses `apply` on a vector. */
  invert(x: ArrayLike<number>): Float32Array {
    const f = this.features;
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = x[i]! * this.scale[i % f]! + this.offset[i % f]!;
    return out;
  }

  toJSON(): NormalizerJSON {
    return { kind: this.kind, offset: Array.from(this.offset), scale: Array.from(this.scale) };
  }

  /** Rebuilds a normalizer saved with `toJSON()`. */
  static fromJSON(json: unknown): Normalizer {
    const j = json as Partial<NormalizerJSON>;
    if (!j || (j.kind !== 'standard' && j.kind !== 'minmax') || !Array.isArray(j.offset) || !Array.isArray(j.scale)) {
      throw new ValueError('Normalizer.fromJSON', '{ kind, offset: number[], scale: number[] }', json);
    }
    return new Normalizer(j.kind, j.offset, j.scale);
  }
}

/**
 * Fits a {@link Normalizer} in one streaming pass (Welford, float64): 'standard' (mean/std,
 * default) or 'minmax' (to [0, 1]). Accepts any (async) iterable of vectors or tensors, e.g. a Dataset.
 *
 * @example
 * ```ts
 * const norm = await fitNormalizer([[1, 10], [3, 30]]); // mean [2, 20], std [1, 10]
 * ```
 */
export async function fitNormalizer(
  data: AsyncIterable<Features> | Iterable<Features>,
  options: { kind?: 'standard' | 'minmax' } = {},
): Promise<Normalizer> {
  const kind = options.kind ?? 'standard';
  let f = -1;
  let n = 0;
  let mean = new Float64Array(0);
  let m2 = new Float64Array(0);
  let min = new Float64Array(0);
  let max = new Float64Array(0);
  for await (const item of data) {
    const values = isTensor(item) ? (item.dataSync() as Float32Array) : item;
    const width = isTensor(item) ? (item.shape[item.shape.length - 1] ?? 1) : item.length;
    if (isTensor(item)) item.dispose();
    if (f < 0) {
      f = width;
      mean = new Float64Array(f);
      m2 = new Float64Array(f);
      min = new Float64Array(f).fill(Number.POSITIVE_INFINITY);
      max = new Float64Array(f).fill(Number.NEGATIVE_INFINITY);
    }
    if (width !== f) throw new ShapeError('fitNormalizer', [f], [width], 'every sample needs the same number of features');
    for (let r = 0; r < values.length; r += f) {
      n++;
      for (let j = 0; j < f; j++) {
        const v = values[r + j]!;
        const d = v - mean[j]!;
        mean[j]! += d / n;
        m2[j]! += d * (v - mean[j]!);
        if (v < min[j]!) min[j] = v;
        if (v > max[j]!) max[j] = v;
      }
    }
  }
  if (n === 0) throw new ValueError('fitNormalizer data', 'at least one sample', 0);
  if (kind === 'minmax')
    return new Normalizer(
      'minmax',
      min,
      Array.from(max, (v, j) => v - min[j]!),
    );
  return new Normalizer(
    'standard',
    mean,
    Array.from(m2, (v) => Math.sqrt(v / n)),
  );
}
