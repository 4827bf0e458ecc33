import { getKernel } from '@tensorflow/tfjs-core';
import type { Tensor } from '@tessera/tensor';
import { getBackend, memory, tidy } from '@tessera/tensor';
import type { ConformanceCase } from './case.js';

/** Values a case produced: one flat array (and shape) per output tensor. */
export interface CaseOutput {
  shapes: number[][];
  values: number[][];
}

/** Kernels a case needs that the active backend lacks. */
export function missingKernels(c: ConformanceCase, backend: string = getBackend()): string[] {
  return c.kernels.filter((k) => getKernel(k, backend) == null);
}

/**
 * Runs one case on the active backend: returns its outputs, and checks that it left no tensor behind.
 */
export async function runCase(c: ConformanceCase): Promise<CaseOutput> {
  const before = memory().numTensors;
  const result = tidy(() => c.run());
  const list: Tensor[] = Array.isArray(result) ? result : [result];
  const values: number[][] = [];
  for (const t of list) values.push(Array.from(await t.data(), Number));
  const shapes = list.map((t) => [...t.shape]);
  for (const t of list) t.dispose();
  const after = memory().numTensors;
  if (after !== before) {
    throw new Error(`${c.name} on ${getBackend()}: leaked tensors, expected ${before} live tensors after the case, received ${after}`);
  }
  return { shapes, values };
}

/**
 * Compares outputs with a reference: same shapes, and |a - b| <= tol * (1 + |b|) everywhere.
 * Returns a description of the first mismatch, or null when they agree.
 */
export function compareOutputs(got: CaseOutput, ref: CaseOutput, tol = 1e-5): string | null {
  if (got.values.length !== ref.values.length) return `expected ${ref.values.length} outputs, received ${got.values.length}`;
  for (let o = 0; o < ref.values.length; o++) {
    const gs = JSON.stringify(got.shapes[o]);
    const rs = JSON.stringify(ref.shapes[o]);
    if (gs !== rs) return `output ${o}: expected shape ${rs}, received ${gs}`;
    const g = got.values[o] as number[];
    const r = ref.values[o] as number[];
    for (let i = 0; i < r.length; i++) {
      const a = g[i] as number;
      const b = r[i] as number;
      if (!(Math.abs(a - b) <= tol * (1 + Math.abs(b)))) {
        return `output ${o} element ${i}: expected ${b} (reference), received ${a} (difference ${Math.abs(a - b)} > ${tol})`;
      }
    }
  }
  return null;
}
