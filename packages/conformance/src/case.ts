import type { Tensor } from '@tessera/tensor';

/** One conformance case: builds its inputs deterministically and returns tensors to compare. */
export interface ConformanceCase {
  /** Unique name, e.g. `op/matMul transposeA`. */
  name: string;
  kind: 'op' | 'gradient' | 'memory';
  /** Kernels (forward, and backward for gradient cases) the case needs; missing ones make it a reported skip. */
  kernels: string[];
  /** Runs inside a scope; returned tensors are read and then disposed by the runner. */
  run(): Tensor | Tensor[];
  /** Absolute + relative tolerance against the reference (default 1e-5). */
  tolerance?: number;
}

/** Deterministic inputs: values in [-1, 1) from a tiny LCG, same on every backend and platform. */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) / 8388608 - 1;
  }
  return out;
}
