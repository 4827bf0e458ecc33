import {
  einsumGradConfig,
  eluGradConfig,
  leakyReluGradConfig,
  maximumGradConfig,
  registerCoreGradients,
  stridedSliceGradConfig,
  unbroadcast,
} from '@tessera/core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tessera/tensor';
import { BatchMatMul, matMul, registerGradient, transpose } from '@tessera/tensor';

/** Transposes the last two axes (materialized, so the following matMul takes the fast path). */
function t(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1] as number, perm[n - 2] as number];
  return transpose(x, perm);
}

/**
 * BatchMatMul gradient with every product untransposed: the transposes are materialized first.
 * tfjs' own gradient uses transposed products, 20–45× slower than plain ones on wasm.
 *
 * @example
 * ```ts
 * registerGradient(batchMatMulGradConfig); // registerGradientFixes() does this
 * ```
 */
export const batchMatMulGradConfig: GradConfig = {
  kernelName: BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const g = dy as Tensor;
    const [a, b] = saved as [Tensor, Tensor];
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    let da: () => Tensor;
    let db: () => Tensor;
    if (!transposeA && !transposeB) {
      da = () => matMul(g, t(b));
      db = () => matMul(t(a), g);
    } else if (!transposeA && transposeB) {
      da = () => matMul(g, b);
      db = () => matMul(t(g), a);
    } else if (transposeA && !transposeB) {
      da = () => matMul(b, t(g));
      db = () => matMul(a, g);
    } else {
      da = () => matMul(t(b), t(g));
      db = () => matMul(t(g), t(a));
    }
    return { a: () => unbroadcast(da(), a.shape), b: () => unbroadcast(db(), b.shape) };
  },
};

/**
 * Every gradient Tessera replaces: the wasm-oriented BatchMatMul gradient (this package) and the
 * second-order-safe LeakyRelu, Elu and Maximum gradients (from `@tessera/core`).
 *
 * @example
 * ```ts
 * gradientConfigs.map((c) => c.kernelName); // ['BatchMatMul', 'LeakyRelu', 'Elu', 'Maximum']
 * ```
 */
export const gradientConfigs: GradConfig[] = [batchMatMulGradConfig, leakyReluGradConfig, eluGradConfig, maximumGradConfig];

/**
 * Gradients tfjs-core lacks, which Tessera adds: Einsum and StridedSlice (from `@tessera/core`,
 * registered by every `useBackend`).
 *
 * @example
 * ```ts
 * addedGradientConfigs.map((c) => c.kernelName); // ['Einsum', 'StridedSlice']
 * ```
 */
export const addedGradientConfigs: GradConfig[] = [einsumGradConfig, stridedSliceGradConfig];

/**
 * Registers Tessera's gradients (global, all backends): a BatchMatMul gradient that avoids
 * transposed products, plus what `useBackend` registers on every backend anyway (tfjs-core's
 * gradients; Einsum and StridedSlice gradients; second-order-safe LeakyRelu, Elu and Maximum).
 * Idempotent; the wasm plugin calls it.
 *
 * @example
 * ```ts
 * registerGradientFixes();
 * const gg = grad((x) => grad((y) => sum(leakyRelu(y, 0.2)))(x))(x); // grad of grad works
 * ```
 */
export function registerGradientFixes(): void {
  registerCoreGradients();
  for (const c of [...gradientConfigs, ...addedGradientConfigs]) registerGradient(c);
}
