import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { BatchMatMul, matMul, transpose } from '@tensorflow/tfjs-core';
import { unbroadcast } from './unbroadcast.js';

/** Transposes the last two axes (materialized, so the following matMul takes the fast path). */
function t(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1] as number, perm[n - 2] as number];
  return transpose(x, perm);
}

/**
 * BatchMatMul gradient with every product untransposed: the transposes are materialized first.
 * tfjs' own gradient uses transposed products, 20–45× slower than plain ones on wasm; on other
 * backends they are not slow, so this gradient is registered for wasm only
 * (`registerWasmKernels()`; other backends keep tfjs' own).
 *
 * @example
 * ```ts
 * registerBackendGradient('wasm', batchMatMulGradConfig); // registerWasmKernels() does this
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
