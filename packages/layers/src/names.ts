const counters = new Map<string, number>();
const used = new Set<string>();

/**
 * Returns a unique layer name from a prefix: `dense`, `dense_1`, `dense_2`, ... Names already
 * taken (also explicit ones) are skipped.
 *
 * @example
 * ```ts
 * uniqueName('dense'); // 'dense' the first time, then 'dense_1'
 * ```
 */
export function uniqueName(prefix: string): string {
  let n = counters.get(prefix) ?? 0;
  let name = n === 0 ? prefix : `${prefix}_${n}`;
  while (used.has(name)) {
    n += 1;
    name = `${prefix}_${n}`;
  }
  counters.set(prefix, n + 1);
  used.add(name);
  return name;
}

/**
 * Marks an explicitly chosen name as taken so generated names avoid it.
 *
 * @example
 * ```ts
 * reserveName('encoder');
 * ```
 */
export function reserveName(name: string): void {
  used.add(name);
}

/**
 * Converts a class name to a snake_case prefix: `Conv2DTranspose` -> `conv2d_transpose`.
 *
 * @example
 * ```ts
 * snakeCase('Conv2DTranspose'); // 'conv2d_transpose'
 * ```
 */
export function snakeCase(className: string): string {
  return className
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([0-9])D([A-Z])/g, '$1d_$2')
    .replace(/([0-9])D$/, '$1d')
    .toLowerCase();
}
