import { ValueError } from '@tessera/core';
import { EnvRandom, freshSeed } from './random.js';
import type { Space } from './space.js';

/**
 * Gymnasium's `Discrete(n, start)`: the integers `start, start + 1, ..., start + n - 1`.
 *
 * @example
 * ```ts
 * const actions = new Discrete(3); // 0, 1, 2
 * actions.contains(2); // true
 * ```
 */
export class Discrete implements Space<number> {
  readonly kind = 'discrete';
  readonly shape: readonly number[] = [];
  private rng: EnvRandom;

  constructor(
    readonly n: number,
    readonly start = 0,
  ) {
    if (!(Number.isInteger(n) && n >= 1)) throw new ValueError('Discrete n', 'a positive integer', n);
    if (!Number.isInteger(start)) throw new ValueError('Discrete start', 'an integer', start);
    this.rng = new EnvRandom(freshSeed());
  }

  sample(): number {
    return this.start + this.rng.int(this.n);
  }

  contains(x: unknown): boolean {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  seed(seed = freshSeed()): number {
    this.rng = new EnvRandom(seed);
    return seed;
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind, n: this.n, start: this.start };
  }
}

/**
 * A {@link Discrete} space.
 *
 * @example
 * ```ts
 * const space = discrete(2); // CartPole's actions
 * ```
 */
export function discrete(n: number, start = 0): Discrete {
  return new Discrete(n, start);
}
