/**
 * A Gymnasium space: the set of valid observations or actions, with seeded sampling.
 *
 * @example
 * ```ts
 * const space: Space<number> = discrete(2);
 * space.seed(1);
 * const a = space.sample(); // 0 or 1
 * space.contains(a); // true
 * ```
 */
export interface Space<T> {
  /** `'box'`, `'discrete'` or `'multiDiscrete'`. */
  readonly kind: string;
  /** Shape of one element (`[]` for a Discrete action). */
  readonly shape: readonly number[];
  /** A uniformly drawn element (Box: uniform in bounded dimensions, normal/exponential where unbounded, as Gymnasium). */
  sample(): T;
  /** Whether `x` is an element of the space. */
  contains(x: unknown): boolean;
  /** Seeds `sample()`; returns the seed used. */
  seed(seed?: number): number;
  /** A JSON description (`{ kind, ... }`) for saving with a policy. */
  toJSON(): Record<string, unknown>;
}
