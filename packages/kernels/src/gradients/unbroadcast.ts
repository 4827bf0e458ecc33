import type { Tensor } from '@tensorflow/tfjs-core';
import { reshape, sum } from '@tensorflow/tfjs-core';

/**
 * Sums a broadcast gradient back to the shape of the operand it flows to: leading axes the
 * operand lacks are summed out, axes where the operand has size 1 are summed with keepDims.
 *
 * @example
 * ```ts
 * // a [3, 1] operand broadcast against [2, 3, 4]: its gradient is summed back to [3, 1]
 * unbroadcast(ones([2, 3, 4]), [3, 1]).shape; // [3, 1], every value 8
 * ```
 */
export function unbroadcast(g: Tensor, shape: readonly number[]): Tensor {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  let r = lead > 0 ? sum(g, [...Array(lead).keys()]) : g;
  const axes = shape.map((d, i) => (d === 1 && r.shape[i] !== 1 ? i : -1)).filter((i) => i >= 0);
  if (axes.length) r = sum(r, axes, true);
  return reshape(r, [...shape]);
}
