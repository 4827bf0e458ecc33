import { ValueError } from '@tessera/core';
import type { Box } from '../spaces/box.js';

function bounds(space: Box, where: string): { low: Float32Array; high: Float32Array } {
  if (!space.isBounded()) throw new ValueError(where, 'a Box action space with finite bounds', space.toJSON());
  return { low: space.low, high: space.high };
}

/**
 * Maps actions in [−1, 1] (a squashed policy's output) to the Box's bounds: `low + (a + 1)/2 · (high − low)`.
 * `actions` holds any number of rows of the Box's size.
 *
 * @example
 * ```ts
 * scaleAction(new Box(-2, 2, [1]), Float32Array.of(0.5)); // [1]
 * ```
 */
export function scaleAction(space: Box, actions: ArrayLike<number>): Float32Array {
  const { low, high } = bounds(space, 'scaleAction space');
  const d = low.length;
  return Float32Array.from(actions, (a, i) => {
    const lo = low[i % d] as number;
    return lo + ((a + 1) / 2) * ((high[i % d] as number) - lo);
  });
}

/**
 * The inverse of {@link scaleAction}: Box actions to [−1, 1] (as the replay buffer stores them).
 *
 * @example
 * ```ts
 * unscaleAction(new Box(-2, 2, [1]), Float32Array.of(1)); // [0.5]
 * ```
 */
export function unscaleAction(space: Box, actions: ArrayLike<number>): Float32Array {
  const { low, high } = bounds(space, 'unscaleAction space');
  const d = low.length;
  return Float32Array.from(actions, (a, i) => {
    const lo = low[i % d] as number;
    return (2 * (a - lo)) / ((high[i % d] as number) - lo) - 1;
  });
}
