import { ValueError } from '@tessera/core';

/**
 * A histogram as TensorBoard's `HistogramProto` holds it: `bucket[i]` counts the values in
 * (`bucketLimit[i-1]`, `bucketLimit[i]`] (the first bucket starts at `min`).
 *
 * @example
 * ```ts
 * const h: HistogramData = histogramOf([1, 2, 2, 3], 2); // { min: 1, max: 3, num: 4, bucketLimit: [2, 3], bucket: [3, 1], ... }
 * ```
 */
export interface HistogramData {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  /** Right edge of each bucket; the last is `max`. */
  bucketLimit: number[];
  /** Count of each bucket. */
  bucket: number[];
}

/**
 * Buckets `values` into `buckets` equal-width buckets between their min and max (one bucket
 * when all values are equal; non-finite values are left out of the buckets and the sums).
 *
 * @example
 * ```ts
 * const h = histogramOf(await weights.data(), 30);
 * writer.histogram('dense/kernel', h, epoch);
 * ```
 */
export function histogramOf(values: ArrayLike<number>, buckets = 30): HistogramData {
  if (!Number.isInteger(buckets) || buckets < 1) throw new ValueError('histogramOf buckets', 'a positive integer', buckets);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let num = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    num++;
    sum += v;
    sumSquares += v * v;
  }
  if (num === 0) return { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] };
  const n = min === max ? 1 : buckets;
  const width = (max - min) / n;
  const bucket = new Array<number>(n).fill(0);
  const bucketLimit = Array.from({ length: n }, (_, i) => (i === n - 1 ? max : min + width * (i + 1)));
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    // bucket i holds (limit[i-1], limit[i]]: the minimum goes to the first bucket
    let b = width === 0 ? 0 : Math.ceil((v - min) / width) - 1;
    b = Math.min(n - 1, Math.max(0, b));
    bucket[b] = (bucket[b] as number) + 1;
  }
  return { min, max, num, sum, sumSquares, bucketLimit, bucket };
}
