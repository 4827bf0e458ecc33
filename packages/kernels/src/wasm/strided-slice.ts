import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { getKernel, StridedSlice, slice_util } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import { type StridedSliceAttrs, stridedSliceInfo } from '../strided-slice-info.js';
import { wasmSliceKernel } from './slice.js';

let stockKernel: KernelFunc | undefined;
let stockSetup: KernelConfig['setupFunc'];

/**
 * StridedSlice for the wasm backend: tfjs-backend-wasm 4.22 cuts unit-stride boxes (`x[a:b]`,
 * `x[:, a:b]`...) with its own Slice function, which copies the whole input out of the heap
 * first; this kernel cuts them with {@link wasmSliceKernel} (only the box is copied). An identity
 * slice is a reshape, as before; slices with other strides run the stock kernel (C++, reads only
 * the elements it keeps). Same semantics and masks.
 *
 * @example
 * ```ts
 * registerKernel(wasmStridedSliceConfig()); // registerWasmKernels() does this
 * tf.stridedSlice(x, [256, 0], [384, 784]); // copies 128 rows, whatever the size of x
 * ```
 */
export const wasmStridedSliceKernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputs as unknown as { x: TensorInfo };
  const a = attrs as unknown as StridedSliceAttrs;
  const info = stridedSliceInfo(x.shape, a);
  if (info.isIdentity) {
    (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: info.finalShape, dtype: x.dtype };
  }
  if (info.sliceDim0 || info.isSimpleSlice) {
    // end before begin is an empty slice (the stock kernel passed the negative size on)
    const size = slice_util.computeOutShape(info.begin, info.end, info.strides).map((d) => Math.max(0, d));
    const { dataId, dtype } = wasmSliceKernel({ inputs: { x }, backend, attrs: { begin: info.begin, size } }) as TensorInfo;
    return { dataId, dtype, shape: info.finalShape };
  }
  if (!stockKernel) throw new TesseraError('BACKEND', 'StridedSlice on wasm: the stock kernel for strides other than 1 was not found');
  return stockKernel(args);
};

/**
 * The StridedSlice config for wasm (remembers the stock kernel it replaces, for strides other than
 * 1, and keeps its set-up). Call it after tfjs-backend-wasm is loaded and before unregistering the
 * stock kernel.
 *
 * @example
 * ```ts
 * const config = wasmStridedSliceConfig(); // reads the stock kernel first
 * unregisterKernel(StridedSlice, 'wasm');
 * registerKernel(config); // registerWasmKernels() does this (and unregisterTesseraKernels() undoes it)
 * ```
 */
export function wasmStridedSliceConfig(): KernelConfig {
  const current = getKernel(StridedSlice, 'wasm');
  if (current && current.kernelFunc !== wasmStridedSliceKernel) {
    stockKernel = current.kernelFunc as KernelFunc;
    stockSetup = current.setupFunc;
  }
  // The stock kernel binds its wasm function in setupFunc (run when the backend initializes): keep it.
  return { kernelName: StridedSlice, backendName: 'wasm', kernelFunc: wasmStridedSliceKernel, setupFunc: stockSetup };
}
