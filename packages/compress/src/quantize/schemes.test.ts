import { describe, expect, it } from 'vitest';
import { roundHalfEven } from '../round.js';
import { fromFloat16Bits, toFloat16Bits } from './float16.js';
import { affineRange, dequantizeValues, quantizeValues } from './schemes.js';

const f32 = Math.fround;

describe('roundHalfEven', () => {
  it('rounds exact halves to even, like np.round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3, -3]);
  });
});

describe('uint8 / uint16 affine (tfjs-converter)', () => {
  it('nudges the minimum so 0 is exactly representable', () => {
    // min -0.3, max 1: scale 1.3/255, -min/scale = 58.85 → zero point 59, min' = -59 · scale
    const s = 1.3 / 255;
    expect(affineRange(-0.3, 1, 255)).toEqual({ scale: s, min: -59 * s });
    const q = quantizeValues([-0.3, 0, 1, 0.5], [4], 'uint8');
    expect(q.scale).toEqual([s]);
    expect(q.min).toBe(-59 * s);
    // hand-computed: -0.3 clips to min' (q 0); 0 → 59; 1 clips to min' + 255 s → 255; 0.5 → round(157.08) = 157
    expect([...q.data]).toEqual([0, 59, 255, 157]);
    const back = dequantizeValues(q);
    expect(back[1]).toBe(0); // zero is exact
    expect(back[3]).toBe(f32(157 * s - 59 * s));
  });

  it('does not nudge a range without 0, and maps a constant tensor to q = 0', () => {
    expect(affineRange(0.5, 2, 255)).toEqual({ scale: 1.5 / 255, min: 0.5 });
    const c = quantizeValues([0.7, 0.7], [2], 'uint16');
    expect([...c.data]).toEqual([0, 0]);
    expect([...dequantizeValues(c)]).toEqual([f32(0.7), f32(0.7)]);
  });

  it('round-trips within scale / 2 (plus the clipped end of the nudged range)', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed / 2147483647) * 2 - 0.6;
    };
    const x = Float32Array.from({ length: 1000 }, rand);
    for (const [dtype, qmax] of [
      ['uint8', 255],
      ['uint16', 65535],
    ] as const) {
      const q = quantizeValues(x, [1000], dtype);
      const back = dequantizeValues(q);
      const scale = q.scale[0] as number;
      const lo = Math.min(...x);
      const hi = Math.max(...x);
      expect(scale).toBeCloseTo((hi - lo) / qmax, 12);
      const maxErr = Math.max(...Array.from(x, (v, i) => Math.abs(v - (back[i] as number))));
      // the nudge moves the range by at most scale / 2, so an end value is off by at most one scale
      expect(maxErr).toBeLessThanOrEqual(scale + 1e-7);
      const inner = Array.from(x).filter((v) => v > lo + scale && v < hi - scale);
      const innerErr = Math.max(...inner.map((v) => Math.abs(v - (back[Array.from(x).indexOf(v)] as number))));
      expect(innerErr).toBeLessThanOrEqual(scale / 2 + 1e-7);
      expect(dequantizeValues(quantizeValues([lo, 0, hi], [3], dtype))[1]).toBe(0);
    }
  });
});

describe('int8 symmetric per output channel (TFLite)', () => {
  it('uses scale = max|w_c| / 127 per last-axis channel, zero point 0', () => {
    // kernel [2, 2]: channel 0 holds 1, -2; channel 1 holds -0.5, 0.25
    const q = quantizeValues([1, -0.5, -2, 0.25], [2, 2], 'int8');
    expect(q.scale).toEqual([2 / 127, 0.5 / 127]);
    // 1 / (2/127) = 63.5 → 64 (half away from zero); 0.25 / (0.5/127) = 63.5 → 64
    expect([...q.data]).toEqual([64, -127, -127, 64]);
    expect([...dequantizeValues(q)]).toEqual([f32((64 * 2) / 127), f32(-0.5), f32(-2), f32((64 * 0.5) / 127)]);
    const z = quantizeValues([0, 0, 0, 1], [2, 2], 'int8');
    expect(z.scale[0]).toBe(1); // an all-zero channel
    expect(dequantizeValues(z)[0]).toBe(0);
  });

  it('round-trips within scale_c / 2 and keeps zeros exactly zero', () => {
    const x = Float32Array.from({ length: 96 }, (_, i) => (i % 5 === 0 ? 0 : Math.sin(i * 1.3) * (1 + (i % 3))));
    const q = quantizeValues(x, [4, 2, 12], 'int8');
    const back = dequantizeValues(q);
    x.forEach((v, i) => {
      expect(Math.abs(v - (back[i] as number))).toBeLessThanOrEqual((q.scale[i % 12] as number) / 2 + 1e-7);
      if (v === 0) expect(back[i]).toBe(0);
    });
  });
});

describe('float16', () => {
  it('encodes known half-precision bit patterns', () => {
    expect([1, -2, 0.5, 65504, 65520, 1e-8, 2 ** -24, 2 ** -14, 0.1, -0].map(toFloat16Bits)).toEqual([
      0x3c00, 0xc000, 0x3800, 0x7bff, 0x7c00, 0, 1, 0x0400, 0x2e66, 0x8000,
    ]);
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(Number.NaN)))).toBe(true);
    expect(fromFloat16Bits(0x2e66)).toBe(0.0999755859375);
  });

  it('round-trips normal values within a relative 2^-11', () => {
    for (let i = 0; i < 2000; i++) {
      const v = (i - 1000) * 0.731 + 1e-3;
      expect(Math.abs(fromFloat16Bits(toFloat16Bits(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11);
    }
    const q = quantizeValues([1.5, -3.25], [2], 'float16');
    expect([...dequantizeValues(q)]).toEqual([1.5, -3.25]);
    expect(q.data.byteLength).toBe(4);
  });
});
