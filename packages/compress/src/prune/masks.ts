import { ValueError } from '@tessera/core';
import { roundHalfEven } from '../round.js';

/**
 * The magnitude mask of TF-MOT: keeps the `k = max(round(n · (1 - sparsity)), 1)` largest
 * magnitudes (ties at the threshold are kept too), as 1s and 0s.
 *
 * @example
 * ```ts
 * magnitudeMask(Float32Array.from([0.1, -3, 2, -0.5]), 0.5); // Float32Array [0, 1, 1, 0]
 * ```
 */
export function magnitudeMask(values: ArrayLike<number>, sparsity: number): Float32Array {
  const n = values.length;
  const mask = new Float32Array(n);
  if (n === 0) return mask;
  const abs = Float32Array.from(values, Math.abs);
  const k = Math.max(roundHalfEven(n * (1 - sparsity)), 1);
  const sorted = Float32Array.from(abs).sort();
  const threshold = sorted[n - k] as number; // the k-th largest magnitude
  for (let i = 0; i < n; i++) mask[i] = (abs[i] as number) >= threshold ? 1 : 0;
  return mask;
}

/**
 * An N:M structured mask (`2:4` by default): in every group of `m` consecutive input channels
 * (the second-to-last axis of a kernel `[..., in, out]`, the reduction axis of matMul and
 * convolution, as TF-MOT and sparse tensor cores group them) the `n` largest magnitudes are kept.
 *
 * @example
 * ```ts
 * // kernel [4, 1]: the 4 inputs of one output form a group, 2 survive
 * nByMMask(Float32Array.from([0.1, -3, 2, -0.5]), [4, 1]); // Float32Array [0, 1, 1, 0]
 * ```
 */
export function nByMMask(values: ArrayLike<number>, shape: readonly number[], n = 2, m = 4, where = 'nByMMask'): Float32Array {
  if (shape.length < 2) throw new ValueError(`${where} shape`, 'a kernel of rank >= 2 ([..., in, out])', shape);
  const inDim = shape[shape.length - 2] as number;
  const outDim = shape[shape.length - 1] as number;
  if (inDim % m !== 0) throw new ValueError(`${where} input channels`, `a multiple of ${m} for ${n}:${m} sparsity`, inDim);
  const mask = new Float32Array(values.length);
  const outer = values.length / (inDim * outDim);
  const idx = new Array<number>(m);
  for (let o = 0; o < outer; o++) {
    const base = o * inDim * outDim;
    for (let c = 0; c < outDim; c++) {
      for (let g = 0; g < inDim; g += m) {
        for (let j = 0; j < m; j++) idx[j] = base + (g + j) * outDim + c;
        // stable order: larger magnitude first, lower index first on ties
        const order = [...idx].sort((a, b) => Math.abs(values[b] as number) - Math.abs(values[a] as number) || a - b);
        for (let j = 0; j < n; j++) mask[order[j] as number] = 1;
      }
    }
  }
  return mask;
}
