import { ValueError } from '@tessera/core';
import { roundHalfEven } from '../round.js';
import { fromFloat16Bits, toFloat16Bits } from './float16.js';

/**
 * Storage types of quantized weights: `int8` symmetric per output channel (TFLite's weight
 * scheme), `uint8`/`uint16` affine per tensor and `float16` (tfjs-converter's schemes).
 *
 * @example
 * ```ts
 * const dtype: QuantizationDtype = 'int8';
 * ```
 */
export type QuantizationDtype = 'int8' | 'uint8' | 'uint16' | 'float16';

/**
 * A quantized weight: the stored integers (or half-precision bits) and what turns them back into
 * numbers. `int8`: `x ≈ q · scale[c]` for channel `c` of the last axis (zero point 0). `uint8`/`uint16`:
 * `x ≈ q · scale + min` with 0 exactly representable when the range holds it. `float16`: `data`
 * holds half-precision bits.
 *
 * @example
 * ```ts
 * const q: QuantizedTensor = quantizeValues(Float32Array.from([-1, 0, 0.5]), [3], 'uint8');
 * q.scale; // [1.5 / 255]
 * ```
 */
export interface QuantizedTensor {
  dtype: QuantizationDtype;
  shape: number[];
  data: Int8Array | Uint8Array | Uint16Array;
  /** Per-channel scales (`int8`), or one scale (`uint8`/`uint16`); empty for `float16`. */
  scale: number[];
  /** The value of `q = 0` (`uint8`/`uint16`; 0 otherwise). */
  min: number;
}

/** Round half away from zero (TFLite's `TfLiteRound`). */
const roundAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x));

function int8PerChannel(values: ArrayLike<number>, shape: number[]): QuantizedTensor {
  const channels = shape.length ? (shape[shape.length - 1] as number) : 1;
  const maxAbs = new Array<number>(channels).fill(0);
  for (let i = 0; i < values.length; i++) {
    const c = i % channels;
    maxAbs[c] = Math.max(maxAbs[c] as number, Math.abs(values[i] as number));
  }
  const scale = maxAbs.map((m) => (m > 0 ? m / 127 : 1));
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = roundAway((values[i] as number) / (scale[i % channels] as number));
    data[i] = Math.max(-127, Math.min(127, q));
  }
  return { dtype: 'int8', shape, data, scale, min: 0 };
}

/**
 * tfjs-converter's affine range (from TFLite's `NudgeQuantizationRange`, without widening the
 * range to 0): `scale = (max - min) / qmax`; when min <= 0 <= max the minimum is nudged to
 * `-round(-min / scale) · scale`, so 0 is exactly `q = round(-min / scale)`.
 *
 * @example
 * ```ts
 * affineRange(-1, 0.5, 255); // { scale: 1.5 / 255, min: -170 * 1.5 / 255 }
 * ```
 */
export function affineRange(min: number, max: number, qmax: number): { scale: number; min: number } {
  const scale = (max - min) / qmax;
  if (min <= 0 && 0 <= max) return { scale, min: -roundHalfEven(-min / scale) * scale };
  return { scale, min };
}

function affine(values: ArrayLike<number>, shape: number[], dtype: 'uint8' | 'uint16'): QuantizedTensor {
  const qmax = dtype === 'uint8' ? 255 : 65535;
  const data = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i] as number);
    hi = Math.max(hi, values[i] as number);
  }
  if (values.length === 0) return { dtype, shape, data, scale: [1], min: 0 };
  // one value only: every q is 0 and min is that value (tfjs-converter does the same)
  if (lo === hi) return { dtype, shape, data, scale: [1], min: lo };
  const r = affineRange(lo, hi, qmax);
  const top = r.min + qmax * r.scale;
  for (let i = 0; i < values.length; i++) {
    const x = Math.min(top, Math.max(r.min, values[i] as number));
    data[i] = Math.min(qmax, Math.max(0, roundHalfEven((x - r.min) / r.scale)));
  }
  return { dtype, shape, data, scale: [r.scale], min: r.min };
}

/**
 * Quantizes float values of a tensor of `shape` to `dtype` (see {@link QuantizedTensor}). `int8`
 * is per channel of the last axis (the output channel of Dense `[in, out]` and Conv
 * `[h, w, in, out]` kernels): `scale[c] = max|x[..., c]| / 127`, `q = round(x / scale[c])` in
 * [-127, 127]. `uint8`/`uint16`: `q = round((x - min) / scale)` over the whole tensor ({@link affineRange}).
 *
 * @example
 * ```ts
 * const q = quantizeValues(kernel.dataSync(), kernel.shape, 'int8');
 * const back = dequantizeValues(q); // Float32Array close to the kernel's values
 * ```
 */
export function quantizeValues(values: ArrayLike<number>, shape: number[], dtype: QuantizationDtype): QuantizedTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== values.length) throw new ValueError('quantizeValues values', `${size} values for shape [${shape}]`, values.length);
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i])) throw new ValueError('quantizeValues values', 'finite numbers', values[i]);
  switch (dtype) {
    case 'int8':
      return int8PerChannel(values, shape);
    case 'uint8':
    case 'uint16':
      return affine(values, shape, dtype);
    case 'float16':
      return { dtype, shape, data: Uint16Array.from(values, toFloat16Bits), scale: [], min: 0 };
    default:
      throw new ValueError('quantizeValues dtype', "'int8', 'uint8', 'uint16' or 'float16'", dtype);
  }
}

/**
 * The float32 values a {@link QuantizedTensor} stands for.
 *
 * @example
 * ```ts
 * dequantizeValues(quantizeValues(Float32Array.from([0, 1]), [2], 'uint8')); // Float32Array [0, 1]
 * ```
 */
export function dequantizeValues(q: QuantizedTensor): Float32Array {
  const out = new Float32Array(q.data.length);
  if (q.dtype === 'float16') {
    for (let i = 0; i < out.length; i++) out[i] = fromFloat16Bits(q.data[i] as number);
  } else if (q.dtype === 'int8') {
    const channels = q.scale.length;
    for (let i = 0; i < out.length; i++) out[i] = (q.data[i] as number) * (q.scale[i % channels] as number);
  } else {
    const s = q.scale[0] as number;
    for (let i = 0; i < out.length; i++) out[i] = (q.data[i] as number) * s + q.min;
  }
  return out;
}
