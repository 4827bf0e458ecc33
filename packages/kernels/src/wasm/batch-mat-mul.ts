import type { KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { BatchMatMul, getKernel, matMul, reshape, stack, tidy, transpose, unstack } from '@tensorflow/tfjs-core';
import { kernelInputView } from '../kernel-input-view.js';

function swapLast(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1] as number, perm[n - 2] as number];
  return transpose(x, perm);
}

let stockKernel: KernelFunc | undefined;
let stockSetup: KernelConfig['setupFunc'];

/**
 * BatchMatMul for wasm that only ever runs the fast path of tfjs-backend-wasm (a plain 2-D
 * product): transposed operands are materialized first, and equal-batch products run one 2-D
 * product per batch entry. Broadcast batches fall back to the stock kernel.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it (through wasmBatchMatMulConfig())
 * const y = matMul(a, b, false, true); // a [8, m, k], b [8, n, k]: one transpose, then 8 plain 2-D products
 * ```
 */
export const wasmBatchMatMulKernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const batchA = a.shape.slice(0, -2).reduce((p, c) => p * c, 1);
  const batchB = b.shape.slice(0, -2).reduce((p, c) => p * c, 1);
  const plain2d = !transposeA && !transposeB && batchA === 1 && batchB === 1;
  const sameBatch = a.shape.length === b.shape.length && a.shape.slice(0, -2).every((d, i) => d === b.shape[i]);
  if (plain2d || !sameBatch || a.dtype !== 'float32' || b.dtype !== 'float32') return (stockKernel as KernelFunc)(args);
  const at = kernelInputView(a, backend);
  const bt = kernelInputView(b, backend);
  const result = tidy(() => {
    const a2 = transposeA ? swapLast(at) : at;
    const b2 = transposeB ? swapLast(bt) : bt;
    const [m, k] = a2.shape.slice(-2) as [number, number];
    const n = b2.shape[b2.rank - 1] as number;
    if (batchA === 1) return reshape(matMul(reshape(a2, [m, k]), reshape(b2, [k, n])), [...a.shape.slice(0, -2), m, n]);
    const as = unstack(reshape(a2, [batchA, m, k]));
    const bs = unstack(reshape(b2, [batchA, k, n]));
    return reshape(stack(as.map((x, i) => matMul(x, bs[i] as Tensor))), [...a.shape.slice(0, -2), m, n]);
  });
  at.dispose();
  bt.dispose();
  return result;
};

/**
 * The BatchMatMul config for wasm (remembers the stock kernel it replaces, for the fast 2-D path).
 * Call it after the wasm backend is registered and before unregistering the stock kernel.
 *
 * @example
 * ```ts
 * await useBackend(wasm({ kernels: false }));
 * const config = wasmBatchMatMulConfig(); // reads the stock kernel first
 * unregisterKernel(BatchMatMul, 'wasm');
 * registerKernel(config); // registerWasmKernels() does this (and unregisterTesseraKernels() undoes it)
 * ```
 */
export function wasmBatchMatMulConfig(): KernelConfig {
  const current = getKernel(BatchMatMul, 'wasm');
  if (current && current.kernelFunc !== wasmBatchMatMulKernel) {
    stockKernel = current.kernelFunc as KernelFunc;
    stockSetup = current.setupFunc;
  }
  // The stock kernel binds its wasm function in setupFunc (run when the backend initializes): keep it.
  return { kernelName: BatchMatMul, backendName: 'wasm', kernelFunc: wasmBatchMatMulKernel, setupFunc: stockSetup };
}
