import type { Module } from '@tessera/core';

/**
 * One weight's line in a {@link SparsityReport}.
 *
 * @example
 * ```ts
 * const row: SparsityRow = { name: 'dense/kernel', size: 1280, zeros: 1024, sparsity: 0.8 };
 * ```
 */
export interface SparsityRow {
  /** Weight name (`layer/weight`). */
  name: string;
  /** Number of scalars. */
  size: number;
  /** Number of exact zeros. */
  zeros: number;
  /** `zeros / size`. */
  sparsity: number;
}

/**
 * Per-weight and total sparsity of a model, from {@link sparsityReport}.
 *
 * @example
 * ```ts
 * const report: SparsityReport = sparsityReport(model);
 * console.log(report.total.sparsity, report.weights.map((w) => `${w.name} ${w.sparsity}`));
 * ```
 */
export interface SparsityReport {
  /** Every parameter that was counted. */
  weights: SparsityRow[];
  /** The sums over `weights` (name `total`). */
  total: SparsityRow;
  /** A text table of the above. */
  toString(): string;
}

/**
 * Counts exact zeros in a model's parameters: per weight and in total. By default every
 * parameter is counted; pass `filter` to count only some (e.g. the pruned kernels). Reads the
 * weights (one sync per weight).
 *
 * @example
 * ```ts
 * const report = sparsityReport(model, (name) => name.endsWith('/kernel'));
 * console.log(String(report));
 * ```
 */
export function sparsityReport(model: Module, filter: (name: string) => boolean = () => true): SparsityReport {
  const weights: SparsityRow[] = [];
  for (const [name, v] of Object.entries(model.parameters())) {
    if (!filter(name)) continue;
    const values = v.dataSync();
    let zeros = 0;
    for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
    weights.push({ name, size: values.length, zeros, sparsity: values.length ? zeros / values.length : 0 });
  }
  const size = weights.reduce((a, w) => a + w.size, 0);
  const zeros = weights.reduce((a, w) => a + w.zeros, 0);
  const total = { name: 'total', size, zeros, sparsity: size ? zeros / size : 0 };
  const table = () => {
    const width = Math.max(5, ...weights.map((w) => w.name.length));
    const line = (w: SparsityRow) =>
      `${w.name.padEnd(width)}  ${String(w.size).padStart(9)}  ${String(w.zeros).padStart(9)}  ${(100 * w.sparsity).toFixed(2).padStart(6)}%`;
    return [`${'weight'.padEnd(width)}  ${'size'.padStart(9)}  ${'zeros'.padStart(9)}  sparsity`, ...weights.map(line), line(total)].join(
      '\n',
    );
  };
  return { weights, total, toString: table };
}
