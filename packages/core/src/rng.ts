import { ValueError } from './errors.js';

/**
 * A splittable, seeded random key (JAX-style). Keys are immutable values: the same key always
 * yields the same numbers, and `split` derives independent child keys.
 *
 * @example
 * ```ts
 * const root = rngKey(42);
 * const [initKey, dropoutKey] = root.split(2);
 * const seed = initKey.seed(); // an integer usable as a tfjs op seed
 * ```
 */
export class RngKey {
  /** Two 32-bit words of state. */
  readonly words: readonly [number, number];

  constructor(hi: number, lo: number) {
    this.words = [hi >>> 0, lo >>> 0];
  }

  /** Derives `n` independent child keys. */
  split(n = 2): RngKey[] {
    if (!Number.isInteger(n) || n < 1) throw new ValueError('RngKey.split n', 'a positive integer', n);
    const out: RngKey[] = [];
    for (let i = 0; i < n; i++) out.push(this.fold(i));
    return out;
  }

  /** Derives a child key from this key and an integer (e.g. a step or layer index). */
  fold(data: number): RngKey {
    const [a, b] = this.words;
    const h1 = mix32(a ^ mix32((data >>> 0) + 0x9e3779b9));
    const h2 = mix32(b ^ mix32(h1 + 0x85ebca6b + (data >>> 0)));
    return new RngKey(h1, h2);
  }

  /** An integer in [0, 2^31) derived from the key, for tfjs ops that take a `seed`. */
  seed(): number {
    return mix32(this.words[0] ^ mix32(this.words[1])) & 0x7fffffff;
  }

  /** `n` uniform floats in [0, 1) from this key (deterministic). */
  uniform(n: number): Float32Array {
    const out = new Float32Array(n);
    let s0 = this.words[0] | 1;
    let s1 = this.words[1] ^ 0x6d2b79f5;
    for (let i = 0; i < n; i++) {
      // xorshift64-style generator on two 32-bit words
      let t = s0 ^ (s0 << 11);
      s0 = s1;
      s1 = (s1 ^ (s1 >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
      t = mix32(s1 + i);
      out[i] = (t >>> 8) / 16777216;
    }
    return out;
  }

  /** Serializable form: `[hi, lo]`. */
  toJSON(): [number, number] {
    return [this.words[0], this.words[1]];
  }

  /** Restores a key saved with `toJSON()`. */
  static fromJSON(words: unknown): RngKey {
    if (!Array.isArray(words) || words.length !== 2 || !words.every((w) => Number.isInteger(w))) {
      throw new ValueError('RngKey.fromJSON', 'an array of two integers', words);
    }
    return new RngKey(words[0] as number, words[1] as number);
  }
}

/**
 * Creates a root key from an integer seed.
 *
 * @example
 * ```ts
 * const key = rngKey(0);
 * ```
 */
export function rngKey(seed: number): RngKey {
  if (!Number.isFinite(seed) || !Number.isInteger(seed)) {
    throw new ValueError('rngKey seed', 'an integer', seed);
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return new RngKey(mix32(hi ^ 0x3c6ef372), mix32(lo ^ 0xa54ff53a));
}

/**
 * A small, fast deterministic generator (sfc32) seeded from an integer seed and a stream number
 * (e.g. the pass of a dataset): the same `(seed, stream)` always yields the same numbers, and
 * different streams are independent. Used by {@link permutation} and the data pipeline shuffles.
 *
 * @example
 * ```ts
 * const r = new Prng(42, 0);
 * r.nextU32(); // 1302188543
 * r.next(); // a float in [0, 1)
 * r.int(10); // an integer in [0, 10)
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

/** A 32-bit avalanche mix (murmur3 finalizer). */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
