import { ValueError } from '@tessera/core';
import { EnvRandom, freshSeed } from './random.js';
import type { Space } from './space.js';

/**
 * Gymnasium's `Box(low, high, shape)` of float32 values: every entry within its bounds (bounds may
 * be infinite). Elements are `Float32Array`s.
 *
 * @example
 * ```ts
 * const torque = new Box(-2, 2, [1]); // Pendulum's action space
 * torque.contains(Float32Array.of(1.5)); // true
 * ```
 */
export class Box implements Space<Float32Array> {
  readonly kind = 'box';
  readonly shape: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
  private rng: EnvRandom;

  constructor(low: number | ArrayLike<number>, high: number | ArrayLike<number>, shape?: number[]) {
    const size = shape
      ? shape.reduce((a, b) => a * b, 1)
      : typeof low === 'number'
        ? typeof high === 'number'
          ? 1
          : high.length
        : low.length;
    this.shape = shape ? [...shape] : [size];
    const fill = (v: number | ArrayLike<number>, what: string) => {
      if (typeof v === 'number') return new Float32Array(size).fill(v);
      if (v.length !== size) throw new ValueError(`Box ${what}`, `${size} values (shape [${this.shape.join(', ')}])`, v.length);
      return Float32Array.from(v);
    };
    this.low = fill(low, 'low');
    this.high = fill(high, 'high');
    for (let i = 0; i < size; i++) {
      if (!((this.low[i] as number) <= (this.high[i] as number)))
        throw new ValueError(`Box low[${i}]`, `<= high[${i}] (${this.high[i]})`, this.low[i]);
    }
    this.rng = new EnvRandom(freshSeed());
  }

  /** Whether every dimension has finite bounds on both sides. */
  isBounded(): boolean {
    return this.low.every(Number.isFinite) && this.high.every(Number.isFinite);
  }

  sample(): Float32Array {
    const out = new Float32Array(this.low.length);
    for (let i = 0; i < out.length; i++) {
      const lo = this.low[i] as number;
      const hi = this.high[i] as number;
      if (Number.isFinite(lo) && Number.isFinite(hi)) out[i] = this.rng.uniform(lo, hi);
      else if (Number.isFinite(lo)) out[i] = lo - Math.log(1 - this.rng.uniform());
      else if (Number.isFinite(hi)) out[i] = hi + Math.log(1 - this.rng.uniform());
      else out[i] = this.rng.normal();
    }
    return out;
  }

  contains(x: unknown): boolean {
    const arr = x instanceof Float32Array || x instanceof Float64Array || Array.isArray(x) ? (x as ArrayLike<number>) : null;
    if (!arr || arr.length !== this.low.length) return false;
    for (let i = 0; i < arr.length; i++) {
      const v = Math.fround(arr[i] as number);
      if (!(v >= (this.low[i] as number) && v <= (this.high[i] as number))) return false;
    }
    return true;
  }

  /** `x` clipped to the bounds (a new array). */
  clip(x: ArrayLike<number>): Float32Array {
    return Float32Array.from(x, (v, i) => Math.min(Math.max(v, this.low[i] as number), this.high[i] as number));
  }

  seed(seed = freshSeed()): number {
    this.rng = new EnvRandom(seed);
    return seed;
  }

  toJSON(): Record<string, unknown> {
    const list = (a: Float32Array) => Array.from(a, (v) => (Number.isFinite(v) ? v : v > 0 ? 'inf' : '-inf'));
    return { kind: this.kind, shape: [...this.shape], low: list(this.low), high: list(this.high) };
  }
}

/**
 * A {@link Box} space.
 *
 * @example
 * ```ts
 * const obs = box([-4.8, -Infinity], [4.8, Infinity]);
 * const action = box(-1, 1, [2]);
 * ```
 */
export function box(low: number | ArrayLike<number>, high: number | ArrayLike<number>, shape?: number[]): Box {
  return new Box(low, high, shape);
}
