import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { UnsortedSegmentSum } from '@tensorflow/tfjs-core';
import type { HeapBackend } from '../backend-io.js';

/** Adds row r of `values` (width wide) into row ids[r] of `out` for every id in [0, segments). */
function addRows(
  out: Float32Array | Int32Array,
  values: Float32Array | Int32Array,
  ids: Int32Array,
  width: number,
  segments: number,
): void {
  for (let r = 0; r < ids.length; r++) {
    const s = ids[r] as number;
    if (s < 0 || s >= segments) continue;
    const o = s * width;
    const i = r * width;
    for (let k = 0; k < width; k++) out[o + k] = (out[o + k] as number) + (values[i + k] as number);
  }
}

/**
 * UnsortedSegmentSum for the wasm backend, which has none (the gradient of gather, so Embedding
 * weights can train): one pass that adds each row of `x` into its segment's row, reading the
 * inputs and writing the output in place on the wasm heap (no copies out and back); ids outside
 * [0, numSegments) are dropped, as in TF. The same sums, in the same order, as the one-pass
 * `unsortedSegmentSumKernel` that `cpu()` registers.
 *
 * @example
 * ```ts
 * registerKernel(wasmUnsortedSegmentSumConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmUnsortedSegmentSumKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  const heap = backend as HeapBackend;
  const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const rows = segmentIds.shape.reduce((p, d) => p * d, 1);
  const width = shape.slice(1).reduce((p, d) => p * d, 1);
  const info = heap.makeOutput(shape, x.dtype);
  // views after the allocation (it can grow the memory, which detaches earlier views)
  const out = heap.typedArrayFromHeap(info) as Float32Array | Int32Array;
  out.fill(0);
  if (rows > 0 && width > 0) {
    const ids = heap.typedArrayFromHeap(segmentIds) as Int32Array;
    const values = heap.typedArrayFromHeap(x) as Float32Array | Int32Array;
    addRows(out, values, ids, width, numSegments);
  }
  return info;
};

/**
 * Kernel config of {@link wasmUnsortedSegmentSumKernel}.
 *
 * @example
 * ```ts
 * registerKernel(wasmUnsortedSegmentSumConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmUnsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: wasmUnsortedSegmentSumKernel,
};
