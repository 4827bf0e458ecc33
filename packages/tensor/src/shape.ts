import type { Tensor } from '@tensorflow/tfjs-core';
import { ShapeError, ValueError } from '@tessera/core';

/**
 * A shape pattern: numbers must match, `null` matches any size.
 *
 * @example
 * ```ts
 * const images: ShapePattern = [null, 28, 28, 1]; // any batch size
 * assertShape(x, images, 'conv2d_1 input');
 * ```
 */
export type ShapePattern = ReadonlyArray<number | null>;

/**
 * True when `shape` matches `pattern` (same rank; `null` matches any size).
 *
 * @example
 * ```ts
 * shapeMatches([32, 784], [null, 784]); // true
 * ```
 */
export function shapeMatches(shape: readonly number[], pattern: ShapePattern): boolean {
  return shape.length === pattern.length && pattern.every((d, i) => d === null || d === shape[i]);
}

/**
 * Throws a {@link ShapeError} naming `where`, the expected and the received shape.
 *
 * @example
 * ```ts
 * assertShape(x, [null, 784], 'dense_1 input');
 * ```
 */
export function assertShape(x: Tensor | readonly number[], pattern: ShapePattern, where: string): void {
  const shape = Array.isArray(x) ? (x as number[]) : (x as Tensor).shape;
  if (!shapeMatches(shape, pattern)) throw new ShapeError(where, pattern, shape);
}

/**
 * Throws unless `x` has the given rank (or one of the given ranks).
 *
 * @example
 * ```ts
 * assertRank(x, [3, 4], 'conv2d input');
 * ```
 */
export function assertRank(x: Tensor | readonly number[], rank: number | readonly number[], where: string): void {
  const shape = Array.isArray(x) ? (x as number[]) : (x as Tensor).shape;
  const ranks = typeof rank === 'number' ? [rank] : rank;
  if (!ranks.includes(shape.length)) {
    throw new ShapeError(
      where,
      ranks.length === 1 ? new Array(ranks[0]).fill(null) : [],
      shape,
      `expected rank ${ranks.join(' or ')}, received rank ${shape.length}`,
    );
  }
}

/**
 * Throws unless two shapes are equal (e.g. targets vs predictions).
 *
 * @example
 * ```ts
 * assertSameShape(yTrue, yPred, 'meanSquaredError');
 * ```
 */
export function assertSameShape(a: Tensor, b: Tensor, where: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(where, a.shape, b.shape, 'the two shapes must be equal');
  }
}

/**
 * Checks that `value` is a positive integer, with a message naming the argument.
 *
 * @example
 * ```ts
 * assertPositiveInt(units, 'dense units');
 * ```
 */
export function assertPositiveInt(value: unknown, where: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ValueError(where, 'a positive integer', value);
  }
}
