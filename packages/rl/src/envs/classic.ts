import { TesseraError, ValueError } from '@tessera/core';
import type { EnvSpec, ResetOptions } from '../env.js';
import { EnvRandom, freshSeed } from '../spaces/random.js';

/**
 * What the classic-control environments share: a seeded random source, the float64 state and
 * reset bookkeeping; `state`/`setState` read and set the physical state (e.g. to replay a recorded
 * trajectory, as the tests against Gymnasium do).
 *
 * @example
 * ```ts
 * const env = new CartPole();
 * env.reset({ seed: 0 });
 * env.setState([0, 0, 0.1, 0]); // x, ẋ, θ, θ̇
 * env.step(1);
 * env.state; // Float64Array of the next state
 * ```
 */
export abstract class ClassicEnv {
  abstract readonly spec: EnvSpec;
  protected random = new EnvRandom(freshSeed());
  protected current: Float64Array | null = null;

  /** Reseeds when asked; every reset needs a random source. */
  protected seedFrom(options: ResetOptions | undefined): void {
    if (options?.seed !== undefined) {
      if (!Number.isInteger(options.seed)) throw new ValueError(`${this.spec.id} reset seed`, 'an integer', options.seed);
      this.random = new EnvRandom(options.seed);
    }
  }

  /** The bounds of a uniform initial state: `options.low`/`options.high` or the defaults, as Gymnasium's `maybe_parse_reset_bounds`. */
  protected bounds(options: ResetOptions | undefined, low: number, high: number): [number, number] {
    const o = options?.options;
    const lo = o?.low ?? low;
    const hi = o?.high ?? high;
    if (typeof lo !== 'number' || typeof hi !== 'number' || !(lo <= hi)) {
      throw new ValueError(`${this.spec.id} reset options`, '{ low, high } numbers with low <= high', o);
    }
    return [lo, hi];
  }

  /** The state (float64 values; a copy). Throws before the first reset. */
  get state(): Float64Array {
    return Float64Array.from(this.need());
  }

  /** Sets the state (e.g. to replay a recorded trajectory); `float32` marks a state stored in float32, as some environments keep it. */
  setState(values: ArrayLike<number>, _options: { float32?: boolean } = {}): void {
    this.current = Float64Array.from(values);
  }

  protected need(): Float64Array {
    if (!this.current) throw new TesseraError('VALUE', `${this.spec.id}: call reset() before step()`);
    return this.current;
  }
}

/** Python's `%` (the result takes the sign of the divisor), as numpy's `mod`. */
export function pyMod(x: number, m: number): number {
  const r = x % m;
  return r !== 0 && r < 0 !== m < 0 ? r + m : r;
}
