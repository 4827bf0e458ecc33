import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { GatherV2, util } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import type { HeapBackend } from '../backend-io.js';
import { gatherInfo, gatherRows } from '../gather-rows.js';

/**
 * GatherV2 for the wasm backend, one contiguous copy per gathered slice: tfjs-backend-wasm 4.22's
 * Gather copies element by element in C++ (~2.7 ms for 128 rows of 784 floats, as much as a
 * training step of a small MLP); this kernel copies each gathered row with one `set` on views of
 * the wasm heap (float32, int32, bool). Same semantics as the stock kernel: `axis`, `batchDims`,
 * and an error naming the index when one is out of range.
 *
 * @example
 * ```ts
 * registerKernel(wasmGatherV2Config); // registerWasmKernels() does this
 * tf.gather(x, tf.tensor1d([5, 2, 9], 'int32')); // rows 5, 2 and 9 of x
 * ```
 */
export const wasmGatherV2Kernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, indices } = inputs as unknown as { x: TensorInfo; indices: TensorInfo };
  const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
  const b = backend as HeapBackend;
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') {
    throw new TesseraError('UNSUPPORTED', `GatherV2 on wasm: dtype '${x.dtype}' is not supported (float32, int32, bool are)`);
  }
  const indexCount = util.sizeFromShape(indices.shape);
  // A copy of the indices (index-sized): allocating the output may grow, and so replace, the heap.
  const idx =
    indexCount === 0 ? new Int32Array(0) : indices.dtype === 'int32' ? b.typedArrayFromHeap(indices).slice() : b.readSync(indices.dataId);
  const info = gatherInfo(x, indices, axis, batchDims, idx);
  const out = b.makeOutput(info.outputShape, x.dtype);
  if (util.sizeFromShape(info.outputShape) === 0) return out;
  // Views made after makeOutput, for the same reason.
  gatherRows(b.typedArrayFromHeap(x), b.typedArrayFromHeap(out), idx, info);
  return out;
};

/**
 * The {@link wasmGatherV2Kernel} registration for the wasm backend (replaces tfjs-backend-wasm's GatherV2).
 *
 * @example
 * ```ts
 * registerKernel(wasmGatherV2Config); // registerWasmKernels() does this
 * ```
 */
export const wasmGatherV2Config: KernelConfig = { kernelName: GatherV2, backendName: 'wasm', kernelFunc: wasmGatherV2Kernel };
