import { ShapeError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { cast, range } from '@tessera/tensor';

/**
 * The absolute positions of a chunk of `time` steps: `positions` when given (int32 `[time]` or
 * `[batch, time]`, checked against the chunk), else `offset .. offset + time - 1` as int32 `[time]`.
 *
 * @example
 * ```ts
 * resolvePositions(undefined, 2, 3, 4, 'pos'); // int32 [4, 5, 6]
 * ```
 */
export function resolvePositions(positions: Tensor | undefined, batch: number, time: number, offset: number, what: string): Tensor {
  if (!positions) return range(offset, offset + time, 1, 'int32');
  const ok =
    (positions.rank === 1 && positions.shape[0] === time) ||
    (positions.rank === 2 && positions.shape[1] === time && (positions.shape[0] === batch || positions.shape[0] === 1));
  if (!ok) throw new ShapeError(`${what} positions`, [batch, time], positions.shape, 'positions are int32 [time] or [batch, time]');
  return positions.dtype === 'int32' ? positions : cast(positions, 'int32');
}
