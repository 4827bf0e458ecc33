import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Unpack } from '@tensorflow/tfjs-core';
import { wasmSliceKernel } from './slice.js';

/**
 * Unpack (`tf.unstack`) for the wasm backend, each output cut by {@link wasmSliceKernel}:
 * tfjs-backend-wasm 4.22's Unpack calls its own Slice function, which copies the whole input out
 * of the heap for every output, so unstacking n rows copied the input n times (quadratic: a
 * [5120, 784] tensor meant 5,120 copies of 16 MB). Each output now costs its own size.
 *
 * @example
 * ```ts
 * registerKernel(wasmUnpackConfig); // registerWasmKernels() does this
 * tf.unstack(x); // one row per output, each copied once
 * ```
 */
export const wasmUnpackKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { value } = inputs as unknown as { value: TensorInfo };
  const rank = value.shape.length;
  let { axis } = attrs as unknown as { axis: number };
  if (axis < 0) axis += rank;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const count = value.shape[axis] as number;
  const begin = new Array<number>(rank).fill(0);
  const size = [...value.shape];
  size[axis] = 1;
  const outs: TensorInfo[] = [];
  for (let i = 0; i < count; i++) {
    begin[axis] = i;
    const { dataId, dtype } = wasmSliceKernel({ inputs: { x: value }, backend, attrs: { begin: [...begin], size } }) as TensorInfo;
    outs.push({ dataId, dtype, shape: outShape });
  }
  return outs;
};

/**
 * The {@link wasmUnpackKernel} registration for the wasm backend (replaces tfjs-backend-wasm's Unpack).
 *
 * @example
 * ```ts
 * registerKernel(wasmUnpackConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmUnpackConfig: KernelConfig = { kernelName: Unpack, backendName: 'wasm', kernelFunc: wasmUnpackKernel };
