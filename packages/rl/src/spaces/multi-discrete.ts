import { ValueError } from '@tessera/core';
import { EnvRandom, freshSeed } from './random.js';
import type { Space } from './space.js';

/**
 * Gymnasium's `MultiDiscrete(nvec)`: one integer in `[0, nvec[i])` per entry.
 *
 * @example
 * ```ts
 * const space = new MultiDiscrete([3, 2]);
 * space.contains(Int32Array.from([2, 1])); // true
 * ```
 */
export class MultiDiscrete implements Space<Int32Array> {
  readonly kind = 'multiDiscrete';
  readonly shape: readonly number[];
  readonly nvec: readonly number[];
  private rng: EnvRandom;

  constructor(nvec: number[]) {
    if (!Array.isArray(nvec) || nvec.length === 0 || !nvec.every((n) => Number.isInteger(n) && n >= 1)) {
      throw new ValueError('MultiDiscrete nvec', 'a non-empty array of positive integers', nvec);
    }
    this.nvec = [...nvec];
    this.shape = [nvec.length];
    this.rng = new EnvRandom(freshSeed());
  }

  sample(): Int32Array {
    return Int32Array.from(this.nvec, (n) => this.rng.int(n));
  }

  contains(x: unknown): boolean {
    const arr = x instanceof Int32Array || Array.isArray(x) ? (x as ArrayLike<number>) : null;
    if (!arr || arr.length !== this.nvec.length) return false;
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i] as number;
      if (!(Number.isInteger(v) && v >= 0 && v < (this.nvec[i] as number))) return false;
    }
    return true;
  }

  seed(seed = freshSeed()): number {
    this.rng = new EnvRandom(seed);
    return seed;
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind, nvec: [...this.nvec] };
  }
}

/**
 * A {@link MultiDiscrete} space.
 *
 * @example
 * ```ts
 * const space = multiDiscrete([5, 2, 2]); // e.g. a gamepad: a direction and two buttons
 * ```
 */
export function multiDiscrete(nvec: number[]): MultiDiscrete {
  return new MultiDiscrete(nvec);
}
