import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, SplitV, util } from '@tensorflow/tfjs-core';
import { wasmSliceKernel } from './slice.js';

/**
 * SplitV for the wasm backend, each part cut by {@link wasmSliceKernel}: tfjs-backend-wasm 4.22's
 * SplitV calls its own Slice function (not the registered kernel), which copies the whole input
 * out of the heap for every part, so splitting into k parts copied the input k times. Each part
 * now costs its own size. Same semantics (`numOrSizeSplits` as a count or sizes with one -1, `axis`).
 *
 * @example
 * ```ts
 * registerKernel(wasmSplitVConfig); // registerWasmKernels() does this
 * tf.split(x, [100, -1]); // copies 100 rows, then the rest, once each
 * ```
 */
export const wasmSplitVKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as unknown as { x: TensorInfo };
  const { numOrSizeSplits, axis } = attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
  const $axis = util.parseAxisParam(axis, x.shape)[0] as number;
  const sizes = backend_util.prepareSplitSize(x as never, numOrSizeSplits, $axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[$axis] = s;
    const part = wasmSliceKernel({ inputs: { x }, backend, attrs: { begin: [...begin], size } }) as TensorInfo;
    begin[$axis] = (begin[$axis] as number) + s;
    return part;
  });
};

/**
 * The {@link wasmSplitVKernel} registration for the wasm backend (replaces tfjs-backend-wasm's SplitV).
 *
 * @example
 * ```ts
 * registerKernel(wasmSplitVConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmSplitVConfig: KernelConfig = { kernelName: SplitV, backendName: 'wasm', kernelFunc: wasmSplitVKernel };
