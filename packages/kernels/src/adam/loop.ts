/**
 * The attributes of a `TesseraAdamUpdate` kernel.
 *
 * @example
 * ```ts
 * const attrs: AdamUpdateAttrs = { b1: 0.9, b2: 0.999, eps: 1e-7, count: 3 };
 * ```
 */
export interface AdamUpdateAttrs {
  b1: number;
  b2: number;
  eps: number;
  count: number;
}

/**
 * The Adam update of `TesseraAdamUpdate` in one pass over float32 arrays, computed in float64 and
 * stored as float32 (within an ulp of the composite float32 ops).
 *
 * @example
 * ```ts
 * adamLoop(g, m, v, update, m1, v1, { b1: 0.9, b2: 0.999, eps: 1e-7, count: 1 });
 * ```
 */
export function adamLoop(
  g: ArrayLike<number>,
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  update: Float32Array,
  m1: Float32Array,
  v1: Float32Array,
  attrs: AdamUpdateAttrs,
): void {
  const [b1, a1, b2, a2, k1, k2, eps] = adamConstants(attrs);
  // in float64, stored as float32: within an ulp of the composite float32 ops
  for (let i = 0; i < update.length; i++) {
    const gi = g[i] as number;
    const mi = b1 * (m[i] as number) + a1 * gi;
    const vi = b2 * (v[i] as number) + a2 * gi * gi;
    m1[i] = mi;
    v1[i] = vi;
    update[i] = (mi * k1) / (Math.sqrt(vi * k2) + eps);
  }
}

/**
 * The constants of one Adam step, as the loop and the SIMD module take them: `b1, 1 − b1, b2,
 * 1 − b2, 1 / (1 − b1^count), 1 / (1 − b2^count), eps` (one derivation, so both give the same bits).
 *
 * @example
 * ```ts
 * const [b1, a1, b2, a2, k1, k2, eps] = adamConstants({ b1: 0.9, b2: 0.999, eps: 1e-7, count: 1 });
 * ```
 */
export function adamConstants({ b1, b2, eps, count }: AdamUpdateAttrs): [number, number, number, number, number, number, number] {
  return [b1, 1 - b1, b2, 1 - b2, 1 / (1 - b1 ** count), 1 / (1 - b2 ** count), eps];
}
