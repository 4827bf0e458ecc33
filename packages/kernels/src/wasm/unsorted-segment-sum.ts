import type { KernelConfig, KernelFunc, TensorInfo } from '@tessera/tensor';
import { UnsortedSegmentSum } from '@tessera/tensor';
import { read, wasmOutput } from '../backend-io.js';

/**
 * UnsortedSegmentSum (the gradient of gather, so Embedding weights can train): sums rows of
 * `x` into `numSegments` rows by `segmentIds`; ids outside [0, numSegments) are dropped, as in TF.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it (tfjs-backend-wasm has none)
 * unsortedSegmentSum(tensor2d([[1, 2], [3, 4], [5, 6]]), tensor1d([0, 1, 0], 'int32'), 2); // [[6, 8], [3, 4]]
 * ```
 */
export const unsortedSegmentSumKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  const ids = read(backend, segmentIds);
  const values = read(backend, x);
  const rows = ids.length;
  const width = rows === 0 ? 0 : values.length / rows;
  const inner = x.shape.slice(segmentIds.shape.length);
  const { info, values: out } = wasmOutput(backend, [numSegments, ...inner]);
  for (let r = 0; r < rows; r++) {
    const s = ids[r] as number;
    if (s < 0 || s >= numSegments) continue;
    const o = s * width;
    const i = r * width;
    for (let k = 0; k < width; k++) out[o + k] = (out[o + k] as number) + (values[i + k] as number);
  }
  return info;
};

/**
 * Kernel config of {@link unsortedSegmentSumKernel} for the wasm backend (float32 data).
 *
 * @example
 * ```ts
 * registerKernel(wasmUnsortedSegmentSumConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmUnsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumKernel,
};
