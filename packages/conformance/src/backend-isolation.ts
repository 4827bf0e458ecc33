// Test helpers: what a backend runs, to check that activating one backend plugin leaves every
// other backend's kernels and gradients as they were.

import { getKernelsForBackend } from '@tensorflow/tfjs-core';
import { knownKernelNames, tfjsGradientConfigs } from '@tessera/core';
import { gradientFixes, gradientOn } from '@tessera/kernels';
import type { Tensor } from '@tessera/tensor';
import { grads, matMul, profile, sum, tensor2d } from '@tessera/tensor';

/** The kernel functions registered for a backend and the gradient function each kernel gets there. */
export interface BackendSnapshot {
  kernels: Map<string, unknown>;
  gradients: Map<string, unknown>;
}

/** What `backendName` runs now: its kernels, and for every kernel name the gradient that applies there. */
export function snapshot(backendName: string): BackendSnapshot {
  const kernels = new Map<string, unknown>(getKernelsForBackend(backendName).map((k) => [k.kernelName, k.kernelFunc]));
  const names = new Set([
    ...knownKernelNames(),
    ...tfjsGradientConfigs.map((c) => c.kernelName),
    ...gradientFixes.map((f) => f.config.kernelName),
  ]);
  const gradients = new Map<string, unknown>([...names].map((k) => [k, gradientOn(k, backendName)?.gradFunc]));
  return { kernels, gradients };
}

/** The entries that differ between two snapshots, as `kernel X` / `gradient X` (empty when equal). */
export function differences(a: BackendSnapshot, b: BackendSnapshot): string[] {
  const diff = (what: string, x: Map<string, unknown>, y: Map<string, unknown>) =>
    [...new Set([...x.keys(), ...y.keys()])].filter((k) => x.get(k) !== y.get(k)).map((k) => `${what} ${k}`);
  return [...diff('kernel', a.kernels, b.kernels), ...diff('gradient', a.gradients, b.gradients)].sort();
}

/**
 * Runs the gradient of sum(a·b) for a [4, 6] by [6, 3] matMul on the active backend; returns the
 * kernels it ran and the gradient values. tfjs' own BatchMatMul gradient uses transposed products
 * (no Transpose kernel); Tessera's wasm one materializes the transposes first.
 */
export async function matMulGradient(): Promise<{ kernels: string[]; values: number[][] }> {
  const a = tensor2d(
    Array.from({ length: 24 }, (_, i) => (i % 7) - 3),
    [4, 6],
  );
  const b = tensor2d(
    Array.from({ length: 18 }, (_, i) => (i % 5) - 2),
    [6, 3],
  );
  const info = await profile(() => grads((x: Tensor, y: Tensor) => sum(matMul(x, y)))([a, b]));
  const result = info.result as Tensor[];
  const values = await Promise.all(result.map(async (t) => Array.from(await t.data())));
  for (const t of [a, b, ...result]) t.dispose();
  return { kernels: info.kernelNames, values };
}
