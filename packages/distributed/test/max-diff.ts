import { expect } from 'vitest';

/**
 * The largest absolute difference between two replicas' weights (name → flat values), after
 * checking that both have the same weight names and lengths.
 *
 * @example
 * ```ts
 * expect(maxDiff(rank0, rank1)).toBe(0);
 * ```
 */
export function maxDiff(a: { weights: Record<string, number[]> }, b: { weights: Record<string, number[]> }): number {
  expect(Object.keys(b.weights).sort()).toEqual(Object.keys(a.weights).sort());
  let diff = 0;
  for (const [k, u] of Object.entries(a.weights)) {
    const w = b.weights[k] as number[];
    expect(w.length).toBe(u.length);
    for (let i = 0; i < u.length; i++) diff = Math.max(diff, Math.abs((u[i] as number) - (w[i] as number)));
  }
  return diff;
}
