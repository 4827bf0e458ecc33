/**
 * A shape whose dimensions may be unknown (`null`, e.g. the batch dimension).
 *
 * @example
 * ```ts
 * const s: Shape = [null, 28, 28, 1];
 * ```
 */
export type Shape = Array<number | null>;

/**
 * Copies a shape, replacing the first (batch) dimension by `null`.
 *
 * @example
 * ```ts
 * withBatch([32, 784]); // [null, 784]
 * ```
 */
export function withBatch(shape: ReadonlyArray<number | null>): Shape {
  return [null, ...shape.slice(1)];
}

/**
 * Product of the known dimensions (unknown ones count as 1).
 *
 * @example
 * ```ts
 * sizeOf([null, 3, 4]); // 12
 * ```
 */
export function sizeOf(shape: ReadonlyArray<number | null>): number {
  return shape.reduce<number>((a, d) => a * (d ?? 1), 1);
}

/**
 * True for a list of shapes (as opposed to one shape).
 *
 * @example
 * ```ts
 * isShapeList([[null, 3], [null, 4]]); // true
 * ```
 */
export function isShapeList(s: unknown): s is Shape[] {
  return Array.isArray(s) && s.length > 0 && Array.isArray(s[0]);
}
