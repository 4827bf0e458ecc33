import { rngKey } from '@tessera/core';

/**
 * A small deterministic generator (sfc32) seeded from a seed and a stream number (the pass).
 * Same `(seed, stream)` always yields the same numbers.
 *
 * @example
 * ```ts
 * const r = new Prng(42, 0); r.next(); r.int(10);
 * ```
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    const key = rngKey(seed)
      .fold(stream >>> 0)
      .fold(Math.floor(stream / 4294967296));
    const [w0, w1] = key.words;
    const [w2, w3] = key.fold(0x51ed).words;
    this.a = w0;
    this.b = w1;
    this.c = w2;
    this.d = w3 | 1;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** A uniform unsigned 32-bit integer. */
  nextU32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/**
 * A permutation of `0..n-1`, a pure function of `seed` and `stream`.
 *
 * @example
 * ```ts
 * permutation(5, 1); // e.g. Uint32Array [3, 0, 4, 1, 2]
 * ```
 */
export function permutation(n: number, seed: number, stream = 0): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const r = new Prng(seed, stream);
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
