import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { StridedSlice, slice_util } from '@tensorflow/tfjs-core';
import { type StridedSliceAttrs, stridedSliceInfo } from '../strided-slice-info.js';
import { wasmSliceKernel } from './slice.js';
import { wasmStock } from './stock-kernel.js';

const stock = /* @__PURE__ */ wasmStock(StridedSlice);

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
  return stock.run(args);
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
  return stock.config(wasmStridedSliceKernel);
}
