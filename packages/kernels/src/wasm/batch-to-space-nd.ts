import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BatchToSpaceND, backend_util, getKernel, Transpose } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import { wasmSliceKernel } from './slice.js';

/**
 * BatchToSpaceND for the wasm backend: the stock kernel's steps (reshape, transpose, crop), with
 * the crop cut by {@link wasmSliceKernel}. tfjs-backend-wasm 4.22 crops with its own Slice
 * function, which copies the whole transposed tensor out of the heap before copying the cropped
 * part again.
 *
 * @example
 * ```ts
 * registerKernel(wasmBatchToSpaceNDConfig); // registerWasmKernels() does this
 * tf.batchToSpaceND(x, [2, 2], [[0, 1], [1, 0]]);
 * ```
 */
export const wasmBatchToSpaceNDKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as unknown as { x: TensorInfo };
  const { blockShape, crops } = attrs as unknown as { blockShape: number[]; crops: number[][] };
  const transpose = getKernel(Transpose, 'wasm')?.kernelFunc;
  if (!transpose) throw new TesseraError('BACKEND', 'BatchToSpaceND on wasm: no Transpose kernel is registered for wasm');
  const prod = blockShape.reduce((a, b) => a * b);
  const reshaped = backend_util.getReshaped(x.shape, blockShape, prod);
  const permuted = backend_util.getPermuted(reshaped.length, blockShape.length);
  const reshapedPermuted = backend_util.getReshapedPermuted(x.shape, blockShape, prod);
  const begin = backend_util.getSliceBeginCoords(crops, blockShape.length);
  const size = backend_util.getSliceSize(reshapedPermuted, crops, blockShape.length);
  // A reshape only relabels the shape: the transpose reads x's data under the new shape.
  const moved = transpose({
    inputs: { x: { dataId: x.dataId, shape: reshaped, dtype: x.dtype } },
    backend,
    attrs: { perm: permuted },
  }) as TensorInfo;
  const result = wasmSliceKernel({
    inputs: { x: { dataId: moved.dataId, shape: reshapedPermuted, dtype: moved.dtype } },
    backend,
    attrs: { begin, size },
  }) as TensorInfo;
  (backend as unknown as { disposeData(dataId: object): void }).disposeData(moved.dataId);
  return result;
};

/**
 * The {@link wasmBatchToSpaceNDKernel} registration for the wasm backend (replaces tfjs-backend-wasm's BatchToSpaceND).
 *
 * @example
 * ```ts
 * registerKernel(wasmBatchToSpaceNDConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmBatchToSpaceNDConfig: KernelConfig = {
  kernelName: BatchToSpaceND,
  backendName: 'wasm',
  kernelFunc: wasmBatchToSpaceNDKernel,
};
