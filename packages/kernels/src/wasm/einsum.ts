import type { KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, Einsum, mul, reshape, sum, tidy, transpose } from '@tensorflow/tfjs-core';
import { kernelInputView } from '../kernel-input-view.js';

/**
 * Einsum from ops (tfjs-backend-wasm has no Einsum kernel, forward included): every operand is
 * transposed into the equation's dimension order and reshaped with size-1 axes for the
 * dimensions it lacks, the operands are multiplied with broadcasting, and the summed dimensions
 * are reduced. Output dimensions come first in that order, so the result needs no transpose.
 * Runs on any backend; registered for wasm.
 *
 * @example
 * ```ts
 * registerKernel({ kernelName: 'Einsum', backendName: 'wasm', kernelFunc: einsumKernel }); // wasm() does this
 * einsum('bhqd,bhkd->bhqk', q, k); // attention scores on wasm
 * ```
 */
export const einsumKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const operands = inputs as unknown as TensorInfo[];
  const { equation } = attrs as unknown as { equation: string };
  const { allDims, summedDims, idDims } = backend_util.decodeEinsumEquation(equation, operands.length);
  backend_util.checkEinsumDimSizes(allDims.length, idDims, operands as unknown as Tensor[]);
  const views = operands.map((info) => kernelInputView(info, backend));
  const result = tidy(() => {
    let product: Tensor | undefined;
    views.forEach((t, k) => {
      const ids = idDims[k] as number[];
      const axes = ids.map((_, axis) => axis).sort((p, q) => (ids[p] as number) - (ids[q] as number));
      const ordered = axes.every((a, i) => a === i) ? t : transpose(t, axes);
      const shape = allDims.map((_, d) => {
        const axis = ids.indexOf(d);
        return axis >= 0 ? (t.shape[axis] as number) : 1;
      });
      const x = reshape(ordered, shape);
      product = product ? mul(product, x) : x;
    });
    const p = product as Tensor;
    return summedDims.length ? sum(p, summedDims) : p.clone();
  });
  for (const v of views) v.dispose();
  return result;
};

/**
 * Kernel config of {@link einsumKernel} for the wasm backend.
 *
 * @example
 * ```ts
 * registerKernel(wasmEinsumConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmEinsumConfig: KernelConfig = { kernelName: Einsum, backendName: 'wasm', kernelFunc: einsumKernel };
