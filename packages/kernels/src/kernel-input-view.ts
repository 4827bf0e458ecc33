import type { Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { engine } from '@tensorflow/tfjs-core';

/**
 * A Tensor view of a kernel input, for kernels built from ops: shares the input's data and holds
 * one more reference to it, so disposing the view leaves the input alive.
 *
 * @example
 * ```ts
 * const kernelFunc: KernelFunc = ({ inputs, backend }) => {
 *   const x = kernelInputView((inputs as { x: TensorInfo }).x, backend);
 *   const y = tidy(() => relu(x));
 *   x.dispose();
 *   return y;
 * };
 * ```
 */
export function kernelInputView(info: TensorInfo, backend: unknown): Tensor {
  (backend as { incRef(dataId: object): void }).incRef(info.dataId);
  return engine().makeTensorFromTensorInfo(info);
}
